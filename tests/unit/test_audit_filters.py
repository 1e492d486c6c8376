from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.filter import audit
from ansible_collections.voipsec.baresip.plugins.module_utils import _profile

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def profile():
    return _profile.load("fips140-2-sdes", [str(ROOT / "profiles")], yaml.safe_load)


def test_probe_fact_keeps_a_result_with_its_main_value():
    result = {"changed": False, "results": [1]}
    assert audit.probe_fact(result, "results") is result


def test_probe_fact_of_a_skipped_task_is_none():
    assert (
        audit.probe_fact({"skipped": True, "skip_reason": "Conditional result was False"}, "results") is None
    )
    assert audit.probe_fact(None, "results") is None


def test_probe_fact_of_an_unreachable_host():
    fact = audit.probe_fact({"unreachable": True, "msg": "Failed to connect  "}, "results")
    assert fact == {"unmeasured": "host unreachable: Failed to connect"}


def test_probe_fact_of_a_failure_hidden_by_failed_when():
    # failed_when: false turns a module failure into failed: false; the missing main value shows it
    fact = audit.probe_fact({"failed": False, "msg": "openssl not found on the probing host"}, "results")
    assert fact == {"unmeasured": "openssl not found on the probing host"}
    assert audit.probe_fact({"failed": True}, "results") == {"unmeasured": "failed"}
    assert audit.probe_fact({"changed": False}, "service") == {
        "unmeasured": "no service in the probe's result"
    }


COMBINED = {
    "changed": False,
    "tls": {"results": [{"outcome": "accepted"}], "accepted": ["profile"]},
    "plaintext": {"failed": True, "msg": "plaintext probe broke: OSError: no route"},
    "control": {"results": [{"state": "closed"}]},
    "calls": None,
    "seconds": {"tls": 1.2},
}


def test_probe_fact_of_a_combined_probes_parts():
    assert audit.probe_fact(COMBINED, "results", "tls") is COMBINED["tls"]
    assert audit.probe_fact(COMBINED, "results", "control") is COMBINED["control"]
    assert audit.probe_fact(COMBINED, "results", "plaintext") == {
        "unmeasured": "plaintext probe broke: OSError: no route"
    }
    assert audit.probe_fact(COMBINED, "results", "calls") is None
    assert audit.probe_fact(COMBINED, "results", "nonsense") == {
        "unmeasured": "no nonsense in the probe's result"
    }
    assert audit.probe_fact({"tls": {"accepted": []}}, "results", "tls") == {
        "unmeasured": "no results in the probe's result"
    }


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        (
            {"failed": True, "msg": "tls: workers must be 1 or more, not 0"},
            "tls: workers must be 1 or more, not 0",
        ),
        ({"unreachable": True, "msg": "ssh: no route"}, "host unreachable: ssh: no route"),
        ({"failed": True, "tls": {"results": []}}, "failed"),
    ],
)
def test_a_failed_combined_probe_voids_every_part(result, reason):
    for part in ("tls", "plaintext", "control", "calls"):
        assert audit.probe_fact(result, "results", part) == {"unmeasured": reason}
    assert audit.probe_fact({"skipped": True}, "results", "tls") is None


def test_audit_check_ids_follow_settings(profile):
    plain = audit.audit_check_ids(profile)
    fleet = audit.audit_check_ids(profile, {"cafile": "/ca.pem", "client_auth": True})
    assert "tls.trust" not in plain and "tls.client_auth" not in plain
    assert set(fleet) - set(plain) == {"tls.trust", "tls.client_auth"}


def test_auditor_for_spreads_a_fleet_and_is_stable():
    auditors = ["aud1", "aud2", "aud3"]
    fleet = [f"ua{i}.example.net" for i in range(3000)]
    picks = [audit.auditor_for(host, auditors) for host in fleet]
    counts = {a: picks.count(a) for a in auditors}
    assert set(picks) == set(auditors)
    assert all(850 <= n <= 1150 for n in counts.values()), counts
    # the rule as documented, for one host
    import hashlib

    index = int(hashlib.sha256(b"ua1.example.net").hexdigest()[:8], 16) % 3
    assert audit.auditor_for("ua1.example.net", auditors) == auditors[index]
    # a host keeps its auditor whatever else the inventory holds
    assert [audit.auditor_for(h, auditors) for h in fleet[:10]] == picks[:10]
    assert audit.auditor_for("ua1", ["only"]) == "only"


@pytest.mark.parametrize("auditors", [[], None])
def test_auditor_for_without_auditors(auditors):
    assert audit.auditor_for("ua1", auditors) is None
