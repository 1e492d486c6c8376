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
    sets = sw.accepted_sets([dict(r, offer=o) for o, r in zip(offers, results)])
    assert sets == {
        "versions": ["TLSv1.2"],
        "tls12_ciphers": [],
        "tls13_ciphersuites": [],
        "groups": ["X25519"],
        "signature_algorithms": ["ECDSA+SHA256"],
        "errors": ["s2"],
    }


CHAINED = {(c, v) for c, v, _k, _l in sw.CHAINS}


def test_tasks_cover_every_single_offer_once():
    singles = sw.sweep_offers(sw.parse_cipher_list(CIPHERS))
    tasks = sw.sweep_tasks(sw.parse_cipher_list(CIPHERS))
    alone = [t["offer"] for t in tasks if "offer" in t]
    chained = [o for t in tasks if "chain" in t for o in t["chain"]["singles"]]
    assert sorted(o["name"] for o in alone + chained) == sorted(o["name"] for o in singles)
    assert {(o["category"], o["version"]) for o in alone} & CHAINED == set()
    assert {o["category"] for o in alone} == {"versions", "groups"}
    ciphers = next(t["chain"] for t in tasks if t.get("chain", {}).get("category") == "tls12_ciphers")
    offer = sw.chain_offer(ciphers, ciphers["items"])
    assert offer["cipher"] == ":".join(ciphers["items"]) + ":@SECLEVEL=0"
    assert offer["version"] == "TLSv1.2" and "item" not in offer
    assert sw.chain_offer(ciphers, ciphers["items"][:1]) == ciphers["singles"][0]


# A server as s_client would show it: what it accepts, per category, in its order of preference.
FIPS_SERVER = {
    "versions": ["TLSv1.2", "TLSv1.3"],
    "tls12_ciphers": ["ECDHE-ECDSA-AES256-GCM-SHA384"],
    "tls13_ciphersuites": ["TLS_AES_256_GCM_SHA384"],
    "groups": ["P-384"],
    "signature_algorithms": ["ECDSA+SHA384"],
}
WIDE_SERVER = {
    "versions": ["TLSv1.2", "TLSv1.3"],
    "tls12_ciphers": [
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES128-SHA",
    ],
    "tls13_ciphersuites": [
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
    ],
    "groups": ["X25519", "P-256", "P-384", "ffdhe2048"],
    "signature_algorithms": ["ECDSA+SHA256", "ECDSA+SHA384", "ECDSA+SHA512", "ECDSA+SHA1"],
}
SIG = {"ECDSA+SHA1": "SHA1", "ECDSA+SHA256": "SHA256", "ECDSA+SHA384": "SHA384", "ECDSA+SHA512": "SHA512"}


def server(policy, log=None):
    """probe(offer) for a server with ``policy``: the first offered item it accepts is used."""

    def pick(category, offered):
        return next((i for i in policy[category] if i in offered), None)

    def probe(offer):
        if log is not None:
            log.append(offer["name"])
        version = offer.get("version")
        refused = dict(outcome="refused", offer=offer, name=offer["name"])
        if version not in policy["versions"]:
            return refused
        ciphers = "tls13_ciphersuites" if version == "TLSv1.3" else "tls12_ciphers"
        key = "ciphersuites" if version == "TLSv1.3" else "cipher"

        def chosen(category, option):
            """The server's pick among what the offer restricts, else its first choice."""
            if offer.get(option) and offer["category"] != "versions":
                return pick(category, offer[option].split(":"))
            return policy[category][0]

        cipher = chosen(ciphers, key)
        group = chosen("groups", "groups")
        sigalg = chosen("signature_algorithms", "sigalgs")
        if None in (cipher, group, sigalg):
            return refused
        dh = group.startswith("ffdhe")
        return dict(
            outcome="accepted",
            offer=offer,
            name=offer["name"],
            protocol=version,
            cipher=cipher,
            group=None if dh else group,
            temp_key={"type": "DH" if dh else "ECDH", "bits": int(group[5:]) if dh else 384},
            peer_signature_type="ECDSA",
            peer_signing_digest=SIG[sigalg],
        )

    return probe


def sweep(probe, tasks):
    results = []
    for task in tasks:
        results += [probe(task["offer"])] if "offer" in task else sw.eliminate(probe, task["chain"])
    return results


