# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of media encryption: the srtp module, calls with SDES offers, the media itself."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check, join

SRTP_SUITES = ("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM")
# Final answers that refuse a call because of its media offer (RFC 3261 21.4.26, 21.6.4).
MEDIA_REFUSALS = (488, 606)


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


@check(
    "srtp.module",
    "SRTP is loaded and mandatory",
    needs=["endpoint"],
    reads=["srtp.mandatory", "srtp.suites"],
    passes_when="""The log of the running service's current invocation shows baresip ready, the srtp
        module registered (srtp-mand), srtp accepting exactly the profile's suites, no mediaenc
        missing, and every account using mandatory SRTP.""",
)
def module(ctx):
    srtp = ctx.profile["srtp"]
    endpoint = ctx.facts["endpoint"]
    log = endpoint.get("log") or {}
    expected = ("srtp.so loaded, every account uses srtp-mand" if srtp["mandatory"] else "srtp.so loaded") + (
        f", accepting only {join(srtp['suites'])}"
    )
    invocation = (endpoint.get("service") or {}).get("InvocationID")
    if not invocation or log.get("invocation") != invocation:
        return Verdict("error", expected, "no log of the running service's current invocation")
    if not log.get("ready"):
        return Verdict("error", expected, "the running service's log does not show baresip ready")
    menc = (log.get("registered") or {}).get("mediaenc", [])
    accounts = log.get("account_mediaenc") or {}
    problems = []
    if "srtp-mand" not in menc:
        problems.append("srtp-mand not registered (srtp.so not loaded)")
    if log.get("missing_mediaenc"):
        problems.append("mediaenc not found: " + join(log["missing_mediaenc"]))
    accepting = log.get("srtp_suites")
    if accepting is None or sorted(accepting.split(",")) != sorted(srtp["suites"]):
        problems.append(f"srtp accepts {accepting or 'every suite it knows (no srtp_suites setting)'}")
    if srtp["mandatory"]:
        weak = [a for a, v in accounts.items() if v not in ("srtp-mand", "srtp-mandf")]
        if weak or not accounts:
            problems.append("accounts without mandatory SRTP: " + join(weak or ["(no account)"]))
    uses = join([f"{a}={v}" for a, v in accounts.items()])
    observed = f"mediaenc registered: {join(menc)}; accounts: {uses}; srtp accepts: {accepting or 'all'}"
    if problems:
        observed += "; " + "; ".join(problems)
    return Verdict("fail" if problems else "pass", expected, observed)


def _results(ctx):
    return {r.get("name"): r for r in ctx.facts["calls"].get("results") or []}


def _answer(r):
    observed = f"{r.get('status')} {r.get('reason')}"
    if r.get("outcome") == "established":
        proto = (r.get("answer") or {}).get("media_proto")
        observed += f", answered {proto} {r.get('answered_suite') or 'without crypto'}"
    return observed


def _profile_call_ok(ctx):
    """The control call: the UA answers a call with the profile's suite in the same run."""
    r = _results(ctx).get("profile_suite") or {}
    return r.get("outcome") == "established" and r.get("answered_suite") in ctx.profile["srtp"]["suites"]


def _refusal(r, control_ok):
    """``pass``/``fail``/``error`` and why, for a call that must be refused because of its media."""
    if r is None:
        return "error", "call not placed"
    if r.get("outcome") == "error":
        return "error", r.get("error") or "error"
    if r.get("outcome") == "established":
        return "fail", _answer(r)
    if r.get("status") not in MEDIA_REFUSALS:
        return "error", f"{_answer(r)}: not a refusal of the media offer (488 or 606)"
    if not control_ok:
        return (
            "error",
            f"{_answer(r)}, but the call with the profile's suite was not established in the same run",
        )
    return "pass", _answer(r)


_REFUSED = """answered 488 or 606 (refused because of the media offer, not 404, 480, 503 or any
    other reason), while the call with the profile's suite was established in the same run"""


