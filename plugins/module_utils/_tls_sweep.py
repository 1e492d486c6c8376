# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sweep offers: each TLS parameter offered alone, and the accepted sets.

Pure functions: the probe module feeds them ``openssl ciphers -v`` output and
the parsed handshake results.
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
GROUPS = ("P-256", "P-384", "P-521", "X25519", "X448", "ffdhe2048", "ffdhe3072", "ffdhe4096")
SIGNATURE_ALGORITHMS = (
    "ECDSA+SHA1",
    "ECDSA+SHA256",
    "ECDSA+SHA384",
    "ECDSA+SHA512",
    "RSA+SHA256",
    "RSA+SHA384",
    "RSA+SHA512",
    "rsa_pss_rsae_sha256",
    "rsa_pss_rsae_sha384",
    "ed25519",
    "ed448",
)
# Key exchange / authentication a certificate-based server can take.
_KX = {"DH", "ECDH", "RSA"}
_AU = {"DSS", "None", "RSA", "ECDSA"}
# In TLS 1.2 the client's groups also bound the server's ECDSA certificate curve:
# the swept group goes first, the NIST curves follow so a certificate still fits.
_CERT_CURVES = ("P-256", "P-384", "P-521")
LEGACY = "@SECLEVEL=0"


def parse_cipher_list(text):
    """Rows of ``openssl ciphers -v``: (name, version, kx, au); malformed lines are skipped."""
    rows = []
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) < 4 or not parts[2].startswith("Kx=") or not parts[3].startswith("Au="):
            continue
        rows.append((parts[0], parts[1], parts[2][3:], parts[3][3:]))
    return rows


def tls12_ciphers(rows):
    """TLS 1.2-usable ciphers a certificate-based server could negotiate, in list order."""
    seen = []
    for name, version, kx, au in rows:
        if version != "TLSv1.3" and kx in _KX and au in _AU and name not in seen:
            seen.append(name)
    return seen


def sweep_offers(cipher_rows):
    """Every candidate alone, each offer tagged with its category and item."""
    offers = []
    for version in VERSIONS:
        offer = {"name": f"version {version}", "category": "versions", "item": version, "version": version}
        if version in ("TLSv1", "TLSv1.1"):
            offer["cipher"] = "DEFAULT:" + LEGACY
        offers.append(offer)
    for cipher in tls12_ciphers(cipher_rows):
        offers.append(
            {
                "name": f"cipher {cipher}",
                "category": "tls12_ciphers",
                "item": cipher,
                "version": "TLSv1.2",
                "cipher": f"{cipher}:{LEGACY}",
            }
        )
    for suite in TLS13_CIPHERSUITES:
        offers.append(
            {
                "name": f"ciphersuite {suite}",
                "category": "tls13_ciphersuites",
                "item": suite,
                "version": "TLSv1.3",
                "ciphersuites": suite,
            }
        )
    for version in ("TLSv1.2", "TLSv1.3"):
        for group in GROUPS:
            groups = group
            if version == "TLSv1.2":
                groups = ":".join([group] + [c for c in _CERT_CURVES if c != group])
            offers.append(
                {
                    "name": f"group {group} ({version})",
                    "category": "groups",
                    "item": group,
                    "version": version,
                    "groups": groups,
                }
            )
        for sigalg in SIGNATURE_ALGORITHMS:
            offers.append(
                {
                    "name": f"sigalg {sigalg} ({version})",
                    "category": "signature_algorithms",
                    "item": sigalg,
                    "version": version,
                    "sigalgs": sigalg,
                }
            )
    return offers


def item_accepted(offer, result):
    """Whether the handshake shows the swept item itself was used."""
    if result.get("outcome") != "accepted":
        return False
    category, item = offer.get("category"), offer.get("item")
    if category == "versions":
        return result.get("protocol") == item
    if category in ("tls12_ciphers", "tls13_ciphersuites"):
        return result.get("cipher") == item
    if category == "groups":
        return result.get("group") == item
    return category == "signature_algorithms"


def accepted_sets(offers, results):
    """{category: [items accepted]} plus the offers that could not be measured."""
    sets = {
        "versions": [],
        "tls12_ciphers": [],
        "tls13_ciphersuites": [],
        "groups": [],
        "signature_algorithms": [],
    }
    errors = []
    for offer, result in zip(offers, results):
        category = offer.get("category")
        if category not in sets:
            continue
        if result.get("outcome") == "error":
            errors.append(offer["name"])
        elif item_accepted(offer, result) and offer["item"] not in sets[category]:
            sets[category].append(offer["item"])
    sets["errors"] = errors
    return sets
