import copy
from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.module_utils import _profile

PROFILES = Path(__file__).resolve().parents[2] / "profiles"


@pytest.fixture
def fips():
    return _profile.load("fips140-2-sdes", [str(PROFILES)], yaml.safe_load)


def test_shipped_profiles_are_valid():
    names = sorted(p.stem for p in PROFILES.glob("*.yml"))
    assert "fips140-2-sdes" in names
    for name in names:
        assert _profile.load(name, [str(PROFILES)], yaml.safe_load)["name"] == name


def test_policy_of_the_seed_profile(fips):
    assert _profile.openssl_policy(fips) == {
        "MinProtocol": "TLSv1.2",
        "MaxProtocol": "TLSv1.2",
        "CipherString": "ECDHE-ECDSA-AES256-GCM-SHA384",
        "Ciphersuites": "",
        "Groups": "P-384",
        "SignatureAlgorithms": "ECDSA+SHA384",
    }


def test_policy_spans_versions_in_protocol_order(fips):
    fips["tls"]["versions"] = ["TLSv1.3", "TLSv1.2"]
    fips["tls"]["tls13_ciphersuites"] = ["TLS_AES_256_GCM_SHA384"]
    policy = _profile.openssl_policy(fips)
    assert (policy["MinProtocol"], policy["MaxProtocol"]) == ("TLSv1.2", "TLSv1.3")
    assert policy["Ciphersuites"] == "TLS_AES_256_GCM_SHA384"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p["tls"].update(versions=["SSLv3"]), "tls.versions"),
        (lambda p: p["tls"].update(versions=[]), "tls.versions"),
        (lambda p: p["tls"].update(groups=[]), "tls.groups must be a non-empty list"),
        (lambda p: p["tls"].update(groups=["P-384; rm -rf /"]), "tls.groups has an invalid entry"),
        (lambda p: p["tls"].update(tls12_ciphers="ECDHE"), "tls.tls12_ciphers must be a list"),
        (lambda p: p["tls"].update(versions=["TLSv1.3"]), "tls13_ciphersuites is empty"),
        (lambda p: p["tls"].update(tls12_ciphers=[]), "tls12_ciphers is empty"),
        (lambda p: p["tls"]["certificate"].update(signature_hash="md5"), "signature_hash"),
        (lambda p: p["tls"]["certificate"].pop("curve"), "curve must be one of"),
        (
            lambda p: p["tls"].update(groups=["P-999"]),
            "tls.groups has 'P-999', which OpenSSL and the probes do not",
        ),
        (lambda p: p["tls"].update(groups=["P-384", "secp384r1"]), "tls.groups names the same thing twice"),
        (lambda p: p["tls"].update(tls12_ciphers=["ECDHE-ECDSA-AES256-GCM-SHA999"]), "tls.tls12_ciphers has"),
        (lambda p: p["tls"].update(tls13_ciphersuites=["TLS_AES_256_GCM_SHA384"]), "has no TLSv1.3"),
        (lambda p: p["tls"].update(signature_algorithms=["ECDSA+SHA3"]), "tls.signature_algorithms has"),
        (lambda p: p["srtp"].update(suites=["AES_256_CM_HMAC_SHA1_80"]), "srtp.suites has"),
        (lambda p: p["tls"].update(revocation=True), "tls.revocation needs tls.mutual_auth"),
        (lambda p: p["tls"].update(mutual_auth="yes"), "tls.mutual_auth must be a boolean"),
        (lambda p: p.update(media={"codecs": "PCMU"}), "media.codecs must be a"),
        (lambda p: p["srtp"].update(mandatory="yes"), "srtp.mandatory"),
        (lambda p: p["sip"].pop("plaintext_transports_allowed"), "plaintext_transports_allowed"),
        (lambda p: p.update(controls={"tls.cipher": "FIPS 197"}), "controls"),
        (lambda p: p.update(name="Bad Name"), "name"),
        (lambda p: p.pop("tls"), "tls must be a mapping"),
        (lambda p: p.update(crypto_module="fips"), "crypto_module must be a mapping"),
        (lambda p: p["crypto_module"].update(required="yes"), "crypto_module.required must be a boolean"),
        (lambda p: p["crypto_module"].update(required=True, accepted=[]), "needs at least one"),
        (
            lambda p: p["crypto_module"].update(
                accepted=[{"name": "OpenSSL FIPS Provider", "version": "3.1.2"}]
            ),
            "crypto_module.accepted must be a list of mappings with name, version, certificate, standard",
        ),
        (lambda p: p["crypto_module"].update(notice=["x"]), "crypto_module.notice must be a string"),
    ],
)
def test_each_defect_is_named(fips, mutate, message):
    broken = copy.deepcopy(fips)
    mutate(broken)
    problems = _profile.validate(broken)
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("garbage", [None, [], "text", 42, {"name": "x"}])
def test_garbage_is_rejected(garbage):
    assert _profile.validate(garbage)


def test_missing_profile_names_where_it_looked(tmp_path):
    with pytest.raises(_profile.ProfileError, match="not found"):
        _profile.load("nope", [str(tmp_path)], yaml.safe_load)


def test_name_cannot_escape_the_directory(tmp_path):
    with pytest.raises(_profile.ProfileError, match="invalid profile name"):
        _profile.find("..", [str(tmp_path)])


def test_unparsable_file_is_a_profile_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("tls: [unclosed\n")
    with pytest.raises(_profile.ProfileError, match=r"bad\.yml"):
        _profile.load(str(bad), [], yaml.safe_load)


def test_invalid_file_lists_all_problems(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: bad\ntls: {}\n")
    with pytest.raises(_profile.ProfileError, match=r"is invalid: .*tls\.versions.*tls\.groups"):
        _profile.load(str(bad), [], yaml.safe_load)


def test_lookup_returns_the_profile_or_its_problems(tmp_path):
    from ansible.errors import AnsibleLookupError
    from ansible_collections.voipsec.baresip.plugins.lookup.profile import LookupModule

    lookup = LookupModule()
    data = lookup.run(["fips140-2-sdes"], variables={})[0]
    assert data["name"] == "fips140-2-sdes" and data["openssl_policy"]["Groups"] == "P-384"
    assert lookup.run(["fips140-2-sdes"], variables={}, problems=True) == [[]]
    bad = tmp_path / "bad.yml"
    bad.write_text("name: bad\ntls: {}\n")
    problems = lookup.run([str(bad)], variables={}, problems=True)[0]
    assert len(problems) == 1 and "is invalid: tls.versions must be" in problems[0]
    with pytest.raises(AnsibleLookupError, match="not found"):
        lookup.run(["no-such-profile"], variables={})


def test_names_are_normalised_once(fips):
    raw = copy.deepcopy(fips)
    raw["tls"].update(
        versions=["TLSv1.3", "TLSv1.2"],
        tls13_ciphersuites=["TLS_AES_256_GCM_SHA384"],
        groups=["secp384r1"],
        signature_algorithms=["ecdsa_secp384r1_sha384"],
    )
    assert _profile.validate(raw) == []
    tls = _profile.normalize(raw)["tls"]
    assert tls["versions"] == ["TLSv1.2", "TLSv1.3"]
    assert tls["groups"] == ["P-384"] and tls["signature_algorithms"] == ["ECDSA+SHA384"]
    assert tls["revocation"] is False
