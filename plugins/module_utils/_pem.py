# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificates inside PEM text: the DER bytes and their SHA-256 fingerprint.

Only CERTIFICATE blocks are read; private key blocks are skipped and never
decoded, so a combined key + certificate file can be fingerprinted safely.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----\s*(?P<body>[A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----")


def certificates(text):
    """DER bytes of each complete CERTIFICATE block, in order; damaged blocks are left out."""
    out = []
    for m in _BLOCK.finditer(text if isinstance(text, str) else ""):
        body = "".join(m.group("body").split())
        try:
            der = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            continue
        if der:
            out.append(der)
    return out


def fingerprint(der):
    """``AB:CD:...`` SHA-256 of DER bytes (the spelling of ``openssl x509 -fingerprint -sha256``)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def leaf_fingerprint(text):
    """Fingerprint of the first certificate in ``text``, or None when it holds none."""
    found = certificates(text)
    return fingerprint(found[0]) if found else None
