# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authenticate captured media as SRTP with a given SDES master key (RFC 3711).

A packet counts as authenticated only if libsrtp (through pylibsrtp) verifies
its authentication tag with the key; plain RTP, a wrong key or a damaged packet
fails. The key is never returned.
"""

from __future__ import annotations

try:
    import pylibsrtp
except ImportError:  # the auditor may not have it; callers report "unavailable"
    pylibsrtp = None

_PROFILES = {
    "AES_CM_128_HMAC_SHA1_80": "SRTP_PROFILE_AES128_CM_SHA1_80",
    "AES_CM_128_HMAC_SHA1_32": "SRTP_PROFILE_AES128_CM_SHA1_32",
    "AEAD_AES_128_GCM": "SRTP_PROFILE_AEAD_AES_128_GCM",
    "AEAD_AES_256_GCM": "SRTP_PROFILE_AEAD_AES_256_GCM",
}


class SrtpAuthError(ValueError):
    """The suite or key cannot be used."""


def available():
    return pylibsrtp is not None


def _session(key, suite, direction):
    if suite not in _PROFILES:
        raise SrtpAuthError(f"unsupported SRTP suite {suite!r}")
    try:
        policy = pylibsrtp.Policy(
            key=key,
            ssrc_type=getattr(pylibsrtp.Policy, direction),
            srtp_profile=getattr(pylibsrtp.Policy, _PROFILES[suite]),
        )
        return pylibsrtp.Session(policy)
    except (pylibsrtp.Error, TypeError, ValueError) as exc:
        raise SrtpAuthError(f"{suite}: key rejected by libsrtp ({exc})") from exc


def protect(packets, key, suite):
    """SRTP-protect RTP packets (for tests and self-checks)."""
    session = _session(key, suite, "SSRC_ANY_OUTBOUND")
    return [session.protect(p) for p in packets]


def authenticate(packets, key, suite):
    """{'available', 'suite', 'packets', 'authenticated', 'rejected'} for RTP-looking packets."""
    result = {"available": available(), "suite": suite, "packets": 0, "authenticated": 0, "rejected": 0}
    if not available():
        return result
    session = _session(key, suite, "SSRC_ANY_INBOUND")
    for packet in packets:
        if len(packet) < 12 or packet[0] >> 6 != 2 or 64 <= (packet[1] & 0x7F) <= 95:
            continue  # not RTP (or RTCP)
        result["packets"] += 1
        try:
            session.unprotect(packet)
            result["authenticated"] += 1
        except pylibsrtp.Error:
            result["rejected"] += 1
    return result
