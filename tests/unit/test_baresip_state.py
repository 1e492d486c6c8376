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


def test_errors_of_a_long_running_endpoint_are_bounded():
    """Every audit adds refused handshakes to the log; the start-up errors and the latest stay."""
    startup = (FIX / "journal_no_srtp.txt").read_text()
    refused = (
        "tls: accept error: (r=-1, ssl_err=1)\n" * 400
        + "call: media encryption 'srtp-mand' refused the offer\n"
    )
    log = st.parse_log(startup + refused)
    first = st.parse_log(startup)["errors"]
    assert log["error_count"] == len(first) + 401
    assert len(log["errors"]) == 2 * st.ERRORS_KEPT
    assert log["errors"][: len(first)] == first and "srtpx.so" in log["errors"][0] + log["errors"][1]
    assert log["errors"][-1] == "call: media encryption 'srtp-mand' refused the offer"
    few = st.parse_log(startup + "tls: accept error: (r=-1, ssl_err=1)\n" * 3)
    assert few["error_count"] == len(few["errors"]) == len(first) + 3


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


# `ss -Hlntup --cgroup` in an endpoint container: root there may not read the fds of the
# baresip user's process (no CAP_SYS_PTRACE), so no users; the cgroup names the unit.
SS_CGROUP = """\
udp UNCONN 0      0        0.0.0.0:37766 0.0.0.0:* cgroup:/lp/p-95b4/system.slice/baresip.service
tcp LISTEN 0      5      10.89.0.7:5061  0.0.0.0:* cgroup:/lp/p-95b4/system.slice/baresip.service
tcp LISTEN 0      5      127.0.0.1:4444  0.0.0.0:* cgroup:/lp/p-95b4/system.slice/baresip.service
tcp LISTEN 0      5        0.0.0.0:4445  0.0.0.0:* users:(("python3",pid=912,fd=3)) \
 cgroup:/lp/p-95b4/system.slice/voipsec-port-hog.service
"""
UNIT_CGROUP = "/lp/p-95b4/system.slice/baresip.service"


def test_listeners():
    users = [{"name": "baresip", "pid": 6196}]
    assert st.parse_listeners(SS) == [
        {"proto": "tcp", "address": "127.0.0.1", "port": 4444, "users": users, "cgroup": None},
        {"proto": "tcp", "address": "10.89.0.8", "port": 5061, "users": users, "cgroup": None},
        {"proto": "tcp", "address": "fd00::2", "port": 5061, "users": users, "cgroup": None},
        {"proto": "udp", "address": "fe80::1", "port": 5060, "users": [], "cgroup": None},
    ]
    assert st.is_loopback("127.0.0.1") and st.is_loopback("::1") and not st.is_loopback("0.0.0.0")  # noqa: S104


def test_sockets_attributed_by_pid_or_by_cgroup():
    by_pid = st.parse_listeners(SS)
    assert [s["port"] for s in by_pid if st.owned_by(s, 6196, None)] == [4444, 5061, 5061]
    sockets = st.parse_listeners(SS_CGROUP)
    mine = [s for s in sockets if st.owned_by(s, 1234, UNIT_CGROUP)]
    assert [(s["proto"], s["port"]) for s in mine] == [("udp", 37766), ("tcp", 5061), ("tcp", 4444)]
    assert [s["port"] for s in sockets if st.owned_by(s, 1234, "/system.slice/baresip.service")] == [
        37766,
        5061,
        4444,
    ]
    other = [s for s in sockets if s not in mine]
    assert [st.holder(s) for s in other] == ["python3 (pid 912)"]
    assert st.holder({"users": [], "cgroup": "/a/system.slice/nginx.service"}) == "nginx.service"
    assert st.holder({"users": [], "cgroup": None}) == "another process"
    assert not st.owned_by(sockets[0], 1, None) and not st.owned_by(sockets[0], 1, "")


