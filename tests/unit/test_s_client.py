from pathlib import Path

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _s_client

FIXTURES = Path(__file__).parent / "fixtures" / "s_client"


def recorded(name):
    return (FIXTURES / f"{name}.txt").read_text()


def test_seed_offer_accepted_with_every_fact():
    f = _s_client.parse(recorded("accepted_fips"))
    assert f["outcome"] == "accepted" and f["accepted"] and f["connected"]
    assert f["protocol"] == "TLSv1.2"
    assert f["cipher"] == "ECDHE-ECDSA-AES256-GCM-SHA384"
    assert f["temp_key"] == {"type": "ECDH", "group": "P-384", "bits": 384}
    assert f["group"] == "P-384"
    assert f["peer_signing_digest"] == "SHA384"
    assert f["peer_signature_type"] == "ECDSA"
    assert f["server_public_key_bits"] == 384
    cert = dict(f["peer_certificate"])
    pem = cert.pop("pem")
    assert cert == {
        "public_key_algorithm": "id-ecPublicKey",
        "public_key_bits": 384,
        "signature_algorithm": "ecdsa-with-SHA384",
        "subject": "CN = ua1",
        "issuer": "CN = ua1",
        "not_before": "2026-11-28T20:55:50Z",
        "not_after": "2026-12-28T20:55:50Z",
        # openssl x509 -noout -fingerprint -sha256 of the served certificate
        "sha256": "4E:D7:CD:13:B4:B9:88:11:B2:0F:AC:94:FC:BC:68:C6:3F:D4:9E:80:FE:6A:C6:BF:8A:57:D2:2D:B2"
        ":1B:25:53",
    }
    assert pem.startswith("-----BEGIN CERTIFICATE-----\nMIIBrTCC") and pem.endswith(
        "-----END CERTIFICATE-----\n"
    )
    assert f["verify_return_code"] == 18 and f["verify_error"] == "self-signed certificate"
    assert f["error"] is None


def test_default_baresip_tls13_x25519():
    f = _s_client.parse(recorded("accepted_default_tls13"))
    assert (f["outcome"], f["protocol"], f["cipher"]) == ("accepted", "TLSv1.3", "TLS_AES_256_GCM_SHA384")
    assert f["temp_key"] == {"type": "X25519", "group": "X25519", "bits": 253}


def test_default_baresip_chacha_and_sha256_signature():
    chacha = _s_client.parse(recorded("accepted_default_chacha"))
    assert chacha["cipher"] == "ECDHE-ECDSA-CHACHA20-POLY1305"
    sha256 = _s_client.parse(recorded("accepted_default_sigalg_sha256"))
    assert sha256["peer_signing_digest"] == "SHA256" and sha256["outcome"] == "accepted"


@pytest.mark.parametrize(
    ("name", "alert"),
    [
        ("refused_tls13", "protocol version"),
        ("refused_tls11", "protocol version"),
        ("refused_cipher_aes128", "handshake failure"),
        ("refused_group_x25519", "handshake failure"),
        ("refused_sigalg_sha256", "handshake failure"),
    ],
)
def test_refusals(name, alert):
    f = _s_client.parse(recorded(name))
    assert f["outcome"] == "refused"
    assert f["connected"] and not f["accepted"]
    assert f["cipher"] is None and f["protocol"] is None
    assert f["alert"] == alert


def test_connection_refused_is_an_error_not_a_refusal():
    f = _s_client.parse(recorded("conn_refused"))
    assert f["outcome"] == "error" and not f["connected"]
    assert f["error"] == "connection refused"


@pytest.mark.parametrize("fraction", [0.01, 0.2, 0.5, 0.99])
def test_output_cut_before_the_handshake_result_is_an_error(fraction):
    text = recorded("accepted_fips")
    cut = int(text.index("New, TLSv1.2") * fraction)
    f = _s_client.parse(text[:cut])
    assert f["outcome"] == "error"
    assert not f["accepted"]


@pytest.mark.parametrize(
    "garbage",
    ["", None, b"\x00\x01", "CONNECTED(", "\n\n\n", "random text\nCipher is", 42, "x" * 10000],
)
def test_garbage_is_an_error(garbage):
    f = _s_client.parse(garbage)
    assert f["outcome"] == "error"
    assert not f["accepted"]


def test_hostile_cipher_line_cannot_fake_acceptance_without_connection():
    f = _s_client.parse("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384\n")
    assert f["outcome"] == "error"


