"""Parsing of what crypto_module_probe reads, on recorded real output and on garbage."""

import pathlib

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _crypto_module, _elf

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "crypto_module"


def read(name):
    return (FIXTURES / name).read_text()


def test_maps_of_a_process_with_the_fips_provider_loaded():
    maps = _crypto_module.parse_maps(read("maps_fips.txt"))
    assert maps["libcrypto"] == ["/usr/lib/x86_64-linux-gnu/libcrypto.so.3"]
    assert maps["providers"] == ["/opt/baresip/fips/lib/ossl-modules/fips.so"]


@pytest.mark.parametrize("text", ["", None, "garbage\n\x00\x01", "7f90-7f91 r--p 00000000 fe:00 21"])
def test_maps_garbage_or_truncated(text):
    assert _crypto_module.parse_maps(text) == {"libcrypto": [], "providers": []}


def test_environ():
    env = _crypto_module.parse_environ(b"LANG=C\0OPENSSL_CONF=/etc/baresip/openssl.cnf\0JUNK\0")
    assert env == {"LANG": "C", "OPENSSL_CONF": "/etc/baresip/openssl.cnf"}


def test_providers_under_the_fips_configuration_and_stock():
    fips = _crypto_module.parse_providers(read("providers_fips.txt"))
    assert [(p["id"], p["name"], p["version"], p["status"]) for p in fips] == [
        ("base", "OpenSSL Base Provider", "3.0.22", "active"),
        ("fips", "OpenSSL FIPS Provider", "3.1.2", "active"),
    ]
    stock = _crypto_module.parse_providers(read("providers_stock.txt"))
    assert [p["id"] for p in stock] == ["default"]


@pytest.mark.parametrize("text", ["", "Providers:\n", "Providers:\n  fips\n    name: OpenSSL FIPS Prov"])
def test_providers_truncated(text):
    for provider in _crypto_module.parse_providers(text):
        assert provider["status"] is None


def test_fipsinstall_verify():
    assert _crypto_module.parse_fipsinstall(0, read("fipsinstall_verify_pass.txt")) == {
        "passed": True,
        "detail": "VERIFY PASSED",
    }
    failed = _crypto_module.parse_fipsinstall(1, read("fipsinstall_verify_fail.txt"))
    assert not failed["passed"]
    assert "Module integrity mismatch" in failed["detail"]
    # the words alone, or exit 0 alone, are not enough
    assert not _crypto_module.parse_fipsinstall(1, "VERIFY PASSED")["passed"]
    assert not _crypto_module.parse_fipsinstall(0, "")["passed"]


def test_process_check_output():
    fips = _crypto_module.parse_process_check(read("process_fips.txt"))
    assert fips["available_fips"] and fips["fips_default_properties"] and not fips["fetch_MD5"]
    stock = _crypto_module.parse_process_check(read("process_stock.txt"))
    assert stock["available_default"] and stock["fetch_ChaCha20-Poly1305"]
    for garbage in ("", "Traceback (most recent call last):", '{"init": 1', "[1, 2]", '{"other": 1}'):
        assert _crypto_module.parse_process_check(garbage) is None


@pytest.mark.parametrize(
    ("symbol", "bypasses"),
    [
        ("MD5", True),
        ("MD5_Update", True),
        ("AES_set_encrypt_key", True),
        ("SHA1_Init", True),
        ("EC_KEY_generate_key", True),
        ("SHA1", False),  # EVP_Q_digest: through the providers
        ("SHA256", False),
        ("HMAC", False),  # EVP_Q_mac
        ("EVP_md5", False),  # fetched, so refused under fips=yes rather than bypassing
        ("EVP_EncryptInit_ex", False),
        ("SSL_CTX_new", False),
        ("memcpy", False),
    ],
)
def test_classify(symbol, bypasses):
    assert (_crypto_module.classify(symbol) is not None) is bypasses


def test_bypasses_judge_the_use():
    files = {
        "/opt/baresip/lib/libre.so.2": ["MD5", "SHA1_Init", "SSL_new"],
        "/opt/x/srtp.so": ["AES_encrypt"],
    }
    found = {f["symbol"]: f for f in _crypto_module.bypasses(files, registers=False)}
    assert set(found) == {"MD5", "SHA1_Init", "AES_encrypt"}
    assert not found["MD5"]["handles_protected_traffic"]  # no account authenticates with a password
    assert not found["SHA1_Init"]["handles_protected_traffic"]  # websocket only
    assert found["AES_encrypt"]["handles_protected_traffic"]  # use not known: counted as protected
    registering = {f["symbol"]: f for f in _crypto_module.bypasses(files, registers=True)}
    assert registering["MD5"]["handles_protected_traffic"]


def test_elf_imports_of_a_real_library():
    found = _elf.imports(pathlib.Path("/usr/lib/x86_64-linux-gnu/libssl.so.3").read_bytes())
    assert "libcrypto.so.3" in found["needed"]
    assert "EVP_MD_fetch" in found["imports"]
    assert "SSL_new" not in found["imports"]  # defined there, not imported


@pytest.mark.parametrize(
    "data",
    [b"", b"\x7fELF", b"not an elf file at all", b"\x7fELF\x02\x01\x01" + b"\0" * 9,
     pathlib.Path("/usr/lib/x86_64-linux-gnu/libssl.so.3").read_bytes()[:200]],
)  # fmt: skip
def test_elf_garbage_and_truncated(data):
    with pytest.raises(_elf.ElfError):
        _elf.imports(data)
