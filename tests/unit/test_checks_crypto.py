"""The crypto.* checks of fips140-3-sdes on facts made of recorded real probe output."""

import copy
import json
import pathlib

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.module_utils import _checks, _crypto_module, _profile

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "crypto_module"
MODULE = "/opt/baresip/fips/lib/ossl-modules/fips.so"
DIGEST = "ab" * 32


def read(name):
    return (FIXTURES / name).read_text()


def in_force():
    """What the probe returns for a baresip running on the module (recorded outputs)."""
    return {
        "process": {
            "pid": 4242,
            "started": 1.0,
            "libcrypto": ["/usr/lib/x86_64-linux-gnu/libcrypto.so.3"],
            "providers": [MODULE],
            "openssl_conf": "/etc/baresip/openssl.cnf",
            "config_changed": [],
        },
        "in_process": _crypto_module.parse_process_check(read("process_fips.txt")),
        "providers": _crypto_module.parse_providers(read("providers_fips.txt")),
        "module_file": {"path": MODULE, "sha256": DIGEST},
        "install": _crypto_module.parse_fipsinstall(0, read("fipsinstall_verify_pass.txt")),
        "approved_only": {
            "error": None,
            "offers": [
                {"name": "chacha20_tls12", "accepted": False, "connected": True, "cipher": None},
                {
                    "name": "profile_tls12",
                    "accepted": True,
                    "connected": True,
                    "cipher": "ECDHE-ECDSA-AES256-GCM-SHA384",
                },
            ],
        },
        "imports": {"/opt/baresip/lib/libre.so.4.10.0": [], "/opt/baresip/bin/baresip": []},
        "error": None,
    }


@pytest.fixture
def profile():
    return _profile.load("fips140-3-sdes", [str(ROOT / "profiles")], yaml.safe_load)


def judge(profile, crypto, settings=None, manifest_digest=DIGEST):
    facts = {
        "crypto_module": crypto,
        "endpoint": {"manifest": {"fips_provider": {"module_sha256": manifest_digest}}},
    }
    checks = {c.id: c for c in _checks.REGISTRY if c.id.startswith("crypto.")}
    ctx = _checks.Context(profile, facts, settings or {})
    return {cid: c.func(ctx) for cid, c in checks.items()}


def test_module_in_force_passes_every_crypto_check(profile):
    verdicts = judge(profile, in_force())
    assert {k: v.status for k, v in verdicts.items()} == dict.fromkeys(
        ["crypto.module", "crypto.module_install", "crypto.approved_only", "crypto.bypass"], "pass"
    )
    assert verdicts["crypto.module"].observed.startswith("OpenSSL FIPS Provider 3.1.2 (FIPS 140-3 #4985)")
    assert verdicts["crypto.bypass"].observed == "2 files read; imports outside the providers: none"


def test_stock_openssl_fails_the_module_check_in_one_line(profile):
    stock = in_force()
    stock["process"]["providers"] = []
    stock["in_process"] = _crypto_module.parse_process_check(read("process_stock.txt"))
    stock["providers"] = _crypto_module.parse_providers(read("providers_stock.txt"))
    verdict = judge(profile, stock)["crypto.module"]
    assert verdict.status == "fail"
    assert "has no FIPS provider loaded" in verdict.observed
    assert "\n" not in verdict.observed


@pytest.mark.parametrize(
    ("mutate", "status", "text"),
    [
        (
            lambda f: f["in_process"].update(fips_default_properties=False, fetch_MD5=True),
            "fail",
            "fips=yes is not",
        ),
        (
            lambda f: f["in_process"].update(available_default=True),
            "fail",
            "default (non-validated) provider",
        ),
        (
            lambda f: f["providers"][1].update(version="3.0.9"),
            "fail",
            "provider reports OpenSSL FIPS Provider 3.0.9",
        ),
        (lambda f: f["module_file"].update(sha256="cd" * 32), "fail", "is not the built module's"),
        (
            lambda f: f["process"].update(config_changed=["/etc/baresip/openssl.cnf"]),
            "error",
            "changed after",
        ),
        (lambda f: f.update(in_process=None, in_process_error="exit 1"), "error", "exit 1"),
        (lambda f: f.update(process=None, error="baresip is not running"), "error", "not running"),
    ],
)
def test_module_check_findings(profile, mutate, status, text):
    crypto = in_force()
    mutate(crypto)
    verdict = judge(profile, crypto)["crypto.module"]
    assert (verdict.status, text in verdict.observed) == (status, True), verdict.observed


