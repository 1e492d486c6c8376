# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge probe facts against a profile: one named check per requirement.

Status is ``pass``, ``fail``, ``error`` (could not be measured) or ``skip``
(not measured in this run). ``error`` and ``skip`` never count as pass.
"""

from __future__ import annotations

STATUSES = ("pass", "fail", "error", "skip")
# check id -> key of the profile's `controls` it evidences
FAMILY = {
    "tls.handshake": "tls.cipher",
    "tls.version": "tls.version",
    "tls.cipher": "tls.cipher",
    "tls.group": "tls.group",
    "tls.signature": "tls.signature",
    "tls.certificate": "tls.certificate",
    "tls.client": "tls.client",
    "sip.transport": "sip.plaintext",
    "srtp.offer": "srtp.suite",
    "sip.plaintext": "sip.plaintext",
    "sip.control": "sip.control",
    "srtp.module": "srtp.mandatory",
    "srtp.mandatory": "srtp.mandatory",
    "srtp.suite": "srtp.suite",
    "srtp.reject_other_suites": "srtp.suite",
    "host.secrets": "host.secrets",
    "media.srtp_authenticated": "media.srtp",
    "tls.trust": "tls.trust",
    "tls.client_auth": "tls.client_auth",
}
SRTP_SUITES = ("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM")
_DIGEST_RANK = {"sha1": 1, "sha224": 2, "sha256": 3, "sha384": 4, "sha512": 5}


def call_offers(profile):
    """The calls the audit places: the profile's suites, plain RTP, each other suite alone."""
    suites = list(profile["srtp"]["suites"])
    offers = [{"name": "profile_suite", "media_proto": "RTP/SAVP", "crypto_suites": suites}]
    if profile["srtp"]["mandatory"]:
        offers.append({"name": "plain_rtp", "media_proto": "RTP/AVP", "crypto_suites": []})
    offers += [
        {"name": f"only_{s}", "media_proto": "RTP/SAVP", "crypto_suites": [s]}
        for s in SRTP_SUITES
        if s not in suites
    ]
    return offers


def _join(items):
    return ", ".join(items) if items else "none"


class _Builder:
    def __init__(self, profile):
        self.controls = profile.get("controls") or {}
        self.checks = []

    def add(self, check_id, title, status, expected, observed, evidence=""):
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self.checks.append(
            {
                "id": check_id,
                "title": title,
                "controls": list(self.controls.get(FAMILY.get(check_id, check_id), [])),
                "status": status,
                "expected": expected,
                "observed": observed,
                "evidence": (evidence or "")[:2000],
            }
        )


def _subset_check(b, check_id, title, allowed, accepted, errors, required=()):
    extra = [x for x in accepted if x not in allowed]
    missing = [x for x in required if x not in accepted]
    expected = f"only {_join(list(allowed))} accepted"
    observed = f"accepted {_join(accepted)}"
    if extra:
        observed += f"; not in profile: {_join(extra)}"
    if missing:
        observed += f"; refused although required: {_join(missing)}"
    if extra or missing:
        status = "fail"
    elif errors:
        status = "error"
        observed += f"; not measured: {_join(errors[:5])}{' ...' if len(errors) > 5 else ''}"
    else:
        status = "pass"
    b.add(check_id, title, status, expected, observed)


