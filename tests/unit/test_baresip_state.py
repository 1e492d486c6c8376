from pathlib import Path

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _baresip_state as st

FIX = Path(__file__).parent / "fixtures" / "baresip"


def test_compliant_startup_log():
    log = st.parse_log((FIX / "journal_compliant.txt").read_text())
    assert log["ready"] and log["version"] == "1.1.0"
    assert log["certificate"] == "/etc/baresip/tls/baresip.pem"
    assert log["registered"]["mediaenc"] == ["srtp", "srtp-mand", "srtp-mandf"]
    assert log["registered"]["aucodec"] == ["PCMU/8000/1", "PCMA/8000/1"]
    assert log["account_mediaenc"] == {"voipsec-ua1@10.89.0.8": "srtp-mand"}
    assert log["missing_mediaenc"] == [] and log["errors"] == []


def test_missing_srtp_module_is_visible():
    log = st.parse_log((FIX / "journal_no_srtp.txt").read_text())
    assert log["registered"]["mediaenc"] == []
    assert log["missing_mediaenc"] == ["srtp-mand"]
    assert log["account_mediaenc"] == {}
    assert any("srtpx.so" in e for e in log["errors"])
    assert not any("\x1b" in e for e in log["errors"])


@pytest.mark.parametrize("garbage", ["", None, "\x00\x01", "mediaenc: srtp-mand with spaces\n", 7])
def test_garbage_log(garbage):
    log = st.parse_log(garbage)
    assert not log["ready"] and log["registered"]["mediaenc"] == [] and log["account_mediaenc"] == {}


def test_truncated_log_is_not_ready():
    text = (FIX / "journal_compliant.txt").read_text()
    log = st.parse_log(text[: text.index("Populated")])
    assert not log["ready"] and log["account_mediaenc"]


SS = """\
tcp   LISTEN 0      5          127.0.0.1:4444       0.0.0.0:*    users:(("baresip",pid=6196,fd=8))
tcp   LISTEN 0      5          10.89.0.8:5061       0.0.0.0:*    users:(("baresip",pid=6196,fd=6))
tcp   LISTEN 0      5          [fd00::2]:5061          [::]:*    users:(("baresip",pid=6196,fd=7))
udp   UNCONN 0      0         [fe80::1%eth0]:5060         *:*
garbage line
tcp LISTEN 0 5 noport 0.0.0.0:*
"""


def test_listeners():
    assert st.parse_listeners(SS) == [
        {"proto": "tcp", "address": "127.0.0.1", "port": 4444},
        {"proto": "tcp", "address": "10.89.0.8", "port": 5061},
        {"proto": "tcp", "address": "fd00::2", "port": 5061},
        {"proto": "udp", "address": "fe80::1", "port": 5060},
    ]
    assert st.is_loopback("127.0.0.1") and st.is_loopback("::1") and not st.is_loopback("0.0.0.0")  # noqa: S104


def test_properties():
    props = st.parse_properties(
        "ActiveState=active\nMainPID=42\nEnvironment=OPENSSL_CONF=/etc/baresip/openssl.cnf\n=x\n"
    )
    assert props == {
        "ActiveState": "active",
        "MainPID": "42",
        "Environment": "OPENSSL_CONF=/etc/baresip/openssl.cnf",
    }