def test_replaced_mappings():
    maps = """\
55d0c0a00000-55d0c0a01000 r--p 00000000 fe:01 1311 /opt/baresip/bin/baresip (deleted)
7f1c2a000000-7f1c2a100000 r-xp 00000000 fe:01 1312 /opt/baresip/lib/libre.so (deleted)
7f1c2a200000-7f1c2a300000 r-xp 00000000 fe:01 1313 /usr/lib/x86_64-linux-gnu/libssl.so.3 (deleted)
7f1c2a400000-7f1c2a500000 r-xp 00000000 fe:01 1314 /opt/baresip/lib/baresip/modules/srtp.so
7f1c2a600000-7f1c2a700000 rw-p 00000000 00:00 0
garbage (deleted)
"""
    assert st.replaced_mappings(maps, "/opt/baresip/") == [
        "/opt/baresip/bin/baresip",
        "/opt/baresip/lib/libre.so",
    ]
    assert st.replaced_mappings("", "/opt/baresip") == [] and st.replaced_mappings(None, "/x") == []


def test_started_at():
    assert st.started_at("1267976261", now_realtime=1000.0, now_monotonic=1300.0) == pytest.approx(967.976261)
    assert st.started_at("0", 1.0, 1.0) is None
    assert st.started_at("", 1.0, 1.0) is None and st.started_at(None, 1.0, 1.0) is None


def test_properties():
    props = st.parse_properties(
        "ActiveState=active\nMainPID=42\nEnvironment=OPENSSL_CONF=/etc/baresip/openssl.cnf\n=x\n"
    )
    assert props == {
        "ActiveState": "active",
        "MainPID": "42",
        "Environment": "OPENSSL_CONF=/etc/baresip/openssl.cnf",
    }


def test_preflight_tls_only_candidate():
    r = st.preflight_result(
        (FIX / "start-4.10.0.txt").read_text(), (FIX / "ss-4.10.0-tls-only.txt").read_text(), 5060, 5061
    )
    assert r["ready"] and r["tls_listening"] and r["plaintext_listening"] == []
    assert r["listening"] == [{"proto": "tcp", "address": "10.89.0.30", "port": 5061}]


def test_preflight_candidate_with_plaintext_udp():
    r = st.preflight_result(
        (FIX / "start-4.10.0-udp-and-tls.txt").read_text(),
        (FIX / "ss-4.10.0-udp-and-tls.txt").read_text(),
        25060,
        25061,
    )
    # the running service's 5061 and the resolver's UDP sockets are not the candidate's
    assert r["ready"] and r["tls_listening"]
    assert r["plaintext_listening"] == ["udp 10.89.0.30:25060"]
    assert {s["port"] for s in r["listening"]} == {25060, 25061}


def test_preflight_candidate_that_opened_no_sip_listener():
    # 4.x with only sip_listen on loopback: ready, but nothing on its ports
    r = st.preflight_result(
        (FIX / "start-4.10.0.txt").read_text(), (FIX / "ss-4.10.0-tls-only.txt").read_text(), 25060, 25061
    )
    assert r["ready"] and not r["tls_listening"] and r["listening"] == []


@pytest.mark.parametrize("garbage", ["", None, "\x00\x01", "tcp LISTEN x y 1.2.3.4:notaport *:*\n"])
def test_preflight_garbage_shows_nothing(garbage):
    text = (FIX / "start-4.10.0.txt").read_text()
    r = st.preflight_result(text[: len(text) // 2], garbage, 5060, 5061)
    assert not r["ready"] and not r["tls_listening"]
    assert r["plaintext_listening"] == [] and r["listening"] == []


# `ip -4 route get 8.8.8.8` / `ip -6 route get ...` as recorded on Debian 12 (iproute2 6.1)
ROUTE_V4 = "8.8.8.8 via 10.88.0.1 dev eth0 src 10.88.0.5 uid 0 \n    cache \n"
ROUTE_V6 = "2001:4860:4860::8888 from :: via fd00::1 dev eth0 src fd00::2 metric 1024 pref medium\n"


@pytest.mark.parametrize(("text", "address"), [(ROUTE_V4, "10.88.0.5"), (ROUTE_V6, "fd00::2")])
def test_route_source_from_recorded_output(text, address):
    assert st.route_source(text) == address


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "RTNETLINK answers: Network is unreachable\n",
        "8.8.8.8 via 10.88.0.1 dev eth0 src",
        "8.8.8.8 via 10.88.0.1 dev eth0 src uid 0",
        "src 10.0.0.1",
        "\x00\xff garbage",
    ],
)
def test_route_source_garbage_and_truncated(text):
    assert st.route_source(text) is None
