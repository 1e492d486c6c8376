# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about the cryptographic module a running baresip uses, and their parsing.

- which libcrypto and which provider modules the process has mapped (``/proc/PID/maps``);
- what that libcrypto does under the service's own OpenSSL configuration, asked in a separate
  process through ctypes (:data:`PROCESS_SCRIPT`): providers available, ``fips=yes`` as the default
  property, and whether MD5 / SHA-256 / ChaCha20-Poly1305 can be fetched;
- the providers ``openssl list -providers -verbose`` reports under that configuration;
- ``openssl fipsinstall -verify`` of the host's module configuration;
- which OpenSSL functions the tree imports that compute outside any provider
  (:func:`classify`), and what the tree uses them for (:data:`USES`).
"""

from __future__ import annotations

import json
import re

# Run with the service's OPENSSL_CONF as `python3 -c PROCESS_SCRIPT LIBCRYPTO`: loads the same
# libcrypto the service has mapped, initialises it from that configuration as libre does, and
# prints what is in force as one JSON object.
PROCESS_SCRIPT = r"""
import ctypes, json, sys
lib = ctypes.CDLL(sys.argv[1])
lib.OPENSSL_init_crypto.argtypes = [ctypes.c_uint64, ctypes.c_void_p]
lib.OSSL_PROVIDER_available.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.EVP_default_properties_is_fips_enabled.argtypes = [ctypes.c_void_p]
out = {"init": lib.OPENSSL_init_crypto(0x40, None)}
for name in ("fips", "default", "base", "legacy"):
    out["available_" + name] = bool(lib.OSSL_PROVIDER_available(None, name.encode()))
out["fips_default_properties"] = bool(lib.EVP_default_properties_is_fips_enabled(None))
for kind, fetch, free, names in (
    ("md", lib.EVP_MD_fetch, lib.EVP_MD_free, ("MD5", "SHA256")),
    ("cipher", lib.EVP_CIPHER_fetch, lib.EVP_CIPHER_free, ("ChaCha20-Poly1305", "AES-256-GCM")),
):
    fetch.restype = ctypes.c_void_p
    fetch.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    free.argtypes = [ctypes.c_void_p]
    for name in names:
        handle = fetch(None, name.encode(), None)
        out["fetch_" + name] = bool(handle)
        if handle:
            free(handle)
print(json.dumps(out))
"""

_MAP_PATH = re.compile(r"^\S+\s+\S+\s+\S+\s+\S+\s+\d+\s+(?P<path>/\S.*?)(?: \(deleted\))?\s*$")


def parse_maps(text):
    """The libcrypto and provider module files a process has mapped, from ``/proc/PID/maps``."""
    paths = []
    for line in (text or "").splitlines():
        m = _MAP_PATH.match(line)
        if m and m.group("path") not in paths:
            paths.append(m.group("path"))
    return {
        "libcrypto": [p for p in paths if re.search(r"/libcrypto\.so[.0-9]*$", p)],
        "providers": [p for p in paths if "/ossl-modules/" in p or p.endswith("/fips.so")],
    }


def parse_environ(data):
    """``/proc/PID/environ`` (NUL-separated) as a dict."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    pairs = (item.split("=", 1) for item in (data or "").split("\0") if "=" in item)
    return dict(pairs)


def parse_process_check(text):
    """The JSON line :data:`PROCESS_SCRIPT` printed, or None when there is none."""
    for line in reversed((text or "").splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) and "init" in value else None
    return None


_PROVIDER = re.compile(r"^  (?P<id>\S+)\s*$")
_FIELD = re.compile(r"^    (?P<key>name|version|status|build info):\s*(?P<value>.*?)\s*$")


def parse_providers(text):
    """``openssl list -providers [-verbose]`` as a list of {id, name, version, status, build}."""
    providers, current = [], None
    for line in (text or "").splitlines():
        m = _PROVIDER.match(line)
        if m:
            current = {"id": m.group("id"), "name": None, "version": None, "status": None, "build": None}
            providers.append(current)
            continue
        m = _FIELD.match(line)
        if m and current is not None:
            current["build" if m.group("key") == "build info" else m.group("key")] = m.group("value")
    return providers


