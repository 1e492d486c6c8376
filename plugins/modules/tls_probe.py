#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: tls_probe
short_description: Offer TLS parameters to a server with openssl s_client and report what it accepts
description:
  - Runs C(openssl s_client) once per offer against O(host):O(port). Each offer can restrict the
    protocol version, the TLS 1.2 cipher list, the TLS 1.3 ciphersuites, the key exchange groups
    and the signature algorithms, and can present a client certificate.
  - Reports for each offer whether the server accepted it and what was negotiated (protocol,
    cipher, key exchange group and size, the server's signing digest and type, certificate
    summary, verification result), with a short evidence excerpt that never contains session
    secrets.
  - An offer the server refuses (handshake alert) has RV(results[].outcome=refused); a server that
    cannot be reached or output that ends before the handshake result gives C(error), never C(accepted).
  - Read-only for the target; runs on the host the task is delegated to (an auditor).
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
options:
  host:
    description: Server name or address.
    type: str
    required: true
  port:
    description: TCP port.
    type: int
    default: 5061
  servername:
    description: SNI name to send; none when omitted.
    type: str
  cafile:
    description:
      - CA file to verify the server certificate with.
      - Affects RV(results[].verify_return_code) only.
    type: path
  client_cert:
    description:
      - Client certificate (PEM) presented in every offer that names none of its own, sweep
        included; for servers that require mutual authentication.
    type: path
  client_key:
    description: Private key of O(client_cert).
    type: path
  sweep:
    description:
      - Also offer every candidate alone and report the accepted sets in RV(sweep) - every
        protocol version; every TLS 1.2 cipher the local OpenSSL knows that a certificate-based
        server can negotiate (at security level 0, so weak ones are really offered); every TLS 1.3
        ciphersuite; every common group and signature algorithm, each under TLS 1.2 and TLS 1.3.
    type: bool
    default: false
  offers:
    description: What to offer, one handshake each.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Label of the offer in the results.
        type: str
        required: true
      version:
        description: Only this protocol version; any the client supports when omitted.
        type: str
        choices: [TLSv1, TLSv1.1, TLSv1.2, TLSv1.3]
      cipher:
        description: TLS 1.2 and older cipher list (C(-cipher)).
        type: str
      ciphersuites:
        description: TLS 1.3 ciphersuites (C(-ciphersuites)).
        type: str
      groups:
        description: Key exchange groups, colon separated (C(-groups)).
        type: str
      sigalgs:
        description: Signature algorithms, colon separated (C(-sigalgs)).
        type: str
      client_cert:
        description: Client certificate (PEM) to present.
        type: path
      client_key:
        description: Key of O(offers[].client_cert).
        type: path
  timeout:
    description: Seconds one handshake may take before it counts as an error.
    type: int
    default: 10
  settle:
    description:
      - Seconds to wait after a TLS 1.3 handshake for the server's verdict on the client -
        a session ticket (accepted) or an alert (refused, for instance a revoked or missing client
        certificate). An offer is only counted as accepted when that wait is over.
    type: float
    default: 2
  workers:
    description:
      - How many handshakes run at the same time. Offers are independent, and the results are
        reported in the order of the offers whatever the order they finished in, so the outcome
        is the same as with V(1) (one after another), only sooner.
      - Bounded so that a single-threaded UA is not flooded; its TLS handshakes are served in
        turn anyway, so more workers mostly hide the network and process start-up time.
    type: int
    default: 8
  openssl_path:
    description: The openssl binary.
    type: str
    default: openssl
seealso:
  - module: voipsec.baresip.sip_plaintext_probe
"""

EXAMPLES = r"""
- name: The seed's offer and a TLS 1.3 offer, from the auditor
  voipsec.baresip.tls_probe:
    host: ua1.example.net
    port: 5061
    offers:
      - name: fips
        version: TLSv1.2
        cipher: ECDHE-ECDSA-AES256-GCM-SHA384
        groups: P-384
      - name: tls13
        version: TLSv1.3
  delegate_to: auditor
  register: probe

- name: The TLS 1.3 offer must be refused
  ansible.builtin.assert:
    that: probe.results[1].outcome == 'refused'
