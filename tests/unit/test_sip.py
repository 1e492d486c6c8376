import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _sip

RESPONSE = (
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 10.0.0.5:40000;branch=z9hG4bKabc;rport=40000\r\n"
    "To: <sip:ua1:5060>;tag=xyz\r\n"
    "f: <sip:probe@10.0.0.5>;tag=1\r\n"
    "Call-ID: 123@10.0.0.5\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,\r\n"
    " NOTIFY,SUBSCRIBE\r\n"
    "Server: baresip v1.1.0 (x86_64/linux)\r\n"
    "Content-Length: 0\r\n\r\n"
)


def test_response_headers_compact_and_folded():
    msg = _sip.parse_message(RESPONSE.encode())
    assert (msg["kind"], msg["status"], msg["reason"]) == ("response", 200, "OK")
    assert msg["headers"]["from"] == ["<sip:probe@10.0.0.5>;tag=1"]
    assert msg["headers"]["allow"] == ["INVITE,ACK,BYE,CANCEL,OPTIONS, NOTIFY,SUBSCRIBE"]
    assert msg["headers"]["server"] == ["baresip v1.1.0 (x86_64/linux)"]


def test_request_with_body_cut_to_content_length():
    text = "INVITE sip:a@b SIP/2.0\r\nContent-Length: 4\r\n\r\nv=0\r\nEXTRA"
    msg = _sip.parse_message(text)
    assert (msg["kind"], msg["method"], msg["uri"]) == ("request", "INVITE", "sip:a@b")
    assert msg["body"] == "v=0\r"


def test_options_request_round_trips():
    raw = _sip.options_request("192.0.2.7", 5060, "udp", "192.0.2.9", 40000)
    msg = _sip.parse_message(raw)
    assert msg["method"] == "OPTIONS"
    assert msg["uri"] == "sip:192.0.2.7:5060;transport=udp"
    assert msg["headers"]["via"][0].startswith("SIP/2.0/UDP 192.0.2.9:40000;branch=z9hG4bK")
    assert raw.endswith(b"\r\n\r\n")


def test_ipv6_target_is_bracketed():
    assert b"OPTIONS sip:[fd00::2]:5060;transport=tcp" in _sip.options_request(
        "fd00::2", 5060, "tcp", "::1", 1
    )


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        b"",
        "HTTP/1.1 200 OK\r\n\r\n",
        "\x16\x03\x01\x00",
        "SIP/2.0 999 Nope\r\n",
        "SIP/2.0\r\n",
        b"\xff\xfe",
    ],
)
def test_garbage_raises(garbage):
    with pytest.raises(_sip.SipParseError):
        _sip.parse_message(garbage)


def test_truncated_response_still_gives_status():
    msg = _sip.parse_message(RESPONSE[:40])
    assert msg["status"] == 200


def test_stream_split_waits_for_the_body():
    body = "v=0\r\n"
    msg = f"SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: {len(body)}\r\n\r\n{body}".encode()
    done, rest = _sip.split_stream(b"\r\n\r\n" + msg[:-2])
    assert done == [] and rest == msg[:-2]
    done, rest = _sip.split_stream(rest + msg[-2:] + msg[:10])
    assert done == [msg] and rest == msg[:10]


def test_dialog_requests():
    d = _sip.Dialog("192.0.2.7", 5061, "ua1", "192.0.2.9", 40000)
    invite = _sip.parse_message(d.invite("v=0\r\n"))
    assert invite["uri"] == "sip:ua1@192.0.2.7:5061;transport=tls"
    assert invite["headers"]["via"][0].startswith("SIP/2.0/TLS 192.0.2.9:40000;branch=z9hG4bK")
    ok = {
        "status": 200,
        "headers": {
            "to": ["<sip:ua1@192.0.2.7>;tag=abc"],
            "contact": ["<sip:ua1@192.0.2.7:5061;transport=tls>"],
        },
    }
    d.learn(ok)
    ack = _sip.parse_message(d.ack(ok))
    assert ack["uri"] == "sip:ua1@192.0.2.7:5061;transport=tls"
    assert ack["headers"]["to"] == ["<sip:ua1@192.0.2.7>;tag=abc"]
    assert ack["headers"]["cseq"] == ["1 ACK"]
    assert ack["headers"]["via"][0] != invite["headers"]["via"][0]
    bye = _sip.parse_message(d.bye())
    assert bye["headers"]["cseq"] == ["2 BYE"] and bye["headers"]["call-id"] == invite["headers"]["call-id"]
    cancel = _sip.parse_message(d.cancel())
    assert cancel["headers"]["via"] == invite["headers"]["via"]


def test_ack_for_a_rejection_reuses_the_invite_branch():
    d = _sip.Dialog("192.0.2.7", 5061, "ua1", "192.0.2.9", 40000)
    invite = _sip.parse_message(d.invite(""))
    busy = {"status": 488, "headers": {"to": ["<sip:ua1@192.0.2.7>;tag=z"]}}
    ack = _sip.parse_message(d.ack(busy))
    assert ack["headers"]["via"] == invite["headers"]["via"]
    assert ack["uri"] == invite["uri"]
