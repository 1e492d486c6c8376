import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.module_utils import _checks, _profile, _report

ROOT = Path(__file__).resolve().parents[2]
FACTS = json.loads((Path(__file__).parent / "fixtures" / "audit" / "compliant_ua1.json").read_text())


@pytest.fixture
def profile():
    return _profile.load("fips140-2-sdes", [str(ROOT / "profiles")], yaml.safe_load)


@pytest.fixture
def facts():
    return copy.deepcopy(FACTS)


def by_id(checks):
    return {c["id"]: c for c in checks}


def test_recorded_compliant_endpoint_passes_every_check(profile, facts):
    checks = _checks.evaluate(profile, facts)
    assert {c["status"] for c in checks} == {"pass"}
    assert len(checks) == 17
    rep = _checks.host_report("ua1", profile, checks)
    assert rep["compliant"] and rep["counts"] == {"pass": 17, "fail": 0, "error": 0, "skip": 0}
    c = by_id(checks)
    assert c["tls.group"]["controls"] == ["FIPS 186-4 App. D", "SP 800-56A"]
    assert "ECDHE-ECDSA-AES256-GCM-SHA384, group P-384 (384 bits)" in c["tls.handshake"]["observed"]


@pytest.mark.parametrize(
    ("mutate", "check_id", "text"),
    [
        (lambda f: f["tls"]["sweep"]["versions"].append("TLSv1.3"), "tls.version", "not in profile: TLSv1.3"),
        (lambda f: f["tls"]["sweep"]["groups"].append("X25519"), "tls.group", "not in profile: X25519"),
        (
            lambda f: f["tls"]["sweep"]["tls12_ciphers"].append("ECDHE-ECDSA-CHACHA20-POLY1305"),
            "tls.cipher",
            "CHACHA20",
        ),
        (
            lambda f: f["tls"]["sweep"]["signature_algorithms"].append("ECDSA+SHA256"),
            "tls.signature",
            "not in profile: ECDSA+SHA256",
        ),
        (
            lambda f: f["tls"]["sweep"].update(versions=[]),
            "tls.version",
            "refused although required: TLSv1.2",
        ),
        (
            lambda f: f["plaintext"]["results"][0].update(answered=True, status=200, reason="OK"),
            "sip.plaintext",
            "plaintext SIP answered on udp/5060 (200 OK)",
        ),
        (lambda f: f["control"].update(reachable=True), "sip.control", "reachable from"),
        (lambda f: f["endpoint"]["log"].update(srtp_suites=None), "srtp.module", "no srtp_suites setting"),
        (
            lambda f: f["endpoint"]["log"]["registered"].update(mediaenc=[]),
            "srtp.module",
            "srtp-mand not registered",
        ),
        (lambda f: f["endpoint"]["secret_files"][0].update(mode="0644"), "host.secrets", "0644"),
        (
            lambda f: f["receiver"]["tls"]["client_groups"].append("X25519"),
            "tls.client",
            "not in profile: groups X25519",
        ),
        (lambda f: f["receiver"]["invite"].update(via_transport="UDP"), "sip.transport", "SIP/2.0/UDP"),
        (
            lambda f: f["calls"]["results"][0]["srtp"].update(authenticated=0, rejected=78),
            "media.srtp_authenticated",
            "0 of 78 packets authenticated",
        ),
        (
            lambda f: f["calls"]["results"][0]["srtp"].update(wrong_key_authenticated=78),
            "media.srtp_authenticated",
            "78 with a random key",
        ),
        (
            lambda f: f["receiver"]["sdp"].update(media_proto="RTP/AVP", crypto=[]),
            "srtp.offer",
            "no a=crypto",
        ),
        (
            lambda f: f["certificate"].update(signature_algorithm="ecdsa-with-SHA256"),
            "tls.certificate",
            "signature",
        ),
        (
            lambda f: f["calls"]["results"][1].update(outcome="established", status=200),
            "srtp.mandatory",
            "200",
        ),
        (
            lambda f: f["calls"]["results"][2].update(outcome="established", status=200),
            "srtp.reject_other_suites",
            "established with: AES_CM_128_HMAC_SHA1_32",
        ),
    ],
)
def test_each_finding_fails_its_check(profile, facts, mutate, check_id, text):
    mutate(facts)
    c = by_id(_checks.evaluate(profile, facts))[check_id]
    assert c["status"] == "fail", c
    assert text in c["observed"]
    assert not _checks.host_report("ua1", profile, list(by_id(_checks.evaluate(profile, facts)).values()))[
        "compliant"
    ]


