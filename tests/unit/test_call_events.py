import pathlib

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _call_events, _ctrl

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "ctrl"


def recorded(name, step=0.01):
    """Messages of a recorded ctrl_tcp stream, timestamped as the module does."""
    messages, rest = _ctrl.decode((FIXTURES / f"{name}.ns").read_bytes())
    assert rest == b""
    for i, m in enumerate(messages):
        m["t"] = round(i * step, 3)
    return messages


def test_caller_of_an_established_call():
    s = _call_events.summarise(recorded("caller_established"), "outgoing")
    assert s["outcome"] == "established"
    assert s["direction"] == "outgoing"
    assert s["peer_uri"].startswith("sip:voipsec-fleet-ua2@")
    assert s["events"][:4] == ["CALL_RINGING", "CALL_ANSWERED", "CALL_MENC", "CALL_ESTABLISHED"]
    assert s["events"][-1] == "CALL_CLOSED"
    assert s["media_secure"] is True
    assert s["suites"] == ["AES_CM_128_HMAC_SHA1_80"]
    assert s["close_reason"] == "Connection reset by user"
    assert s["setup_seconds"] is not None and s["established_seconds"] > 0
    assert isinstance(s["rtcp_stats"], dict) and "tx" in s["rtcp_stats"]
    # class "other" events (SDP notices) and the command response are not call events
    assert "CALL_LOCAL_SDP" not in s["events"]


def test_callee_of_an_established_call():
    messages = recorded("callee_established")
    for m in messages:
        m["t"] += 30  # watching started half a minute before the call came in
    s = _call_events.summarise(messages, "incoming")
    assert s["setup_seconds"] < 1
    assert s["outcome"] == "established"
    assert s["direction"] == "incoming"
    assert s["suites"] == ["AES_CM_128_HMAC_SHA1_80"]
    assert s["close_reason"] == "Connection reset by peer"


def test_a_call_refused_in_the_tls_handshake_fails_at_once():
    s = _call_events.summarise(recorded("caller_refused_tls"), "outgoing")
    assert s["outcome"] == "failed"
    assert s["events"] == ["CALL_CLOSED"]
    assert s["close_reason"] == "Protocol error"
    assert s["media_secure"] is False and s["suites"] == []
    assert s["setup_seconds"] is None


def test_a_watcher_ignores_an_outgoing_call_still_closing():
    stale = recorded("caller_refused_tls")
    s = _call_events.summarise(stale, "incoming")
    assert s["outcome"] == "no_call"
    assert s["events"] == []


def test_only_the_first_call_counts():
    first = recorded("caller_refused_tls")
    second = recorded("caller_established")
    s = _call_events.summarise(first + second, "outgoing")
    assert s["outcome"] == "failed"


def test_a_call_still_ringing_is_incomplete():
    messages = [m for m in recorded("caller_established") if m.get("type") == "CALL_RINGING"]
    assert _call_events.summarise(messages, "outgoing")["outcome"] == "incomplete"


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [None, 3, "x", [], {}],
        [{"event": "yes", "type": "CALL_ESTABLISHED", "id": "a"}],
        [{"event": True, "type": 5, "id": "a"}],
        [{"response": True, "ok": True, "data": "call id: 1"}],
    ],
)
def test_garbage_is_no_call(messages):
    s = _call_events.summarise(messages)
    assert s["outcome"] == "no_call"
    assert s["media_secure"] is False


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        (
            "0,audio,AES_CM_128_HMAC_SHA1_80",
            {"event": 0, "secure": True, "media": "audio", "suite": "AES_CM_128_HMAC_SHA1_80"},
        ),
        ("2", {"event": 2, "secure": False, "media": "", "suite": ""}),
        ("", None),
        (None, None),
        ("audio,0", None),
    ],
)
def test_menc_parameter(param, expected):
    assert _call_events.menc(param) == expected


def test_truncated_stream_decodes_what_is_complete():
    data = (FIXTURES / "caller_established.ns").read_bytes()
    messages, rest = _ctrl.decode(data[: len(data) // 2])
    assert rest
    for i, m in enumerate(messages):
        m["t"] = i * 0.01
    s = _call_events.summarise(messages, "outgoing")
    # cut before CALL_ESTABLISHED: the call is not taken as established
    assert s["events"] == ["CALL_RINGING", "CALL_ANSWERED", "CALL_MENC"]
    assert s["outcome"] == "incomplete"


# listcalls as baresip 4.10 answers it over ctrl_tcp (recorded), and as the 1.x line prints it
LISTCALLS_4X_IDLE = "\nUser-Agent: demo-ua1@10.89.0.56\n--- Active calls (0) ---\n\n"
LISTCALLS_4X_TWO_UAS = (
    "\nUser-Agent: a@192.0.2.1\n--- Active calls (1) ---\n  sip:b@192.0.2.2\n"
    "\nUser-Agent: c@192.0.2.1\n--- Active calls (2) ---\n"
)
LISTCALLS_1X = "\n--- List of active calls (1): ---\n  ESTABLISHED  sip:ua2@192.0.2.2\n"


@pytest.mark.parametrize(
    "text, count",
    [(LISTCALLS_4X_IDLE, 0), (LISTCALLS_4X_TWO_UAS, 3), (LISTCALLS_1X, 1)],
)
def test_active_calls_are_counted_over_every_user_agent(text, count):
    assert _ctrl.active_calls(text) == count


@pytest.mark.parametrize(
    "text", ["", None, "command not found (listcalls)\n", "--- Active calls (", "\x00\xff"]
)
def test_no_count_is_none_not_zero(text):
    assert _ctrl.active_calls(text) is None
