# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks that the UA's cryptography runs in the validated module the profile requires
(``crypto_module``): loaded and in force in the running process, installed as its Security Policy
says, refusing what the module does not approve, and not bypassed by the UA's own code."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils import _crypto_module
from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check, join


def _required(profile, settings):
    return bool((profile.get("crypto_module") or {}).get("required"))


def _accepted(profile):
    return (profile.get("crypto_module") or {}).get("accepted") or []


def _label(entry):
    return f"{entry['name']} {entry['version']} ({entry['standard']} #{entry['certificate']})"


def _fact(ctx):
    fact = ctx.facts["crypto_module"]
    return fact.get("error") or (None if fact.get("process") else "the service's process was not read")


def _active(fact):
    return next((p for p in fact.get("providers") or [] if p.get("id") == "fips"), None)


@check(
    "crypto.module",
    "baresip's cryptography runs in the validated module, loaded and in force",
    needs=["crypto_module", "endpoint"],
    reads=["crypto_module.accepted"],
    passes_when="""The running baresip process has the module file mapped (/proc/PID/maps), its libcrypto
        under the configuration the process was started with (unchanged since) has the fips provider
        available,
        fips=yes as default property, no default provider and cannot fetch MD5 or ChaCha20-Poly1305 (asked
        in a separate process through ctypes, same library and file); the provider reports a name and version
        the profile accepts, active; the mapped file's sha256 is the one the build recorded.""",
    applies=_required,
)
def module(ctx):
    accepted = _accepted(ctx.profile)
    expected = (
        "baresip runs with " + " or ".join([_label(a) for a in accepted]) + " loaded, fips=yes in force"
    )
    fact = ctx.facts["crypto_module"]
    error = _fact(ctx)
    if error:
        return Verdict("error", expected, error)
    process = fact["process"]
    mapped = [p for p in process.get("providers") or [] if p.endswith("/fips.so")]
    who = f"baresip (pid {process['pid']}, libcrypto {join(process.get('libcrypto'))})"
    if not mapped:
        return Verdict(
            "fail",
            expected,
            f"{who} has no FIPS provider loaded; mapped provider modules: {join(process.get('providers'))};"
            f" OPENSSL_CONF {process.get('openssl_conf') or 'unset'}",
        )
    if process.get("config_changed"):
        return Verdict(
            "error", expected, f"changed after the service started: {join(process['config_changed'])}"
        )
    state = fact.get("in_process")
    if not state:
        return Verdict("error", expected, fact.get("in_process_error") or "libcrypto could not be asked")
    wrong = [
        text
        for bad, text in (
            (not state.get("available_fips"), "fips provider not available"),
            (not state.get("fips_default_properties"), "fips=yes is not the default property"),
            (state.get("available_default"), "the default (non-validated) provider is loaded"),
            (state.get("fetch_MD5"), "MD5 can be fetched"),
            (state.get("fetch_ChaCha20-Poly1305"), "ChaCha20-Poly1305 can be fetched"),
            (not state.get("fetch_SHA256"), "SHA-256 cannot be fetched (module not operational)"),
        )
        if bad
    ]
    provider = _active(fact) or {}
    match = next(
        (
            a
            for a in accepted
            if a["name"] == provider.get("name") and a["version"] == provider.get("version")
        ),
        None,
    )
    if provider.get("status") != "active" or match is None:
        wrong.append(
            f"provider reports {provider.get('name')} {provider.get('version')}"
            f" status {provider.get('status')}"
        )
    recorded = ((ctx.facts["endpoint"].get("manifest") or {}).get("fips_provider") or {}).get("module_sha256")
    digest = (fact.get("module_file") or {}).get("sha256")
    if not recorded:
        wrong.append("the build manifest records no module digest")
    elif digest != recorded:
        wrong.append(f"{mapped[0]} sha256 {digest} is not the built module's {recorded}")
    observed = (
        f"{provider.get('name')} {provider.get('version')} ({provider.get('status')}) in {who}: {mapped[0]}"
        f" sha256 {(digest or '')[:16]}; fips=yes {state.get('fips_default_properties')},"
        f" default provider {state.get('available_default')}, MD5 {state.get('fetch_MD5')},"
        f" ChaCha20-Poly1305 {state.get('fetch_ChaCha20-Poly1305')}"
    )
    if wrong:
        return Verdict("fail", expected, observed + "; wrong: " + join(wrong))
    return Verdict("pass", expected, f"{_label(match)}: " + observed)


