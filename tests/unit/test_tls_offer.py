import sys
import time

from ansible_collections.voipsec.baresip.plugins.module_utils import _s_client, _tls_offer

BASE = {"host": "192.0.2.5", "port": 5061, "timeout": 10, "openssl_path": "openssl"}


def test_module_client_certificate_goes_into_every_offer():
    params = dict(BASE, client_cert="/a/cert.pem", client_key="/a/key.pem")
    argv = _tls_offer.build_command(params, {"name": "profile", "version": "TLSv1.2"})
    assert argv[argv.index("-cert") + 1] == "/a/cert.pem"
    assert argv[argv.index("-key") + 1] == "/a/key.pem"


def test_an_offer_with_its_own_certificate_overrides_the_module_one():
    params = dict(BASE, client_cert="/a/cert.pem", client_key="/a/key.pem")
    offer = {"name": "foreign", "client_cert": "/b/cert.pem", "client_key": "/b/key.pem"}
    argv = _tls_offer.build_command(params, offer)
    assert argv.count("-cert") == 1 and argv.count("-key") == 1
    assert argv[argv.index("-cert") + 1] == "/b/cert.pem"
    assert argv[argv.index("-key") + 1] == "/b/key.pem"


def test_no_certificate_anywhere_sends_none():
    argv = _tls_offer.build_command(dict(BASE), {"name": "anonymous"})
    assert "-cert" not in argv and "-key" not in argv
    assert argv[:4] == ["openssl", "s_client", "-connect", "192.0.2.5:5061"]


def test_a_crl_is_checked_only_with_the_ca_file():
    argv = _tls_offer.build_command(dict(BASE, cafile="/a/ca.pem", crlfile="/a/crl.pem"), {"name": "p"})
    assert argv[argv.index("-CRL") + 1] == "/a/crl.pem" and "-crl_check" in argv
    argv = _tls_offer.build_command(dict(BASE, crlfile="/a/crl.pem"), {"name": "p"})
    assert "-CRL" not in argv and "-crl_check" not in argv


def fake_s_client(script):
    """An argv that prints like s_client, line by line with pauses, then reads its stdin."""
    return [sys.executable, "-c", script]


HANDSHAKE = (
    "import sys, time; print('CONNECTED(00000003)'); "
    "print('New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384', flush=True); "
)


def test_a_tls13_refusal_after_the_handshake_is_waited_for():
    script = HANDSHAKE + (
        "time.sleep(0.3); print('error:0A000414:SSL routines:ssl3_read_bytes:sslv3 alert certificate revoked:"
        "../ssl/record/rec_layer_s3.c:1601:SSL alert number 44', flush=True); sys.stdin.read()"
    )
    started = time.monotonic()
    timed_out, text = _tls_offer.run_s_client(fake_s_client(script), timeout=5, settle=2)
    facts = _s_client.parse(text)
    assert not timed_out and facts["outcome"] == "refused" and facts["alert"] == "certificate revoked"
    assert time.monotonic() - started < 2


def test_a_session_ticket_settles_an_accepted_tls13_handshake_at_once():
    script = (
        HANDSHAKE
        + "time.sleep(0.2); print('Post-Handshake New Session Ticket arrived:', flush=True); sys.stdin.read()"
    )
    started = time.monotonic()
    timed_out, text = _tls_offer.run_s_client(fake_s_client(script), timeout=5, settle=3)
    assert not timed_out and _s_client.parse(text)["outcome"] == "accepted"
    assert time.monotonic() - started < 2


def test_without_a_verdict_the_wait_is_bounded_by_settle():
    started = time.monotonic()
    timed_out, text = _tls_offer.run_s_client(
        fake_s_client(HANDSHAKE + "sys.stdin.read()"), timeout=5, settle=0.5
    )
    assert not timed_out and _s_client.parse(text)["outcome"] == "accepted"
    assert 0.5 <= time.monotonic() - started < 3


def test_a_server_that_never_answers_times_out_as_error():
    script = "import time; print('CONNECTED(00000003)', flush=True); time.sleep(30)"
    timed_out, text = _tls_offer.run_s_client(fake_s_client(script), timeout=1, settle=1)
    assert timed_out and _s_client.parse(text)["outcome"] == "error"


def test_a_quick_refusal_that_closes_stdin_is_no_crash():
    script = "print('CONNECTED(00000003)'); print('SSL alert number 40')"
    timed_out, text = _tls_offer.run_s_client(fake_s_client(script), timeout=5, settle=1)
    assert not timed_out and _s_client.parse(text)["outcome"] == "refused"


def test_cipher_list_runs_openssl_and_names_a_failure():
    calls = []

    def ok(argv):
        calls.append(argv)
        return 0, "ECDHE-ECDSA-AES256-GCM-SHA384 TLSv1.2 Kx=ECDH Au=ECDSA Enc=AESGCM(256) Mac=AEAD\n", ""

    assert _tls_offer.cipher_list(ok, "/usr/bin/openssl")[1] is None
    assert calls == [["/usr/bin/openssl", "ciphers", "-v", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"]]
    text, problem = _tls_offer.cipher_list(lambda argv: (1, "", "Error in cipher list\n"), "openssl")
    assert text is None and problem == "openssl ciphers failed: Error in cipher list"
