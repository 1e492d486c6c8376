# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse the output of ``openssl s_client`` (OpenSSL 1.1.1 to 3.x).

Pure functions, no I/O: the probe module runs the command, this turns its
text into facts. Anything the text does not show stays ``None``; text that
shows no connection at all gives ``connected: False``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ansible_collections.voipsec.baresip.plugins.module_utils import _pem

# OpenSSL spells the NIST curves two ways; profiles use the P-xxx names.
CURVE_ALIASES = {
    "secp256r1": "P-256",
    "prime256v1": "P-256",
    "secp384r1": "P-384",
    "secp521r1": "P-521",
    "P-256": "P-256",
    "P-384": "P-384",
    "P-521": "P-521",
    "X25519": "X25519",
    "X448": "X448",
}

_CIPHER_IS = re.compile(
    r"^(?:New|Reused), (?P<proto>\(NONE\)|[A-Za-z0-9.]+), Cipher is (?P<cipher>\S+)", re.M
)
_PROTOCOL = re.compile(r"^\s*Protocol\s*:\s*(?P<v>\S+)\s*$", re.M)
_TEMP_KEY = re.compile(r"^(?:Server|Peer) Temp Key: (?P<body>.+)$", re.M)
_SIGN_DIGEST = re.compile(r"^Peer signing digest: (?P<v>\S+)\s*$", re.M)
_SIGN_TYPE = re.compile(r"^Peer signature type: (?P<v>\S+)\s*$", re.M)
_VERIFY = re.compile(r"^\s*Verify return code: (?P<code>\d+) \((?P<text>[^)]*)\)", re.M)
_ALERT = re.compile(r"alert (?P<v>[a-z][a-z ]+?)(?::|\s*$)", re.M)
_ALERT_NUM = re.compile(r"SSL alert number (?P<n>\d+)")
_PUBKEY_BITS = re.compile(r"^Server public key is (?P<n>\d+) bit", re.M)
# OpenSSL 3.0: "a:PKEY: id-ecPublicKey, 384 (bit); sigalg: ..."; 3.5: "a:PKEY: EC, (secp384r1); sigalg: ..."
_CERT_LINE = re.compile(
    r"^\s*a:PKEY: (?P<alg>[^,]+), (?:(?P<bits>\d+) \(bit\)|\((?P<curve>[^)]+)\)); sigalg: (?P<sig>\S+)", re.M
)
_CURVE_BITS = {"P-256": 256, "P-384": 384, "P-521": 521}
# OpenSSL 3.5 names the TLS signature scheme where 3.0 names the type.
_SCHEME_TYPE = (
    ("ecdsa", "ECDSA"),
    ("rsa_pss", "RSA-PSS"),
    ("rsa", "RSA"),
    ("ed25519", "Ed25519"),
    ("ed448", "Ed448"),
)
# First certificate of the chain: "v:NotBefore: Nov 28 20:55:50 2026 GMT; NotAfter: Dec 28 20:55:50 2026 GMT"
_VALIDITY = re.compile(r"^\s*v:NotBefore: (?P<nb>[^;]+?)\s*; NotAfter: (?P<na>.+?)\s*$", re.M)
_SERVER_CERT = re.compile(
    r"^Server certificate\s*\n(?P<pem>-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----)", re.M | re.S
)
_SUBJECT = re.compile(r"^subject=(?P<v>.*)$", re.M)
_ISSUER = re.compile(r"^issuer=(?P<v>.*)$", re.M)
_CONNECT_ERR = re.compile(r"^connect:errno=(?P<n>\d+)|BIO_connect:(?P<t>[^:]+):", re.M)
_ERRNO_TEXT = {"111": "connection refused", "110": "connection timed out", "113": "no route to host"}

# Lines that are safe and useful as evidence; never session secrets.
_EVIDENCE = re.compile(
    r"^(CONNECTED\(|New, |Reused, |\s*Protocol\s*:|\s*Cipher\s*:|Server Temp Key|Peer Temp Key|"
    r"Peer signing digest|Peer signature type|Server public key|subject=|issuer=|\s*Verify return code|"
    r"Verification|\s*a:PKEY|\s*v:NotBefore|connect:errno|.*alert )"
)


def normalize_group(name):
    """``secp384r1`` -> ``P-384``; unknown names are returned unchanged."""
    if name is None:
        return None
    return CURVE_ALIASES.get(name.strip(), name.strip())


def _temp_key(body):
    """``ECDH, secp384r1, 384 bits`` / ``X25519, 253 bits`` / ``DH, 2048 bits``."""
    parts = [p.strip() for p in body.split(",")]
    result = {"type": parts[0] or None, "group": None, "bits": None}
    for part in parts[1:]:
        m = re.match(r"^(\d+) bits$", part)
        if m:
            result["bits"] = int(m.group(1))
        elif part:
            result["group"] = normalize_group(part)
    if result["group"] is None and result["type"] in ("X25519", "X448"):
        result["group"] = result["type"]
    return result


_TICKET = "Post-Handshake New Session Ticket arrived"


