# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the UA as caller (user agent client): the TLS ClientHello, Via and SDP offer of its
own INVITE, captured by sip_receiver_probe."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check, join


def _captured(ctx):
    receiver = ctx.facts["receiver"]
    if receiver.get("outcome") != "captured":
        return receiver.get("error") or "no INVITE captured"
    return None


_RECEIVER = """The UA, told to dial an s_server on its own host, completed a TLS handshake and sent an
    INVITE that the probe captured"""


@check(
    "tls.client",
    "As TLS client the UA offers only the profile's ciphers, groups and signatures",
    needs=["receiver"],
    reads=["tls.tls12_ciphers", "tls.tls13_ciphersuites", "tls.groups", "tls.signature_algorithms"],
    passes_when=_RECEIVER
    + "; every cipher, group and signature algorithm in its ClientHello is the profile's.",
)
def client(ctx):
    t = ctx.profile["tls"]
    allowed = {
        "ciphers": t["tls12_ciphers"] + t["tls13_ciphersuites"],
        "groups": t["groups"],
        "signature algorithms": t["signature_algorithms"],
    }
    expected = "; ".join(f"{k}: {join(v)}" for k, v in allowed.items())
    missing = _captured(ctx)
    if missing:
        return Verdict("error", expected, missing, ctx.facts["receiver"].get("evidence"))
    tls = ctx.facts["receiver"].get("tls") or {}
    offered = {
        "ciphers": tls.get("shared_ciphers") or [],
        "groups": tls.get("client_groups") or [],
        "signature algorithms": tls.get("client_signature_algorithms") or [],
    }
    extra = {k: [x for x in offered[k] if x not in allowed[k]] for k in allowed}
    observed = "; ".join(f"{k}: {join(offered[k])}" for k in offered)
    if any(extra.values()):
        observed += "; not in profile: " + "; ".join(f"{k} {join(v)}" for k, v in extra.items() if v)
        return Verdict("fail", expected, observed, ctx.facts["receiver"].get("evidence"))
    if not offered["ciphers"]:
        return Verdict(
            "error", expected, observed + "; no cipher seen", ctx.facts["receiver"].get("evidence")
        )
    return Verdict("pass", expected, observed, ctx.facts["receiver"].get("evidence"))


@check(
    "sip.transport",
    "The UA's outgoing INVITE travels over TLS",
    needs=["receiver"],
    reads=["sip.plaintext_transports_allowed"],
    passes_when=_RECEIVER + " with a Via header for transport TLS.",
)
def transport(ctx):
    missing = _captured(ctx)
    if missing:
        return Verdict("error", "Via SIP/2.0/TLS", missing, ctx.facts["receiver"].get("evidence"))
    invite = ctx.facts["receiver"].get("invite") or {}
    via = invite.get("via_transport")
    return Verdict(
        "pass" if via == "TLS" else "fail",
        "Via SIP/2.0/TLS",
        f"Via SIP/2.0/{via}, {invite.get('request_uri')}",
    )


@check(
    "srtp.offer",
    "The UA's outgoing offer is SRTP with the profile's suites only",
    needs=["receiver"],
    reads=["srtp.suites"],
    passes_when=_RECEIVER
    + """ whose SDP offers RTP/SAVP with a=crypto lines of the profile's suites only,
        each with a key of the right length.""",
)
def offer(ctx):
    suites = ctx.profile["srtp"]["suites"]
    expected = f"RTP/SAVP with {join(suites)}"
    missing = _captured(ctx)
    if missing:
        return Verdict("error", expected, missing, ctx.facts["receiver"].get("evidence"))
    sdp = ctx.facts["receiver"].get("sdp") or {}
    crypto = sdp.get("crypto") or []
    offered = [c.get("suite") for c in crypto]
    problems = []
    if sdp.get("media_proto") != "RTP/SAVP":
        problems.append(f"media profile {sdp.get('media_proto')}")
    if not crypto:
        problems.append("no a=crypto")
    problems += [f"suite {s} not in profile" for s in offered if s not in suites]
    problems += [
        f"key of {c.get('suite')} has the wrong length" for c in crypto if not c.get("key_valid_length")
    ]
    observed = f"m=audio {sdp.get('media_proto')}, a=crypto: {join(offered)}"
    if problems:
        observed += "; " + "; ".join(problems)
    return Verdict("fail" if problems else "pass", expected, observed)


@check(
    "media.codecs",
    "The UA offers only the profile's voice codecs",
    needs=["receiver"],
    reads=["media.codecs"],
    passes_when=_RECEIVER
    + """ whose SDP lists only the profile's voice codecs (telephone-event for DTMF
        aside).""",
    applies=lambda profile, settings: bool((profile.get("media") or {}).get("codecs")),
)
def codecs(ctx):
    allowed = list(ctx.profile["media"]["codecs"])
    expected = "only " + join(allowed)
    missing = _captured(ctx)
    if missing:
        return Verdict("error", expected, missing, ctx.facts["receiver"].get("evidence"))
    offered = [
        c
        for c in (ctx.facts["receiver"].get("sdp") or {}).get("codecs") or []
        if not c.startswith("telephone-event/")
    ]
    extra = [c for c in offered if c not in allowed]
    observed = "offered " + join(offered)
    if extra:
        return Verdict("fail", expected, observed + "; not in profile: " + join(extra))
    if not offered:
        return Verdict("error", expected, "no codec seen in the UA's offer")
    return Verdict("pass", expected, observed)