@pytest.mark.parametrize(
    ("mutate", "check_id"),
    [
        (
            lambda f: f["tls"]["results"][0].update(outcome="error", error="connection refused"),
            "tls.handshake",
        ),
        (lambda f: f["tls"]["sweep"]["errors"].append(f["tls"]["results"][1]["name"]), "tls.version"),
        (
            lambda f: f["plaintext"]["results"][1].update(outcome="error", detail="cannot resolve"),
            "sip.plaintext",
        ),
        (lambda f: f["control"].update(error="cannot resolve ua1"), "sip.control"),
        (lambda f: f["calls"]["results"][0].update(outcome="error", error="no TLS"), "srtp.suite"),
        (lambda f: f.update(certificate={"error": "unreadable"}), "tls.certificate"),
        (lambda f: f["receiver"].update(outcome="error", error="no TLS handshake with the UA"), "tls.client"),
        (
            lambda f: f["calls"]["results"][0]["srtp"].update(
                available=False, error="pylibsrtp is not installed"
            ),
            "media.srtp_authenticated",
        ),
        (
            lambda f: f["calls"]["results"][0]["srtp"].update(packets=0, authenticated=0),
            "media.srtp_authenticated",
        ),
    ],
)
def test_unmeasurable_is_error_never_pass(profile, facts, mutate, check_id):
    mutate(facts)
    checks = _checks.evaluate(profile, facts)
    assert by_id(checks)[check_id]["status"] == "error"
    assert not _checks.host_report("ua1", profile, checks)["compliant"]


def test_nothing_measured_is_all_skip_and_not_compliant(profile):
    checks = _checks.evaluate(profile, {})
    assert {c["status"] for c in checks} == {"skip"}
    assert not _checks.host_report("ua1", profile, checks)["compliant"]


def test_call_offers_follow_the_profile(profile):
    offers = _checks.call_offers(profile)
    assert [o["name"] for o in offers] == [
        "profile_suite",
        "plain_rtp",
        "only_AES_CM_128_HMAC_SHA1_32",
        "only_AEAD_AES_128_GCM",
        "only_AEAD_AES_256_GCM",
    ]
    assert offers[0]["crypto_suites"] == ["AES_CM_128_HMAC_SHA1_80"]


def test_reports(profile, facts):
    good = _checks.host_report("ua1", profile, _checks.evaluate(profile, facts))
    facts["tls"]["sweep"]["versions"].append("TLSv1.3")
    bad = _checks.host_report("ua2", profile, _checks.evaluate(profile, facts))
    summary = _report.summary([good, bad])
    assert summary["compliant"] is False and summary["compliant_hosts"] == 1 and summary["fail"] == 1
    root = ET.fromstring(_report.junit([good, bad]))
    assert root.get("tests") == "34" and root.get("failures") == "1"
    failure = root.find(".//testsuite[@name='ua2']/testcase/failure")
    assert "TLSv1.3" in failure.get("message") and "expected: only TLSv1.2 accepted" in failure.text
    page = _report.page([good, bad], "2026-11-28T00:00:00Z")
    assert "NOT COMPLIANT" in page and "<script" not in page and "ua2" in page
    assert page.count("<table") == 3


def test_html_escapes_hostile_text(profile, facts):
    facts["plaintext"]["results"][0].update(answered=True, status=200, reason="<script>alert(1)</script>")
    rep = _checks.host_report("<b>ua1</b>", profile, _checks.evaluate(profile, facts))
    page = _report.page([rep], "now")
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<b>ua1</b>" not in page
    ET.fromstring(_report.junit([rep]))
