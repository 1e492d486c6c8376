# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render audit results: JUnit XML and one self-contained HTML page."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from ansible_collections.voipsec.baresip.plugins.module_utils import _drift

_ORDER = ("fail", "error", "skip", "pass")


def summary(reports):
    hosts = len(reports)
    compliant = sum(1 for r in reports if r["compliant"])
    counts = {s: sum(r["counts"][s] for r in reports) for s in _ORDER}
    return {
        "hosts": hosts,
        "compliant_hosts": compliant,
        "compliant": hosts > 0 and compliant == hosts,
        **counts,
    }


def junit(reports, drift=None):
    """One testsuite per host, one testcase per check; with the drift since the previous audit,
    a check that newly fails says so at the start of its message."""
    suites = ET.Element("testsuites", name="voipsec.baresip audit")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for rep in reports:
        checks = rep["checks"]
        attrs = {
            "name": rep["host"],
            "tests": str(len(checks)),
            "failures": str(rep["counts"]["fail"]),
            "errors": str(rep["counts"]["error"]),
            "skipped": str(rep["counts"]["skip"]),
        }
        suite = ET.SubElement(suites, "testsuite", attrs)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="profile", value=rep["profile"])
        if rep.get("notice"):
            ET.SubElement(properties, "property", name="profile_notice", value=rep["notice"])
        changes = ((drift or {}).get("hosts") or {}).get(rep["host"]) or {}
        new = {x["id"] for x in changes.get("new_failures") or []}
        if new:
            ET.SubElement(properties, "property", name="new_failures", value=" ".join(sorted(new)))
        for check in checks:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{rep['host']}.{check['id'].split('.')[0]}",
                name=f"{check['id']}: {check['title']}",
            )
            detail = (
                f"expected: {check['expected']}\nobserved: {check['observed']}\n"
                f"controls: {', '.join(check['controls'])}\n{check['evidence']}"
            ).strip()
            message = (f"new since {drift['previous']}: " if check["id"] in new else "") + check["observed"]
            if check["status"] == "fail":
                ET.SubElement(case, "failure", message=message[:500], type="noncompliant").text = detail
            elif check["status"] == "error":
                ET.SubElement(case, "error", message=message[:500], type="not-measured").text = detail
            elif check["status"] == "skip":
                ET.SubElement(case, "skipped", message=check["observed"][:500])
            else:
                ET.SubElement(case, "system-out").text = detail
        for key, attr in (
            ("tests", "tests"),
            ("failures", "failures"),
            ("errors", "errors"),
            ("skipped", "skipped"),
        ):
            total[key] += int(attrs[attr])
    for key, value in total.items():
        suites.set(key, str(value))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


_CSS = """
:root{--pass:#1a7f37;--fail:#cf222e;--error:#9a6700;--skip:#6e7781;--ink:#1f2328;--mute:#59636e;--line:#d1d9e0}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);
margin:0;background:#f6f8fa}header{background:#24292f;color:#fff;padding:24px 32px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#c9d1d9}
main{max-width:1200px;margin:0 auto;padding:24px 32px}
.verdict{display:inline-block;padding:4px 12px;border-radius:16px;font-weight:600;color:#fff}
.verdict.ok{background:var(--pass)}.verdict.bad{background:var(--fail)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0 24px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:120px}
.card b{display:block;font-size:24px}.card span{color:var(--mute);font-size:13px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px;
overflow:hidden;margin-bottom:24px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f4;font-size:13px;color:var(--mute);font-weight:600}
tr:last-child td{border-bottom:0}
.st{font-weight:700;text-transform:uppercase;font-size:12px;padding:2px 8px;border-radius:10px;color:#fff;
white-space:nowrap}.st.pass{background:var(--pass)}.st.fail{background:var(--fail)}
.st.error{background:var(--error)}.st.skip{background:var(--skip)}
.ctl{display:inline-block;background:#ddf4ff;color:#0969da;border-radius:10px;padding:0 7px;margin:1px;
font-size:12px;white-space:nowrap}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
details pre{white-space:pre-wrap;background:#f6f8fa;padding:8px;border-radius:6px;margin:6px 0 0}
h2{margin:32px 0 8px;font-size:18px}.mute{color:var(--mute)}
.scroll{overflow-x:auto;margin-bottom:24px}.scroll table{margin:0}
.matrix th{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;padding:10px 6px}
.matrix th:first-child,.matrix th:nth-child(2){writing-mode:horizontal-tb;transform:none}
.matrix td{text-align:center;padding:6px}.matrix td:first-child{text-align:left}
.dot{display:inline-block;width:22px;height:22px;line-height:22px;border-radius:5px;color:#fff;font-weight:700;
font-size:12px}.dot.pass{background:var(--pass)}.dot.fail{background:var(--fail)}.dot.error{background:var(--error)}
.dot.skip{background:var(--skip)}
"""


