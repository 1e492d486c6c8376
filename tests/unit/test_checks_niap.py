"""Checks of niap-vvoip-2 on what the niap scenario recorded from a compliant endpoint."""

import copy
import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.module_utils import _checks, _profile

ROOT = Path(__file__).resolve().parents[2]
FACTS = json.loads((Path(__file__).parent / "fixtures" / "audit" / "compliant_niap_ua1.json").read_text())
SETTINGS = {
    "owner": "baresip",
    "cafile": "/ca.pem",
    "client_auth": True,
    "plaintext_port": 5060,
    "ctrl_port": 4444,
}


@pytest.fixture
def niap():
    return _profile.load("niap-vvoip-2", [str(ROOT / "profiles")], yaml.safe_load)


@pytest.fixture
def facts():
    return copy.deepcopy(FACTS)


def by_id(profile, facts):
    return {c["id"]: c for c in _checks.evaluate(profile, facts, SETTINGS)}


def test_recorded_niap_endpoint_passes_every_check(niap, facts):
    checks = by_id(niap, facts)
    assert len(checks) == 26
    assert {c["status"] for c in checks.values()} == {"pass"}, [
        c for c in checks.values() if c["status"] != "pass"
    ]
    assert checks["srtp.suite"]["observed"].endswith("answered RTP/SAVP AEAD_AES_256_GCM")
    assert checks["tls.revocation_server"]["controls"] == [
        "FIA_X509_EXT.1.1 (revocation)",
        "TLS-PKG FCS_TLSS_EXT.2",
    ]


def results(facts, fact):
    return {r["name"]: r for r in facts[fact]["results"]}


@pytest.mark.parametrize(
    ("mutate", "check_id", "status", "text"),
    [
        (
            lambda f: results(f, "client_auth")["revoked_client_certificate"].update(
                outcome="accepted", alert=None
            ),
            "tls.revocation_server",
            "fail",
            "revoked certificate: accepted",
        ),
        (
            lambda f: f["client_auth"].update(results=f["client_auth"]["results"][:2]),
            "tls.revocation_server",
            "error",
            "no revoked client certificate was offered",
        ),
        (
            lambda f: results(f, "client_auth")["revoked_client_certificate"].update(
                outcome="error", alert=None, error="connection refused"
            ),
            "tls.revocation_server",
            "error",
            "connection refused",
        ),
        (
            lambda f: f["revoked_server"].update(outcome="captured", alert=None),
            "tls.revocation_client",
            "fail",
            "the UA sent its INVITE to a revoked server",
        ),
        (
            lambda f: f["revoked_server"].update(
                outcome="error", alert=None, error="no TLS handshake with the UA"
            ),
            "tls.revocation_client",
            "error",
            "revoked server: error",
        ),
        (
            lambda f: f["receiver"].update(outcome="error", error="no TLS handshake with the UA"),
            "tls.revocation_client",
            "error",
            "valid server: error",
        ),
        (
            lambda f: f["receiver"]["sdp"].update(codecs=["opus/48000", "PCMU/8000"]),
            "media.codecs",
            "fail",
            "not in profile: opus/48000",
        ),
        (
            lambda f: f["calls"]["results"][0].update(answered_suite="AES_CM_128_HMAC_SHA1_80"),
            "srtp.suite",
            "fail",
            "",
        ),
        (
            lambda f: f["tls"]["sweep"]["tls13_ciphersuites"].append("TLS_CHACHA20_POLY1305_SHA256"),
            "tls.cipher",
            "fail",
            "not in profile: TLS_CHACHA20_POLY1305_SHA256",
        ),
        (
            lambda f: f["tls"]["sweep"].update(versions=["TLSv1.2"]),
            "tls.version",
            "fail",
            "refused although required: TLSv1.3",
        ),
    ],
)
def test_each_finding(niap, facts, mutate, check_id, status, text):
    mutate(facts)
    check = by_id(niap, facts)[check_id]
    assert check["status"] == status, check
    assert text in check["observed"]


def test_tls13_handshake_is_judged_against_the_tls13_suites(niap, facts):
    first = facts["tls"]["results"][0]
    assert first["protocol"] == "TLSv1.3"
    first["cipher"] = "ECDHE-ECDSA-AES256-GCM-SHA384"  # a TLS 1.2 name under TLS 1.3 is no match
    assert by_id(niap, facts)["tls.handshake"]["status"] == "fail"


def test_recorded_sp800_endpoint_passes_every_check():
    """sp800-52r2 adds no code: recorded from an endpoint deployed and audited with it."""
    sp800 = _profile.load("sp800-52r2", [str(ROOT / "profiles")], yaml.safe_load)
    facts = json.loads(
        (Path(__file__).parent / "fixtures" / "audit" / "compliant_sp800_ua1.json").read_text()
    )
    checks = {c["id"]: c for c in _checks.evaluate(sp800, facts, dict(SETTINGS, client_auth=False))}
    assert len(checks) == 18 and {c["status"] for c in checks.values()} == {"pass"}
    assert checks["srtp.offer"]["observed"].endswith(
        "AEAD_AES_256_GCM, AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80"
    )
    assert checks["srtp.reject_other_suites"]["expected"] == "rejected with 488/606: AES_CM_128_HMAC_SHA1_32"
    # the same endpoint is not a niap-vvoip-2 one: the gap names what it lacks
    niap = _profile.load("niap-vvoip-2", [str(ROOT / "profiles")], yaml.safe_load)
    rep = _checks.host_report("ua1", niap, _checks.evaluate(niap, facts, SETTINGS), None, "sp800-52r2")
    lacks = {x["id"] for x in rep["gap"]["lacks"]}
    assert {"tls.cipher", "tls.group", "tls.signature", "srtp.offer", "tls.client_auth"} <= lacks