def _tls(b, profile, tls):
    t = profile["tls"]
    if not tls:
        for cid in ("tls.handshake", "tls.version", "tls.cipher", "tls.group", "tls.signature"):
            b.add(cid, "TLS", "skip", "measured", "TLS probe not run")
        return
    first = (tls.get("results") or [{}])[0]
    want_cipher = (t["tls12_ciphers"] or t["tls13_ciphersuites"])[0]
    want_group = t["groups"][0]
    want_digest = t["signature_algorithms"][0].split("+")[-1].upper()
    expected = f"{want_cipher}, group {want_group}, server signs with {want_digest}"
    if first.get("outcome") == "accepted":
        got_digest = (first.get("peer_signing_digest") or "").upper()
        bits = (first.get("temp_key") or {}).get("bits")
        observed = (
            f"{first.get('protocol')} {first.get('cipher')}, group {first.get('group')} ({bits} bits),"
            f" server signs with {got_digest or 'unknown'} {first.get('peer_signature_type') or ''}".rstrip()
        )
        ok = (
            first.get("cipher") == want_cipher
            and first.get("group") == want_group
            and got_digest == want_digest
        )
        b.add(
            "tls.handshake",
            "The profile's suite is negotiated",
            "pass" if ok else "fail",
            expected,
            observed,
            first.get("evidence"),
        )
    else:
        status = "error" if first.get("outcome") in (None, "error") else "fail"
        b.add(
            "tls.handshake",
            "The profile's suite is negotiated",
            status,
            expected,
            first.get("error") or f"handshake {first.get('outcome')}",
            first.get("evidence"),
        )
    sweep = tls.get("sweep")
    if not sweep:
        for cid in ("tls.version", "tls.cipher", "tls.group", "tls.signature"):
            b.add(cid, "TLS sweep", "skip", "measured", "sweep not run")
        return
    errors = sweep.get("errors", [])
    by_cat = {}
    for r in tls.get("results") or []:
        cat = (r.get("offer") or {}).get("category")
        if cat and r.get("name") in errors:
            by_cat.setdefault(cat, []).append(r["name"])
    _subset_check(
        b,
        "tls.version",
        "Only the profile's TLS versions are accepted",
        t["versions"],
        sweep["versions"],
        by_cat.get("versions", []),
        t["versions"],
    )
    _subset_check(
        b,
        "tls.cipher",
        "Only the profile's ciphers are accepted",
        t["tls12_ciphers"] + t["tls13_ciphersuites"],
        sweep["tls12_ciphers"] + sweep["tls13_ciphersuites"],
        by_cat.get("tls12_ciphers", []) + by_cat.get("tls13_ciphersuites", []),
    )
    _subset_check(
        b,
        "tls.group",
        "Only the profile's key exchange groups are used",
        t["groups"],
        sweep["groups"],
        by_cat.get("groups", []),
    )
    _subset_check(
        b,
        "tls.signature",
        "Only the profile's signature algorithms are accepted",
        t["signature_algorithms"],
        sweep["signature_algorithms"],
        by_cat.get("signature_algorithms", []),
    )


def _certificate(b, profile, cert):
    rules = profile["tls"]["certificate"]
    key = f"{rules['key_type']} {rules.get('curve', '')}"
    expected = f"{key}, signed with {rules['signature_hash']} or stronger, valid"
    if not cert:
        b.add(
            "tls.certificate", "The certificate meets the profile", "skip", expected, "certificate not read"
        )
        return
    if cert.get("error"):
        b.add("tls.certificate", "The certificate meets the profile", "error", expected, cert["error"])
        return
    curve = (cert.get("public_key_data") or {}).get("curve")
    sig = cert.get("signature_algorithm") or ""
    digest = next(
        (d for d in ("sha512", "sha384", "sha256", "sha224", "sha1") if d in sig.lower()), "unknown"
    )
    key_type = {"ECC": "EC"}.get(cert.get("public_key_type"), cert.get("public_key_type"))
    problems = []
    if key_type != rules["key_type"]:
        problems.append(f"key type {key_type}")
    if rules.get("curve") and curve != rules["curve"]:
        problems.append(f"curve {curve}")
    if _DIGEST_RANK.get(digest, 0) < _DIGEST_RANK.get(rules["signature_hash"], 9):
        problems.append(f"signature {sig}")
    if cert.get("expired"):
        problems.append(f"expired {cert.get('not_after')}")
    observed = f"{key_type} {curve}, {sig}, valid until {cert.get('not_after')}"
    if problems:
        observed += "; " + "; ".join(problems)
    b.add(
        "tls.certificate",
        "The certificate meets the profile",
        "fail" if problems else "pass",
        expected,
        observed,
        f"subject {cert.get('subject')}, issuer {cert.get('issuer')}",
    )


