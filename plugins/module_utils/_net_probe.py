# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plain network probes: whether a TCP port accepts connections, and whether plaintext SIP
(an OPTIONS over UDP or TCP) gets an answer. Shared by ``port_probe``,
``sip_plaintext_probe`` and ``audit_probe``."""

from __future__ import annotations

import socket

from ansible_collections.voipsec.baresip.plugins.module_utils import _sip


def port_state(host, port, timeout):
    """open (accepted), closed (refused), filtered (no answer in time) or error; nothing is sent."""
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


PLAINTEXT_PROBES = {"udp": probe_udp, "tcp": probe_tcp}


def plaintext(host, port, transports, timeout):
    """The ``sip_plaintext_probe`` return values."""
    results = [PLAINTEXT_PROBES[t](host, port, timeout) for t in transports]
    return {"results": results, "answered": [r["transport"] for r in results if r["answered"]]}


def ports(host, port_list, timeout):
    """The ``port_probe`` return values."""
    results = [port_state(host, port, timeout) for port in port_list]
    return {"results": results, "open": [r["port"] for r in results if r["state"] == "open"]}


def plaintext_spec():
    """Options of the probe besides the host (the single-probe module's and a part of ``audit_probe``)."""
    return dict(
        port=dict(type="int", default=5060),
        transports=dict(type="list", elements="str", choices=["udp", "tcp"], default=["udp", "tcp"]),
        timeout=dict(type="float", default=3),
    )


def ports_spec():
    """Options of the probe besides the host (the single-probe module's and a part of ``audit_probe``)."""
    return dict(
        ports=dict(type="list", elements="int", required=True),
        timeout=dict(type="float", default=3),
    )
