# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""baresip ctrl_tcp: JSON commands and events framed as netstrings ``LEN:{json},``."""

from __future__ import annotations

import json
import re
import socket
import time

_ACTIVE = re.compile(r"active calls \((\d+)\)", re.IGNORECASE)


class NetstringError(ValueError):
    """The stream is not netstring framed."""


def encode(command, params=None, tag="voipsec"):
    body = {"command": command, "token": tag}
    if params is not None:
        body["params"] = params
    data = json.dumps(body).encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b","


def decode(buffer):
    """Complete netstrings off the front of ``buffer``: (list of JSON objects, rest)."""
    out = []
    while buffer:
        colon = buffer.find(b":")
        if colon < 0:
            if len(buffer) > 10 or not buffer.isdigit():
                raise NetstringError("no length prefix")
            break
        head = buffer[:colon]
        if not head.isdigit() or len(head) > 9:
            raise NetstringError(f"bad length prefix {head[:12]!r}")
        length = int(head)
        end = colon + 1 + length
        if len(buffer) < end + 1:
            break
        if buffer[end : end + 1] != b",":
            raise NetstringError("netstring not terminated by ','")
        try:
            out.append(json.loads(buffer[colon + 1 : end].decode("utf-8")))
        except ValueError as exc:
            raise NetstringError(f"payload is not JSON: {exc}") from exc
        buffer = buffer[end + 1 :]
    return out, buffer


def active_calls(text):
    """Calls in progress, from the text of ``listcalls`` ("--- Active calls (N) ---" per user agent
    in 4.x, "--- List of active calls (N): ---" in 1.x); None when the text has no such line."""
    counts = [int(n) for n in _ACTIVE.findall(text or "")]
    return sum(counts) if counts else None


def await_response(sock, token, timeout):
    """Read ctrl_tcp on ``sock`` until the response tagged ``token``: (ok, data, types of the events
    seen on the way)."""
    deadline = time.monotonic() + timeout
    buffer, seen = b"", []
    sock.settimeout(min(timeout, 0.2))
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            raise OSError("ctrl_tcp closed the connection")
        messages, buffer = decode(buffer + chunk)
        for m in messages:
            if isinstance(m, dict) and m.get("response") and m.get("token") == token:
                return bool(m.get("ok")), str(m.get("data") or ""), seen
            if isinstance(m, dict):
                seen.append(m.get("type") or "?")
    raise OSError(f"no response to {token} within {timeout} s")


def ask(address, port, command, timeout=3.0):
    """Send one command over ctrl_tcp; (ok, data) of its response. Events in between are skipped."""
    with socket.create_connection((address, port), timeout=timeout) as sock:
        sock.sendall(encode(command, tag=command))
        ok, data, _events = await_response(sock, command, timeout)
        return ok, data