def _sip(b, profile, plaintext, control, endpoint):
    allowed = profile["sip"]["plaintext_transports_allowed"]
    if not plaintext:
        b.add("sip.plaintext", "No plaintext SIP", "skip", "no SIP answer on 5060", "plaintext probe not run")
    else:
        results = plaintext.get("results") or []
        answered = [
            f"{r['transport']}/{r['port']} ({r.get('status')} {r.get('reason')})"
            for r in results
            if r.get("answered")
        ]
        errors = [f"{r['transport']}: {r.get('detail')}" for r in results if r.get("outcome") == "error"]
        expected = "plaintext SIP allowed" if allowed else "no SIP answer over UDP or TCP"
        if answered and not allowed:
            status, observed = "fail", "plaintext SIP answered on " + _join(answered)
        elif errors:
            status, observed = "error", _join(errors)
        else:
            status = "pass"
            observed = "; ".join(f"{r['transport']}/{r['port']}: {r.get('detail')}" for r in results)
        evidence = "\n".join(r["evidence"] for r in results if r.get("evidence"))
        b.add("sip.plaintext", "Plaintext SIP is not answered", status, expected, observed, evidence)

    loopback_only = profile["sip"].get("control_loopback_only", True)
    expected = "ctrl_tcp listens on loopback only and is unreachable from the network"
    listening = [s for s in (endpoint or {}).get("listening") or [] if s.get("proto") == "tcp"]
    exposed = [
        f"{s['address']}:{s['port']}"
        for s in listening
        if s.get("port") == (control or {}).get("port")
        and not (s["address"].startswith("127.") or s["address"] == "::1")
    ]
    if not control:
        b.add("sip.control", "Call control is not exposed", "skip", expected, "control probe not run")
    elif control.get("error"):
        b.add("sip.control", "Call control is not exposed", "error", expected, control["error"])
    elif loopback_only and (control.get("reachable") or exposed):
        observed = (
            f"port {control.get('port')} reachable from {control.get('from')}"
            if control.get("reachable")
            else "listening on " + _join(exposed)
        )
        b.add("sip.control", "Call control is not exposed", "fail", expected, observed)
    else:
        b.add(
            "sip.control",
            "Call control is not exposed",
            "pass",
            expected,
            f"port {control.get('port')} not reachable from {control.get('from')}",
        )


def _srtp(b, profile, calls, endpoint):
    srtp = profile["srtp"]
    log = (endpoint or {}).get("log") or {}
    expected = ("srtp.so loaded, every account uses srtp-mand" if srtp["mandatory"] else "srtp.so loaded") + (
        f", accepting only {_join(srtp['suites'])}"
    )
    if not endpoint:
        b.add("srtp.module", "SRTP is loaded and mandatory", "skip", expected, "endpoint not read")
    else:
        menc = log.get("registered", {}).get("mediaenc", [])
        accounts = log.get("account_mediaenc", {})
        problems = []
        if "srtp-mand" not in menc:
            problems.append("srtp-mand not registered (srtp.so not loaded)")
        if log.get("missing_mediaenc"):
            problems.append("mediaenc not found: " + _join(log["missing_mediaenc"]))
        accepting = log.get("srtp_suites")
        if accepting is None or sorted(accepting.split(",")) != sorted(srtp["suites"]):
            problems.append(f"srtp accepts {accepting or 'every suite it knows (no srtp_suites setting)'}")
        if srtp["mandatory"]:
            weak = [a for a, v in accounts.items() if v not in ("srtp-mand", "srtp-mandf")]
            if weak or not accounts:
                problems.append("accounts without mandatory SRTP: " + _join(weak or ["(no account)"]))
        uses = _join([f"{a}={v}" for a, v in accounts.items()])
        observed = f"mediaenc registered: {_join(menc)}; accounts: {uses}; srtp accepts: {accepting or 'all'}"
        if problems:
            observed += "; " + "; ".join(problems)
        b.add(
            "srtp.module", "SRTP is loaded and mandatory", "fail" if problems else "pass", expected, observed
        )

    results = {r["name"]: r for r in (calls or {}).get("results") or []}

    def call_check(check_id, title, name, want_established, expected, allowed_suites=None):
        r = results.get(name)
        if r is None:
            b.add(check_id, title, "skip", expected, "call not placed")
            return
        if r.get("outcome") == "error":
            b.add(check_id, title, "error", expected, r.get("error") or "error", r.get("evidence"))
            return
        answered = r.get("answered_suite")
        observed = f"{r.get('status')} {r.get('reason')}"
        if r.get("outcome") == "established":
            proto = (r.get("answer") or {}).get("media_proto")
            observed += f", answered {proto} {answered or 'without crypto'}"
        ok = (r.get("outcome") == "established") == want_established
        if ok and want_established and allowed_suites is not None:
            ok = answered in allowed_suites and (r.get("answer") or {}).get("media_proto") == "RTP/SAVP"
        b.add(check_id, title, "pass" if ok else "fail", expected, observed, r.get("evidence"))

    suites = srtp["suites"]
    _media(b, results.get("profile_suite"))
    call_check(
        "srtp.suite",
        "A call with the profile's SDES suite is established with it",
        "profile_suite",
        True,
        f"established, answered {_join(suites)}",
        suites,
    )
    if srtp["mandatory"]:
        call_check(
            "srtp.mandatory",
            "A call offering plain RTP is rejected",
            "plain_rtp",
            False,
            "rejected (no unencrypted media)",
        )
    others = [s for s in SRTP_SUITES if s not in suites]
    offered = [results.get(f"only_{s}") for s in others]
    if not results:
        b.add(
            "srtp.reject_other_suites",
            "Calls offering only other SDES suites are rejected",
            "skip",
            "rejected",
            "calls not placed",
        )
    else:
        accepted = [s for s, r in zip(others, offered) if r and r.get("outcome") == "established"]
        errors = [s for s, r in zip(others, offered) if r is None or r.get("outcome") == "error"]
        if accepted:
            status = "fail"
        elif errors:
            status = "error"
        else:
            status = "pass"
        observed = "established with: " + _join(accepted) if accepted else "all rejected"
        if errors:
            observed += "; not measured: " + _join(errors)
        b.add(
            "srtp.reject_other_suites",
            "Calls offering only other SDES suites are rejected",
            status,
            "rejected: " + _join(others),
            observed,
            "\n".join(f"{s}: {r.get('status')} {r.get('reason')}" for s, r in zip(others, offered) if r),
        )