def _badge(status):
    return f'<span class="st {status}">{status}</span>'


def _dot(status, title):
    mark = {"pass": "&#10003;", "fail": "&#10007;", "error": "?", "skip": "&ndash;"}[status]
    return f'<span class="dot {status}" title="{html.escape(title)}: {status}">{mark}</span>'


def page(reports, generated_at, title="baresip compliance audit", drift=None):
    """The whole report as one HTML page with inline CSS and no scripts; what changed since the
    previous audit comes first."""
    e = html.escape
    s = summary(reports)
    verdict = "COMPLIANT" if s["compliant"] else "NOT COMPLIANT"
    profiles = ", ".join(sorted({r["profile"] for r in reports}))
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{e(title)}</h1><p>Generated {e(generated_at)} &middot; "
        f"{s['hosts']} endpoint(s) &middot; profile(s) {e(profiles)}</p>"
        "</header><main>",
        f"<p><span class='verdict {'ok' if s['compliant'] else 'bad'}'>{verdict}</span> "
        f"<span class='mute'>{s['compliant_hosts']} of {s['hosts']} endpoints compliant</span></p>",
        *_drift.html_section(drift, reports),
        "<div class='cards'>",
    ]
    for status, label in (
        ("pass", "passed"),
        ("fail", "failed"),
        ("error", "not measured"),
        ("skip", "skipped"),
    ):
        out.append(
            f"<div class='card'><b style='color:var(--{status})'>{s[status]}</b><span>{label}</span></div>"
        )
    out.append("</div>")
    check_ids = []
    for rep in reports:
        for c in rep["checks"]:
            if c["id"] not in check_ids:
                check_ids.append(c["id"])
    out.append(
        "<h2>Fleet</h2><div class='scroll'><table class='matrix'><tr><th>Endpoint</th><th>Verdict</th>"
    )
    out += [f"<th><code>{e(cid)}</code></th>" for cid in check_ids]
    out.append("</tr>")
    for rep in reports:
        by_id = {c["id"]: c["status"] for c in rep["checks"]}
        out.append(f"<tr><td><a href='#host-{e(rep['host'])}'>{e(rep['host'])}</a></td>")
        out.append(f"<td>{_badge('pass' if rep['compliant'] else 'fail')}</td>")
        out += [f"<td>{_dot(by_id[cid], cid) if cid in by_id else ''}</td>" for cid in check_ids]
        out.append("</tr>")
    out.append("</table></div>")
    for rep in reports:
        c = rep["counts"]
        out.append(
            f"<h2 id='host-{e(rep['host'])}'>{e(rep['host'])} "
            f"{_badge('pass' if rep['compliant'] else 'fail')}</h2>"
            f"<p class='mute'>Profile <code>{e(rep['profile'])}</code> &middot; "
            f"{c['pass']} passed, {c['fail']} failed, {c['error']} not measured, {c['skip']} skipped"
            + (f" &middot; <a href='{e(rep['sbom'])}'>SBOM of its build</a>" if rep.get("sbom") else "")
            + "</p>"
        )
        if rep.get("notice"):
            out.append(f"<p><b>Profile notice:</b> {e(rep['notice'])}</p>")
        if rep.get("unmeasured"):
            out.append(f"<p><b>Not audited:</b> {e(rep['unmeasured'])}</p>")
        if rep.get("gap"):
            g = rep["gap"]
            out.append(
                f"<p><b>Gap:</b> deployed under <code>{e(g['deployed_profile'])}</code>, audited against "
                f"<code>{e(g['audited_profile'])}</code>; it lacks {len(g['lacks'])} requirement(s):</p><ul>"
            )
            out += [
                f"<li><code>{e(x['id'])}</code> {e(x['expected'])} &mdash; {e(x['observed'])}</li>"
                for x in g["lacks"]
            ]
            out.append("</ul>")
        out.append(
            "<table><tr><th>Status</th><th>Check</th><th>Controls</th><th>Expected</th><th>Observed</th></tr>"
        )
        for check in sorted(rep["checks"], key=lambda x: _ORDER.index(x["status"])):
            controls = "".join(f"<span class='ctl'>{e(x)}</span>" for x in check["controls"])
            evidence = (
                f"<details><summary>evidence</summary><pre>{e(check['evidence'])}</pre></details>"
                if check["evidence"]
                else ""
            )
            if check.get("passes_when"):
                evidence += (
                    f"<details><summary>passes only when</summary><p>{e(check['passes_when'])}</p></details>"
                )
            out.append(
                f"<tr><td>{_badge(check['status'])}</td><td><code>{e(check['id'])}</code><br>{e(check['title'])}</td>"
                f"<td>{controls}</td><td>{e(check['expected'])}</td><td>{e(check['observed'])}{evidence}</td></tr>"
            )
        out.append("</table>")
    out.append("</main></body></html>")
    return "\n".join(out)
