import base64

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _sdp

# Answer recorded from baresip 1.1.0 (srtp module) with its key replaced by a fixed one.
KEY = base64.b64encode(bytes(range(30))).decode()
BARESIP_ANSWER = (
    "v=0\r\n"
    "o=- 1234 5678 IN IP4 10.89.0.8\r\n"
    "s=-\r\n"
    "c=IN IP4 10.89.0.8\r\n"
    "t=0 0\r\n"
    "m=audio 10216 RTP/SAVP 0\r\n"
    "b=AS:64\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=sendrecv\r\n"
    "a=label:1\r\n"
    "a=rtcp-rsize\r\n"
    "a=ssrc:1234 cname:sip:ua1@10.89.0.8\r\n"
    f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}\r\n"
)


def test_answer_facts_without_the_key():
    sdp = _sdp.parse(BARESIP_ANSWER)
    audio = sdp["media"][0]
    assert (audio["media"], audio["port"], audio["proto"], audio["formats"]) == (
        "audio",
        10216,
        "RTP/SAVP",
        ["0"],
    )
    assert audio["connection"] == "10.89.0.8"
    assert audio["crypto"] == [
        {
            "tag": 1,
            "suite": "AES_CM_128_HMAC_SHA1_80",
            "key_method": "inline",
            "key_bytes": 30,
            "key_valid_length": True,
            "lifetime": None,
            "mki": None,
            "session_params": None,
        }
    ]
    assert KEY not in repr(sdp)


def test_key_is_available_only_through_crypto_key():
    assert _sdp.crypto_key(f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}|2^20|1:4") == bytes(range(30))
    facts = _sdp.parse_crypto(f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}|2^20|1:4 UNENCRYPTED_SRTCP")
    assert (facts["lifetime"], facts["mki"], facts["session_params"]) == ("2^20", "1:4", "UNENCRYPTED_SRTCP")


def test_offer_round_trip_and_fresh_keys():
    text, _cryptos = _sdp.offer(
        "192.0.2.9", 40000, "RTP/SAVP", ["AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM"]
    )
    audio = _sdp.parse(text)["media"][0]
    assert audio["proto"] == "RTP/SAVP"
    assert [(c["suite"], c["key_bytes"], c["key_valid_length"]) for c in audio["crypto"]] == [
        ("AES_CM_128_HMAC_SHA1_80", 30, True),
        ("AEAD_AES_256_GCM", 44, True),
    ]
    assert _sdp.offer("192.0.2.9", 40000)[1] != _sdp.offer("192.0.2.9", 40000)[1]


def test_plain_offer_has_no_crypto():
    text, cryptos = _sdp.offer("fd00::9", 40000, "RTP/AVP", [])
    assert cryptos == [] and "a=crypto" not in text and "c=IN IP6 fd00::9" in text


@pytest.mark.parametrize(
    "value",
    ["", "x AES inline:abc", "1 AES_CM_128_HMAC_SHA1_80", "1 AES_CM_128_HMAC_SHA1_80 inline:!!notbase64!!"],
)
def test_hostile_crypto_values(value):
    facts = _sdp.parse_crypto(value)
    assert facts is None or not facts["key_valid_length"]


def test_wrong_key_length_is_flagged():
    short = base64.b64encode(b"x" * 16).decode()
    assert _sdp.parse_crypto(f"1 AES_CM_128_HMAC_SHA1_80 inline:{short}")["key_valid_length"] is False


@pytest.mark.parametrize("garbage", ["", None, "HTTP/1.1 200 OK", b"\x00\xff", "v=1\r\n"])
def test_garbage_is_not_sdp(garbage):
    with pytest.raises(_sdp.SdpError):
        _sdp.parse(garbage)


def test_truncated_answer_keeps_what_arrived():
    sdp = _sdp.parse(BARESIP_ANSWER[: BARESIP_ANSWER.index("a=crypto") + 20])
    audio = sdp["media"][0]
    assert audio["crypto"] == [] and audio["invalid_crypto"] == 1


def test_codecs_from_rtpmap_and_static_payload_types():
    sdp = _sdp.parse(
        "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
        "m=audio 5000 RTP/SAVP 0 8 101 96\r\n"
        "a=rtpmap:101 telephone-event/8000\r\na=rtpmap:96 opus/48000/2\r\n"
    )
    assert _sdp.codecs(sdp["media"][0]) == ["PCMU/8000", "PCMA/8000", "telephone-event/8000", "opus/48000"]
    assert _sdp.codecs({"formats": ["77"], "attributes": ["rtpmap:77"]}) == ["payload type 77"]
    assert _sdp.codecs({}) == []
