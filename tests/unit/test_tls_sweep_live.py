"""The sweep against a real ``openssl s_server``: elimination finds exactly what every offer alone finds."""

import re
import shutil
import subprocess

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _tls_offer, _tls_sweep

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl binary")

SERVER = {
    "-cipher": "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
    "-ciphersuites": "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
    "-groups": "P-384:X25519",
    "-sigalgs": "ECDSA+SHA384:ECDSA+SHA256",
}


@pytest.fixture(scope="module")
def s_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("s_server")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-nodes",
            "-keyout",
            str(tmp / "key.pem"),
            "-out",
            str(tmp / "cert.pem"),
            "-subj",
            "/CN=ua",
            "-days",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    argv = [
        "openssl",
        "s_server",
        "-accept",
        "0",
        "-cert",
        str(tmp / "cert.pem"),
        "-key",
        str(tmp / "key.pem"),
    ]
    for flag, value in SERVER.items():
        argv += [flag, value]
    # s_server ends when its stdin does: keep it open
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    port = None
    for line in proc.stdout:
        m = re.match(r"ACCEPT .*:(\d+)$", line.strip())
        if m:
            port = int(m.group(1))
            break
    assert port, "s_server did not start"
    yield port
    proc.kill()
    proc.wait()


def params(port, workers):
    p = {k: spec.get("default") for k, spec in _tls_offer.option_spec().items()}
    return dict(p, host="127.0.0.1", port=port, workers=workers, settle=1)


def test_elimination_equals_every_offer_alone(s_server):
    ciphers = subprocess.run(
        ["openssl", *_tls_offer.CIPHER_LIST_ARGV], check=True, capture_output=True, text=True
    )
    swept = _tls_offer.run(params(s_server, 4), [], ciphers.stdout)["sweep"]
    offers = _tls_sweep.sweep_offers(_tls_sweep.parse_cipher_list(ciphers.stdout))
    alone = _tls_sweep.accepted_sets(_tls_offer.run(params(s_server, 4), offers)["results"])
    handshakes = swept.pop("handshakes")
    assert swept == alone
    assert swept["versions"] == ["TLSv1.2", "TLSv1.3"]
    assert swept["tls12_ciphers"] == ["ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"]
    assert swept["tls13_ciphersuites"] == ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"]
    assert set(swept["groups"]) == {"P-384", "X25519"}
    assert swept["signature_algorithms"] == ["ECDSA+SHA256", "ECDSA+SHA384"]
    assert swept["errors"] == []
    assert handshakes < len(offers) / 3
