"""The one-step judge of an audit: the same facts and verdicts as the per-endpoint judging it replaced,
on a recorded real audit, and a report with the reason for every endpoint that cannot be judged."""

import copy
import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.filter import audit, judge
from ansible_collections.voipsec.baresip.plugins.module_utils import _profile

ROOT = Path(__file__).resolve().parents[2]
RECORDED = json.loads((ROOT / "tests/unit/fixtures/audit/compliant_niap_ua1.json").read_text())
SKIPPED = {"skipped": True, "skip_reason": "Conditional result was False"}


@pytest.fixture
def profile():
    return _profile.load("niap-vvoip-2", [str(ROOT / "profiles")], yaml.safe_load)


SETTINGS = {
    "owner": "baresip",
    "client_auth": True,
    "plaintext_port": 5060,
    "ctrl_port": 4444,
    "registrations": [],
}


def probed(facts=RECORDED, auditor=None):
    """What the verify role leaves on an endpoint's host after probing it, rebuilt from the facts
    a real audit recorded (its auditor call made on this host)."""
    auditor = auditor or facts["control"]["from"]
    net = {part: copy.deepcopy(facts[part]) for part in ("tls", "plaintext", "calls", "client_auth")}
    net["control"] = {k: v for k, v in facts["control"].items() if k != "from"}
    return {
        judge.AUDITOR: auditor,
        judge.SETTINGS: SETTINGS,
        judge.UNMEASURED: None,
        judge.REGISTERED["endpoint"]: facts["endpoint"],
        judge.REGISTERED["endpoint_after"]: SKIPPED,
        judge.REGISTERED["receiver"]: facts["receiver"],
        judge.REGISTERED["revoked_server"]: facts["revoked_server"],
        judge.REGISTERED["registration"]: SKIPPED,
        judge.REGISTERED["crypto_module"]: facts["crypto_module"],
        judge.REGISTERED["batch_probe"]: {"changed": False, "endpoints": {"ua1": net}},
    }


def test_the_recorded_audit_judges_the_same(profile):
    hostvars = {"ua1": dict(probed(), **{judge.PROFILE: profile})}
    judged = judge.judge_endpoints(["ua1"], hostvars, ["ua1"], profile, SETTINGS)["ua1"]
    facts, expected = judged["facts"], copy.deepcopy(RECORDED)
    # the served certificate is read again, now: only its validity at this moment may differ
    for f in (facts, expected):
        f["certificate"].pop("valid_at")
    assert facts == expected
    statuses = {c["id"]: c["status"] for c in judged["report"]["checks"]}
    recorded = {c["id"]: c["status"] for c in audit.compliance_checks(RECORDED, profile, SETTINGS)}
    assert statuses == recorded and set(statuses.values()) == {"pass"} and len(statuses) > 20
    # the evidence file names the SBOM's own file; the endpoint returns the document itself
    assert judged["report"]["compliant"] and judged["sbom"] is None
    host = probed()
    sbom = {"bomFormat": "CycloneDX", "components": []}
    host[judge.REGISTERED["endpoint"]] = dict(RECORDED["endpoint"], sbom=sbom)
    assert judge.judge_endpoints(["ua1"], {"ua1": host}, ["ua1"], profile, SETTINGS)["ua1"]["sbom"] == sbom


def test_an_endpoint_that_was_not_judged_has_its_reason(profile):
    unmeasured = dict(
        probed(), **{judge.UNMEASURED: "endpoint unreachable (nothing could be run on it): timeout"}
    )
    never = {judge.REGISTERED["endpoint"]: None}
    hostvars = {"ua1": unmeasured, "ua2": never}
    judged = judge.judge_endpoints(["ua1", "ua2", "ua3"], hostvars, ["ua1", "ua2"], profile, SETTINGS)
    assert judged["ua1"]["report"]["unmeasured"].startswith("endpoint unreachable")
    assert judged["ua2"]["report"]["unmeasured"] == judge.NOT_JUDGED
    assert judged["ua3"]["report"]["unmeasured"] == judge.NOT_JUDGED
    assert [judged[h]["report"]["host"] for h in judged] == ["ua1", "ua2", "ua3"]
    for host in judged.values():
        assert host["facts"] is None and not host["report"]["compliant"]
        assert {c["status"] for c in host["report"]["checks"]} == {"error"}
        assert host["report"]["counts"]["error"] == len(audit.audit_check_ids(profile, SETTINGS))


