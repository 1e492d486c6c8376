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

import socket

from ansible.module_utils.basic import AnsibleModule


def probe(host, port, timeout):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return {"port": port, "state": "open", "detail": "connection accepted"}
    except ConnectionRefusedError:
        return {"port": port, "state": "closed", "detail": "connection refused"}
    except socket.timeout:
        return {"port": port, "state": "filtered", "detail": f"no answer within {timeout}s"}
    except socket.gaierror as exc:
        return {"port": port, "state": "error", "detail": f"cannot resolve {host}: {exc}"}
    except OSError as exc:
        return {"port": port, "state": "error", "detail": str(exc)}


def argument_spec():
    return dict(
        host=dict(type="str", required=True),
        ports=dict(type="list", elements="int", required=True),
        timeout=dict(type="float", default=3),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    results = [probe(p["host"], port, p["timeout"]) for port in p["ports"]]
    module.exit_json(
        changed=False, results=results, open=[r["port"] for r in results if r["state"] == "open"]
    )


if __name__ == "__main__":
    main()
