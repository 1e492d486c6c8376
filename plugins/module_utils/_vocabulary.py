# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names profiles, OpenSSL and the probes use for TLS parameters, normalised once.

A profile may name a group ``secp384r1`` or ``P-384`` and a signature
algorithm ``ecdsa_secp384r1_sha384`` or ``ECDSA+SHA384``; ``normalize_*``
returns the one spelling the endpoint's OpenSSL policy, the sweep and the
checks all use. ``None`` means the name is not one this collection can
enforce and measure.
"""

from __future__ import annotations

VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
TLS13_CIPHERSUITES = (
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_8_SHA256",
)
# TLS 1.2 ciphers with certificate authentication that OpenSSL 3 offers (``openssl ciphers -v
# ALL:COMPLEMENTOFALL:@SECLEVEL=0`` less PSK, SRP and anonymous ones): what the sweep measures.
TLS12_CIPHERS = (
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "DHE-DSS-AES256-GCM-SHA384",
    "DHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES256-CCM8",
    "ECDHE-ECDSA-AES256-CCM",
    "DHE-RSA-AES256-CCM8",
    "DHE-RSA-AES256-CCM",
    "ECDHE-ECDSA-ARIA256-GCM-SHA384",
    "ECDHE-ARIA256-GCM-SHA384",
    "DHE-DSS-ARIA256-GCM-SHA384",
    "DHE-RSA-ARIA256-GCM-SHA384",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "DHE-DSS-AES128-GCM-SHA256",
    "DHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES128-CCM8",
    "ECDHE-ECDSA-AES128-CCM",
    "DHE-RSA-AES128-CCM8",
    "DHE-RSA-AES128-CCM",
    "ECDHE-ECDSA-ARIA128-GCM-SHA256",
    "ECDHE-ARIA128-GCM-SHA256",
    "DHE-DSS-ARIA128-GCM-SHA256",
    "DHE-RSA-ARIA128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-SHA384",
    "ECDHE-RSA-AES256-SHA384",
    "DHE-RSA-AES256-SHA256",
    "DHE-DSS-AES256-SHA256",
    "ECDHE-ECDSA-CAMELLIA256-SHA384",
    "ECDHE-RSA-CAMELLIA256-SHA384",
    "DHE-RSA-CAMELLIA256-SHA256",
    "DHE-DSS-CAMELLIA256-SHA256",
    "ECDHE-ECDSA-AES128-SHA256",
    "ECDHE-RSA-AES128-SHA256",
    "DHE-RSA-AES128-SHA256",
    "DHE-DSS-AES128-SHA256",
    "ECDHE-ECDSA-CAMELLIA128-SHA256",
    "ECDHE-RSA-CAMELLIA128-SHA256",
    "DHE-RSA-CAMELLIA128-SHA256",
    "DHE-DSS-CAMELLIA128-SHA256",
    "ECDHE-ECDSA-AES256-SHA",
    "ECDHE-RSA-AES256-SHA",
    "DHE-RSA-AES256-SHA",
    "DHE-DSS-AES256-SHA",
    "DHE-RSA-CAMELLIA256-SHA",
    "DHE-DSS-CAMELLIA256-SHA",
    "ECDHE-ECDSA-AES128-SHA",
    "ECDHE-RSA-AES128-SHA",
    "DHE-RSA-AES128-SHA",
    "DHE-DSS-AES128-SHA",
    "DHE-RSA-CAMELLIA128-SHA",
    "DHE-DSS-CAMELLIA128-SHA",
    "AES256-GCM-SHA384",
    "AES256-CCM8",
    "AES256-CCM",
    "ARIA256-GCM-SHA384",
    "AES128-GCM-SHA256",
    "AES128-CCM8",
    "AES128-CCM",
    "ARIA128-GCM-SHA256",
    "AES256-SHA256",
    "CAMELLIA256-SHA256",
    "AES128-SHA256",
    "CAMELLIA128-SHA256",
    "AES256-SHA",
    "CAMELLIA256-SHA",
    "AES128-SHA",
    "CAMELLIA128-SHA",
    "ECDHE-ECDSA-NULL-SHA",
    "ECDHE-RSA-NULL-SHA",
    "NULL-SHA256",
    "NULL-SHA",
    "NULL-MD5",
)
_GROUPS = {
    "P-256": "P-256",
    "secp256r1": "P-256",
    "prime256v1": "P-256",
    "P-384": "P-384",
    "secp384r1": "P-384",
    "P-521": "P-521",
    "secp521r1": "P-521",
    "X25519": "X25519",
    "x25519": "X25519",
    "X448": "X448",
    "x448": "X448",
    "ffdhe2048": "ffdhe2048",
    "ffdhe3072": "ffdhe3072",
    "ffdhe4096": "ffdhe4096",
    "ffdhe6144": "ffdhe6144",
    "ffdhe8192": "ffdhe8192",
}
# TLS 1.3 scheme names (RFC 8446) and OpenSSL's TYPE+HASH list spelling -> the one spelling.
_SIGNATURE_ALGORITHMS = {
    "ECDSA+SHA1": "ECDSA+SHA1",
    "ecdsa_sha1": "ECDSA+SHA1",
    "ECDSA+SHA256": "ECDSA+SHA256",
    "ecdsa_secp256r1_sha256": "ECDSA+SHA256",
    "ECDSA+SHA384": "ECDSA+SHA384",
    "ecdsa_secp384r1_sha384": "ECDSA+SHA384",
    "ECDSA+SHA512": "ECDSA+SHA512",
    "ecdsa_secp521r1_sha512": "ECDSA+SHA512",
    "RSA+SHA256": "RSA+SHA256",
    "rsa_pkcs1_sha256": "RSA+SHA256",
    "RSA+SHA384": "RSA+SHA384",
    "rsa_pkcs1_sha384": "RSA+SHA384",
    "RSA+SHA512": "RSA+SHA512",
    "rsa_pkcs1_sha512": "RSA+SHA512",
    "rsa_pss_rsae_sha256": "rsa_pss_rsae_sha256",
    "RSA-PSS+SHA256": "rsa_pss_rsae_sha256",
    "rsa_pss_rsae_sha384": "rsa_pss_rsae_sha384",
    "RSA-PSS+SHA384": "rsa_pss_rsae_sha384",
    "rsa_pss_rsae_sha512": "rsa_pss_rsae_sha512",
    "RSA-PSS+SHA512": "rsa_pss_rsae_sha512",
    "ed25519": "ed25519",
    "ed448": "ed448",
}
SRTP_SUITES = ("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM")
CERT_CURVES = ("secp256r1", "secp384r1", "secp521r1")
DIGESTS = ("sha256", "sha384", "sha512")


def normalize_group(name):
    return _GROUPS.get(str(name).strip())


def normalize_signature_algorithm(name):
    return _SIGNATURE_ALGORITHMS.get(str(name).strip())


def normalize_cipher(name):
    name = str(name).strip()
    return name if name in TLS12_CIPHERS else None


def normalize_ciphersuite(name):
    name = str(name).strip()
    return name if name in TLS13_CIPHERSUITES else None


def normalize_srtp_suite(name):
    name = str(name).strip()
    return name if name in SRTP_SUITES else None


NORMALIZERS = {
    "tls12_ciphers": normalize_cipher,
    "tls13_ciphersuites": normalize_ciphersuite,
    "groups": normalize_group,
    "signature_algorithms": normalize_signature_algorithm,
}
