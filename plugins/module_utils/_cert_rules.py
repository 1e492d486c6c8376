# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The profile's certificate rules, in one place.

Judged on what community.crypto's ``x509_certificate_info`` returns, by the pki
role before it installs a certificate and by the audit on the certificate the
UA serves.
"""

from __future__ import annotations

_DIGEST_RANK = {"sha1": 1, "sha224": 2, "sha256": 3, "sha384": 4, "sha512": 5}
_KEY_TYPES = {"ECC": "EC", "EC": "EC", "RSA": "RSA"}
_EKU = {
    "serverAuth": ("TLS Web Server Authentication", "serverAuth"),
    "clientAuth": ("TLS Web Client Authentication", "clientAuth"),
}


def digest_of(signature_algorithm):
    sig = (signature_algorithm or "").lower()
    return next((d for d in ("sha512", "sha384", "sha256", "sha224", "sha1") if d in sig), "unknown")


def problems(info, rules, key_info=None):
    """What is wrong with a certificate under the profile's ``tls.certificate`` rules.

    ``key_info`` (``openssl_privatekey_info`` facts) adds the checks of the private key:
    its type and curve, and that it belongs to the certificate.
    """
    info = info or {}
    out = []
    key_type = _KEY_TYPES.get(info.get("public_key_type"), info.get("public_key_type"))
    curve = (info.get("public_key_data") or {}).get("curve")
    if key_type != rules["key_type"]:
        out.append(f"certificate key type is {key_type}, the profile requires {rules['key_type']}")
    elif rules.get("curve") and curve != rules["curve"]:
        out.append(f"certificate curve is {curve or 'none'}, the profile requires {rules['curve']}")
    digest = digest_of(info.get("signature_algorithm"))
    if _DIGEST_RANK.get(digest, 0) < _DIGEST_RANK[rules["signature_hash"]]:
        out.append(
            f"signature digest {digest} ({info.get('signature_algorithm')}) is weaker than the profile"
            f" requires ({rules['signature_hash']})"
        )
    if info.get("expired"):
        out.append(f"certificate expired at {info.get('not_after')}")
    elif (info.get("valid_at") or {}).get("now") is False:
        out.append(f"certificate is not valid yet (notBefore {info.get('not_before')})")
    eku = info.get("extended_key_usage") or []
    missing = [name for name, spellings in _EKU.items() if not any(s in eku for s in spellings)]
    if missing:
        out.append(f"extendedKeyUsage lacks {' and '.join(missing)} ({', '.join(eku) or 'none'})")
    if "CA:TRUE" in (info.get("basic_constraints") or []):
        out.append("basicConstraints says CA:TRUE: an endpoint certificate must not be a CA")
    if key_info is not None:
        k_type = _KEY_TYPES.get(key_info.get("type"), key_info.get("type"))
        k_curve = (key_info.get("public_data") or {}).get("curve")
        if k_type != rules["key_type"] or (rules.get("curve") and k_curve != rules["curve"]):
            out.append(
                f"key type is {k_type} on {k_curve or 'none'}, the profile requires"
                f" {rules['key_type']} on {rules.get('curve')}"
            )
        if key_info.get("public_key") != info.get("public_key"):
            out.append("certificate and private key do not match")
    return out
