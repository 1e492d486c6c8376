#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: sip_plaintext_probe
short_description: Send SIP OPTIONS in plaintext over UDP and TCP and report whether anything answers
description:
  - Sends one SIP C(OPTIONS) request per transport to O(host):O(port) without TLS and waits up to
    O(timeout) seconds for a SIP response.
  - A compliant endpoint gives no SIP answer. RV(results[].answered) is true only when a SIP
    response arrived.
  - RV(results[].outcome) is C(answered); C(silent) when no SIP answer came (port closed, filtered
    or mute); or C(error) when the probe itself failed (for example the name does not resolve).
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
    description: Port to probe.
    type: int
    default: 5060
  transports:
    description: Transports to try.
    type: list
    elements: str
    choices: [udp, tcp]
    default: [udp, tcp]
  timeout:
    description: Seconds to wait for an answer per transport.
    type: float
    default: 3
"""

EXAMPLES = r"""
- name: Plaintext SIP must stay unanswered
  voipsec.baresip.sip_plaintext_probe:
    host: ua1.example.net
  delegate_to: auditor
  register: plain
"""

RETURN = r"""
results:
  description: One entry per transport.
  returned: always
  type: list
  elements: dict
  contains:
    transport:
      description: udp or tcp.
      type: str
    port:
      description: Port probed.
      type: int
    outcome:
      description: C(answered), C(silent) or C(error).
      type: str
    answered:
      description: A SIP response arrived.
      type: bool
    connected:
      description: For TCP, whether the connection was accepted.
      type: bool
    status:
      description: SIP status code of the answer.
      type: int
      sample: 200
    reason:
      description: Reason phrase of the answer.
      type: str
    user_agent:
      description: Server or User-Agent header of the answer.
      type: str
    detail:
      description: What happened, in words.
      type: str
    evidence:
      description: First line of the answer, if any.
      type: str
answered:
  description: Transports that got a SIP answer.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _net_probe


def argument_spec():
    return dict(host=dict(type="str", required=True), **_net_probe.plaintext_spec())


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    module.exit_json(
        changed=False, **_net_probe.plaintext(p["host"], p["port"], p["transports"], p["timeout"])
    )


if __name__ == "__main__":
    main()