@check(
    "srtp.suite",
    "A call with the profile's SDES suite is established with it",
    needs=["calls"],
    reads=["srtp.suites"],
    passes_when="""An INVITE over TLS offering the profile's suites was answered 2xx with RTP/SAVP and one
        of the profile's suites.""",
)
def suite(ctx):
    suites = ctx.profile["srtp"]["suites"]
    expected = f"established, answered {join(suites)}"
    r = _results(ctx).get("profile_suite")
    if r is None:
        return Verdict("error", expected, "call not placed")
    if r.get("outcome") == "error":
        return Verdict("error", expected, r.get("error") or "error", r.get("evidence"))
    ok = (
        r.get("outcome") == "established"
        and r.get("answered_suite") in suites
        and (r.get("answer") or {}).get("media_proto") == "RTP/SAVP"
    )
    return Verdict("pass" if ok else "fail", expected, _answer(r), r.get("evidence"))


@check(
    "srtp.mandatory",
    "A call offering plain RTP is rejected",
    needs=["calls"],
    reads=["srtp.mandatory"],
    passes_when="An INVITE offering RTP/AVP without crypto was " + _REFUSED + ".",
    applies=lambda profile, settings: bool(profile["srtp"]["mandatory"]),
)
def mandatory(ctx):
    r = _results(ctx).get("plain_rtp")
    status, observed = _refusal(r, _profile_call_ok(ctx))
    return Verdict(
        status, "rejected with 488/606 (no unencrypted media)", observed, (r or {}).get("evidence")
    )


@check(
    "srtp.reject_other_suites",
    "Calls offering only other SDES suites are rejected",
    needs=["calls"],
    reads=["srtp.suites"],
    passes_when="Each INVITE offering one suite outside the profile alone was " + _REFUSED + ".",
)
def reject_other_suites(ctx):
    others = [s for s in SRTP_SUITES if s not in ctx.profile["srtp"]["suites"]]
    expected = "rejected with 488/606: " + join(others)
    if not others:
        return Verdict("pass", expected, "the profile allows every suite the audit knows")
    results, control_ok = _results(ctx), _profile_call_ok(ctx)
    verdicts = {s: _refusal(results.get(f"only_{s}"), control_ok) for s in others}
    accepted = [s for s, (st, _why) in verdicts.items() if st == "fail"]
    errors = [s for s, (st, _why) in verdicts.items() if st == "error"]
    status = "fail" if accepted else "error" if errors else "pass"
    observed = "established with: " + join(accepted) if accepted else "all rejected" if not errors else ""
    if errors:
        observed = (observed + "; " if observed else "") + "not measured: " + join(errors)
    evidence = "\n".join(f"{s}: {why}" for s, (_status, why) in verdicts.items())
    return Verdict(status, expected, observed, evidence)


@check(
    "media.srtp_authenticated",
    "The media of the call is SRTP that authenticates with the answered key",
    needs=["calls"],
    reads=["srtp.suites"],
    passes_when="""During the established profile-suite call, RTP packets arrived from the UA, every one
        authenticated as SRTP with the key the UA answered, and none with a random key of the same
        length.""",
)
def media(ctx):
    expected = "every RTP packet received authenticates with the answered key, none with a random key"
    call = _results(ctx).get("profile_suite")
    if call is None:
        return Verdict("error", expected, "call not placed")
    proof = call.get("srtp")
    if call.get("outcome") != "established" or not proof:
        return Verdict("error", expected, "no established call with an answered suite")
    if proof.get("error") or not proof.get("packets"):
        return Verdict("error", expected, proof.get("error") or "no media received")
    observed = (
        f"{proof['authenticated']} of {proof['packets']} packets authenticated with {proof['suite']},"
        f" {proof['wrong_key_authenticated']} with a random key"
    )
    ok = proof["authenticated"] == proof["packets"] and proof["wrong_key_authenticated"] == 0
    return Verdict("pass" if ok else "fail", expected, observed)
