from pathlib import Path

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _tls_sweep as sw

CIPHERS = (Path(__file__).parent / "fixtures" / "openssl" / "ciphers_v_3.0.txt").read_text()


def test_cipher_rows_from_recorded_output():
    rows = sw.parse_cipher_list(CIPHERS)
    assert ("ECDHE-ECDSA-AES256-GCM-SHA384", "TLSv1.2", "ECDH", "ECDSA") in rows
    assert len(rows) == len(CIPHERS.strip().splitlines())


def test_tls12_candidates_exclude_psk_srp_and_tls13():
    ciphers = sw.tls12_ciphers(sw.parse_cipher_list(CIPHERS))
    assert "ECDHE-ECDSA-CHACHA20-POLY1305" in ciphers
    assert "ECDHE-ECDSA-AES128-GCM-SHA256" in ciphers
    assert "AES128-SHA" in ciphers and "ADH-AES256-GCM-SHA384" in ciphers
    assert not [c for c in ciphers if "PSK" in c or "SRP" in c or c.startswith("TLS_")]
    assert len(ciphers) == len(set(ciphers))


@pytest.mark.parametrize("garbage", ["", "nonsense", "A B C D", "X TLSv1.2 Kx=\n\x00", None])
def test_garbage_cipher_list(garbage):
    assert sw.tls12_ciphers(sw.parse_cipher_list(garbage)) == []


def test_every_category_is_swept_alone():
    offers = sw.sweep_offers(sw.parse_cipher_list(CIPHERS))
    by = {}
    for o in offers:
        by.setdefault(o["category"], []).append(o)
    assert [o["item"] for o in by["versions"]] == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    assert by["versions"][0]["cipher"] == "DEFAULT:@SECLEVEL=0"
    assert all(o["cipher"] == o["item"] + ":@SECLEVEL=0" for o in by["tls12_ciphers"])
    assert {o["item"] for o in by["tls13_ciphersuites"]} == set(sw.TLS13_CIPHERSUITES)
    x25519_12 = next(o for o in by["groups"] if o["item"] == "X25519" and o["version"] == "TLSv1.2")
    assert x25519_12["groups"] == "X25519:P-256:P-384:P-521"
    x25519_13 = next(o for o in by["groups"] if o["item"] == "X25519" and o["version"] == "TLSv1.3")
    assert x25519_13["groups"] == "X25519"
    assert len(by["signature_algorithms"]) == 2 * len(sw.SIGNATURE_ALGORITHMS)
    assert len({o["name"] for o in offers}) == len(offers)


def result(outcome, **kw):
    return {"outcome": outcome, **kw}


def test_accepted_sets_count_only_the_item_itself():
    offers = [
        {"name": "v12", "category": "versions", "item": "TLSv1.2"},
        {"name": "v13", "category": "versions", "item": "TLSv1.3"},
        {"name": "c", "category": "tls12_ciphers", "item": "ECDHE-ECDSA-CHACHA20-POLY1305"},
        {"name": "g1", "category": "groups", "item": "P-256"},
        {"name": "g2", "category": "groups", "item": "X25519"},
        {"name": "s", "category": "signature_algorithms", "item": "ECDSA+SHA256"},
        {"name": "s2", "category": "signature_algorithms", "item": "ECDSA+SHA1"},
    ]
    results = [
        result("accepted", protocol="TLSv1.2"),
        result("refused"),
        result("accepted", cipher="ECDHE-ECDSA-AES256-GCM-SHA384"),  # server ignored the offer's cipher
        result("accepted", group="P-384"),  # server fell back to its own curve: P-256 not accepted
        result("accepted", group="X25519"),
        result("accepted", peer_signing_digest="SHA256"),
        result("error", error="timed out"),
    ]
    sets = sw.accepted_sets(offers, results)
    assert sets == {
        "versions": ["TLSv1.2"],
        "tls12_ciphers": [],
        "tls13_ciphersuites": [],
        "groups": ["X25519"],
        "signature_algorithms": ["ECDSA+SHA256"],
        "errors": ["s2"],
    }
