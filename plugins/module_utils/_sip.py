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


def split_stream(buffer):
    """Cut complete SIP messages off a stream buffer (bytes); returns (messages, rest).

    Keep-alive CRLFs between messages are dropped. A message whose
    Content-Length has not fully arrived stays in ``rest``.
    """
    messages = []
    while True:
        buffer = buffer.lstrip(b"\r\n")
        head_end = buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return messages, buffer
        head = buffer[:head_end].decode("utf-8", errors="replace")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _colon, value = line.partition(":")
            if name.strip().lower() in ("content-length", "l") and value.strip().isdigit():
                length = int(value.strip())
        total = head_end + 4 + length
        if len(buffer) < total:
            return messages, buffer
        messages.append(buffer[:total])
        buffer = buffer[total:]


class Dialog:
    """The caller side of one INVITE dialog, enough for probing.

    Builds INVITE, ACK (for 2xx and non-2xx), BYE and CANCEL with consistent
    Call-ID, tags, branches and CSeq numbers.
    """

    def __init__(
        self, target_host, target_port, to_user, local_host, local_port, transport="tls", user="probe"
    ):
        self.transport = transport.lower()
        host = f"[{target_host}]" if ":" in target_host else target_host
        self.request_uri = f"sip:{to_user}@{host}:{target_port};transport={self.transport}"
        self.to = f"<sip:{to_user}@{host}>"
        self.local = f"{local_host}:{local_port}"
        self.from_ = f"<sip:{user}@{local_host}>;tag={new_token(4)}"
        self.contact = f"<sip:{user}@{self.local};transport={self.transport}>"
        self.call_id = f"{new_token(12)}@{local_host}"
        self.cseq = 1
        self.invite_branch = None
        self.to_tag_header = None
        self.remote_target = None

    def _via(self, branch):
        return f"Via: SIP/2.0/{self.transport.upper()} {self.local};branch={branch};rport"

    def _request(self, method, uri, branch, cseq, to, body="", content_type=None, extra=()):
        lines = [
            f"{method} {uri} SIP/2.0",
            self._via(branch),
            "Max-Forwards: 70",
            f"From: {self.from_}",
            f"To: {to}",
            f"Call-ID: {self.call_id}",
            f"CSeq: {cseq} {method}",
            f"Contact: {self.contact}",
            "User-Agent: voipsec-baresip-probe",
            *extra,
        ]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        lines.append(f"Content-Length: {len(body.encode('utf-8'))}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")

    def invite(self, sdp):
        self.invite_branch = "z9hG4bK" + new_token()
        return self._request(
            "INVITE",
            self.request_uri,
            self.invite_branch,
            self.cseq,
            self.to,
            sdp,
            "application/sdp",
            extra=("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS",),
        )

    def learn(self, response):
        """Take the To tag and remote target from a response to the INVITE."""
        to = response["headers"].get("to", [None])[0]
        if to and ";tag=" in to:
            self.to_tag_header = to
        contact = response["headers"].get("contact", [None])[0]
        if contact:
            m = re.search(r"<([^>]+)>", contact)
            self.remote_target = m.group(1) if m else contact.split(";")[0].strip()

    def ack(self, response):
        """ACK: a new transaction for a 2xx, the INVITE's branch for a non-2xx."""
        to = self.to_tag_header or response["headers"].get("to", [self.to])[0]
        if 200 <= response["status"] < 300:
            uri = self.remote_target or self.request_uri
            return self._request("ACK", uri, "z9hG4bK" + new_token(), self.cseq, to)
        return self._request("ACK", self.request_uri, self.invite_branch, self.cseq, to)

    def bye(self):
        self.cseq += 1
        uri = self.remote_target or self.request_uri
        return self._request("BYE", uri, "z9hG4bK" + new_token(), self.cseq, self.to_tag_header or self.to)

    def cancel(self):
        return self._request("CANCEL", self.request_uri, self.invite_branch, self.cseq, self.to)
