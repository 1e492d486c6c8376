# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the SIP transports and of call control, seen from the network."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check, join


def _loopback(address):
    return address.startswith("127.") or address == "::1"


def _tls_answered(ctx):
    first = ((ctx.facts.get("tls") or {}).get("results") or [{}])[0]
    return first.get("outcome") == "accepted"


@check(
    "sip.plaintext",
    "Plaintext SIP is not answered",
    needs=["plaintext", "endpoint", "tls"],
    reads=["sip.plaintext_transports_allowed"],
    passes_when="""SIP OPTIONS over UDP and TCP to the plaintext port got no SIP answer, the service
        process holds no UDP or TCP socket on that port, and in the same run the UA completed the
        profile's TLS handshake (it was up and answering).""",
)
def plaintext(ctx):
    allowed = ctx.profile["sip"]["plaintext_transports_allowed"]
    results = ctx.facts["plaintext"].get("results") or []
    port = ctx.settings.get("plaintext_port")
    expected = "plaintext SIP allowed" if allowed else f"no SIP answer over UDP or TCP on port {port}"
    evidence = "\n".join(r["evidence"] for r in results if r.get("evidence"))
    answered = [
        f"{r.get('transport')}/{r.get('port')} ({r.get('status')} {r.get('reason')})"
        for r in results
        if r.get("answered")
    ]
    if allowed:
        return Verdict(
            "pass", expected, "answered on " + join(answered) if answered else "not answered", evidence
        )
    if answered:
        return Verdict("fail", expected, "plaintext SIP answered on " + join(answered), evidence)
    bound = [
        f"{s['proto']} {s['address']}:{s['port']}"
        for s in (ctx.facts["endpoint"].get("listening") or [])
        if s.get("port") == port
    ]
    if bound:
        return Verdict(
            "fail", expected, "the service listens on " + join(bound) + " (not answered from the auditor)"
        )
    errors = [f"{r.get('transport')}: {r.get('detail')}" for r in results if r.get("outcome") == "error"]
    if errors or not results:
        return Verdict("error", expected, join(errors) if errors else "no probe result", evidence)
    if not _tls_answered(ctx):
        return Verdict(
            "error", expected, "the UA did not answer over TLS either: silence is no evidence", evidence
        )
    observed = "; ".join(f"{r.get('transport')}/{r.get('port')}: {r.get('detail')}" for r in results)
    return Verdict("pass", expected, observed + "; TLS answered in the same run", evidence)


@check(
    "sip.control",
    "Call control is not exposed",
    needs=["control", "endpoint"],
    reads=["sip.control_loopback_only"],
    passes_when="""The service's sockets were read and the ctrl_tcp port is bound to loopback addresses
        only (or not at all), and a TCP connection from the auditor to that port did not open.""",
)
def control(ctx):
    probe = ctx.facts["control"]
    port = ctx.settings.get("ctrl_port")
    expected = "ctrl_tcp listens on loopback only and is unreachable from the network"
    listening = ctx.facts["endpoint"].get("listening")
    if listening is None:
        return Verdict("error", expected, "the service's sockets were not read")
    exposed = [
        f"{s['address']}:{s['port']}"
        for s in listening
        if s.get("proto") == "tcp" and s.get("port") == port and not _loopback(s["address"])
    ]
    if not ctx.profile["sip"].get("control_loopback_only", True):
        return Verdict("pass", "call control may be exposed", "listening on " + join(exposed))
    if probe.get("state") == "open":
        return Verdict("fail", expected, f"port {port} reachable from {probe.get('from')}")
    if exposed:
        return Verdict("fail", expected, "listening on " + join(exposed))
    if probe.get("state") not in ("closed", "filtered"):
        return Verdict("error", expected, probe.get("detail") or f"probe state {probe.get('state')}")
    bound = [f"{s['address']}:{s['port']}" for s in listening if s.get("port") == port]
    where = "bound to " + join(bound) if bound else "not listening"
    return Verdict("pass", expected, f"port {port} {probe.get('state')} from {probe.get('from')}; {where}")