"""

RETURN = r"""
results:
  description: One entry per offer, in order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The offer's label.
      type: str
    offer:
      description: The offer as given.
      type: dict
    outcome:
      description: C(accepted), C(refused) or C(error).
      type: str
      sample: accepted
    accepted:
      description: Whether a handshake completed.
      type: bool
    protocol:
      description: Negotiated protocol.
      type: str
      sample: TLSv1.2
    cipher:
      description: Negotiated cipher.
      type: str
      sample: ECDHE-ECDSA-AES256-GCM-SHA384
    group:
      description: Key exchange group (P-xxx spelling for NIST curves).
      type: str
      sample: P-384
    temp_key:
      description: Server temp key type, group and bits.
      type: dict
    peer_signing_digest:
      description: Digest of the server's handshake signature.
      type: str
      sample: SHA384
    peer_signature_type:
      description: Type of the server's handshake signature.
      type: str
      sample: ECDSA
    server_public_key_bits:
      description: Size of the server's key.
      type: int
      sample: 384
    peer_certificate:
      description: >-
        The server's certificate as shown - subject, issuer, key algorithm and size, curve (OpenSSL
        3.5), signature algorithm, not_before and not_after (ISO 8601, UTC), the SHA-256
        fingerprint (sha256) and the PEM itself (pem).
      type: dict
    verify_return_code:
      description: OpenSSL verification result code (0 is ok).
      type: int
    verify_error:
      description: Verification error text.
      type: str
    alert:
      description: TLS alert seen.
      type: str
      sample: handshake failure
    error:
      description: Why the outcome is C(error).
      type: str
    evidence:
      description: Lines of the s_client output that carry the result.
      type: str
    command:
      description: The command that ran.
      type: list
      elements: str
accepted:
  description: Names of the accepted offers.
  returned: always
  type: list
  elements: str
errors:
  description: Names of the offers that could not be measured.
  returned: always
  type: list
  elements: str
sweep:
  description: With O(sweep=true), the items the server accepted when offered alone.
  returned: when O(sweep=true)
  type: dict
  contains:
    versions:
      description: Accepted protocol versions.
      type: list
      elements: str
    tls12_ciphers:
      description: Accepted TLS 1.2 ciphers.
      type: list
      elements: str
    tls13_ciphersuites:
      description: Accepted TLS 1.3 ciphersuites.
      type: list
      elements: str
    groups:
      description: Groups the server used when offered first.
      type: list
      elements: str
    signature_algorithms:
      description: Signature algorithms accepted alone.
      type: list
      elements: str
    errors:
      description: Sweep offers that could not be measured.
      type: list
      elements: str
"""

import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _pool, _s_client, _tls_sweep
from ansible_collections.voipsec.baresip.plugins.module_utils._stream import Child

_VERSION_FLAGS = {"TLSv1": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}


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
    if offer.get("version"):
        argv.append(_VERSION_FLAGS[offer["version"]])
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
    """
    proc = Child(argv)
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


def probe(module, offer):
    argv = build_command(module.params, offer)
    timed_out, text = run_s_client(argv, module.params["timeout"], module.params["settle"])
    facts = _s_client.parse(text)
    if timed_out and facts["outcome"] != "accepted":
        facts.update(outcome="error", accepted=False, error=f"timed out after {module.params['timeout']}s")
    facts.update(
        name=offer["name"],
        offer={k: v for k, v in offer.items() if v is not None},
        evidence=_s_client.evidence(text),
        command=argv,
    )
    return facts


def argument_spec():
    return dict(
        host=dict(type="str", required=True),
        port=dict(type="int", default=5061),
        servername=dict(type="str"),
        cafile=dict(type="path"),
        client_cert=dict(type="path"),
        client_key=dict(type="path", no_log=False),
        sweep=dict(type="bool", default=False),
        offers=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                name=dict(type="str", required=True),
                version=dict(type="str", choices=list(_VERSION_FLAGS)),
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


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if module.params["workers"] < 1:
        module.fail_json(msg=f"workers must be 1 or more, not {module.params['workers']}")
    if module.get_bin_path(module.params["openssl_path"]) is None:
        module.fail_json(msg=f"{module.params['openssl_path']} not found on the probing host")
    offers = list(module.params["offers"])
    sweep_offers = []
    if module.params["sweep"]:
        rc, out, err = module.run_command(
            [module.params["openssl_path"], "ciphers", "-v", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"]
        )
        if rc != 0:
            module.fail_json(msg=f"openssl ciphers failed: {err.strip()}")
        sweep_offers = _tls_sweep.sweep_offers(_tls_sweep.parse_cipher_list(out))
    if not offers and not sweep_offers:
        module.fail_json(msg="nothing to offer: give offers or sweep=true")
    results = _pool.run_ordered(
        lambda offer: probe(module, offer), offers + sweep_offers, module.params["workers"]
    )
    extra = {}
    if sweep_offers:
        extra["sweep"] = _tls_sweep.accepted_sets(sweep_offers, results[len(offers) :])
    module.exit_json(
        changed=False,
        results=results,
        accepted=[r["name"] for r in results if r["outcome"] == "accepted"],
        errors=[r["name"] for r in results if r["outcome"] == "error"],
        **extra,
    )


if __name__ == "__main__":
    main()
