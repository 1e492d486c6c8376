# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse ``openssl s_server`` output that received a SIP INVITE.

Gives the TLS parameters the client offered, the INVITE's headers and its SDP
facts. Session parameters and SDES keys in the text are never returned.
"""

from __future__ import annotations

import os
import re
import time

from ansible_collections.voipsec.baresip.plugins.module_utils import _s_client, _sdp, _sip


def throwaway_certificate_argv(openssl, workdir, curve, digest, subject):
    """``openssl req`` for a self-signed EC certificate and key (``cert.pem``, ``key.pem`` in
    ``workdir``) that a probe's short-lived server presents; run it with
    ``OPENSSL_CONF=/dev/null``."""
    key, cert = os.path.join(workdir, "key.pem"), os.path.join(workdir, "cert.pem")
    return [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", f"ec_paramgen_curve:{curve}", f"-{digest}",
            "-nodes", "-days", "1", "-subj", f"/CN={subject}", "-keyout", key, "-out", cert]  # fmt: skip


def wait_accepting(server, seconds=5):
    """Whether the ``s_server`` child says ACCEPT within ``seconds`` (it listens then)."""
    deadline = time.monotonic() + seconds
    while "ACCEPT" not in server.text and server.running and time.monotonic() < deadline:
        time.sleep(0.05)
    return "ACCEPT" in server.text


_LIST_LINES = {
    "Shared ciphers:": "shared_ciphers",
    "Signature Algorithms:": "client_signature_algorithms",
    "Shared Signature Algorithms:": "shared_signature_algorithms",
    "Supported groups:": "client_groups",
    "Supported Elliptic Groups:": "client_groups",
    "Shared groups:": "shared_groups",
    "Shared Elliptic groups:": "shared_groups",
}
_CIPHER = re.compile(r"^CIPHER is (\S+)", re.M)
_START = re.compile(r"^[A-Z]+ sips?:\S+ SIP/2\.0\s*$", re.M)
_KEY = re.compile(r"(inline:)[A-Za-z0-9+/=]+")
_GROUPS = {"x25519": "X25519", "x448": "X448"}
# "...:sslv3 alert certificate revoked:../ssl/record/rec_layer_s3.c:1602:SSL alert number 44"
_ALERT = re.compile(r"(?:sslv3|tlsv1[0-9.]*) alert (?P<v>[a-z][a-z ]+?)(?::|\s*$)", re.M)


def _group(name):
    name = name.strip()
    return _GROUPS.get(name, _s_client.normalize_group(name))


def redact(text):
    """Text safe for evidence: no session parameters, no SDES keys."""
    text = re.sub(
        r"-----BEGIN SSL SESSION PARAMETERS-----.*?(-----END SSL SESSION PARAMETERS-----|\Z)",
        "",
        text,
        flags=re.S,
    )
    return _KEY.sub(r"\1<key>", text)


def ended(text):
    """Whether s_server's single connection is over (refused or closed): stop waiting."""
    return "\nERROR\n" in f"\n{text}" or "CONNECTION CLOSED" in text


def parse(text):
    text = text if isinstance(text, str) else ""
    tls = {v: [] for v in set(_LIST_LINES.values())}
    tls["cipher"] = None
    for line in text.splitlines():
        for prefix, key in _LIST_LINES.items():
            if line.startswith(prefix):
                items = [x for x in line[len(prefix) :].strip().split(":") if x]
                tls[key] = [_group(x) for x in items] if "groups" in key else items
    m = _CIPHER.search(text)
    if m:
        tls["cipher"] = m.group(1)
    alert = _ALERT.search(text)
    facts = {
        "handshake": tls["cipher"] is not None,
        "tls": tls,
        "invite": None,
        "sdp": None,
        "alert": alert.group("v") if alert else None,
        "error": None,
    }
    m = _START.search(text)
    if not m:
        if facts["alert"] and not facts["handshake"]:
            facts["error"] = f"the UA refused the TLS handshake (alert {facts['alert']})"
        else:
            facts["error"] = (
                "no SIP request received" if facts["handshake"] else "no TLS handshake with the UA"
            )
        return facts
    raw = text[m.start() :].replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        msg = _sip.parse_message(raw)
    except _sip.SipParseError as exc:
        facts["error"] = f"unparsable SIP request: {exc}"
        return facts
    via = msg["headers"].get("via", [""])[0]
    vm = re.match(r"SIP/2\.0/(\S+)", via)
    facts["invite"] = {
        "method": msg["method"],
        "request_uri": msg["uri"],
        "via_transport": vm.group(1).upper() if vm else None,
        "contact": (msg["headers"].get("contact") or [None])[0],
        "user_agent": (msg["headers"].get("user-agent") or [None])[0],
        "content_type": (msg["headers"].get("content-type") or [None])[0],
    }
    if msg["body"].strip():
        try:
            sdp = _sdp.parse(msg["body"])
            audio = next((m for m in sdp["media"] if m["media"] == "audio"), None)
            facts["sdp"] = {
                "media_proto": audio["proto"] if audio else None,
                "crypto": audio["crypto"] if audio else [],
                "invalid_crypto": audio["invalid_crypto"] if audio else 0,
                "codecs": _sdp.codecs(audio) if audio else [],
            }
        except _sdp.SdpError as exc:
            facts["error"] = f"INVITE body is not SDP: {exc}"
    return facts