def test_evidence_has_no_session_secrets():
    text = recorded("accepted_fips").replace("Master-Key: REDACTED", "Master-Key: 00112233")
    ev = _s_client.evidence(text)
    assert "Cipher is ECDHE-ECDSA-AES256-GCM-SHA384" in ev
    assert "Server Temp Key: ECDH, secp384r1, 384 bits" in ev
    assert "Master-Key" not in ev and "Session-ID" not in ev and "BEGIN CERTIFICATE" not in ev


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("secp384r1", "P-384"),
        ("prime256v1", "P-256"),
        ("X25519", "X25519"),
        ("brainpoolP384r1", "brainpoolP384r1"),
    ],
)
def test_group_names(raw, norm):
    assert _s_client.normalize_group(raw) == norm


def test_openssl_35_spelling():
    f = _s_client.parse(recorded("accepted_fips_openssl35"))
    assert (f["outcome"], f["protocol"], f["cipher"]) == (
        "accepted",
        "TLSv1.2",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
    )
    assert f["temp_key"] == {"type": "ECDH", "group": "P-384", "bits": 384}
    assert f["peer_signing_digest"] == "SHA384"
    assert (f["peer_signature_type"], f["peer_signature_scheme"]) == ("ECDSA", "ecdsa_secp384r1_sha384")
    assert f["peer_certificate"]["public_key_bits"] == 384 and f["peer_certificate"]["curve"] == "P-384"
    assert f["peer_certificate"]["signature_algorithm"] == "ecdsa-with-SHA384"


@pytest.mark.parametrize(
    ("name", "alert"),
    [
        ("refused_tls13_openssl35", "protocol version"),
        ("refused_group_x25519_openssl35", "handshake failure"),
    ],
)
def test_openssl_35_refusals(name, alert):
    f = _s_client.parse(recorded(name))
    assert f["outcome"] == "refused" and f["alert"] == alert


@pytest.mark.parametrize(
    ("name", "alert"),
    [
        ("refused_client_cert_missing", "handshake failure"),
        ("refused_client_cert_foreign", "unknown ca"),
    ],
)
def test_client_certificate_refused_after_the_cipher_line_is_a_refusal(name, alert):
    # s_client prints "New, TLSv1.2, Cipher is ..." before the server's alert arrives
    text = recorded(name)
    assert "Cipher is ECDHE-ECDSA-AES256-GCM-SHA384" in text
    f = _s_client.parse(text)
    assert f["outcome"] == "refused"
    assert not f["accepted"]
    assert f["alert"] == alert


def test_validity_at():
    cert = _s_client.parse(recorded("accepted_fips"))["peer_certificate"]
    from datetime import datetime, timezone

    inside = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert _s_client.validity_at(cert, inside) == {"expired": False, "not_yet_valid": False}
    assert _s_client.validity_at(cert, datetime(2027, 1, 1, tzinfo=timezone.utc))["expired"] is True
    assert _s_client.validity_at(cert, datetime(2026, 1, 1, tzinfo=timezone.utc))["not_yet_valid"] is True
    assert _s_client.validity_at({}, inside) == {"expired": None, "not_yet_valid": None}


def test_truncated_certificate_gives_no_fingerprint():
    text = recorded("accepted_fips")
    cut = text[: text.index("-----END CERTIFICATE-----")]
    cert = _s_client.parse(cut)["peer_certificate"] or {}
    assert "sha256" not in cert and "pem" not in cert


def test_openssl_time():
    assert _s_client.openssl_time("Nov  8 20:55:50 2026 GMT") == "2026-11-08T20:55:50Z"
    assert _s_client.openssl_time("garbage") is None and _s_client.openssl_time(None) is None


@pytest.mark.parametrize(
    ("name", "outcome", "alert"),
    [
        ("accepted_tls13_fleet_certificate", "accepted", None),
        ("refused_tls13_revoked_client_cert", "refused", "certificate revoked"),
        ("refused_tls13_client_cert_missing", "refused", "certificate required"),
    ],
)
def test_tls13_client_certificate_verdicts_after_the_handshake(name, outcome, alert):
    text = recorded(name)
    facts = _s_client.parse(text)
    assert facts["outcome"] == outcome and facts["alert"] == alert
    assert _s_client.settled(text)
    # cut right after the handshake line: the server's verdict has not arrived yet
    cut = text[: text.index("\n", text.index("Cipher is")) + 1]
    assert not _s_client.settled(cut)


def test_tls12_is_settled_by_the_handshake_result():
    assert _s_client.settled(recorded("accepted_fips"))
    assert _s_client.settled(recorded("refused_tls13"))
    assert not _s_client.settled("CONNECTED(00000003)\n")