def _media(b, call):
    title = "The media of the call is SRTP that authenticates with the answered key"
    expected = "every RTP packet received authenticates with the answered key, none with a random key"
    if call is None:
        b.add("media.srtp_authenticated", title, "skip", expected, "call not placed")
        return
    proof = call.get("srtp")
    if call.get("outcome") != "established" or not proof:
        b.add(
            "media.srtp_authenticated", title, "error", expected, "no established call with an answered suite"
        )
        return
    if proof.get("error") or not proof.get("packets"):
        b.add("media.srtp_authenticated", title, "error", expected, proof.get("error") or "no media received")
        return
    observed = (
        f"{proof['authenticated']} of {proof['packets']} packets authenticated with {proof['suite']},"
        f" {proof['wrong_key_authenticated']} with a random key"
    )
    ok = proof["authenticated"] == proof["packets"] and proof["wrong_key_authenticated"] == 0
    b.add("media.srtp_authenticated", title, "pass" if ok else "fail", expected, observed)


def _trust(b, tls, trust):
    """Fleet checks, only when the audit names a CA file or requires mutual TLS."""
    trust = trust or {}
    first = ((tls or {}).get("results") or [{}])[0]
    if trust.get("cafile"):
        title = "The endpoint's certificate chains to the fleet CA"
        expected = f"verifies against {trust['cafile']}"
        code = first.get("verify_return_code")
        if first.get("outcome") != "accepted" or code is None:
            observed = first.get("error") or "no completed handshake to verify"
            b.add("tls.trust", title, "error", expected, observed)
        else:
            observed = f"verify return code {code} ({first.get('verify_error') or 'ok'})"
            status = "pass" if code == 0 else "fail"
            b.add("tls.trust", title, status, expected, observed, first.get("evidence"))
    if not trust.get("client_auth_required"):
        return
    title = "The endpoint refuses TLS clients without a fleet certificate"
    expected = "no client certificate: refused; foreign certificate: refused; fleet certificate: accepted"
    probe = trust.get("client_auth")
    if not probe or probe.get("failed"):
        b.add("tls.client_auth", title, "error", expected, (probe or {}).get("msg") or "client probe not run")
        return
    results = {r.get("name"): r for r in probe.get("results") or []}
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
    fleet = first.get("outcome")
    seen.append(f"fleet certificate: {fleet}")
    if fleet != "accepted":
        (errors if fleet in (None, "error") else problems).append(f"fleet certificate {fleet}")
    status = "fail" if problems else "error" if errors else "pass"
    evidence = "\n".join((results.get(n) or {}).get("evidence") or "" for n in results)
    b.add("tls.client_auth", title, status, expected, "; ".join(seen), evidence)


def _secrets(b, endpoint, owner):
    expected = f"key files exist, mode 0600, owned by {owner}"
    if not endpoint:
        b.add("host.secrets", "Private keys are protected", "skip", expected, "endpoint not read")
        return
    files = endpoint.get("secret_files") or []
    bad = [
        f"{f['path']} {'missing' if not f['exists'] else f['mode'] + ' ' + str(f['owner'])}"
        for f in files
        if not f["exists"] or f["mode"] != "0600" or f["owner"] != owner
    ]
    observed = _join([f"{f['path']} {f['mode']} {f['owner']}" for f in files if f["exists"]])
    b.add(
        "host.secrets",
        "Private keys are protected",
        "fail" if bad or not files else "pass",
        expected,
        observed + (("; wrong: " + _join(bad)) if bad else ""),
    )