def test_each_endpoint_takes_its_part_of_its_own_auditors_call(profile):
    first = probed(auditor="auditor-a")
    second = probed(auditor="auditor-a")
    second[judge.REGISTERED["batch_probe"]] = SKIPPED  # made on the first endpoint of the batch
    other = probed(auditor="auditor-b")
    other[judge.REGISTERED["batch_probe"]] = {"failed": True, "msg": "openssl not found on auditor-b"}
    hostvars = {"ua1": first, "ua2": second, "ua3": other}
    judged = judge.judge_endpoints(["ua1", "ua2", "ua3"], hostvars, ["ua1", "ua2", "ua3"], profile, SETTINGS)
    assert judged["ua1"]["facts"]["tls"] == RECORDED["tls"]
    # the auditor's call covered ua1 only: ua2's part is missing, not borrowed from ua1
    assert judged["ua2"]["facts"]["tls"] == {"unmeasured": "the auditor returned nothing for this endpoint"}
    assert judged["ua3"]["facts"]["tls"] == {"unmeasured": "openssl not found on auditor-b"}
    assert judged["ua3"]["facts"]["control"]["from"] == "auditor-b"
    statuses = {c["id"]: c["status"] for c in judged["ua3"]["report"]["checks"]}
    assert statuses["tls.version"] == "error" and not judged["ua3"]["report"]["compliant"]


def test_no_auditor_call_is_unmeasured(profile):
    lone = probed(auditor="auditor-a")
    lone[judge.REGISTERED["batch_probe"]] = SKIPPED
    judged = judge.judge_endpoints(["ua1"], {"ua1": lone}, ["ua1"], profile, SETTINGS)["ua1"]
    # a batch call registered as skipped never ran: its parts are unmeasured, never skipped checks
    assert judged["facts"]["plaintext"] == {"unmeasured": "the auditor's call for this batch did not run"}
    nothing = dict(lone, **{judge.AUDITOR: None})
    judged = judge.judge_endpoints(["ua1"], {"ua1": nothing}, ["ua1"], profile, SETTINGS)["ua1"]
    assert judged["facts"]["calls"] == {"unmeasured": "the auditor's call for this batch did not run"}


def test_the_last_probe_on_the_endpoint_gives_the_service_after(profile):
    host = probed()
    host[judge.REGISTERED["revoked_server"]] = dict(
        RECORDED["revoked_server"], service_error="systemctl: timeout"
    )
    facts = judge.judge_endpoints(["ua1"], {"ua1": host}, ["ua1"], profile, SETTINGS)["ua1"]["facts"]
    assert facts["endpoint_after"] == {"unmeasured": "systemctl: timeout"}
    host[judge.REGISTERED["revoked_server"]] = SKIPPED
    facts = judge.judge_endpoints(["ua1"], {"ua1": host}, ["ua1"], profile, SETTINGS)["ua1"]["facts"]
    assert facts["endpoint_after"] is RECORDED["receiver"] and facts["revoked_server"] is None


@pytest.mark.parametrize("garbage", ["not a result", 7, ["a"], {"service": "not a dict"}])
def test_garbage_observations_cost_only_their_endpoint(profile, garbage):
    bad = probed()
    bad[judge.REGISTERED["endpoint"]] = garbage
    hostvars = {"ua1": probed(), "ua2": bad}
    judged = judge.judge_endpoints(["ua1", "ua2"], hostvars, ["ua1", "ua2"], profile, SETTINGS)
    assert judged["ua1"]["report"]["compliant"]
    report = judged["ua2"]["report"]
    assert not report["compliant"] and report["counts"]["pass"] < judged["ua1"]["report"]["counts"]["pass"]


def test_audit_batches_group_prepared_endpoints_by_auditor_in_play_order():
    hostvars = {
        "ua3": {judge.AUDITOR: "auditor-b"},
        "ua1": {judge.AUDITOR: "auditor-a"},
        "ua2": {judge.AUDITOR: None},  # its probes were never prepared
        "ua4": {judge.AUDITOR: "auditor-a"},
    }
    batches = judge.audit_batches(["ua3", "ua1", "ua2", "ua4", "gone"], hostvars)
    assert batches == {"auditor-b": ["ua3"], "auditor-a": ["ua1", "ua4"]}
    assert judge.audit_batches([], hostvars) == {}