@pytest.mark.parametrize("policy", [FIPS_SERVER, WIDE_SERVER])
def test_elimination_finds_what_every_offer_alone_finds(policy):
    rows = sw.parse_cipher_list(CIPHERS)
    log = []
    eliminated = sw.accepted_sets(sweep(server(policy, log), sw.sweep_tasks(rows)))
    alone = sw.accepted_sets([server(policy)(o) for o in sw.sweep_offers(rows)])
    assert eliminated == alone
    for category in ("tls12_ciphers", "tls13_ciphersuites", "signature_algorithms"):
        assert sorted(eliminated[category]) == sorted(policy[category]), category
    assert "ffdhe2048" in eliminated["groups"] if "ffdhe2048" in policy["groups"] else True
    # one handshake per accepted item and one refusal per chain, instead of one per candidate
    assert len(log) < len(sw.sweep_offers(rows)) / 2


def test_fips_server_takes_few_handshakes():
    log = []
    sweep(server(FIPS_SERVER, log), sw.sweep_tasks(sw.parse_cipher_list(CIPHERS)))
    # 4 versions + 8 TLS 1.2 groups alone; each of the 5 chains: the accepted item, then a refusal
    assert len(log) == 4 + 8 + 5 * 2


def test_a_handshake_that_breaks_falls_back_to_each_item_alone():
    chain = next(t["chain"] for t in sw.sweep_tasks([]) if t.get("chain", {}).get("category") == "groups")
    good = server(FIPS_SERVER)

    def flaky(offer):
        if offer.get("items"):
            return dict(outcome="error", error="timed out", offer=offer, name=offer["name"])
        return good(offer)

    results = sw.eliminate(flaky, chain)
    assert len(results) == 1 + len(chain["items"])
    assert sw.accepted_sets(results)["groups"] == ["P-384"]
    assert sw.accepted_sets(results)["errors"] == []


def test_an_answer_naming_no_offered_item_falls_back_to_each_item_alone():
    chain = next(
        t["chain"] for t in sw.sweep_tasks([]) if t.get("chain", {}).get("category") == "signature_algorithms"
    )
    calls = []

    def odd(offer):
        calls.append(offer["name"])
        # the server signs with a digest none of the swept algorithms has
        return dict(
            outcome="accepted",
            offer=offer,
            name=offer["name"],
            peer_signature_type="ECDSA",
            peer_signing_digest="SHA224",
        )

    results = sw.eliminate(odd, chain)
    assert len(calls) == 1 + len(chain["items"])
    # alone, an accepted handshake shows the one offered algorithm was used
    assert sw.accepted_sets(results)["signature_algorithms"] == chain["items"]


def test_a_single_remaining_item_that_times_out_is_not_measured():
    chain = next(t["chain"] for t in sw.sweep_tasks([]) if t.get("chain", {}).get("category") == "groups")
    chain = dict(chain, items=chain["items"][:1])
    results = sw.eliminate(lambda o: dict(outcome="error", offer=o, name=o["name"]), chain)
    assert len(results) == 1 and sw.accepted_sets(results)["errors"] == [chain["singles"][0]["name"]]


@pytest.mark.parametrize(
    "sigalg, shown",
    [
        ("ECDSA+SHA384", ("ECDSA", "SHA384")),
        ("RSA+SHA256", ("RSA", "SHA256")),
        ("rsa_pss_rsae_sha384", ("RSA-PSS", "SHA384")),
        ("ed25519", ("Ed25519", "UNDEF")),
    ],
)
def test_signature_identified_from_what_s_client_shows(sigalg, shown):
    offer = {"category": "signature_algorithms", "items": list(sw.SIGNATURE_ALGORITHMS)}
    res = result("accepted", peer_signature_type=shown[0], peer_signing_digest=shown[1])
    assert sw.item_used(offer, res) == sigalg


def test_tls13_finite_field_group_is_named_by_its_size():
    offer = {"category": "groups", "items": ["P-384", "ffdhe3072"]}
    res = result("accepted", protocol="TLSv1.3", temp_key={"type": "DH", "bits": 3072})
    assert sw.item_used(offer, res) == "ffdhe3072"
    assert sw.item_used(offer, dict(res, protocol="TLSv1.2")) is None
