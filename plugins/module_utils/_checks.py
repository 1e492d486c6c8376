# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge probe facts against a profile with every check of the registry.

``facts`` maps a fact name of ``_registry.FACTS`` to what its probe returned:
``None`` when the probe was not run (the check is ``skip``), ``{"unmeasured":
reason}`` when it failed or its host was unreachable (``error``), else the
probe's result. ``endpoint_after`` is the endpoint's service state read after
the probes: a service that was not running, or restarted, during the audit
makes every live check ``error``.
"""

from __future__ import annotations

# pylint: disable-next=unused-import
from ansible_collections.voipsec.baresip.plugins.module_utils import (  # noqa: F401 (registers the checks)
    _checks_crypto,
    _checks_host,
    _checks_registrar,
    _checks_sip,
    _checks_srtp,
    _checks_tls,
    _checks_tls_revocation,
    _checks_uac,
)
from ansible_collections.voipsec.baresip.plugins.module_utils._registry import (
    REGISTRY,
    STATUSES,
    Verdict,
)

call_offers = _checks_srtp.call_offers


class Context:
    def __init__(self, profile, facts, settings):
        self.profile = profile
        self.facts = facts
        self.settings = settings


def applicable(profile, settings=None):
    return [c for c in REGISTRY if c.applies_to(profile, settings if settings is not None else {})]


def _service_line(service):
    return (
        f"{service.get('Id') or 'the service'} is {service.get('ActiveState') or 'unknown'}"
        f" ({service.get('SubState') or 'unknown'})"
    )


def not_live(facts):
    """Why the UA cannot be judged as running during the whole audit, or None."""
    before, after = facts.get("endpoint"), facts.get("endpoint_after")
    for label, state in (("before", before), ("after", after)):
        if state is None:
            return f"endpoint state not read {label} the probes"
        if state.get("unmeasured"):
            return f"endpoint state not read {label} the probes: {state['unmeasured']}"
    s0, s1 = before.get("service") or {}, after.get("service") or {}
    if s0.get("ActiveState") != "active" or s0.get("MainPID") in (None, "", "0"):
        return f"{_service_line(s0)}: nothing to audit"
    if s1.get("ActiveState") != "active":
        return f"{_service_line(s1)} after the probes: it stopped during the audit"
    if (s0.get("InvocationID"), s0.get("MainPID")) != (s1.get("InvocationID"), s1.get("MainPID")):
        return (
            f"the service restarted during the audit (MainPID {s0.get('MainPID')} -> {s1.get('MainPID')}):"
            " observations may mix two runs"
        )
    return None


def _judge(chk, ctx, live_problem):
    for name in chk.needs:
        fact = ctx.facts.get(name)
        if fact is None:
            return Verdict("skip", "measured", f"{name} probe not run")
        if isinstance(fact, dict) and fact.get("unmeasured"):
            return Verdict("error", "measured", f"{name} probe failed: {fact['unmeasured']}")
    if chk.live and live_problem:
        return Verdict("error", "measured while the service runs", live_problem)
    return chk.func(ctx)


def evaluate(profile, facts, settings=None):
    """Every applicable check for one endpoint, in registry order."""
    settings = dict(settings or {})
    facts = facts or {}
    ctx = Context(profile, facts, settings)
    live_problem = not_live(facts)
    controls = profile.get("controls") or {}
    out = []
    for chk in applicable(profile, settings):
        verdict = _judge(chk, ctx, live_problem)
        out.append(
            {
                "id": chk.id,
                "title": chk.title,
                "controls": list(controls.get(chk.id, [])),
                "status": verdict.status,
                "expected": verdict.expected,
                "observed": verdict.observed,
                "evidence": (verdict.evidence or "")[:2000],
                "passes_when": chk.passes_when,
            }
        )
    return out


def unmeasured(profile, reason, settings=None):
    """The checks of an endpoint that could not be audited at all: each ``error`` with the reason."""
    controls = profile.get("controls") or {}
    return [
        {
            "id": chk.id,
            "title": chk.title,
            "controls": list(controls.get(chk.id, [])),
            "status": "error",
            "expected": "measured",
            "observed": reason,
            "evidence": "",
            "passes_when": chk.passes_when,
        }
        for chk in applicable(profile, settings)
    ]


def gap(checks, deployed, audited):
    """What an endpoint deployed under profile ``deployed`` lacks for profile ``audited``."""
    return {
        "deployed_profile": deployed,
        "audited_profile": audited,
        "lacks": [
            {"id": c["id"], "title": c["title"], "expected": c["expected"], "observed": c["observed"]}
            for c in checks
            if c["status"] != "pass"
        ],
    }


def host_report(host, profile, checks, reason=None, deployed_profile=None):
    counts = {s: sum(1 for c in checks if c["status"] == s) for s in STATUSES}
    report = {
        "host": host,
        "profile": profile["name"],
        "compliant": counts["fail"] == 0
        and counts["error"] == 0
        and counts["skip"] == 0
        and counts["pass"] > 0,
        "counts": counts,
        "checks": checks,
    }
    notice = (profile.get("crypto_module") or {}).get("notice")
    if notice:
        # what the profile itself cannot deliver (a module requirement no certificate can meet)
        report["notice"] = " ".join(notice.split())
    if reason:
        report["unmeasured"] = reason
    if deployed_profile and deployed_profile != profile["name"]:
        report["gap"] = gap(checks, deployed_profile, profile["name"])
    return report
