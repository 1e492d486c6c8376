# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDP (RFC 4566) with SDES crypto attributes (RFC 4568): parse and offer.

Parsed output never carries key material: of an ``inline:`` key only its
length and shape are kept.
"""

from __future__ import annotations

import base64
import binascii
import os
import re

# master key + salt lengths in bytes (RFC 4568, RFC 7714)
SUITE_KEY_BYTES = {
    "AES_CM_128_HMAC_SHA1_80": 30,
    "AES_CM_128_HMAC_SHA1_32": 30,
    "AEAD_AES_128_GCM": 28,
    "AEAD_AES_256_GCM": 44,
    "AES_256_CM_HMAC_SHA1_80": 46,
    "AES_256_CM_HMAC_SHA1_32": 46,
}
_CRYPTO = re.compile(r"^(?P<tag>\d{1,9}) (?P<suite>[A-Za-z0-9_]+) (?P<params>\S+)(?: (?P<session>.*))?$")
_KEY_PARAM = re.compile(
    r"^(?P<method>[a-z]+):(?P<key>[A-Za-z0-9+/=]+)(?:\|(?P<lifetime>[^|]+))?(?:\|(?P<mki>\d+:\d+))?$"
)


class SdpError(ValueError):
    """Text is not SDP."""


def parse_crypto(value):
    """One ``a=crypto`` value -> facts without the key; None if malformed."""
    m = _CRYPTO.match(value.strip())
    if not m:
        return None
    facts = {
        "tag": int(m.group("tag")),
        "suite": m.group("suite"),
        "key_method": None,
        "key_bytes": None,
        "key_valid_length": False,
        "lifetime": None,
        "mki": None,
        "session_params": (m.group("session") or "").strip() or None,
    }
    first = m.group("params").split(";")[0]
    k = _KEY_PARAM.match(first)
    if k:
        facts["key_method"] = k.group("method")
        try:
            raw = base64.b64decode(k.group("key"), validate=True)
            facts["key_bytes"] = len(raw)
        except (binascii.Error, ValueError):
            facts["key_bytes"] = None
        facts["lifetime"] = k.group("lifetime")
        facts["mki"] = k.group("mki")
        expected = SUITE_KEY_BYTES.get(facts["suite"])
        facts["key_valid_length"] = expected is not None and facts["key_bytes"] == expected
    return facts


def crypto_key(value):
    """The raw master key+salt of an ``a=crypto`` value (for media checks only, never for reports)."""
    m = _CRYPTO.match(value.strip())
    if not m:
        return None
    k = _KEY_PARAM.match(m.group("params").split(";")[0])
    if not k:
        return None
    try:
        return base64.b64decode(k.group("key"), validate=True)
    except (binascii.Error, ValueError):
        return None


# RFC 3551 static payload types that need no a=rtpmap line
_STATIC_PT = {
    "0": "PCMU/8000",
    "3": "GSM/8000",
    "4": "G723/8000",
    "8": "PCMA/8000",
    "9": "G722/8000",
    "18": "G729/8000",
}


def codecs(media):
    """``ENCODING/CLOCK`` of each format of a parsed media description, in m= line order."""
    rtpmap = {}
    for attr in media.get("attributes") or []:
        if attr.startswith("rtpmap:"):
            pt, _space, enc = attr[len("rtpmap:") :].partition(" ")
            parts = enc.strip().split("/")
            if len(parts) >= 2:
                rtpmap[pt.strip()] = f"{parts[0]}/{parts[1]}"
    return [rtpmap.get(pt) or _STATIC_PT.get(pt) or f"payload type {pt}" for pt in media.get("formats") or []]


def parse(text):
    """Session and media descriptions; raises SdpError when there is no ``v=0``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise SdpError("no SDP")
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines or lines[0] != "v=0":
        raise SdpError("SDP must start with v=0")
    session = {"connection": None, "attributes": []}
    media = []
    current = session
    for line in lines[1:]:
        if len(line) < 2 or line[1] != "=":
            continue
        kind, value = line[0], line[2:]
        if kind == "m":
            parts = value.split()
            if len(parts) < 3:
                continue
            port = int(parts[1].split("/")[0]) if parts[1].split("/")[0].isdigit() else None
            current = {
                "media": parts[0],
                "port": port,
                "proto": parts[2],
                "formats": parts[3:],
                "connection": session["connection"],
                "crypto": [],
                "invalid_crypto": 0,
                "attributes": [],
            }
            media.append(current)
        elif kind == "c":
            parts = value.split()
            current["connection"] = parts[2] if len(parts) >= 3 else None
        elif kind == "a":
            name, _colon, attr_value = value.partition(":")
            if name == "crypto" and current is not session:
                facts = parse_crypto(attr_value)
                if facts is None:
                    current["invalid_crypto"] += 1
                else:
                    current["crypto"].append(facts)
            else:
                current["attributes"].append(name if not attr_value else f"{name}:{attr_value}")
    return {"connection": session["connection"], "media": media}


def crypto_attribute(tag, suite, key=None):
    """``tag suite inline:KEY`` with a fresh random key of the suite's length."""
    if key is None:
        key = os.urandom(SUITE_KEY_BYTES.get(suite, 30))
    return f"{tag} {suite} inline:{base64.b64encode(key).decode('ascii')}"


def offer(address, port, proto="RTP/SAVP", suites=("AES_CM_128_HMAC_SHA1_80",), session_id=None, keys=None):
    """An audio offer (PCMU/PCMA) with one ``a=crypto`` per suite; returns (sdp_text, crypto_values)."""
    family = "IP6" if ":" in address else "IP4"
    sid = session_id or int.from_bytes(os.urandom(4), "big")
    cryptos = [crypto_attribute(i + 1, suite, (keys or {}).get(suite)) for i, suite in enumerate(suites)]
    lines = [
        "v=0",
        f"o=- {sid} {sid} IN {family} {address}",
        "s=voipsec probe",
        f"c=IN {family} {address}",
        "t=0 0",
        f"m=audio {port} {proto} 0 8",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=sendrecv",
    ]
    lines += [f"a=crypto:{c}" for c in cryptos]
    return "\r\n".join(lines) + "\r\n", cryptos
