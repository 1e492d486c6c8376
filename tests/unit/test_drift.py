"""Drift between audits: what is observed, what changed, the history the reports keep."""

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.action import audit_report
from ansible_collections.voipsec.baresip.plugins.filter import audit
from ansible_collections.voipsec.baresip.plugins.module_utils import _drift, _profile, _report

ROOT = Path(__file__).resolve().parents[2]
FACTS = json.loads((Path(__file__).parent / "fixtures" / "audit" / "compliant_ua1.json").read_text())
PROFILE = _profile.load("fips140-2-sdes", [str(ROOT / "profiles")], yaml.safe_load)
SETTINGS = {"owner": "baresip", "cafile": "", "client_auth": False, "plaintext_port": 5060, "ctrl_port": 4444}


def report(facts, host="ua1"):
    checks = audit.compliance_checks(facts, PROFILE, SETTINGS)
    return audit.host_report(checks, host, PROFILE, None, None, facts)


def test_observations_of_a_recorded_audit():
    seen = _drift.observations(FACTS)
    assert seen["tls.negotiated"] == "TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 P-384"
    assert seen["tls.accepted.versions"] == "TLSv1.2"
    assert seen["tls.accepted.tls13_ciphersuites"] == "none"
    assert seen["certificate.serial"] == "145532135191612437064281747503546337782115260721"
    assert seen["service.invocation"].startswith("9f8610fd76724aaa9bbe5941ed151b9a (MainPID ")
    assert seen["srtp.answered_suite"] == "AES_CM_128_HMAC_SHA1_80"
    assert seen["build.manifest"].startswith("baresip 1.1.0, re 2.0.1, rem 1.0.0 (manifest sha256:")
    assert report(FACTS)["observations"] == seen


@pytest.mark.parametrize(
    "facts",
    [
        None,
        "garbage",
        {},
        {"tls": {"unmeasured": "auditor unreachable"}, "certificate": {"unmeasured": "no handshake"}},
        {
            "tls": {"results": [{"outcome": "error"}], "sweep": {"versions": "TLSv1.2"}},
            "calls": {"results": []},
        },
        {"endpoint": {"service": {}, "manifest": None}, "certificate": {"subject": {}}},
    ],
)
def test_what_could_not_be_read_is_left_out(facts):
    # an unmeasured or truncated fact never becomes a value that could "change"
    assert _drift.observations(facts) == {}


def test_the_first_audit_has_nothing_to_compare():
    drift = _drift.drift([report(FACTS)], [])
    assert drift == {"previous": None, "added": [], "gone": [], "hosts": {}, "changed": False}


def test_the_same_audit_twice_is_no_drift():
    earlier = {"generated_at": "2026-11-29T10:00:00Z", "hosts": [report(FACTS)]}
    drift = _drift.drift([report(FACTS)], [earlier])
    assert drift["previous"] == "2026-11-29T10:00:00Z" and drift["changed"] is False and drift["hosts"] == {}


def test_a_weakened_restarted_reissued_endpoint_shows_exactly_that():
    later = copy.deepcopy(FACTS)
    later["tls"]["sweep"]["versions"].append("TLSv1.3")
    later["certificate"]["serial_number"] = 42
    later["endpoint"]["manifest"]["built_at"] = "2026-12-01T00:00:00Z"  # rebuilt
    for state in ("endpoint", "endpoint_after"):
        later[state]["service"].update(InvocationID="0" * 32, MainPID="999")
    later["endpoint"]["log"]["invocation"] = "0" * 32  # the log read is the new run's
    earlier = {"generated_at": "2026-11-29T10:00:00Z", "hosts": [report(FACTS)]}
    drift = _drift.drift([report(later)], [earlier])
    change = drift["hosts"]["ua1"]
    assert drift["changed"] and change["since"] == "2026-11-29T10:00:00Z"
    assert [(x["id"], x["status"], x["was"]) for x in change["new_failures"]] == [
        ("tls.version", "fail", "pass")
    ]
    assert "not in profile: TLSv1.3" in change["new_failures"][0]["observed"]
    assert change["fixed"] == [] and change["status_changes"] == []
    assert {x["name"] for x in change["observations"]} == {
        "tls.accepted.versions",
        "certificate.serial",
        "service.invocation",
        "build.manifest",
    }
    serial = next(x for x in change["observations"] if x["name"] == "certificate.serial")
    assert serial["after"] == "42"
    # and back: the failure is fixed
    back = _drift.drift(
        [report(FACTS)], [earlier, {"generated_at": "2026-11-30T10:00:00Z", "hosts": [report(later)]}]
    )
    assert back["hosts"]["ua1"]["fixed"] == [{"id": "tls.version", "was": "fail"}]