def settled(text):
    """Whether s_client's output shows the server's final word on the handshake.

    TLS 1.2: the handshake result itself. TLS 1.3: the server checks a client certificate after
    the client's Finished, so a refusal (an alert) or an acceptance (a session ticket) arrives
    after ``Cipher is``; until one of them, or the connection's end, shows, it is not settled.
    """
    m = _CIPHER_IS.search(text or "")
    if not m:
        return bool(_ALERT_NUM.search(text or ""))
    if m.group("proto") != "TLSv1.3":
        return True
    after = text[m.end() :]
    return _TICKET in after or bool(_ALERT_NUM.search(after)) or "closed" in after or "errno=" in after


def openssl_time(value):
    """``Nov 28 20:55:50 2026 GMT`` -> ``2026-11-28T20:55:50Z``; None when it is not that shape."""
    try:
        parsed = datetime.strptime(" ".join((value or "").split()), "%b %d %H:%M:%S %Y GMT")
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def validity_at(cert, now):
    """``expired`` / ``not_yet_valid`` of a parsed peer certificate at ``now`` (aware datetime).

    Returns None for each when the dates were not shown."""
    result = {"expired": None, "not_yet_valid": None}
    for key, field, later in (("expired", "not_after", False), ("not_yet_valid", "not_before", True)):
        value = (cert or {}).get(field)
        if value:
            when = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            result[key] = now < when if later else now > when
    return result


def evidence(text, limit=12):
    """Short excerpt of the lines that carry the result."""
    lines = [line.rstrip() for line in (text or "").splitlines() if _EVIDENCE.match(line)]
    return "\n".join(lines[:limit])


def parse(text):
    """Facts from one ``s_client`` run's combined stdout and stderr."""
    text = text if isinstance(text, str) else ""
    facts = {
        "outcome": "error",
        "connected": False,
        "accepted": False,
        "protocol": None,
        "cipher": None,
        "temp_key": None,
        "group": None,
        "peer_signing_digest": None,
        "peer_signature_type": None,
        "peer_signature_scheme": None,
        "server_public_key_bits": None,
        "peer_certificate": None,
        "verify_return_code": None,
        "verify_error": None,
        "alert": None,
        "error": None,
    }
    if "CONNECTED(" not in text:
        m = _CONNECT_ERR.search(text)
        if m:
            facts["error"] = _ERRNO_TEXT.get(
                m.group("n") or "", (m.group("t") or "").strip().lower() or None
            ) or ("connect error errno=" + m.group("n"))
        else:
            facts["error"] = "no connection established (no CONNECTED line in the output)"
        return facts
    facts["connected"] = True

    m = _CIPHER_IS.search(text)
    if m and m.group("cipher") != "(NONE)":
        facts["accepted"] = True
        facts["cipher"] = m.group("cipher")
        if m.group("proto") != "(NONE)":
            facts["protocol"] = m.group("proto")
    proto = _PROTOCOL.search(text)
    if facts["accepted"] and proto and not facts["protocol"]:
        facts["protocol"] = proto.group("v")

    m = _TEMP_KEY.search(text)
    if m:
        facts["temp_key"] = _temp_key(m.group("body"))
        facts["group"] = facts["temp_key"]["group"]
    m = _SIGN_DIGEST.search(text)
    if m:
        facts["peer_signing_digest"] = m.group("v").upper()
    m = _SIGN_TYPE.search(text)
    if m:
        value = m.group("v")
        facts["peer_signature_scheme"] = value
        facts["peer_signature_type"] = next(
            (name for prefix, name in _SCHEME_TYPE if value.lower().startswith(prefix) and "_" in value),
            value,
        )
    m = _PUBKEY_BITS.search(text)
    if m:
        facts["server_public_key_bits"] = int(m.group("n"))

    cert = {}
    m = _CERT_LINE.search(text)
    if m:
        curve = normalize_group(m.group("curve")) if m.group("curve") else None
        bits = (
            int(m.group("bits"))
            if m.group("bits")
            else _CURVE_BITS.get(curve, facts["server_public_key_bits"])
        )
        cert.update(
            public_key_algorithm=m.group("alg").strip(),
            public_key_bits=bits,
            signature_algorithm=m.group("sig"),
        )
        if curve:
            cert["curve"] = curve
    m = _VALIDITY.search(text)
    if m:
        cert["not_before"] = openssl_time(m.group("nb"))
        cert["not_after"] = openssl_time(m.group("na"))
    m = _SERVER_CERT.search(text)
    if m:
        cert["sha256"] = _pem.leaf_fingerprint(m.group("pem"))
        if cert["sha256"]:
            cert["pem"] = m.group("pem") + "\n"
    for key, rx in (("subject", _SUBJECT), ("issuer", _ISSUER)):
        m = rx.search(text)
        if m:
            cert[key] = m.group("v").strip()
    facts["peer_certificate"] = cert or None

    m = _VERIFY.search(text)
    if m:
        facts["verify_return_code"] = int(m.group("code"))
        facts["verify_error"] = None if m.group("code") == "0" else m.group("text")

    m = _ALERT.search(text)
    if m:
        facts["alert"] = m.group("v").strip()
    if facts["accepted"] and _ALERT_NUM.search(text):
        # TLS 1.2 with a certificate request: the client has sent its Finished and prints the
        # cipher, then the server rejects the client's certificate (or its absence) with an alert.
        facts["accepted"] = False
    if facts["accepted"]:
        facts["outcome"] = "accepted"
    elif _CIPHER_IS.search(text) or _ALERT_NUM.search(text):
        facts["outcome"] = "refused"
    else:
        facts["error"] = "output ends before the handshake result (truncated or timed out)"
    return facts
