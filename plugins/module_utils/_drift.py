# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What changed between two audits of the same endpoints, and what an audit keeps to tell.

``observations`` picks from one endpoint's facts what an auditor follows from one audit to
the next (flat ``{name: value}``; what could not be read is left out, so that it is never
reported as a change of value). ``drift`` compares this run's host reports with earlier ones
(the history ``audit_report`` keeps beside the reports): checks that newly fail, checks fixed,
other status changes, observations that changed, endpoints added or gone.
"""

from __future__ import annotations

import hashlib
import html
import json
from datetime import datetime, timezone

from ansible_collections.voipsec.baresip.plugins.module_utils import _tls_sweep

FAILING = ("fail", "error")


def _measured(fact):
    return isinstance(fact, dict) and not fact.get("unmeasured")


def observations(facts):
    """{name: value} of one endpoint's facts: the negotiated TLS parameters, the accepted sets,
    the served certificate's serial and expiry, the build, the running service, the SRTP suite
    answered."""
    facts = facts if isinstance(facts, dict) else {}
    out = {}
    tls = facts.get("tls")
    if _measured(tls):
        first = (tls.get("results") or [{}])[0] or {}
        if first.get("outcome") == "accepted":
            out["tls.negotiated"] = " ".join(
                str(first.get(k) or "?") for k in ("protocol", "cipher", "group")
            )
        sweep = tls.get("sweep") or {}
        for name in _tls_sweep.CATEGORIES:
            if isinstance(sweep.get(name), list):
                out[f"tls.accepted.{name}"] = ", ".join(sweep[name]) or "none"
    cert = facts.get("certificate")
    if _measured(cert) and cert.get("serial_number") is not None:
        out["certificate.serial"] = str(cert["serial_number"])
        out["certificate.not_after"] = str(cert.get("not_after") or "")
    endpoint = facts.get("endpoint")
    if _measured(endpoint):
        manifest = endpoint.get("manifest")
        if isinstance(manifest, dict) and manifest:
            versions = (manifest.get("inputs") or {}).get("versions") or {}
            digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()
            out["build.manifest"] = (
                ", ".join(f"{name} {versions[name]}" for name in sorted(versions)) or "versions unknown"
            ) + f" (manifest sha256:{digest})"
        service = endpoint.get("service") or {}
        if service.get("InvocationID"):
            out["service.invocation"] = (
                f"{service['InvocationID']} (MainPID {service.get('MainPID')},"
                f" started {service.get('ExecMainStartTimestamp') or '?'})"
            )
    calls = facts.get("calls")
    if _measured(calls):
        established = [r for r in calls.get("results") or [] if r.get("outcome") == "established"]
        if established:
            out["srtp.answered_suite"] = str(established[0].get("answered_suite") or "none")
    return out


def expiry_warnings(observed, days, now=None):
    """Warnings for a certificate that expires within ``days`` days (and is not yet expired,
    which its check already fails)."""
    not_after = (observed or {}).get("certificate.not_after") or ""
    try:
        when = datetime.strptime(not_after, "%Y%m%d%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return []
    now = now or datetime.now(timezone.utc)
    left = (when - now).total_seconds() / 86400
    if 0 <= left <= days:
        return [f"the certificate expires in {left:.0f} days ({when:%Y-%m-%d %H:%M} UTC), within {days}"]
    return []


def _statuses(report):
    return {c["id"]: c for c in report.get("checks") or []}


def host_drift(before, after):
    """{new_failures, fixed, status_changes, observations} between two reports of one host; an
    empty list each when nothing changed."""
    old, new = _statuses(before), _statuses(after)
    new_failures, fixed, changes = [], [], []
    for cid, check in new.items():
        was = (old.get(cid) or {}).get("status")
        now = check["status"]
        if was == now:
            continue
        if now in FAILING and was not in FAILING:
            new_failures.append({"id": cid, "status": now, "was": was, "observed": check.get("observed", "")})
        elif now == "pass" and was in FAILING:
            fixed.append({"id": cid, "was": was})
        else:
            changes.append({"id": cid, "before": was, "after": now})
    for cid in old:
        if cid not in new:
            changes.append({"id": cid, "before": old[cid]["status"], "after": None})
    seen_before, seen_after = before.get("observations") or {}, after.get("observations") or {}
    observed = [
        {"name": name, "before": seen_before[name], "after": seen_after[name]}
        for name in sorted(set(seen_before) & set(seen_after))
        if seen_before[name] != seen_after[name]
    ]
    return {"new_failures": new_failures, "fixed": fixed, "status_changes": changes, "observations": observed}


def drift(reports, history):
    """Compare this run's ``reports`` with ``history`` (earlier documents, oldest first, each
    ``{"generated_at", "hosts"}``): each host against its latest earlier report; added and gone
    against the previous run. ``changed`` is true when anything differs."""
    previous = history[-1] if history else None
    result = {
        "previous": previous.get("generated_at") if previous else None,
        "added": [],
        "gone": [],
        "hosts": {},
        "changed": False,
    }
    if previous is None:
        return result
    current = [r["host"] for r in reports]
    result["gone"] = sorted({r["host"] for r in previous.get("hosts") or []} - set(current))
    for report in reports:
        earlier = next(
            (
                (doc.get("generated_at"), r)
                for doc in reversed(history)
                for r in doc.get("hosts") or []
                if r.get("host") == report["host"]
            ),
            None,
        )
        if earlier is None:
            result["added"].append(report["host"])
            continue
        changes = host_drift(earlier[1], report)
        if any(changes.values()):
            result["hosts"][report["host"]] = dict(changes, since=earlier[0])
    result["changed"] = bool(result["added"] or result["gone"] or result["hosts"])
    return result


def html_section(drift, reports):
    """HTML lines: what changed since the previous audit, and the expiry warnings."""
    e = html.escape
    out = []
    warnings = [(r["host"], w) for r in reports for w in r.get("warnings") or []]
    if warnings:
        out.append("<h2>Warnings</h2><ul>")
        out += [f"<li><b>{e(host)}</b>: {e(text)}</li>" for host, text in warnings]
        out.append("</ul>")
    if drift is None:
        return out
    if drift["previous"] is None:
        return [
            *out,
            "<h2>Since the previous audit</h2><p class='mute'>No earlier audit in this report directory.</p>",
        ]
    out.append(f"<h2>Since the previous audit ({e(drift['previous'])})</h2>")
    if not drift["changed"]:
        return [*out, "<p>Nothing changed: the same checks pass and fail, the same observations.</p>"]
    out.append("<ul>")
    for label, hosts in (("added", drift["added"]), ("gone", drift["gone"])):
        if hosts:
            out.append(f"<li>Endpoints {label}: {e(', '.join(hosts))}</li>")
    for host, change in drift["hosts"].items():
        items = [
            f"newly {x['status']}: <code>{e(x['id'])}</code> ({e(x['observed'])})"
            for x in change["new_failures"]
        ]
        items += [f"fixed: <code>{e(x['id'])}</code> (was {e(x['was'])})" for x in change["fixed"]]
        items += [
            f"<code>{e(x['id'])}</code> {e(str(x['before']))} &rarr; {e(str(x['after']))}"
            for x in change["status_changes"]
        ]
        items += [f"{e(x['name'])}: {e(x['before'])} &rarr; {e(x['after'])}" for x in change["observations"]]
        out.append(f"<li><b>{e(host)}</b> (since {e(change['since'] or '?')})<ul>")
        out += [f"<li>{item}</li>" for item in items]
        out.append("</ul></li>")
    out.append("</ul>")
    return out