def test_endpoints_added_and_gone_and_each_host_against_its_own_latest_report():
    older = {"generated_at": "2026-11-28T10:00:00Z", "hosts": [report(FACTS, "ua3")]}
    previous = {"generated_at": "2026-11-29T10:00:00Z", "hosts": [report(FACTS, "ua1"), report(FACTS, "ua2")]}
    drift = _drift.drift(
        [report(FACTS, "ua1"), report(FACTS, "ua3"), report(FACTS, "ua4")], [older, previous]
    )
    assert drift["added"] == ["ua4"] and drift["gone"] == ["ua2"] and drift["hosts"] == {}
    assert drift["changed"]


def test_an_unmeasured_endpoint_shows_its_checks_newly_not_measured():
    unmeasured = audit.unmeasured_report("ua1", PROFILE, "endpoint unreachable", SETTINGS)
    drift = _drift.drift([unmeasured], [{"generated_at": "t0", "hosts": [report(FACTS)]}])
    new = drift["hosts"]["ua1"]["new_failures"]
    assert new and {x["status"] for x in new} == {"error"} and drift["hosts"]["ua1"]["observations"] == []


def test_expiry_warning_before_the_failure():
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    assert _drift.expiry_warnings({"certificate.not_after": "20261210000000Z"}, 30, now) == [
        "the certificate expires in 10 days (2026-12-10 00:00 UTC), within 30"
    ]
    assert _drift.expiry_warnings({"certificate.not_after": "20271210000000Z"}, 30, now) == []
    assert (
        _drift.expiry_warnings({"certificate.not_after": "20261101000000Z"}, 30, now) == []
    )  # expired: a failure
    assert _drift.expiry_warnings({"certificate.not_after": "garbage"}, 30, now) == []
    assert _drift.expiry_warnings(None, 30, now) == []


def test_reports_mark_the_drift():
    later = copy.deepcopy(FACTS)
    later["tls"]["sweep"]["versions"].append("TLSv1.3")
    rep = dict(report(later), warnings=["the certificate expires in 3 days"])
    drift = _drift.drift([rep], [{"generated_at": "2026-11-29T10:00:00Z", "hosts": [report(FACTS)]}])
    files = audit_report.render([rep], "audit", "2026-11-30T10:00:00Z", drift)
    assert json.loads(files["report.json"])["drift"] == drift
    xml = files["report.xml"]
    assert 'name="new_failures" value="tls.version"' in xml
    assert 'message="new since 2026-11-29T10:00:00Z: accepted TLSv1.2, TLSv1.3' in xml
    page = files["report.html"]
    assert page.index("Since the previous audit (2026-11-29T10:00:00Z)") < page.index("<h2>Fleet</h2>")
    assert "newly fail: <code>tls.version</code>" in page and "the certificate expires in 3 days" in page
    assert "Nothing changed" in _report.page(
        [report(FACTS)],
        "t",
        "audit",
        _drift.drift([report(FACTS)], [{"generated_at": "t0", "hosts": [report(FACTS)]}]),
    )


def test_history_is_read_oldest_first_garbage_named_and_pruned(tmp_path):
    history = tmp_path / "history"
    history.mkdir()
    for stamp in ("20261128T100000Z", "20261129T100000Z"):
        (history / f"report-{stamp}.json").write_text(json.dumps({"generated_at": stamp, "hosts": []}))
    (history / "report-20261129T110000Z.json").write_text('{"generated_at": "trunc')
    (history / "report-20261129T120000Z.json").write_text("[1, 2]")
    documents, problems = audit_report.read_history(str(tmp_path))
    assert [d["generated_at"] for d in documents] == ["20261128T100000Z", "20261129T100000Z"]
    assert len(problems) == 2 and all("left out of the comparison" in p for p in problems)
    name = audit_report.history_name(str(tmp_path), "2026-11-28T10:00:00Z")
    assert name.endswith("report-20261128T100000Z-2.json")
    audit_report.prune_history(str(tmp_path), 2)
    assert sorted(p.name for p in history.iterdir()) == [
        "report-20261129T110000Z.json",
        "report-20261129T120000Z.json",
    ]
