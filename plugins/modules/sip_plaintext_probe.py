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

import socket

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _sip


def _result(transport, port):
    return {
        "transport": transport,
        "port": port,
        "outcome": "silent",
        "answered": False,
        "connected": None,
        "status": None,
        "reason": None,
        "user_agent": None,
        "detail": None,
        "evidence": None,
    }


def _answer(result, data):
    try:
        msg = _sip.parse_message(data)
    except _sip.SipParseError as exc:
        result["detail"] = f"non-SIP bytes received: {exc}"
        return result
    if msg["kind"] != "response":
        result["detail"] = f"received a {msg['method']} request, not a response"
        return result
    ua = msg["headers"].get("server") or msg["headers"].get("user-agent") or [None]
    result.update(
        outcome="answered",
        answered=True,
        status=msg["status"],
        reason=msg["reason"],
        user_agent=ua[0],
        evidence=f"SIP/2.0 {msg['status']} {msg['reason']}",
        detail="SIP response received",
    )
    return result


def probe_udp(host, port, timeout):
    result = _result("udp", port)
    try:
        family, _type, _proto, _canonname, addr = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
    except OSError as exc:
        result.update(outcome="error", detail=f"cannot resolve {host}: {exc}")
        return result
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(addr)
            local_host, local_port = sock.getsockname()[:2]
            sock.send(_sip.options_request(host, port, "udp", local_host, local_port))
            data = sock.recv(65535)
        except ConnectionRefusedError:
            result["detail"] = "ICMP port unreachable (port closed)"
            return result
        except socket.timeout:
            result["detail"] = f"no answer within {timeout}s"
            return result
        except OSError as exc:
            result.update(outcome="error", detail=f"udp probe failed: {exc}")
            return result
    return _answer(result, data)


def probe_tcp(host, port, timeout):
    result = _result("tcp", port)
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        result.update(connected=False, detail="connection refused (port closed)")
        return result
    except socket.timeout:
        result.update(connected=False, detail=f"connection not accepted within {timeout}s (filtered)")
        return result
    except socket.gaierror as exc:
        result.update(outcome="error", detail=f"cannot resolve {host}: {exc}")
        return result
    except OSError as exc:
        result.update(connected=False, detail=f"connection failed: {exc}")
        return result
    with sock:
        result["connected"] = True
        local_host, local_port = sock.getsockname()[:2]
        try:
            sock.sendall(_sip.options_request(host, port, "tcp", local_host, local_port))
            data = sock.recv(65535)
        except socket.timeout:
            result["detail"] = f"connected, but no answer within {timeout}s"
            return result
        except OSError as exc:
            result["detail"] = f"connected, then {exc}"
            return result
    if not data:
        result["detail"] = "connected, then closed without an answer"
        return result
    return _answer(result, data)


def argument_spec():
    return dict(
        host=dict(type="str", required=True),
        port=dict(type="int", default=5060),
        transports=dict(type="list", elements="str", choices=["udp", "tcp"], default=["udp", "tcp"]),
        timeout=dict(type="float", default=3),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    probes = {"udp": probe_udp, "tcp": probe_tcp}
    results = [probes[t](p["host"], p["port"], p["timeout"]) for t in p["transports"]]
    module.exit_json(
        changed=False, results=results, answered=[r["transport"] for r in results if r["answered"]]
    )


if __name__ == "__main__":
    main()
