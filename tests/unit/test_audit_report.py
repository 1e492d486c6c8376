"""The served certificate is read on the controller; the reports are written in one step."""

import json
import re
from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.action import audit_report
from ansible_collections.voipsec.baresip.plugins.filter import audit
from ansible_collections.voipsec.baresip.plugins.module_utils import _profile

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
PEM = re.search(
    r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n",
    (FIXTURES / "s_client" / "accepted_fips.txt").read_text(),
    re.S,
).group(0)
PROFILE = _profile.load("fips140-2-sdes", [str(ROOT / "profiles")], yaml.safe_load)
SETTINGS = {"owner": "baresip", "cafile": "", "client_auth": False, "plaintext_port": 5060, "ctrl_port": 4444}
REPORT = audit.host_report(
    audit.compliance_checks(
        json.loads((FIXTURES / "audit" / "compliant_ua1.json").read_text()), PROFILE, SETTINGS
    ),
    "ua1",
    PROFILE,
)


def test_served_certificate_from_a_recorded_handshake():
    info = audit.served_certificate(PEM, "20261201000000Z")
    assert info["public_key_type"] == "ECC" and info["public_key_data"]["curve"] == "secp384r1"
    assert info["signature_algorithm"] == "ecdsa-with-SHA384"
    assert info["not_before"] == "20261128205550Z" and info["not_after"] == "20261228205550Z"
    assert info["valid_at"] == {"now": True}
    assert audit.served_certificate(PEM, "20261128000000Z")["valid_at"] == {"now": False}
    assert audit.served_certificate(PEM, "20270101000000Z")["valid_at"] == {"now": False}


@pytest.mark.parametrize(
    "pem",
    ["", None, "garbage", PEM[: len(PEM) // 2], PEM.replace("MII", "@@@"), {"pem": PEM}],
)
def test_no_or_unreadable_certificate_is_unmeasured(pem):
    info = audit.served_certificate(pem)
    assert set(info) == {"unmeasured"} and info["unmeasured"]


def test_reports_rendered_in_one_step(tmp_path):
    files = audit_report.render([REPORT], "fleet audit", "2026-11-30T10:00:00Z")
    assert set(files) == {"report.json", "report.xml", "report.html"}
    document = json.loads(files["report.json"])
    assert document["generated_at"] == "2026-11-30T10:00:00Z"
    assert (
        document["hosts"] == [REPORT]
        and document["summary"]["hosts"] == 1
        and document["summary"]["compliant"] is True
    )
    assert "<testsuites" in files["report.xml"] and "fleet audit" in files["report.html"]
    target = tmp_path / "report.json"
    target.write_text("old")
    audit_report.write_atomically(str(target), files["report.json"])
    assert json.loads(target.read_text()) == document
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_failed_write_leaves_the_old_report(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit_report.os, "replace", broken_replace)
    with pytest.raises(OSError):
        audit_report.write_atomically(str(target), "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
