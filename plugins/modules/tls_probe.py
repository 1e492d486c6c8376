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
  crlfile:
    description:
      - CRL (PEM) of the CA of O(cafile); the server certificate is then also checked against it
        (C(-crl_check)) - a revoked one gives RV(results[].verify_return_code) 23.
      - Needs O(cafile).
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
      - Also sweep every candidate and report the accepted sets in RV(sweep) - every protocol
        version; every TLS 1.2 cipher the local OpenSSL knows that a certificate-based server can
        negotiate (at security level 0, so weak ones are really offered); every TLS 1.3
        ciphersuite; every common group and signature algorithm, each under TLS 1.2 and TLS 1.3.
      - Versions and the TLS 1.2 groups are offered one at a time. Ciphers, TLS 1.3 suites, TLS 1.3
        groups and signature algorithms are found by elimination - every candidate not yet found
        is offered in one handshake, the one the server used is taken out and the rest offered
        again, until the server refuses all that remain. A handshake that errs, or that shows no
        remaining candidate was used, makes the sweep offer each remaining candidate alone.
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
      - How many handshakes run at the same time. Offers and the sweep's categories are
        independent (within a category found by elimination the handshakes follow one another),
        and the results are reported in the order of the offers whatever the order they finished
        in, so the outcome is the same as with V(1) (one after another), only sooner.
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
  description: With O(sweep=true), the items the server accepted.
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
      description: Signature algorithms the server signed with.
      type: list
      elements: str
    errors:
      description: Sweep offers of a candidate alone that could not be measured.
      type: list
      elements: str
    handshakes:
      description: How many handshakes the sweep took.
      type: int
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _tls_offer


def argument_spec():
    return dict(host=dict(type="str", required=True), **_tls_offer.option_spec())


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    if p["workers"] < 1:
        module.fail_json(msg=f"workers must be 1 or more, not {p['workers']}")
    if module.get_bin_path(p["openssl_path"]) is None:
        module.fail_json(msg=f"{p['openssl_path']} not found on the probing host")
    cipher_list = None
    if p["sweep"]:
        cipher_list, problem = _tls_offer.cipher_list(module.run_command, p["openssl_path"])
        if problem:
            module.fail_json(msg=problem)
    if not p["offers"] and not p["sweep"]:
        module.fail_json(msg="nothing to offer: give offers or sweep=true")
    module.exit_json(changed=False, **_tls_offer.run(p, p["offers"], cipher_list))


if __name__ == "__main__":
    main()
