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


ANY = ".".join(["0"] * 4)
SETTINGS = {"owner": "baresip", "cafile": "", "client_auth": False, "plaintext_port": 5060, "ctrl_port": 4444}


def evaluate(profile, facts, settings=None):
    return _checks.evaluate(profile, facts, SETTINGS if settings is None else settings)


def test_recorded_compliant_endpoint_passes_every_check(profile, facts):
    checks = evaluate(profile, facts)
    assert {c["status"] for c in checks} == {"pass"}, [c for c in checks if c["status"] != "pass"]
    assert len(checks) == 17
    rep = _checks.host_report("ua1", profile, checks)
    assert rep["compliant"] and rep["counts"] == {"pass": 17, "fail": 0, "error": 0, "skip": 0}
    c = by_id(checks)
    assert c["tls.group"]["controls"] == ["FIPS 186-4 App. D", "SP 800-56A"]
    assert "ECDHE-ECDSA-AES256-GCM-SHA384, group P-384 (384 bits)" in c["tls.handshake"]["observed"]
    assert c["srtp.mandatory"]["passes_when"].startswith("An INVITE offering RTP/AVP")


def test_fleet_settings_add_the_trust_checks(profile, facts):
    checks = evaluate(profile, facts, dict(SETTINGS, cafile="/ca.pem", client_auth=True))
    c = by_id(checks)
    assert len(checks) == 19
    # the recorded run had no fleet CA and no client-certificate probe: never a pass
    assert c["tls.trust"]["status"] == "fail" and "verify return code 18" in c["tls.trust"]["observed"]
    assert c["tls.client_auth"]["status"] == "skip"


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
        (
            lambda f: f["endpoint"]["listening"].append({"proto": "udp", "address": ANY, "port": 5060}),
            "sip.plaintext",
            "the service listens on udp 0.0.0.0:5060",
        ),
        (lambda f: f["control"].update(state="open"), "sip.control", "reachable from"),
        (
            lambda f: f["endpoint"]["listening"].append({"proto": "tcp", "address": ANY, "port": 4444}),
            "sip.control",
            "listening on 0.0.0.0:4444",
        ),
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
            "0 of 103 packets authenticated",
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
            "signature digest sha256 (ecdsa-with-SHA256) is weaker than the profile requires (sha384)",
        ),
        (
            lambda f: f["certificate"].update(expired=True),
            "tls.certificate",
            "expired at",
        ),
        (
            lambda f: f["endpoint"]["certificate"].update(sha256="AA:BB"),
            "tls.certificate",
            "the service runs an older certificate than the one on disk",
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
    checks = evaluate(profile, facts)
    c = by_id(checks)[check_id]
    assert c["status"] == "fail", c
    assert text in c["observed"]
    assert not _checks.host_report("ua1", profile, checks)["compliant"]


@pytest.mark.parametrize(
    ("mutate", "check_id"),
    [
        (
            lambda f: f["tls"]["results"][0].update(outcome="error", error="connection refused"),
            "tls.handshake",
        ),
        (lambda f: f["tls"]["sweep"]["errors"].append(f["tls"]["results"][1]["name"]), "tls.version"),
        (lambda f: f["tls"]["sweep"].update(tls12_ciphers=[], tls13_ciphersuites=[]), "tls.cipher"),
        (
            lambda f: f["plaintext"]["results"][1].update(outcome="error", detail="cannot resolve"),
            "sip.plaintext",
        ),
        (lambda f: f["control"].update(state="error", detail="cannot resolve ua1"), "sip.control"),
        (lambda f: f["endpoint"].update(listening=None), "sip.control"),
        (lambda f: f["calls"]["results"][0].update(outcome="error", error="no TLS"), "srtp.suite"),
        (lambda f: f.update(certificate={"unmeasured": "the UA served no certificate"}), "tls.certificate"),
        (
            lambda f: f["endpoint"].update(certificate={"sha256": None, "error": "no such file"}),
            "tls.certificate",
        ),
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
        (lambda f: f["endpoint"].update(secret_files=[]), "host.secrets"),
        (lambda f: f.update(calls={"unmeasured": "host unreachable: auditor1"}), "srtp.suite"),
    ],
)
def test_unmeasurable_is_error_never_pass(profile, facts, mutate, check_id):
    mutate(facts)
    checks = evaluate(profile, facts)
    assert by_id(checks)[check_id]["status"] == "error"
    assert not _checks.host_report("ua1", profile, checks)["compliant"]


def test_a_404_during_a_restart_is_no_refusal(profile, facts):
    # Recorded while baresip was being restarted: the plain-RTP call got 404, and so did the
    # calls with other suites; the profile's own call did not get through either.
    for r in facts["calls"]["results"]:
        r.update(outcome="rejected", status=404, reason="Not Found", answered_suite=None, srtp=None)
    c = by_id(evaluate(profile, facts))
    assert c["srtp.mandatory"]["status"] == "error"
    assert "not a refusal of the media offer" in c["srtp.mandatory"]["observed"]
    assert c["srtp.reject_other_suites"]["status"] == "error"
    assert c["srtp.suite"]["status"] == "fail"


def test_a_media_refusal_needs_the_profile_call_in_the_same_run(profile, facts):
    facts["calls"]["results"][0].update(outcome="error", error="timed out")
    c = by_id(evaluate(profile, facts))
    assert c["srtp.mandatory"]["status"] == "error"
    assert "was not established in the same run" in c["srtp.mandatory"]["observed"]
    assert c["srtp.reject_other_suites"]["status"] == "error"


def test_any_non_media_status_is_no_refusal(profile, facts):
    for status in (403, 480, 486, 500, 503):
        facts["calls"]["results"][1].update(status=status, reason="x")
        assert by_id(evaluate(profile, facts))["srtp.mandatory"]["status"] == "error", status
    facts["calls"]["results"][1].update(status=606, reason="Not Acceptable")
    assert by_id(evaluate(profile, facts))["srtp.mandatory"]["status"] == "pass"


def test_silence_on_plaintext_needs_the_ua_answering_over_tls(profile, facts):
    facts["tls"]["results"][0].update(outcome="error", error="connection refused")
    c = by_id(evaluate(profile, facts))["sip.plaintext"]
    assert c["status"] == "error" and "silence is no evidence" in c["observed"]


def test_log_of_another_invocation_is_no_evidence(profile, facts):
    facts["endpoint"]["log"]["invocation"] = "0cc80a0368154d78835c34ab7e4c5ec1"
    c = by_id(evaluate(profile, facts))["srtp.module"]
    assert c["status"] == "error" and "current invocation" in c["observed"]


def test_stopped_service_voids_every_live_check(profile, facts):
    for state in (facts["endpoint"], facts["endpoint_after"]):
        state["service"].update(ActiveState="inactive", SubState="dead", MainPID="0", InvocationID="")
    checks = by_id(evaluate(profile, facts))
    for cid, c in checks.items():
        if cid == "host.secrets":
            assert c["status"] == "pass"
        else:
            assert c["status"] == "error", cid
            assert c["observed"] == "baresip.service is inactive (dead): nothing to audit"


def test_restart_during_the_audit_voids_every_live_check(profile, facts):
    facts["endpoint_after"]["service"].update(MainPID="7001", InvocationID="feedc0de")
    checks = evaluate(profile, facts)
    live = [c for c in checks if c["id"] != "host.secrets"]
    assert {c["status"] for c in live} == {"error"}
    assert "the service restarted during the audit (MainPID 6561 -> 7001)" in live[0]["observed"]
    assert not _checks.host_report("ua1", profile, checks)["compliant"]


def test_service_state_unreadable_after_the_probes(profile, facts):
    facts["endpoint_after"] = {"unmeasured": "host unreachable: ua1"}
    c = by_id(evaluate(profile, facts))["tls.handshake"]
    assert c["status"] == "error" and "not read after the probes" in c["observed"]


def test_unmeasured_endpoint_lists_every_check_as_error(profile):
    rep = _checks.host_report("ua9", profile, _checks.unmeasured(profile, "endpoint unreachable: no route"))
    assert rep["counts"] == {"pass": 0, "fail": 0, "error": 17, "skip": 0} and not rep["compliant"]
    assert {c["observed"] for c in rep["checks"]} == {"endpoint unreachable: no route"}
    fleet = _checks.unmeasured(profile, "x", dict(SETTINGS, cafile="/ca.pem", client_auth=True))
    assert len(fleet) == 19 and {c["status"] for c in fleet} == {"error"}


def test_nothing_measured_is_all_skip_and_not_compliant(profile):
    checks = evaluate(profile, {"endpoint": FACTS["endpoint"], "endpoint_after": FACTS["endpoint_after"]})
    assert {c["status"] for c in checks} - {"skip"} <= {"pass", "error"}
    assert "skip" in {c["status"] for c in checks}
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
    good = _checks.host_report("ua1", profile, evaluate(profile, facts))
    facts["tls"]["sweep"]["versions"].append("TLSv1.3")
    bad = _checks.host_report("ua2", profile, evaluate(profile, facts))
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
    rep = _checks.host_report("<b>ua1</b>", profile, evaluate(profile, facts))
    page = _report.page([rep], "now")
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<b>ua1</b>" not in page
    ET.fromstring(_report.junit([rep]))


def test_reports_show_an_unmeasured_endpoint(profile, facts):
    good = _checks.host_report("ua1", profile, evaluate(profile, facts))
    gone = _checks.host_report(
        "ua9",
        profile,
        _checks.unmeasured(profile, "endpoint unreachable: no route"),
        "endpoint unreachable: no route",
    )
    summary = _report.summary([good, gone])
    assert summary["hosts"] == 2 and summary["compliant_hosts"] == 1 and not summary["compliant"]
    root = ET.fromstring(_report.junit([good, gone]))
    assert root.find(".//testsuite[@name='ua9']").get("errors") == "17"
    page = _report.page([good, gone], "now")
    assert "Not audited:</b> endpoint unreachable: no route" in page
    assert "passes only when" in page


def test_gap_of_a_fips_endpoint_audited_as_niap(facts):
    niap = _profile.load("niap-vvoip-2", [str(ROOT / "profiles")], yaml.safe_load)
    checks = evaluate(niap, facts, dict(SETTINGS, client_auth=True))
    rep = _checks.host_report("ua1", niap, checks, None, "fips140-2-sdes")
    lacks = {x["id"]: x["observed"] for x in rep["gap"]["lacks"]}
    assert rep["gap"]["deployed_profile"] == "fips140-2-sdes"
    assert rep["gap"]["audited_profile"] == "niap-vvoip-2"
    assert "refused although required: TLSv1.3" in lacks["tls.version"]
    assert "answered RTP/SAVP AES_CM_128_HMAC_SHA1_80" in lacks["srtp.suite"]
    assert "suite AES_CM_128_HMAC_SHA1_80 not in profile" in lacks["srtp.offer"]
    assert {"tls.revocation_server", "tls.revocation_client"} <= set(lacks)
    assert "tls.handshake" not in lacks and "host.secrets" not in lacks
    same = _checks.host_report("ua1", niap, checks, None, "niap-vvoip-2")
    assert "gap" not in same


def test_a_required_candidate_whose_offer_erred_is_not_measured_not_refused(profile, facts):
    # the auditor could not make the offer (for instance its client certificate is missing): the
    # required version is not shown refused, so the check is an error, not a failure
    facts["tls"]["sweep"].update(versions=[], errors=["version TLSv1.2"])
    check = by_id(evaluate(profile, facts))["tls.version"]
    assert check["status"] == "error"
    assert "not accepted although required: TLSv1.2" in check["observed"]
    assert "not measured: version TLSv1.2" in check["observed"]
    # with an accepted candidate outside the profile it fails whatever else erred
    facts["tls"]["sweep"].update(versions=["TLSv1.1"])
    assert by_id(evaluate(profile, facts))["tls.version"]["status"] == "fail"
