# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The auditor's probes of one endpoint, or of many, run together (the ``audit_probe`` module).

Each part takes the options of its single-probe module (the same spec, so the same defaults
and checks) and returns what that module returns; the parts run at the same time because
none depends on another's outcome. Several endpoints are probed in one call, a bounded number
at a time, each exactly as it would be alone.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.voipsec.baresip.plugins.module_utils import _net_probe, _pool, _sip_call, _tls_offer


def client_auth_spec():
    """The TLS offers' options, and a foreign certificate: an offer made with a throwaway
    self-signed certificate on the given curve and digest, made on the auditor for this probe and
    deleted after it."""
    spec = _tls_offer.option_spec()
    offer_options = spec["offers"]["options"]
    spec["foreign"] = dict(
        type="dict",
        options=dict(
            offer=dict(type="dict", required=True, options=offer_options),
            curve=dict(type="str", required=True),
            digest=dict(type="str", required=True),
        ),
    )
    return spec


SPECS = {
    "tls": _tls_offer.option_spec,
    "plaintext": _net_probe.plaintext_spec,
    "control": _net_probe.ports_spec,
    "calls": _sip_call.option_spec,
    "client_auth": client_auth_spec,
}


def throwaway_certificate(directory, curve, digest, openssl="openssl"):
    """A self-signed certificate and its key (mode 0600) in ``directory``, valid for a day: a
    client certificate no fleet CA issued. Returns (certificate path, key path)."""
    cert, key = os.path.join(directory, "foreign.pem"), os.path.join(directory, "foreign.key")
    argv = [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", f"ec_paramgen_curve:{curve}", f"-{digest}"]
    argv += ["-nodes", "-days", "1", "-subj", "/CN=voipsec-audit-foreign", "-keyout", key, "-out", cert]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
    if proc.returncode != 0:
        raise RuntimeError(f"cannot make the throwaway certificate: {proc.stderr.strip()[-300:]}")
    os.chmod(key, 0o600)
    return cert, key


def client_auth(host, options):
    """The client-certificate offers; with ``foreign``, one more with a throwaway certificate
    (second in the results), removed with its directory whatever happens."""
    offers = list(options["offers"])
    with tempfile.TemporaryDirectory(prefix="voipsec-foreign-") as directory:
        foreign = options.get("foreign")
        if foreign:
            cert, key = throwaway_certificate(
                directory, foreign["curve"], foreign["digest"], options["openssl_path"]
            )
            offers.insert(1, dict(foreign["offer"], client_cert=cert, client_key=key))
        params = dict(options, host=host, client_cert=None, client_key=None)
        return _tls_offer.run(params, offers)


def validate(params):
    """({part: validated options} for the parts given, [problems])."""
    parts, problems = {}, []
    for name, spec in SPECS.items():
        if params.get(name) is None:
            continue
        result = ArgumentSpecValidator(spec()).validate(params[name])
        if result.error_messages:
            problems.extend(f"{name}: {msg}" for msg in result.error_messages)
            continue
        parts[name] = result.validated_parameters
    for name in ("tls", "client_auth"):
        if name in parts and parts[name]["workers"] < 1:
            problems.append(f"{name}: workers must be 1 or more, not {parts[name]['workers']}")
    if "tls" in parts and not parts["tls"]["offers"] and not parts["tls"]["sweep"]:
        problems.append("tls: nothing to offer: give offers or sweep=true")
    return parts, problems


def _runners(host, parts, cipher_list):
    return {
        "tls": lambda p: _tls_offer.run(dict(p, host=host), p["offers"], cipher_list if p["sweep"] else None),
        "plaintext": lambda p: _net_probe.plaintext(host, p["port"], p["transports"], p["timeout"]),
        "control": lambda p: _net_probe.ports(host, p["ports"], p["timeout"]),
        "calls": lambda p: _sip_call.run(dict(p, host=host)),
        "client_auth": lambda p: client_auth(host, p),
    }


def run(host, parts, cipher_list=None, runners=None):
    """Every part at once; {part: its result or None, "seconds": {part: wall time}}. A part that
    raises is ``{"failed": True, "msg": ...}`` and does not stop the others."""
    runners = runners or _runners(host, parts, cipher_list)
    names = [name for name in SPECS if name in parts]

    def one(name):
        started = time.monotonic()
        try:
            out = runners[name](parts[name])
        except Exception as exc:  # one broken part must not void the others' evidence
            out = {"failed": True, "msg": f"{name} probe broke: {type(exc).__name__}: {exc}"}
        return out, round(time.monotonic() - started, 3)

    done = dict(zip(names, _pool.run_ordered(one, names, max(1, len(names)))))
    result = {name: done[name][0] if name in done else None for name in SPECS}
    result["seconds"] = {name: done[name][1] for name in names}
    return result


def validate_many(endpoints):
    """([(name, host, parts, problems)] in the order given, [problems of the whole list]): each
    endpoint's result is keyed by its name, so a name given twice is refused."""
    names = [entry["name"] for entry in endpoints]
    twice = sorted({name for name in names if names.count(name) > 1})
    problems = [f"endpoint names given more than once: {', '.join(twice)}"] if twice else []
    return [(entry["name"], entry["host"], *validate(entry)) for entry in endpoints], problems


def run_many(endpoints, parallel, cipher_list=None, run_one=None):
    """{name: what ``run`` returns for that endpoint}, ``parallel`` endpoints at a time; an
    endpoint whose options are invalid is ``{"failed": True, "msg": ...}`` and the others are
    still probed. ``endpoints`` is the first value ``validate_many`` returns."""
    run_one = run_one or (lambda host, parts: run(host, parts, cipher_list))

    def one(entry):
        _name, host, parts, problems = entry
        if problems:
            return {"failed": True, "msg": "; ".join(problems)}
        return run_one(host, parts)

    results = _pool.run_ordered(one, endpoints, parallel)
    return {entry[0]: result for entry, result in zip(endpoints, results)}
