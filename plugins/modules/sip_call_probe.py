#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: sip_call_probe
short_description: Call a SIP endpoint over TLS with an SDES offer and report how it answers
description:
  - For each offer, opens SIP over TLS to O(host):O(port), sends an C(INVITE) whose SDP offers
    the given media profile and C(a=crypto) suites (fresh random keys), and reads the answer.
  - An established call is acknowledged, held for O(hold) seconds while RTP arriving on the
    probe's media port is counted, and ended with C(BYE); a call still ringing at the deadline
    is cancelled; a rejection is acknowledged. Nothing is left behind on the endpoint.
  - Reports the final status, the answered media profile and crypto suite with the shape of the
    key parameter - never a key.
  - RV(results[].outcome) is C(established), C(rejected) or C(error) (no TLS, no answer, garbage).
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
options:
  host:
    description: Endpoint name or address.
    type: str
    required: true
  port:
    description: SIP over TLS port.
    type: int
    default: 5061
  to_user:
    description: User part of the Request-URI (the endpoint's account).
    type: str
    required: true
  offers:
    description: Calls to place, one after the other.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Label of the offer in the results.
        type: str
        required: true
      media_proto:
        description: Transport protocol of the C(m=audio) line.
        type: str
        default: RTP/SAVP
        choices: [RTP/SAVP, RTP/AVP]
      crypto_suites:
        description: One C(a=crypto) line per suite, in order; none for a plain offer.
        type: list
        elements: str
        default: []
  tls_ciphers:
    description:
      - OpenSSL cipher list (TLS 1.2 and older) of the probe's TLS client; empty leaves OpenSSL's
        default. TLS 1.3 suites are OpenSSL's defaults (Python's ssl module cannot restrict them).
    type: str
    default: ECDHE-ECDSA-AES256-GCM-SHA384
  client_cert:
    description: Client certificate (PEM) for endpoints that require one.
    type: path
  client_key:
    description: Key of O(client_cert).
    type: path
  cafile:
    description: Verify the endpoint's certificate against this CA file; not verified when omitted.
    type: path
  timeout:
    description: Seconds to wait for TLS and for the final answer to the INVITE.
    type: float
    default: 10
  hold:
    description: Longest time an established call is kept up to receive media before BYE.
    type: float
    default: 2
  media_packets:
    description:
      - The call ends (BYE) as soon as this many RTP packets arrived, before O(hold) is over;
        V(0) always waits for O(hold). 50 packets are one second of 20 ms audio frames.
    type: int
    default: 50
  authenticate_media:
    description:
      - Authenticate the media received during O(hold) as SRTP with the key the endpoint
        answered (RFC 3711, via pylibsrtp on the probing host), and check that a random key of
        the same length authenticates none of it. See RV(results[].srtp).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Call ua1 with the profile's suite, without crypto, and with a weak suite only
  voipsec.baresip.sip_call_probe:
    host: ua1.example.net
    to_user: ua1
    offers:
      - {name: sdes_80, crypto_suites: [AES_CM_128_HMAC_SHA1_80]}
      - {name: plain_rtp, media_proto: RTP/AVP}
      - {name: sdes_32_only, crypto_suites: [AES_CM_128_HMAC_SHA1_32]}
  delegate_to: auditor
  register: calls
"""

RETURN = r"""
results:
  description: One entry per offer.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The offer's label.
      type: str
    offer:
      description: Media profile and suites offered.
      type: dict
    outcome:
      description: C(established), C(rejected) or C(error).
      type: str
    status:
      description: Final SIP status of the INVITE.
      type: int
      sample: 200
    reason:
      description: Reason phrase.
      type: str
      sample: OK
    provisional:
      description: Provisional statuses seen.
      type: list
      elements: int
    answer:
      description: Answered media (profile, port, crypto facts without keys).
      type: dict
    answered_suite:
      description: Crypto suite the endpoint chose.
      type: str
      sample: AES_CM_128_HMAC_SHA1_80
    rtp_packets:
      description: RTP packets received while the call was up.
      type: int
    srtp:
      description: >-
        available (pylibsrtp present), suite, packets, authenticated (with the answered key),
        rejected, wrong_key_authenticated (with a random key; must be 0), error.
      type: dict
    cleanup:
      description: How the probe ended the call.
      type: str
      sample: "ACK, BYE 200"
    tls:
      description: Protocol and cipher of the SIP connection.
      type: dict
    setup_seconds:
      description: INVITE to final answer.
      type: float
    error:
      description: Why the outcome is C(error).
      type: str
    evidence:
      description: Start lines exchanged.
      type: str
established:
  description: Names of the offers that established a call.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _sip_call


def argument_spec():
    return dict(host=dict(type="str", required=True), **_sip_call.option_spec())


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    module.exit_json(changed=False, **_sip_call.run(module.params))


if __name__ == "__main__":
    main()
