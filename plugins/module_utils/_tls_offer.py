# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS offers with ``openssl s_client``: the command for an offer, running it until the server's
word is in, and a set of offers (the sweep included) run through the bounded pool.

Shared by the ``tls_probe`` and ``audit_probe`` modules; ``params`` are the options of
``tls_probe`` (host, port, servername, cafile, client_cert, client_key, timeout, settle,
workers, openssl_path).
"""

from __future__ import annotations

import shutil
import time

from ansible_collections.voipsec.baresip.plugins.module_utils import _pool, _s_client, _tls_sweep
from ansible_collections.voipsec.baresip.plugins.module_utils._stream import Child

VERSION_FLAGS = {"TLSv1": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}


def build_command(params, offer):
    host = params["host"]
    target = f"[{host}]:{params['port']}" if ":" in host else f"{host}:{params['port']}"
    argv = [params["openssl_path"], "s_client", "-connect", target]
    if params.get("servername"):
        argv += ["-servername", params["servername"]]
    else:
        argv += ["-noservername"]
    if params.get("cafile"):
        argv += ["-CAfile", params["cafile"]]
        if params.get("crlfile"):
            argv += ["-CRL", params["crlfile"], "-crl_check"]
    if offer.get("version"):
        argv.append(VERSION_FLAGS[offer["version"]])
    for key, flag in (
        ("cipher", "-cipher"),
        ("ciphersuites", "-ciphersuites"),
        ("groups", "-groups"),
        ("sigalgs", "-sigalgs"),
    ):
        if offer.get(key):
            argv += [flag, offer[key]]
    source = offer if offer.get("client_cert") else params
    if source.get("client_cert"):
        argv += ["-cert", source["client_cert"]]
        argv += ["-key", source["client_key"]] if source.get("client_key") else []
    return argv


def run_s_client(argv, timeout, settle):
    """Run s_client until the handshake is settled (see _s_client.settled), then send "Q".

    In TLS 1.3 a server refuses a client certificate after the handshake; sending "Q" right
    away would end s_client before the refusal arrives and count it as accepted. ``settle``
    bounds the wait for the server's word after the handshake. Returns (timed_out, text).

    s_client writes to a pipe through stdio, which holds the session ticket's lines back until
    the process ends; run under ``stdbuf -oL`` (where the host has it) each line arrives when it
    is written, so an accepted TLS 1.3 handshake settles at its ticket instead of after ``settle``.
    """
    stdbuf = shutil.which("stdbuf")
    proc = Child([stdbuf, "-oL", *argv] if stdbuf else argv)
    deadline = time.monotonic() + timeout
    handshake_at = None
    while proc.running and time.monotonic() < deadline:
        text = proc.text
        if _s_client.settled(text):
            break
        if handshake_at is None and "Cipher is" in text:
            handshake_at = time.monotonic()
        if handshake_at is not None and time.monotonic() - handshake_at > settle:
            break
        time.sleep(0.01)
    timed_out = proc.running and time.monotonic() >= deadline
    proc.stop(3, last_input="Q\n")
    return timed_out, proc.text


def probe(params, offer):
    """One handshake with ``offer``: the parsed s_client facts, the offer, evidence and command."""
    argv = build_command(params, offer)
    timed_out, text = run_s_client(argv, params["timeout"], params["settle"])
    facts = _s_client.parse(text)
    if timed_out and facts["outcome"] != "accepted":
        facts.update(outcome="error", accepted=False, error=f"timed out after {params['timeout']}s")
    facts.update(
        name=offer["name"],
        offer={k: v for k, v in offer.items() if v is not None},
        evidence=_s_client.evidence(text),
        command=argv,
    )
    return facts


CIPHER_LIST_ARGV = ("ciphers", "-v", "ALL:COMPLEMENTOFALL:@SECLEVEL=0")


def cipher_list(run_command, openssl_path):
    """(``openssl ciphers -v`` output the sweep is made from, None) or (None, why it failed);
    ``run_command`` is ``AnsibleModule.run_command``."""
    rc, out, err = run_command([openssl_path, *CIPHER_LIST_ARGV])
    return (out, None) if rc == 0 else (None, f"openssl ciphers failed: {err.strip()}")


def run(params, offers, cipher_list=None):
    """Every offer, then (with ``cipher_list``, the ``openssl ciphers -v`` output of
    ``CIPHER_LIST_ARGV``) the sweep; the module's return values.

    The offers and the sweep's tasks (an offer alone, or a category found by elimination, whose
    handshakes follow one another) share the bounded pool."""
    tasks = [{"offer": offer} for offer in offers]
    if cipher_list:
        tasks += _tls_sweep.sweep_tasks(_tls_sweep.parse_cipher_list(cipher_list))

    def one(offer):
        return probe(params, offer)

    def task_results(task):
        return [one(task["offer"])] if "offer" in task else _tls_sweep.eliminate(one, task["chain"])

    done = _pool.run_ordered(task_results, tasks, params["workers"])
    results = [r for task in done for r in task]
    out = {
        "results": results,
        "accepted": [r["name"] for r in results if r["outcome"] == "accepted"],
        "errors": [r["name"] for r in results if r["outcome"] == "error"],
    }
    if cipher_list:
        out["sweep"] = _tls_sweep.accepted_sets([r for task in done[len(offers) :] for r in task])
        out["sweep"]["handshakes"] = len(results) - len(offers)
    return out


def option_spec():
    """Options of the probe besides the host (the single-probe module's and a part of ``audit_probe``)."""
    return dict(
        port=dict(type="int", default=5061),
        servername=dict(type="str"),
        cafile=dict(type="path"),
        crlfile=dict(type="path"),
        client_cert=dict(type="path"),
        client_key=dict(type="path", no_log=False),
        sweep=dict(type="bool", default=False),
        offers=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                name=dict(type="str", required=True),
                version=dict(type="str", choices=list(VERSION_FLAGS)),
                cipher=dict(type="str"),
                ciphersuites=dict(type="str"),
                groups=dict(type="str"),
                sigalgs=dict(type="str"),
                client_cert=dict(type="path"),
                client_key=dict(type="path", no_log=False),
            ),
        ),
        timeout=dict(type="int", default=10),
        settle=dict(type="float", default=2),
        workers=dict(type="int", default=8),
        openssl_path=dict(type="str", default="openssl"),
    )
