import os
import struct

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _sdp, _srtp_auth


def test_pylibsrtp_is_installed():
    assert _srtp_auth.available()


def rtp(seq, ssrc=0x1234, payload=b"\xff" * 160):
    return struct.pack("!BBHII", 0x80, 0, seq, seq * 160, ssrc) + payload


@pytest.mark.parametrize(
    "suite", ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"]
)
def test_right_key_authenticates_every_packet(suite):
    key = os.urandom(_sdp.SUITE_KEY_BYTES[suite])
    packets = _srtp_auth.protect([rtp(i) for i in range(1, 51)], key, suite)
    assert _srtp_auth.authenticate(packets, key, suite) == {
        "available": True,
        "suite": suite,
        "packets": 50,
        "authenticated": 50,
        "rejected": 0,
    }


def test_wrong_key_plain_rtp_and_damage_fail():
    suite = "AES_CM_128_HMAC_SHA1_80"
    key = os.urandom(30)
    packets = _srtp_auth.protect([rtp(i) for i in range(1, 21)], key, suite)
    assert _srtp_auth.authenticate(packets, os.urandom(30), suite)["authenticated"] == 0
    assert _srtp_auth.authenticate([rtp(i) for i in range(1, 21)], key, suite)["authenticated"] == 0
    damaged = [p[:-1] + bytes([p[-1] ^ 1]) for p in packets]
    assert _srtp_auth.authenticate(damaged, key, suite) == {
        "available": True,
        "suite": suite,
        "packets": 20,
        "authenticated": 0,
        "rejected": 20,
    }


def test_garbage_is_not_counted_as_rtp():
    key = os.urandom(30)
    result = _srtp_auth.authenticate(
        [b"", b"\x00" * 40, b"\x80\xc8" + b"\x00" * 30], key, "AES_CM_128_HMAC_SHA1_80"
    )
    assert result["packets"] == 0 and result["authenticated"] == 0


@pytest.mark.parametrize(
    ("key", "suite"), [(b"short", "AES_CM_128_HMAC_SHA1_80"), (os.urandom(30), "NULL_CIPHER")]
)
def test_unusable_key_or_suite(key, suite):
    with pytest.raises(_srtp_auth.SrtpAuthError):
        _srtp_auth.authenticate([rtp(1)], key, suite)
