# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compliance profiles: load, validate and derive the OpenSSL policy.

A profile is data (one YAML file each) read by the endpoint role, which
enforces it, and by the verify role, which judges probe results against it.
"""

from __future__ import annotations

import os
import re

from ansible_collections.voipsec.baresip.plugins.module_utils import _vocabulary

TLS_VERSIONS = _vocabulary.VERSIONS
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_TOKEN = re.compile(r"^[A-Za-z0-9_+./-]+$")
# What identifies an accepted cryptographic module: the provider's own name and version (as
# OpenSSL reports them) and its validation certificate.
_MODULE_KEYS = ("name", "version", "certificate", "standard")


class ProfileError(ValueError):
    """A profile is missing, unreadable or malformed."""


def _names(value, where, errors, normalize=None, allow_empty=False):
    """Check a list of names; with ``normalize``, each must be one this collection knows."""
    if not isinstance(value, list) or (not value and not allow_empty):
        errors.append(f"{where} must be a {'' if allow_empty else 'non-empty '}list")
        return
    for item in value:
        if not isinstance(item, str) or not _TOKEN.match(item):
            errors.append(f"{where} has an invalid entry {item!r}")
        elif normalize and normalize(item) is None:
            errors.append(f"{where} has {item!r}, which OpenSSL and the probes do not know by that name")
    if normalize and len({normalize(i) for i in value if isinstance(i, str)}) != len(value):
        errors.append(f"{where} names the same thing twice")


def _tls_errors(tls, errors):
    versions = tls.get("versions")
    if not isinstance(versions, list) or not versions or any(v not in TLS_VERSIONS for v in versions):
        errors.append(f"tls.versions must be a non-empty list of {', '.join(TLS_VERSIONS)}")
        versions = []
    for key, normalize in _vocabulary.NORMALIZERS.items():
        _names(tls.get(key), f"tls.{key}", errors, normalize, allow_empty=key.endswith(("ciphers", "suites")))
    if "TLSv1.3" in versions and not tls.get("tls13_ciphersuites"):
        errors.append("tls.versions has TLSv1.3 but tls.tls13_ciphersuites is empty")
    if "TLSv1.3" not in versions and tls.get("tls13_ciphersuites"):
        errors.append("tls.tls13_ciphersuites is set but tls.versions has no TLSv1.3")
    if any(v != "TLSv1.3" for v in versions) and not tls.get("tls12_ciphers"):
        errors.append("tls.versions has TLS 1.2 or older but tls.tls12_ciphers is empty")
    for key in ("mutual_auth", "revocation"):
        if not isinstance(tls.get(key, False), bool):
            errors.append(f"tls.{key} must be a boolean")
    if tls.get("revocation") and not tls.get("mutual_auth"):
        errors.append("tls.revocation needs tls.mutual_auth: a fleet CA whose CRL the endpoints check")
    cert = tls.get("certificate")
    if not isinstance(cert, dict):
        errors.append("tls.certificate must be a mapping")
        return
    if cert.get("key_type") not in ("EC", "RSA"):
        errors.append("tls.certificate.key_type must be EC or RSA")
    if cert.get("key_type") == "EC" and cert.get("curve") not in _vocabulary.CERT_CURVES:
        errors.append(
            f"tls.certificate.curve must be one of {', '.join(_vocabulary.CERT_CURVES)} for EC keys"
        )
    if cert.get("signature_hash") not in _vocabulary.DIGESTS:
        errors.append(f"tls.certificate.signature_hash must be {', '.join(_vocabulary.DIGESTS)}")


def _crypto_module_errors(module, errors):
    """``crypto_module``: the validated cryptographic module the profile requires, as data."""
    if not isinstance(module, dict):
        errors.append("crypto_module must be a mapping")
        return
    if not isinstance(module.get("required", False), bool):
        errors.append("crypto_module.required must be a boolean")
    accepted = module.get("accepted", [])
    if not isinstance(accepted, list) or not all(
        isinstance(a, dict) and all(isinstance(a.get(k), str) and a.get(k).strip() for k in _MODULE_KEYS)
        for a in accepted
    ):
        errors.append(f"crypto_module.accepted must be a list of mappings with {', '.join(_MODULE_KEYS)}")
    elif module.get("required") and not accepted:
        errors.append("crypto_module.required needs at least one crypto_module.accepted entry")
    for key in ("standard", "notice"):
        if not isinstance(module.get(key, ""), str):
            errors.append(f"crypto_module.{key} must be a string")


def validate(profile) -> list:
    """Return a list of problems; empty when the profile is usable."""
    errors = []
    if not isinstance(profile, dict):
        return ["profile must be a mapping"]
    name = profile.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        errors.append("name must be a lower-case identifier")
    tls = profile.get("tls")
    if not isinstance(tls, dict):
        errors.append("tls must be a mapping")
    else:
        _tls_errors(tls, errors)
    sip = profile.get("sip")
    if not isinstance(sip, dict) or not isinstance(sip.get("plaintext_transports_allowed"), bool):
        errors.append("sip.plaintext_transports_allowed must be a boolean")
    srtp = profile.get("srtp")
    if not isinstance(srtp, dict) or not isinstance(srtp.get("mandatory"), bool):
        errors.append("srtp.mandatory must be a boolean")
    else:
        _names(srtp.get("suites"), "srtp.suites", errors, _vocabulary.normalize_srtp_suite)
    _crypto_module_errors(profile.get("crypto_module", {}), errors)
    media = profile.get("media", {})
    if not isinstance(media, dict):
        errors.append("media must be a mapping")
    elif "codecs" in media:
        _names(media.get("codecs"), "media.codecs", errors)
    if not errors:
        errors += _control_errors(profile)
    return errors


def normalize(profile) -> dict:
    """A valid profile with every TLS name in the one spelling policy, probes and checks use."""
    data = dict(profile)
    tls = dict(data["tls"])
    for key, normalize_name in _vocabulary.NORMALIZERS.items():
        tls[key] = [normalize_name(item) for item in tls.get(key) or []]
    tls["versions"] = sorted(tls["versions"], key=TLS_VERSIONS.index)
    tls.setdefault("mutual_auth", False)
    tls.setdefault("revocation", False)
    data["tls"] = tls
    data.setdefault("media", {})
    module = dict(data.get("crypto_module") or {})
    module.setdefault("required", False)
    module.setdefault("accepted", [])
    data["crypto_module"] = module
    return data


def _control_errors(profile):
    """``controls`` maps every check that can apply to the profile to the standards it evidences."""
    from ansible_collections.voipsec.baresip.plugins.module_utils import _checks

    controls = profile.get("controls")
    if not isinstance(controls, dict) or any(
        not isinstance(v, list) or not v or not all(isinstance(s, str) and s.strip() for s in v)
        for v in controls.values()
    ):
        return ["controls must map check ids to non-empty lists of standards"]
    known = {c.id for c in _checks.REGISTRY}
    errors = [f"controls names an unknown check {k!r}" for k in sorted(controls) if k not in known]
    errors += [
        f"check {c.id} applies to this profile but has no controls"
        for c in _checks.REGISTRY
        if c.applies_to(profile) and c.id not in controls
    ]
    return errors


def openssl_policy(profile) -> dict:
    """The ``system_default`` settings that enforce the profile's TLS part."""
    tls = profile["tls"]
    versions = sorted(tls["versions"], key=TLS_VERSIONS.index)
    policy = {
        "MinProtocol": versions[0],
        "MaxProtocol": versions[-1],
        "CipherString": ":".join(tls["tls12_ciphers"]) if tls["tls12_ciphers"] else "",
        "Ciphersuites": ":".join(tls["tls13_ciphersuites"]),
        "Groups": ":".join(tls["groups"]),
        "SignatureAlgorithms": ":".join(tls["signature_algorithms"]),
    }
    if not policy["CipherString"]:
        del policy["CipherString"]
    return policy


def find(name_or_path: str, search_dirs) -> str:
    """Resolve a profile name (``fips140-2-sdes``) or a path to a file."""
    if os.sep in name_or_path or name_or_path.endswith((".yml", ".yaml")):
        candidates = [name_or_path]
    else:
        if not _NAME.match(name_or_path):
            raise ProfileError(f"invalid profile name {name_or_path!r}")
        candidates = [os.path.join(d, name_or_path + ".yml") for d in search_dirs]
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise ProfileError(f"profile {name_or_path!r} not found (looked in {', '.join(candidates)})")


def load(name_or_path: str, search_dirs, loader) -> dict:
    """Load and validate; ``loader`` turns file text into data (a YAML loader)."""
    path = find(name_or_path, search_dirs)
    try:
        with open(path, encoding="utf-8") as handle:
            data = loader(handle.read())
    except Exception as exc:  # I/O errors and whatever the loader raises on bad text
        raise ProfileError(f"profile {path}: {exc}") from exc
    problems = validate(data)
    if problems:
        raise ProfileError(f"profile {path} is invalid: " + "; ".join(problems))
    return normalize(data)
