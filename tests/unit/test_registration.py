"""Registration facts from what baresip 4.10 showed against Kamailio 5.6 (recorded in the registrar
scenario): reginfo, the register lines of its log, its established connections; then the
sip.registration and sip.server_verify checks on them."""

from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.module_utils import _accounts, _checks, _profile
from ansible_collections.voipsec.baresip.plugins.module_utils import _registration as reg
from ansible_collections.voipsec.baresip.plugins.module_utils._baresip_state import owned_by

FIX = Path(__file__).parent / "fixtures" / "registration"
ROOT = Path(__file__).resolve().parents[2]
CGROUP = (
    "/libpod_parent/libpod-b7f2dfdb34126b2af56d022cae9e56d896302df8ae722111c39ccf19d251101a"
    "/system.slice/baresip.service"
)
UA1 = {"aor": "sip:voipsec-reg-ua1@voip.example.test", "host": "sip.voip.example.test", "port": 5061}
UA2 = dict(UA1, aor="sip:voipsec-reg-ua2@voip.example.test")


def text(name):
    return (FIX / name).read_text()


def test_reginfo_registered_and_failed():
    assert reg.parse_reginfo(text("reginfo_registered.txt")) == [
        {
            "aor": "sip:voipsec-reg-ua1@voip.example.test",
            "status": "registered",
            "server": "kamailio (5.6.3 (x86_64/linux))",
            "expires": 300,
        }
    ]
    assert reg.parse_reginfo(text("reginfo_failed.txt")) == [
        {
            "aor": "sip:voipsec-reg-ua2@voip.example.test",
            "status": "failed",
            "server": "kamailio (5.6.3 (x86_64/linux))",
            "expires": None,
        }
    ]
    pending = (
        "0 - sip:a@b.test   \x1b[33mzzz\x1b[;m (null)\n"
        "1 - sip:c@d.test   \x1b[32mOK \x1b[;m (null) Expires 60s\n"
    )
    assert [(r["status"], r["expires"]) for r in reg.parse_reginfo(pending)] == [
        ("pending", None),
        ("registered", 60),
    ]


def test_log_lines_last_success_and_failure():
    log = reg.parse_log(reg.parse_journal(text("journal_ua1.txt")))
    ok = log["voipsec-reg-ua1@voip.example.test"]["ok"]
    assert ok == {
        "at": 1796086609.251642,
        "code": 200,
        "reason": "OK",
        "server": "kamailio (5.6.3 (x86_64/linux))",
        "transport": "TLS",
    }
    assert "fail" not in log["voipsec-reg-ua1@voip.example.test"]
    # the audit's temporary accounts are separate entries
    assert log["voipsec-probe-e2acdf79@voip.example.test"]["fail"]["reason"] == "Protocol error [71]"
    fail = reg.parse_log(reg.parse_journal(text("journal_ua2.txt")))["voipsec-reg-ua2@voip.example.test"][
        "fail"
    ]
    assert (fail["code"], fail["reason"], fail["server"]) == (
        403,
        "Forbidden",
        "kamailio (5.6.3 (x86_64/linux))",
    )


def test_connections_attributed_by_cgroup():
    conns = reg.parse_connections(text("ss_established.txt"))
    assert conns == [
        {
            "local": "10.89.1.3:38608",
            "peer_host": "10.89.1.2",
            "peer_port": 5061,
            "users": [],
            "cgroup": CGROUP,
        }
    ]
    assert owned_by(conns[0], 7275, "/system.slice/baresip.service")
    assert not owned_by(conns[0], 7275, "/system.slice/other.service")
    assert owned_by(dict(conns[0], cgroup=None, users=[{"pid": 7275}]), 7275, None)


@pytest.mark.parametrize(
    "garbage", [None, 7, "", "\x00\x01", "0 - \n", "1796086609.2 host: x\n", "garbage 1 2 3"]
)
def test_garbage_gives_nothing(garbage):
    assert reg.parse_reginfo(garbage) == []
    assert reg.parse_log(reg.parse_journal(garbage)) == {}
    assert reg.parse_connections(garbage) == []


def test_truncated_output():
    assert reg.parse_reginfo(text("reginfo_registered.txt")[:40]) == []
    truncated = text("journal_ua1.txt").splitlines()[0][:90]
    assert reg.parse_log(reg.parse_journal(truncated)) == {}
    assert reg.parse_connections("0      0      10.89.1.3:38608") == []


def state(expected, reginfo, journal, now=1796086700.0, addresses=("10.89.1.2",)):
    return reg.account_state(
        expected,
        reg.parse_reginfo(text(reginfo)),
        reg.parse_log(reg.parse_journal(text(journal))),
        reg.parse_connections(text("ss_established.txt")),
        set(addresses),
        {"pid": 7275, "control_group": "/system.slice/baresip.service"},
        now,
    )


def test_account_state_registered():
    s = state(UA1, "reginfo_registered.txt", "journal_ua1.txt")
    assert s["status"] == "registered" and s["transport"] == "TLS" and s["expires"] == 300
    assert s["connection"] == "10.89.1.3:38608 -> 10.89.1.2:5061" and s["age"] == 91
    # a connection to another address is not the registrar's
    assert (
        state(UA1, "reginfo_registered.txt", "journal_ua1.txt", addresses=("192.0.2.1",))["connection"]
        is None
    )