def parse_fipsinstall(rc, text):
    """``openssl fipsinstall -verify``: passed only on its own words and exit status 0."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    passed = rc == 0 and "VERIFY PASSED" in lines
    detail = "; ".join(lines[-3:]) if lines else f"exit status {rc}, no output"
    return {"passed": passed, "detail": detail if passed or rc == 0 else f"{detail} (exit status {rc})"}


# OpenSSL 3 functions that compute in libcrypto itself, not in a provider: the deprecated
# low-level interfaces (name or name prefix -> what they are). The one-shot SHA1(), SHA256(),
# HMAC() and the EVP interfaces fetch from the providers and so obey fips=yes.
_BYPASS_EXACT = {
    "MD4": "one-shot MD4 (low-level)",
    "MD5": "one-shot MD5 (low-level MD5_Init/Update/Final)",
    "RC4": "RC4 (low-level)",
    "EC_KEY_generate_key": "EC key generation (legacy EC_KEY method)",
    "ECDH_compute_key": "ECDH (legacy EC_KEY method)",
    "DH_generate_key": "DH key generation (legacy DH method)",
    "DH_compute_key": "DH (legacy DH method)",
}
_BYPASS_PREFIX = {
    "MD4_": "MD4 (low-level)",
    "MD5_": "MD5 (low-level)",
    "SHA1_": "SHA-1 (low-level SHA_CTX)",
    "SHA224_": "SHA-224 (low-level)",
    "SHA256_": "SHA-256 (low-level SHA256_CTX)",
    "SHA384_": "SHA-384 (low-level)",
    "SHA512_": "SHA-512 (low-level)",
    "AES_": "AES (low-level AES_KEY)",
    "DES_": "DES (low-level)",
    "RC4_": "RC4 (low-level)",
    "CRYPTO_ctr128_": "CTR mode over a low-level block function",
    "CRYPTO_gcm128_": "GCM over a low-level block function",
    "ECDSA_do_": "ECDSA (legacy EC_KEY method)",
    "RSA_private_": "RSA (legacy RSA method)",
    "RSA_public_": "RSA (legacy RSA method)",
}

# What baresip's trees use such functions for, and which traffic that protects: "media" (SRTP),
# "signalling" (SIP over TLS), "credentials" (SIP digest authentication with an account's password),
# or None (a feature the endpoint's configuration does not use). From the sources of each release.
USES = {
    "MD5": (
        "libre md5(): SIP digest authentication of REGISTER/INVITE (HA1 from the password)",
        "credentials",
    ),
    "SHA1_Init": ("libre websocket handshake (Sec-WebSocket-Accept)", None),
    "SHA1_Update": ("libre websocket handshake (Sec-WebSocket-Accept)", None),
    "SHA1_Final": ("libre websocket handshake (Sec-WebSocket-Accept)", None),
    "SHA1_Transform": ("libre websocket handshake (Sec-WebSocket-Accept)", None),
    "EC_KEY_generate_key": (
        "libre tls_set_selfsigned_ec(): a throwaway certificate (DTLS-SRTP module only)",
        None,
    ),
}


def classify(symbol):
    """What a bypassing import is, or None for one that goes through the providers (or is not OpenSSL's)."""
    if symbol in _BYPASS_EXACT:
        return _BYPASS_EXACT[symbol]
    return next((what for prefix, what in _BYPASS_PREFIX.items() if symbol.startswith(prefix)), None)


def bypasses(files, registers):
    """Per bypassing import of the tree's files ({path: imports}): what it is, its use and whether
    that use handles the protected traffic of this endpoint (``registers``: it authenticates with a
    password). An import whose use is not known handles it as far as the audit can tell."""
    found = []
    for path in sorted(files):
        for symbol in files[path]:
            what = classify(symbol)
            if what is None:
                continue
            use, protects = USES.get(symbol, (None, "unknown"))
            handles = protects in ("media", "signalling", "unknown") or (
                protects == "credentials" and registers
            )
            found.append(
                {
                    "file": path,
                    "symbol": symbol,
                    "what": what,
                    "use": use or "not known to this audit",
                    "protects": protects,
                    "handles_protected_traffic": handles,
                }
            )
    return found
