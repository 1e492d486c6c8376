import copy
import json
from pathlib import Path

from ansible_collections.voipsec.baresip.plugins.module_utils import _cert_rules

# x509_certificate_info of the certificate a fips140-2-sdes endpoint served (recorded audit)
INFO = json.loads((Path(__file__).parent / "fixtures" / "audit" / "compliant_ua1.json").read_text())[
    "certificate"
]
RULES = {"key_type": "EC", "curve": "secp384r1", "signature_hash": "sha384"}
KEY = {"type": "ECC", "public_data": {"curve": "secp384r1"}, "public_key": INFO["public_key"]}


def test_recorded_certificate_and_its_key_pass():
    assert _cert_rules.problems(INFO, RULES) == []
    assert _cert_rules.problems(INFO, RULES, KEY) == []


def mutated(**changes):
    info = copy.deepcopy(INFO)
    info.update(changes)
    return _cert_rules.problems(info, RULES)


def test_each_rule_names_its_defect():
    assert mutated(public_key_data={"curve": "secp256r1"}) == [
        "certificate curve is secp256r1, the profile requires secp384r1"
    ]
    assert mutated(public_key_type="RSA") == ["certificate key type is RSA, the profile requires EC"]
    assert "weaker than the profile requires (sha384)" in mutated(signature_algorithm="ecdsa-with-SHA256")[0]
    assert mutated(signature_algorithm="sha512WithRSAEncryption") == []
    assert mutated(expired=True)[0].startswith("certificate expired at")
    assert mutated(valid_at={"now": False})[0].startswith("certificate is not valid yet")
    assert mutated(extended_key_usage=["TLS Web Server Authentication"]) == [
        "extendedKeyUsage lacks clientAuth (TLS Web Server Authentication)"
    ]
    assert mutated(extended_key_usage=None) == ["extendedKeyUsage lacks serverAuth and clientAuth (none)"]
    assert "CA:TRUE" in mutated(basic_constraints=["CA:TRUE"])[0]


def test_key_rules():
    other = dict(KEY, public_key="-----BEGIN PUBLIC KEY-----\nother\n-----END PUBLIC KEY-----\n")
    assert _cert_rules.problems(INFO, RULES, other) == ["certificate and private key do not match"]
    p256 = dict(KEY, public_data={"curve": "secp256r1"})
    assert _cert_rules.problems(INFO, RULES, p256)[0].startswith("key type is EC on secp256r1")


def test_garbage_is_a_list_of_problems_not_a_crash():
    assert len(_cert_rules.problems({}, RULES)) >= 3
    assert len(_cert_rules.problems(None, RULES)) >= 3
    assert _cert_rules.digest_of(None) == "unknown"
