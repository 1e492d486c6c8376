# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The TLS sweep: which versions, ciphers, groups and signature algorithms the server accepts.

Versions and the TLS 1.2 groups are offered one at a time. Ciphers, TLS 1.3 suites and groups
and signature algorithms are found by elimination: every candidate not yet found is offered
together, the one the server used is taken out, and the rest offered again until the server
refuses all that remain (a handshake the server refused proves none of its offered items is
accepted). When a handshake fails to answer - an error, or an accepted handshake that names no
remaining candidate - each remaining candidate is offered alone instead.

Pure functions: the probe module feeds them ``openssl ciphers -v`` output and a function that
runs one offer and returns the parsed handshake (with its ``offer``).
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


# Offered together and found by elimination: (category, version, offer key, label).
CHAINS = (
    ("tls12_ciphers", "TLSv1.2", "cipher", "ciphers"),
    ("tls13_ciphersuites", "TLSv1.3", "ciphersuites", "ciphersuites"),
    ("groups", "TLSv1.3", "groups", "groups"),
    ("signature_algorithms", "TLSv1.2", "sigalgs", "sigalgs"),
    ("signature_algorithms", "TLSv1.3", "sigalgs", "sigalgs"),
)


def sweep_tasks(cipher_rows):
    """The sweep as independent tasks: ``{"offer": offer}`` (one offer alone) or ``{"chain":
    {category, version, key, label, items, singles}}`` (a category found by elimination;
    ``singles`` are the offers of its items alone, in the same order)."""
    singles = sweep_offers(cipher_rows)
    chained = {(category, version) for category, version, _key, _label in CHAINS}
    tasks = [{"offer": o} for o in singles if (o["category"], o["version"]) not in chained]
    for category, version, key, label in CHAINS:
        alone = [o for o in singles if o["category"] == category and o["version"] == version]
        chain = {"category": category, "version": version, "key": key, "label": label}
        tasks.append({"chain": dict(chain, items=[o["item"] for o in alone], singles=alone)})
    return tasks


def chain_offer(chain, items):
    """The offer of every item in ``items`` together (the item's own offer when it is one)."""
    if len(items) == 1:
        return next(o for o in chain["singles"] if o["item"] == items[0])
    value = ":".join(items) + (":" + LEGACY if chain["key"] == "cipher" else "")
    return {
        "name": f"{chain['label']}: {len(items)} remaining ({chain['version']})",
        "category": chain["category"],
        "items": list(items),
        "version": chain["version"],
        chain["key"]: value,
    }


def eliminate(probe, chain):
    """Run one chain with ``probe(offer) -> result``; every result, in the order they ran."""
    remaining = list(chain["items"])
    results = []
    while remaining:
        offer = chain_offer(chain, remaining)
        result = probe(offer)
        results.append(result)
        if len(remaining) == 1 or result.get("outcome") == "refused":
            break
        used = item_used(offer, result)
        if used is None:
            results += [probe(o) for o in chain["singles"] if o["item"] in remaining]
            break
        remaining.remove(used)
    return results


# A server signature as s_client shows it: (signature type, digest) of each swept algorithm.
def _signature(sigalg):
    if "+" in sigalg:
        kind, digest = sigalg.split("+")
        return kind, digest
    if sigalg.startswith("rsa_pss_rsae_"):
        return "RSA-PSS", sigalg.rsplit("_", 1)[1].upper()
    return {"ed25519": ("Ed25519", None), "ed448": ("Ed448", None)}.get(sigalg, (sigalg, None))


def _group(result):
    """The group of the key exchange; a TLS 1.3 finite-field exchange shows only "DH, <bits>"."""
    key = result.get("temp_key") or {}
    if result.get("group") is None and key.get("type") == "DH" and result.get("protocol") == "TLSv1.3":
        return f"ffdhe{key.get('bits')}"
    return result.get("group")


def used_items(offer, result):
    """The offered items the accepted handshake shows it used (several when it cannot tell them apart)."""
    if result.get("outcome") != "accepted":
        return []
    category = offer.get("category")
    items = offer.get("items") or [offer.get("item")]
    if category == "versions":
        return [i for i in items if result.get("protocol") == i]
    if category in ("tls12_ciphers", "tls13_ciphersuites"):
        return [i for i in items if result.get("cipher") == i]
    if category == "groups":
        return [i for i in items if _group(result) == i]
    if category != "signature_algorithms":
        return []
    if offer.get("item"):
        return items  # offered alone: the server had no other to sign with
    digest = (result.get("peer_signing_digest") or "").upper()
    shown = (result.get("peer_signature_type"), None if digest in ("", "UNDEF") else digest)
    return [i for i in items if _signature(i) == shown]


def item_used(offer, result):
    """The one offered item the handshake used, or None when it shows none or cannot tell which."""
    used = used_items(offer, result)
    return used[0] if len(used) == 1 else None


# the accepted sets the sweep reports, in this order
CATEGORIES = ("versions", "tls12_ciphers", "tls13_ciphersuites", "groups", "signature_algorithms")


def accepted_sets(results):
    """{category: [items accepted]} from the sweep's results (each with its ``offer``), plus the
    offers of an item alone that could not be measured."""
    sets = {category: [] for category in CATEGORIES}
    errors, order = [], []
    for result in results:
        offer = result.get("offer") or {}
        category = offer.get("category")
        if category not in sets:
            continue
        order += [i for i in offer.get("items") or [offer.get("item")] if i not in order]
        if result.get("outcome") == "error" and offer.get("item"):
            errors.append(offer["name"])
        used = item_used(offer, result)
        if used is not None and used not in sets[category]:
            sets[category].append(used)
    for category in sets:
        sets[category].sort(key=order.index)  # candidate order, whichever way they were found
    sets["errors"] = errors
    return sets