@check(
    "crypto.module_install",
    "The module's configuration on this host verifies (fipsinstall -verify)",
    needs=["crypto_module"],
    reads=["crypto_module.accepted"],
    passes_when="""openssl fipsinstall -verify, run with the openssl built with the module, prints
        VERIFY PASSED
        and exits 0 for the module file the process mapped and the host's module configuration.""",
    live=False,
    applies=_required,
)
def module_install(ctx):
    expected = "fipsinstall -verify passes for the mapped module and this host's configuration"
    fact = ctx.facts["crypto_module"]
    install = fact.get("install") or {}
    path = (fact.get("module_file") or {}).get("path")
    if install.get("passed"):
        return Verdict("pass", expected, f"{path}: {install.get('detail')}")
    return Verdict("fail", expected, f"{path}: {install.get('detail') or 'not verified'}")


@check(
    "crypto.approved_only",
    "An algorithm outside the module's approved set is refused even when the cipher list names it",
    needs=["crypto_module"],
    reads=["tls.versions", "tls.tls12_ciphers", "tls.tls13_ciphersuites"],
    passes_when="""An s_server under the service's own OpenSSL configuration, told to prefer ChaCha20-Poly1305
        before the profile's cipher, refuses every ChaCha20-Poly1305 offer and accepts the profile's (the
        control), in each TLS version of the profile.""",
    live=False,
    applies=_required,
)
def approved_only(ctx):
    expected = "ChaCha20-Poly1305 refused, the profile's cipher accepted, under the service's configuration"
    result = ctx.facts["crypto_module"].get("approved_only")
    if not result or result.get("error") or not result.get("offers"):
        return Verdict("error", expected, (result or {}).get("error") or "the refusal test did not run")
    offers = result["offers"]
    observed = join(
        [f"{o['name']}: {'accepted ' + str(o.get('cipher')) if o['accepted'] else 'refused'}" for o in offers]
    )
    unmeasured = [o["name"] for o in offers if not o.get("connected")]
    suffix = {"TLSv1.2": "tls12", "TLSv1.3": "tls13"}
    names = {o["name"] for o in offers}
    unmeasured += [
        f"{kind}_{suffix[v]} (not offered)"
        for v in ctx.profile["tls"]["versions"]
        if v in suffix
        for kind in ("chacha20", "profile")
        if f"{kind}_{suffix[v]}" not in names
    ]
    if unmeasured:
        return Verdict("error", expected, observed + "; no connection: " + join(unmeasured))
    if any(o["accepted"] for o in offers if o["name"].startswith("chacha20")):
        return Verdict("fail", expected, observed)
    if not all(o["accepted"] for o in offers if o["name"].startswith("profile")):
        return Verdict(
            "error", expected, observed + "; the control offer was refused, so a refusal proves nothing"
        )
    return Verdict("pass", expected, observed)


@check(
    "crypto.bypass",
    "No cryptography of the protected traffic runs outside the module",
    needs=["crypto_module"],
    reads=["crypto_module.accepted"],
    passes_when="""The tree's ELF files (baresip, its libraries and modules) import no OpenSSL function that
        computes outside the providers (low-level MD5, SHA, AES, legacy key methods) for a use that handles
        this endpoint's protected traffic: SRTP media, SIP over TLS, or a registrar password when an account
        registers. Other such imports are listed with their use.""",
    live=False,
    applies=_required,
)
def bypass(ctx):
    expected = "no import that computes outside the module on the protected traffic"
    imports = ctx.facts["crypto_module"].get("imports")
    if not imports:
        return Verdict("error", expected, "no ELF file of the tree was read")
    found = _crypto_module.bypasses(imports, bool(ctx.settings.get("registrations")))
    listed = join([f"{f['file'].rsplit('/', 1)[-1]} {f['symbol']} ({f['use']})" for f in found])
    observed = f"{len(imports)} files read; imports outside the providers: {listed}"
    failing = [f for f in found if f["handles_protected_traffic"]]
    if failing:
        return Verdict(
            "fail",
            expected,
            observed
            + "; on protected traffic: "
            + join([f"{f['symbol']} ({f['protects']})" for f in failing]),
        )
    return Verdict("pass", expected, observed)
