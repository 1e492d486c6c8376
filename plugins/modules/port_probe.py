#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: port_probe
short_description: Tell whether TCP ports of a host accept connections from here
description:
  - Tries one TCP connection per port and reports C(open), C(closed) (refused), C(filtered) (no
    answer within O(timeout)) or C(error) (the probe itself failed, for example the name does not
    resolve). Nothing is sent on an open connection.
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
options:
  host:
    description: Host name or address.
    type: str
    required: true
  ports:
    description: TCP ports.
    type: list
    elements: int
    required: true
  timeout:
    description: Seconds to wait for each connection.
    type: float
    default: 3
"""

EXAMPLES = r"""
- name: The control port must not be reachable from the auditor
  voipsec.baresip.port_probe:
    host: ua1.example.net
    ports: [4444]
  delegate_to: auditor
  register: ports
"""

RETURN = r"""
results:
  description: One entry per port.
  returned: always
  type: list
  elements: dict
  contains:
    port:
      description: The port.
      type: int
    state:
      description: C(open), C(closed), C(filtered) or C(error).
      type: str
    detail:
      description: What happened.
      type: str
open:
  description: Ports that accepted a connection.
  returned: always
  type: list
  elements: int
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _net_probe


def argument_spec():
    return dict(host=dict(type="str", required=True), **_net_probe.ports_spec())


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    module.exit_json(changed=False, **_net_probe.ports(p["host"], p["ports"], p["timeout"]))


if __name__ == "__main__":
    main()
