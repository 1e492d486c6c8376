from pathlib import Path

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _ctrl, _s_server

FIX = Path(__file__).parent / "fixtures" / "s_server"


def test_enforcing_ua_as_client():
    f = _s_server.parse((FIX / "invite_fips.txt").read_text())
    assert f["error"] is None and f["handshake"]
    assert f["tls"]["shared_ciphers"] == ["ECDHE-ECDSA-AES256-GCM-SHA384"]
    assert f["tls"]["client_signature_algorithms"] == ["ECDSA+SHA384"]
    assert f["tls"]["client_groups"] == ["P-384"]
    assert f["tls"]["cipher"] == "ECDHE-ECDSA-AES256-GCM-SHA384"
    assert f["invite"]["via_transport"] == "TLS"
    assert f["invite"]["request_uri"] == "sip:probe@192.0.2.2:15061;transport=tls"
    assert f["invite"]["user_agent"] == "baresip v1.1.0 (x86_64/linux)"
    assert f["sdp"]["media_proto"] == "RTP/SAVP"
    assert [(c["suite"], c["key_bytes"]) for c in f["sdp"]["crypto"]] == [("AES_CM_128_HMAC_SHA1_80", 30)]


def test_default_ua_offers_everything():
    f = _s_server.parse((FIX / "invite_default.txt").read_text())
    assert "ECDHE-ECDSA-CHACHA20-POLY1305" in f["tls"]["shared_ciphers"]
    assert "TLS_AES_256_GCM_SHA384" in f["tls"]["shared_ciphers"]
    assert f["tls"]["client_groups"][:2] == ["X25519", "P-256"]
    assert "ECDSA+SHA256" in f["tls"]["client_signature_algorithms"]
    assert f["tls"]["cipher"] == "TLS_AES_256_GCM_SHA384"


def test_redaction_removes_session_and_keys():
    text = (FIX / "invite_fips.txt").read_text().replace("REDACTED", "MF8CAQECAgMDBALALAQABDAAOClnCKFU")
    red = _s_server.redact(text)
    assert "MF8CAQ" not in red and "AAECAwQF" not in red and "inline:<key>" in red
    assert "Shared ciphers:ECDHE-ECDSA-AES256-GCM-SHA384" in red


@pytest.mark.parametrize("cut", [0.1, 0.3, 0.5])
def test_truncated_output(cut):
    text = (FIX / "invite_fips.txt").read_text()
    f = _s_server.parse(text[: int(text.index("INVITE sip:") * cut / 0.5 * 0.5)])
    assert f["invite"] is None and f["error"]


@pytest.mark.parametrize("garbage", ["", None, "ACCEPT\n", "GET / HTTP/1.1\r\n\r\n", "\x00" * 50])
def test_garbage(garbage):
    f = _s_server.parse(garbage)
    assert f["invite"] is None and f["error"] and not f["handshake"]


def test_netstrings_round_trip_and_partial():
    frame = _ctrl.encode("dial", "sip:probe@192.0.2.2:15061", "t1")
    length, _colon, rest = frame.partition(b":")
    assert int(length) == len(rest) - 1 and rest.endswith(b",")
    event = b'14:{"event":true},'
    msgs, rest = _ctrl.decode(frame[:10])
    assert msgs == [] and rest == frame[:10]
    msgs, rest = _ctrl.decode(frame + event + b"5:{")
    assert msgs == [
        {"command": "dial", "token": "t1", "params": "sip:probe@192.0.2.2:15061"},
        {"event": True},
    ]
    assert rest == b"5:{"


@pytest.mark.parametrize("bad", [b"x:{}", b"2:{}x", b"3:abc,", b"1234567890:", b"3:{}},"])
def test_netstring_garbage(bad):
    with pytest.raises(_ctrl.NetstringError):
        _ctrl.decode(bad)


def test_ua_refusing_a_revoked_server():
    text = (Path(__file__).parent / "fixtures" / "s_server" / "refused_revoked_server.txt").read_text()
    facts = _s_server.parse(text)
    assert facts["alert"] == "certificate revoked" and not facts["handshake"]
    assert facts["error"] == "the UA refused the TLS handshake (alert certificate revoked)"
    assert _s_server.ended(text)
    assert not _s_server.ended(text[: text.index("ERROR")])


class _Server:
    def __init__(self, text, running=True):
        self.text, self.running = text, running


def test_wait_accepting():
    assert _s_server.wait_accepting(_Server("Using default temp DH parameters\nACCEPT\n"))
    # a server that died before listening is not waited for
    assert not _s_server.wait_accepting(_Server("error:0A0000B5:no ciphers available", running=False))
    assert not _s_server.wait_accepting(_Server(""), seconds=0.1)


def test_throwaway_certificate_argv():
    argv = _s_server.throwaway_certificate_argv("openssl", "/w", "secp384r1", "sha384", "probe")
    assert argv[:2] == ["openssl", "req"]
    assert "ec_paramgen_curve:secp384r1" in argv and "-sha384" in argv and "/CN=probe" in argv
    assert argv[argv.index("-keyout") + 1] == "/w/key.pem" and argv[argv.index("-out") + 1] == "/w/cert.pem"