def _client(b, profile, receiver):
    t, suites = profile["tls"], profile["srtp"]["suites"]
    titles = {
        "tls.client": "As TLS client the UA offers only the profile's ciphers, groups and signatures",
        "sip.transport": "The UA's outgoing INVITE travels over TLS",
        "srtp.offer": "The UA's outgoing offer is SRTP with the profile's suites only",
    }
    if not receiver:
        for cid, title in titles.items():
            b.add(cid, title, "skip", "measured", "receiver probe not run")
        return
    if receiver.get("outcome") != "captured":
        for cid, title in titles.items():
            b.add(
                cid,
                title,
                "error",
                "measured",
                receiver.get("error") or "no INVITE captured",
                receiver.get("evidence"),
            )
        return
    tls = receiver.get("tls") or {}
    allowed = {
        "ciphers": t["tls12_ciphers"] + t["tls13_ciphersuites"],
        "groups": t["groups"],
        "signature algorithms": t["signature_algorithms"],
    }
    offered = {
        "ciphers": tls.get("shared_ciphers") or [],
        "groups": tls.get("client_groups") or [],
        "signature algorithms": tls.get("client_signature_algorithms") or [],
    }
    extra = {k: [x for x in offered[k] if x not in allowed[k]] for k in allowed}
    observed = "; ".join(f"{k}: {_join(offered[k])}" for k in offered)
    if any(extra.values()):
        observed += "; not in profile: " + "; ".join(f"{k} {_join(v)}" for k, v in extra.items() if v)
    b.add(
        "tls.client",
        titles["tls.client"],
        "fail" if any(extra.values()) else "pass",
        "; ".join(f"{k}: {_join(v)}" for k, v in allowed.items()),
        observed,
        receiver.get("evidence"),
    )
    invite = receiver.get("invite") or {}
    transport = invite.get("via_transport")
    b.add(
        "sip.transport",
        titles["sip.transport"],
        "pass" if transport == "TLS" else "fail",
        "Via SIP/2.0/TLS",
        f"Via SIP/2.0/{transport}, {invite.get('request_uri')}",
    )
    sdp = receiver.get("sdp") or {}
    crypto = sdp.get("crypto") or []
    offered_suites = [c["suite"] for c in crypto]
    bad_keys = [c["suite"] for c in crypto if not c.get("key_valid_length")]
    problems = []
    if sdp.get("media_proto") != "RTP/SAVP":
        problems.append(f"media profile {sdp.get('media_proto')}")
    if not crypto:
        problems.append("no a=crypto")
    problems += [f"suite {s} not in profile" for s in offered_suites if s not in suites]
    problems += [f"key of {s} has the wrong length" for s in bad_keys]
    observed = f"m=audio {sdp.get('media_proto')}, a=crypto: {_join(offered_suites)}"
    if problems:
        observed += "; " + "; ".join(problems)
    b.add(
        "srtp.offer",
        titles["srtp.offer"],
        "fail" if problems else "pass",
        f"RTP/SAVP with {_join(suites)}",
        observed,
    )


def evaluate(profile, facts, owner="baresip"):
    """All checks for one endpoint."""
    b = _Builder(profile)
    facts = facts or {}
    _tls(b, profile, facts.get("tls"))
    _certificate(b, profile, facts.get("certificate"))
    _client(b, profile, facts.get("receiver"))
    _sip(b, profile, facts.get("plaintext"), facts.get("control"), facts.get("endpoint"))
    _srtp(b, profile, facts.get("calls"), facts.get("endpoint"))
    _secrets(b, facts.get("endpoint"), owner)
    _trust(b, facts.get("tls"), facts.get("trust"))
    return b.checks


def host_report(host, profile, checks):
    counts = {s: sum(1 for c in checks if c["status"] == s) for s in STATUSES}
    return {
        "host": host,
        "profile": profile["name"],
        "compliant": counts["fail"] == 0
        and counts["error"] == 0
        and counts["skip"] == 0
        and counts["pass"] > 0,
        "counts": counts,
        "checks": checks,
    }
