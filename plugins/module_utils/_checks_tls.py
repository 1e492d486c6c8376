# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the UA as TLS server: the profile's handshake, the sweep, its certificate, trust."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils import _cert_rules
from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check, join


def _first(ctx):
    return ((ctx.facts.get("tls") or {}).get("results") or [{}])[0]


@check(
    "tls.handshake",
    "The profile's suite is negotiated",
    needs=["tls"],
    reads=[
        "tls.versions",
        "tls.tls12_ciphers",
        "tls.tls13_ciphersuites",
        "tls.groups",
        "tls.signature_algorithms",
    ],
    passes_when="""The profile's own offer completes a handshake whose protocol, cipher (for that protocol),
        group and server signature digest are all the profile's.""",
)
def handshake(ctx):
    t = ctx.profile["tls"]
    r = _first(ctx)
    digests = sorted({s.split("+")[-1].upper() for s in t["signature_algorithms"]})
    expected = (
        f"{join(t['versions'])}; cipher {join(t['tls12_ciphers'] + t['tls13_ciphersuites'])};"
        f" group {join(t['groups'])}; server signs with {join(digests)}"
    )
    if r.get("outcome") != "accepted":
        status = "fail" if r.get("outcome") == "refused" else "error"
        return Verdict(status, expected, r.get("error") or f"handshake {r.get('outcome')}", r.get("evidence"))
    protocol, cipher = r.get("protocol"), r.get("cipher")
    allowed = t["tls13_ciphersuites"] if protocol == "TLSv1.3" else t["tls12_ciphers"]
    digest = (r.get("peer_signing_digest") or "").upper()
    bits = (r.get("temp_key") or {}).get("bits")
    observed = (
        f"{protocol} {cipher}, group {r.get('group')} ({bits} bits),"
        f" server signs with {digest or 'unknown'} {r.get('peer_signature_type') or ''}".rstrip()
    )
    ok = (
        protocol in t["versions"]
        and cipher in allowed
        and r.get("group") in t["groups"]
        and digest in digests
    )
    return Verdict("pass" if ok else "fail", expected, observed, r.get("evidence"))


def _subset(ctx, category, allowed, required=()):
    """Pass: something was accepted (the sweep measured a live server), everything accepted is
    allowed, everything required is accepted, and every other offer was refused by the server."""
    sweep = (ctx.facts.get("tls") or {}).get("sweep")
    expected = f"only {join(allowed)} accepted"
    if not sweep:
        return Verdict("skip", expected, "sweep not run")
    results = (ctx.facts.get("tls") or {}).get("results") or []
    errors = [
        r.get("name")
        for r in results
        if (r.get("offer") or {}).get("category") in category and r.get("name") in sweep.get("errors", [])
    ]
    accepted = [x for cat in category for x in sweep.get(cat) or []]
    extra = [x for x in accepted if x not in allowed]
    missing = [x for x in required if x not in accepted]
    observed = f"accepted {join(accepted)}"
    if extra:
        observed += f"; not in profile: {join(extra)}"
    if missing:
        # refused only when every offer of the category was answered; an offer that erred may be
        # the one that would have shown it accepted
        observed += f"; {'not accepted' if errors else 'refused'} although required: {join(missing)}"
    if extra or (missing and not errors):
        return Verdict("fail", expected, observed)
    if errors:
        more = " ..." if len(errors) > 5 else ""
        return Verdict("error", expected, f"{observed}; not measured: {join(errors[:5])}{more}")
    if not accepted:
        return Verdict(
            "error", expected, "nothing accepted: no evidence that the sweep reached a working server"
        )
    return Verdict("pass", expected, observed)


_SWEEP_EVIDENCE = """The sweep offered every candidate (alone, or by elimination: all not yet found together,
    the one the server used taken out, until the server refused all that remained): at least one
    was accepted, every accepted one is in the profile, and every other was refused by the server
    with a TLS alert (an unreachable or timed-out offer is an error, never a refusal)."""


@check(
    "tls.version",
    "Only the profile's TLS versions are accepted",
    needs=["tls"],
    reads=["tls.versions"],
    passes_when=_SWEEP_EVIDENCE + " Every version of the profile was accepted.",
)
def version(ctx):
    v = ctx.profile["tls"]["versions"]
    return _subset(ctx, ["versions"], v, v)


@check(
    "tls.cipher",
    "Only the profile's ciphers are accepted",
    needs=["tls"],
    reads=["tls.tls12_ciphers", "tls.tls13_ciphersuites"],
    passes_when=_SWEEP_EVIDENCE,
)
def cipher(ctx):
    t = ctx.profile["tls"]
    return _subset(ctx, ["tls12_ciphers", "tls13_ciphersuites"], t["tls12_ciphers"] + t["tls13_ciphersuites"])


@check(
    "tls.group",
    "Only the profile's key exchange groups are used",
    needs=["tls"],
    reads=["tls.groups"],
    passes_when=_SWEEP_EVIDENCE,
)
def group(ctx):
    return _subset(ctx, ["groups"], ctx.profile["tls"]["groups"])


