# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the UA's registration with the fleet's SIP registrar: the control channel to the
call server (registered over TLS to the configured server) and the server's authentication (an
untrusted server gets no SIP request, so no credentials)."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check, join


def _registers(profile, settings):
    """Applies to endpoints with an account that registers (settings None: the profile alone)."""
    return settings is None or bool(settings.get("registrations"))


def _describe(state):
    parts = [f"{state['aor']}: {state['status']}"]
    if state.get("server"):
        parts.append(f"server {state['server']}")
    if state.get("transport"):
        parts.append(f"over {state['transport']}")
    if state.get("connection"):
        parts.append(f"connection {state['connection']}")
    elif state["status"] == "registered":
        parts.append(f"no connection to {state.get('registrar')}")
    if state.get("age") is not None:
        parts.append(f"registered {state['age']} s ago")
    if state.get("expires") is not None:
        parts.append(f"expires {state['expires']} s")
    failure = state.get("last_failure")
    if failure and state["status"] != "registered":
        code = f"{failure['code']} " if failure.get("code") else ""
        parts.append(f"last answer {code}{failure.get('reason') or ''}".rstrip())
    return ", ".join(parts)


@check(
    "sip.registration",
    "Each account is registered over TLS with the configured registrar",
    needs=["registration"],
    reads=[],
    passes_when="""baresip itself (ctrl_tcp reginfo) shows every account that has a registrar registered (200)
        with an expiry the registrar granted, its log shows that registration made over TLS, and the service
        holds an established TCP connection to the configured registrar's address and port.""",
    applies=_registers,
)
def registration(ctx):
    expected_list = ctx.settings.get("registrations") or []
    expected = "registered over TLS with " + join(f"{r['aor']} at {r['registrar']}" for r in expected_list)
    fact = ctx.facts["registration"]
    if fact.get("error"):
        return Verdict("error", expected, fact["error"])
    states = fact.get("registrations") or []
    if len(states) != len(expected_list):
        return Verdict("error", expected, f"{len(states)} of {len(expected_list)} registrations read")
    observed = "; ".join(_describe(s) for s in states)
    findings, unmeasured = [], []
    for s in states:
        if s["status"] in ("failed", "absent"):
            # refused by the registrar, or baresip has no such account
            findings.append(s["aor"])
        elif s["status"] != "registered":
            unmeasured.append(f"{s['aor']} {s['status']}")
        elif s.get("transport") not in (None, "TLS"):
            findings.append(s["aor"])
        elif not s.get("connection"):
            # registered, but the service holds no connection to the configured registrar
            findings.append(s["aor"])
        elif s.get("transport") is None:
            unmeasured.append(f"{s['aor']}: its log no longer shows the registration's transport")
        elif not s.get("expires"):
            unmeasured.append(f"{s['aor']}: no expiry granted")
    if findings:
        return Verdict("fail", expected, observed)
    if unmeasured:
        return Verdict("error", expected, observed + "; not measured: " + "; ".join(unmeasured))
    return Verdict("pass", expected, observed)


@check(
    "sip.server_verify",
    "The UA sends no SIP request to a registrar whose certificate the fleet does not trust",
    needs=["rogue_registrar"],
    reads=["tls.certificate.curve", "tls.certificate.signature_hash"],
    passes_when="""Given a temporary account whose outbound proxy is an s_server on the endpoint presenting a
        throwaway certificate of the profile's curve and digest from no trusted CA, the UA refused the TLS
        handshake (alert, or its REGISTER failed) and no SIP request reached the server.""",
    applies=_registers,
)
def server_verify(ctx):
    expected = "TLS handshake refused, no REGISTER (no credentials) sent to the untrusted server"
    rogue = ctx.facts["rogue_registrar"].get("rogue") or {"error": "the probe returned no attempt"}
    outcome = rogue.get("outcome")
    details = [f"outcome {outcome}"]
    if rogue.get("alert"):
        details.append(f"alert {rogue['alert']}")
    if rogue.get("events"):
        details.append("events " + join(rogue["events"]))
    if rogue.get("request"):
        details.append(f"the server received {rogue['request']}")
    if rogue.get("error"):
        details.append(rogue["error"])
    observed = "; ".join(details)
    status = {"refused": "pass", "accepted": "fail"}.get(outcome, "error")
    return Verdict(status, expected, observed, rogue.get("evidence"))