def test_module_check_without_a_recorded_digest_fails(profile):
    verdict = judge(profile, in_force(), manifest_digest=None)["crypto.module"]
    assert verdict.status == "fail"
    assert "records no module digest" in verdict.observed


def test_install_verification_failure(profile):
    crypto = in_force()
    crypto["install"] = _crypto_module.parse_fipsinstall(1, read("fipsinstall_verify_fail.txt"))
    verdict = judge(profile, crypto)["crypto.module_install"]
    assert verdict.status == "fail"
    assert "Module integrity mismatch" in verdict.observed


def test_approved_only(profile):
    accepted = in_force()
    accepted["approved_only"]["offers"][0].update(accepted=True, cipher="ECDHE-ECDSA-CHACHA20-POLY1305")
    assert judge(profile, accepted)["crypto.approved_only"].status == "fail"
    control = in_force()
    control["approved_only"]["offers"][1].update(accepted=False)
    assert judge(profile, control)["crypto.approved_only"].status == "error"  # a refusal that proves nothing
    partial = in_force()
    partial["approved_only"]["offers"] = partial["approved_only"]["offers"][1:]  # no ChaCha20 offer made
    verdict = judge(profile, partial)["crypto.approved_only"]
    assert (verdict.status, "chacha20_tls12 (not offered)" in verdict.observed) == ("error", True)
    unreached = copy.deepcopy(in_force())
    unreached["approved_only"] = {"offers": [], "error": "s_server did not start"}
    assert judge(profile, unreached)["crypto.approved_only"].status == "error"


def test_bypass_on_protected_traffic(profile):
    crypto = in_force()
    crypto["imports"]["/opt/baresip/lib/libre.so.2"] = ["MD5"]
    assert judge(profile, crypto)["crypto.bypass"].status == "pass"  # no account with a password
    verdict = judge(profile, crypto, {"registrations": [{"aor": "sip:a@b"}]})["crypto.bypass"]
    assert verdict.status == "fail"
    assert "MD5 (credentials)" in verdict.observed
    crypto["imports"] = {}
    assert judge(profile, crypto)["crypto.bypass"].status == "error"


def crypto_ids(profile):
    return {c.id for c in _checks.applicable(profile) if c.id.startswith("crypto.")}


def test_crypto_checks_apply_only_to_profiles_that_require_a_module(profile):
    seed = _profile.load("fips140-2-sdes", [str(ROOT / "profiles")], yaml.safe_load)
    assert crypto_ids(profile) == {
        "crypto.module",
        "crypto.module_install",
        "crypto.approved_only",
        "crypto.bypass",
    }
    assert not crypto_ids(seed)
    assert "can no longer be met" in seed["crypto_module"]["notice"]
    json.dumps(profile)  # plain data


def test_reports_of_the_seed_profile_carry_its_notice():
    from ansible_collections.voipsec.baresip.plugins.module_utils import _report

    seed = _profile.load("fips140-2-sdes", [str(ROOT / "profiles")], yaml.safe_load)
    report = _checks.host_report("ua1", seed, [], None)
    assert report["notice"].startswith("This profile's module requirement (FIPS 140-2) can no longer be met")
    assert "Profile notice:</b> This profile&#x27;s module requirement" in _report.page([report], "now")
    assert 'name="profile_notice"' in _report.junit([report])
    current = _profile.load("fips140-3-sdes", [str(ROOT / "profiles")], yaml.safe_load)
    assert "notice" not in _checks.host_report("ua1", current, [], None)