@pytest.fixture
def niap():
    return _profile.load("niap-vvoip-2", [str(ROOT / "profiles")], yaml.safe_load)


def test_checks_pass_and_fail_on_recorded_states(niap):
    regs = _accounts.registrations(
        [
            {
                "user": "voipsec-reg-ua1",
                "domain": "voip.example.test",
                "registrar": "sip.voip.example.test",
                "password": "x1",
            }
        ]
    )
    ok = {"registrations": [state(UA1, "reginfo_registered.txt", "journal_ua1.txt")], "error": None}
    rogue = {
        "rogue": {
            "outcome": "refused",
            "alert": "unknown ca",
            "events": ["REGISTER_FAIL Protocol error [71]"],
        }
    }
    c = _checks_registrar_only(niap, ok, rogue, regs)
    assert c["sip.registration"]["status"] == "pass", c["sip.registration"]
    assert c["sip.server_verify"]["status"] == "pass"
    failed = {"registrations": [state(UA2, "reginfo_failed.txt", "journal_ua2.txt")], "error": None}
    c = _checks_registrar_only(
        niap, failed, {"rogue": {"outcome": "accepted", "request": "REGISTER sip:x"}}, regs
    )
    assert c["sip.registration"]["status"] == "fail"
    assert "last answer 403 Forbidden" in c["sip.registration"]["observed"]
    assert (
        c["sip.server_verify"]["status"] == "fail" and "REGISTER sip:x" in c["sip.server_verify"]["observed"]
    )
    c = _checks_registrar_only(
        niap, {"registrations": [], "error": "baresip is not running"}, {"rogue": {}}, regs
    )
    assert c["sip.registration"]["status"] == "error" and c["sip.server_verify"]["status"] == "error"


def _checks_registrar_only(profile, registration, rogue, regs):
    from ansible_collections.voipsec.baresip.plugins.module_utils._checks import Context
    from ansible_collections.voipsec.baresip.plugins.module_utils._registry import by_id

    settings = {"registrations": regs}
    out = {}
    for cid, fact in (
        ("sip.registration", {"registration": registration}),
        ("sip.server_verify", {"rogue_registrar": rogue}),
    ):
        v = by_id(cid).func(Context(profile, fact, settings))
        out[cid] = {"status": v.status, "observed": v.observed}
    return out


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"transport": None}, "error", "its log no longer shows the registration's transport"),
        ({"transport": "UDP"}, "fail", "over UDP"),
        ({"connection": None}, "fail", "no connection to sip.voip.example.test:5061"),
        ({"status": "pending", "expires": None}, "error", "pending"),
        ({"status": "absent", "server": None, "expires": None}, "fail", ": absent"),
        ({"expires": None}, "error", "no expiry granted"),
    ],
)
def test_registration_without_full_evidence_never_passes(niap, change, status, text):
    regs = [{"aor": UA1["aor"], "registrar": "sip.voip.example.test"}]
    registered = dict(state(UA1, "reginfo_registered.txt", "journal_ua1.txt"), **change)
    c = _checks_registrar_only(niap, {"registrations": [registered], "error": None}, {"rogue": {}}, regs)
    assert c["sip.registration"]["status"] == status and text in c["sip.registration"]["observed"]


def test_checks_apply_only_to_endpoints_that_register(niap):
    ids = [c.id for c in _checks.applicable(niap, {"owner": "baresip"})]
    assert "sip.registration" not in ids and "sip.server_verify" not in ids
    ids = [c.id for c in _checks.applicable(niap, {"registrations": [{"aor": "sip:a@b"}]})]
    assert "sip.registration" in ids and "sip.server_verify" in ids


def test_stand_in_account_copies_media_only():
    line = (
        "<sip:voipsec-reg-ua1@voip.example.test;transport=tls>;auth_user=voipsec-reg-ua1;auth_pass=ua1-Digest-7f3a9c;"
        'outbound="sip:sip.voip.example.test;transport=tls";regint=300;answermode=auto;mediaenc=srtp-mand;'
        "audio_codecs=PCMU/8000/1,PCMA/8000/1\n"
    )
    out = _accounts.stand_in_account("# comment\n" + line, "voipsec-probe-1", "10.89.1.3")
    assert (
        out == "<sip:voipsec-probe-1@10.89.1.3;transport=tls>;regint=0;mediaenc=srtp-mand;"
        "audio_codecs=PCMU/8000/1,PCMA/8000/1"
    )
    assert "Digest" not in out
    assert (
        _accounts.stand_in_account("<sip:ua1@10.0.0.1;transport=tls>;regint=0;mediaenc=srtp\n", "p", "h")
        is None
    )
    assert _accounts.stand_in_account("", "p", "h") is None
    assert _accounts.stand_in_account(None, "p", "h") is None
    assert _accounts.stand_in_account("<sip:broken", "p", "h") is None