@check(
    "tls.signature",
    "Only the profile's signature algorithms are accepted",
    needs=["tls"],
    reads=["tls.signature_algorithms"],
    passes_when=_SWEEP_EVIDENCE,
)
def signature(ctx):
    return _subset(ctx, ["signature_algorithms"], ctx.profile["tls"]["signature_algorithms"])


def _colons(value):
    return (value or "").replace(":", "").lower()


@check(
    "tls.certificate",
    "The certificate the UA serves meets the profile and is the one deployed",
    needs=["certificate", "endpoint"],
    reads=["tls.certificate"],
    passes_when="""The certificate the UA presented in the profile handshake has the profile's key type,
        curve and signature digest, is within its validity period, carries extendedKeyUsage
        serverAuth and clientAuth and is no CA, and has the same SHA-256 fingerprint as the
        certificate in the combined PEM file on the endpoint.""",
)
def certificate(ctx):
    rules = ctx.profile["tls"]["certificate"]
    expected = (
        f"{rules['key_type']} {rules.get('curve', '')}, signed with {rules['signature_hash']} or stronger,"
        " valid, identical to the deployed file"
    )
    info = ctx.facts["certificate"]
    disk = (ctx.facts.get("endpoint") or {}).get("certificate") or {}
    served = _colons((info.get("fingerprints") or {}).get("sha256"))
    problems = _cert_rules.problems(info, rules)
    if not disk.get("sha256"):
        return Verdict(
            "error", expected, f"deployed certificate not read: {disk.get('error') or 'no certificate'}"
        )
    if served != _colons(disk["sha256"]):
        problems.append(
            f"the UA serves {served[:16]}..., {disk.get('path')} holds {_colons(disk['sha256'])[:16]}..."
            " (the service runs an older certificate than the one on disk)"
        )
    key_type = {"ECC": "EC"}.get(info.get("public_key_type"), info.get("public_key_type"))
    curve = (info.get("public_key_data") or {}).get("curve")
    observed = f"{key_type} {curve}, {info.get('signature_algorithm')}, valid until {info.get('not_after')}"
    if problems:
        observed += "; " + "; ".join(problems)
    evidence = f"subject {info.get('subject')}, issuer {info.get('issuer')}, sha256 {served}"
    return Verdict("fail" if problems else "pass", expected, observed, evidence)


@check(
    "tls.trust",
    "The endpoint's certificate chains to the fleet CA",
    needs=["tls"],
    reads=[],
    passes_when="""The profile handshake completed and OpenSSL verified the served chain against the
        fleet CA file (verify return code 0) - and, with the fleet CA's CRL given, found the
        certificate not revoked (a revoked one gives code 23, certificate revoked).""",
    applies=lambda profile, settings: settings is None or bool(settings.get("cafile")),
)
def trust(ctx):
    expected = f"verifies against {ctx.settings.get('cafile')}"
    if ctx.settings.get("crlfile"):
        expected += f", not revoked in {ctx.settings['crlfile']}"
    r = _first(ctx)
    code = r.get("verify_return_code")
    if r.get("outcome") != "accepted" or code is None:
        return Verdict("error", expected, r.get("error") or "no completed handshake to verify")
    observed = f"verify return code {code} ({r.get('verify_error') or 'ok'})"
    return Verdict("pass" if code == 0 else "fail", expected, observed, r.get("evidence"))


@check(
    "tls.client_auth",
    "The endpoint refuses TLS clients without a fleet certificate",
    needs=["tls", "client_auth"],
    reads=["tls.mutual_auth"],
    passes_when="""A handshake without a client certificate and one with a throwaway self-signed
        certificate were both refused with a TLS alert, and the same offer with the fleet
        certificate was accepted in the same run.""",
    applies=lambda profile, settings: (
        bool(profile["tls"].get("mutual_auth")) or settings is None or bool(settings.get("client_auth"))
    ),
)
def client_auth(ctx):
    expected = "no client certificate: refused; foreign certificate: refused; fleet certificate: accepted"
    results = {r.get("name"): r for r in ctx.facts["client_auth"].get("results") or []}
    seen, problems, errors = [], [], []
    for name, label in (
        ("no_client_certificate", "no client certificate"),
        ("foreign_client_certificate", "foreign certificate"),
    ):
        r = results.get(name) or {}
        outcome = r.get("outcome")
        reason = r.get("alert") or r.get("error") or ""
        seen.append(f"{label}: {outcome}" + (f" ({reason})" if reason else ""))
        if outcome == "accepted":
            problems.append(f"{label} accepted")
        elif outcome != "refused":
            errors.append(label)
    fleet = _first(ctx).get("outcome")
    seen.append(f"fleet certificate: {fleet}")
    if fleet != "accepted":
        (errors if fleet in (None, "error") else problems).append(f"fleet certificate {fleet}")
    status = "fail" if problems else "error" if errors else "pass"
    evidence = "\n".join((results.get(n) or {}).get("evidence") or "" for n in results)
    return Verdict(status, expected, "; ".join(seen), evidence)
