# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIP message building and parsing for the probes (RFC 3261 text form)."""

from __future__ import annotations

import re
import secrets

_STATUS = re.compile(r"^SIP/2\.0 (?P<code>[1-6]\d\d) ?(?P<reason>[^\r\n]*)$")
_REQUEST = re.compile(r"^(?P<method>[A-Z]+) (?P<uri>\S+) SIP/2\.0$")
_COMPACT = {
    "v": "via",
    "f": "from",
    "t": "to",
    "i": "call-id",
    "m": "contact",
    "l": "content-length",
    "c": "content-type",
    "k": "supported",
    "s": "subject",
    "e": "content-encoding",
}


class SipParseError(ValueError):
    """Text is not a SIP message."""


def new_token(n=8):
    return secrets.token_hex(n)


def options_request(target_host, target_port, transport, local_host, local_port, user="probe"):
    """An OPTIONS request as bytes."""
    branch = "z9hG4bK" + new_token()
    call_id = new_token(12)
    host = f"[{target_host}]" if ":" in target_host else target_host
    via_transport = transport.upper()
    lines = [
        f"OPTIONS sip:{host}:{target_port};transport={transport.lower()} SIP/2.0",
        f"Via: SIP/2.0/{via_transport} {local_host}:{local_port};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: <sip:{user}@{local_host}>;tag={new_token(4)}",
        f"To: <sip:{host}:{target_port}>",
        f"Call-ID: {call_id}@{local_host}",
        "CSeq: 1 OPTIONS",
        f"Contact: <sip:{user}@{local_host}:{local_port};transport={transport.lower()}>",
        "Accept: application/sdp",
        "User-Agent: voipsec-baresip-probe",
        "Content-Length: 0",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("ascii")


def parse_message(data):
    """Parse one SIP message (request or response).

    Returns ``{'kind': 'response'|'request', 'status', 'reason', 'method', 'uri',
    'headers': {lower-case name: [values]}, 'body'}``. Raises SipParseError on
    anything that is not SIP.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    if not isinstance(data, str) or not data.strip():
        raise SipParseError("empty message")
    head, sep, body = data.partition("\r\n\r\n")
    if not sep:
        head, sep, body = data.partition("\n\n")
    lines = head.replace("\r\n", "\n").split("\n")
    first = lines[0].strip()
    msg = {
        "kind": None,
        "status": None,
        "reason": None,
        "method": None,
        "uri": None,
        "headers": {},
        "body": body,
    }
    m = _STATUS.match(first)
    if m:
        msg.update(kind="response", status=int(m.group("code")), reason=m.group("reason").strip())
    else:
        m = _REQUEST.match(first)
        if not m:
            raise SipParseError(f"not a SIP start line: {first[:80]!r}")
        msg.update(kind="request", method=m.group("method"), uri=m.group("uri"))
    current = None
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and current:
            msg["headers"][current][-1] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            continue
        key = name.strip().lower()
        key = _COMPACT.get(key, key)
        msg["headers"].setdefault(key, []).append(value.strip())
        current = key
    length = msg["headers"].get("content-length")
    if length and length[0].isdigit():
        msg["body"] = body[: int(length[0])]
    return msg
