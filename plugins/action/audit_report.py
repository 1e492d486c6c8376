# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the audit's reports on the controller in one step (see plugins/modules/audit_report.py)."""

from __future__ import annotations

import glob
import json
import os
import tempfile
from datetime import datetime, timezone

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible_collections.voipsec.baresip.plugins.module_utils import _drift, _report

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    reports=dict(type="list", elements="dict", required=True),
    title=dict(type="str", default="baresip compliance audit"),
    evidence=dict(type="dict", default={}),
    sboms=dict(type="dict", default={}),
    history=dict(type="int", default=20),
    expiry_warning_days=dict(type="int", default=30),
)
HISTORY = "history"


def write_atomically(path, text):
    """Replace ``path`` with ``text`` (mode 0644) so that a reader never sees half a report."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".audit_report.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def render(reports, title, generated_at, drift=None):
    """{file name: content} of the three reports."""
    document = {"generated_at": generated_at, "summary": _report.summary(reports), "hosts": reports}
    if drift is not None:
        document["drift"] = drift
    return {
        "report.json": json.dumps(document, indent=4, separators=(",", ": "), ensure_ascii=False) + "\n",
        "report.xml": _report.junit(reports, drift) + "\n",
        "report.html": _report.page(reports, generated_at, title, drift) + "\n",
    }


def without_sbom(facts, host):
    """The evidence without the SBOM document, which has a file of its own."""
    endpoint = facts.get("endpoint") if isinstance(facts, dict) else None
    if isinstance(endpoint, dict) and endpoint.get("sbom"):
        return dict(facts, endpoint=dict(endpoint, sbom=f"sbom/{host}.cdx.json"))
    return facts


def read_history(path):
    """(earlier report documents, oldest first, [problems]): the files ``audit_report`` kept in
    ``<path>/history``; one that cannot be read is left out and named."""
    documents, problems = [], []
    for name in sorted(glob.glob(os.path.join(path, HISTORY, "report-*.json"))):
        try:
            with open(name, encoding="utf-8") as handle:
                document = json.load(handle)
            if not isinstance(document, dict) or not isinstance(document.get("hosts"), list):
                raise ValueError("not an audit report")
            documents.append(document)
        except (OSError, ValueError) as exc:
            problems.append(f"{name} left out of the comparison: {exc}")
    return documents, problems


def history_name(path, generated_at):
    """A new file name in the history for a report made at ``generated_at``."""
    stamp = generated_at.replace("-", "").replace(":", "")
    name, n = os.path.join(path, HISTORY, f"report-{stamp}.json"), 1
    while os.path.exists(name):
        n += 1
        name = os.path.join(path, HISTORY, f"report-{stamp}-{n}.json")
    return name


def prune_history(path, keep):
    for name in sorted(glob.glob(os.path.join(path, HISTORY, "report-*.json")))[:-keep]:
        os.unlink(name)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validated = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validated.error_messages:
            return dict(result, failed=True, msg="; ".join(validated.error_messages))
        args = validated.validated_parameters
        path = args["path"]
        if args["history"] < 0 or args["expiry_warning_days"] < 0:
            return dict(result, failed=True, msg="history and expiry_warning_days must be 0 or more")
        generated_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        sboms = {host: doc for host, doc in args["sboms"].items() if isinstance(doc, dict) and doc}
        reports = [
            dict(
                r,
                warnings=_drift.expiry_warnings(r.get("observations"), args["expiry_warning_days"]),
                sbom=f"sbom/{r['host']}.cdx.json" if r.get("host") in sboms else None,
            )
            for r in args["reports"]
        ]
        drift, problems = None, []
        if args["history"] > 0:
            history, problems = read_history(path)
            drift = _drift.drift(reports, history)
        files = render(reports, args["title"], generated_at, drift)
        reasons = {r.get("host"): r.get("unmeasured", "") for r in args["reports"]}
        evidence = {
            f"evidence/{host}.json": json.dumps(
                without_sbom(facts, host) if facts is not None else {"unmeasured": reasons.get(host, "")},
                indent=4,
                sort_keys=True,
                separators=(",", ": "),
                ensure_ascii=False,
            )
            + "\n"
            for host, facts in args["evidence"].items()
        }
        evidence.update(
            {
                f"sbom/{host}.cdx.json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
                for host, doc in sboms.items()
            }
        )
        written = [os.path.join(path, name) for name in [*files, *evidence]]
        result.update(
            changed=False,
            generated_at=generated_at,
            summary=_report.summary(reports),
            drift=drift,
            # shown to the operator as Ansible warnings
            warnings=[f"{r['host']}: {w}" for r in reports for w in r["warnings"]],
        )
        if problems:
            result["history_problems"] = problems
        if self._task.check_mode:
            return dict(result, files=[], would_write=written)
        try:
            for directory in {os.path.dirname(os.path.join(path, name)) for name in [*files, *evidence]}:
                os.makedirs(directory, mode=0o755, exist_ok=True)
            for name, text in [*files.items(), *evidence.items()]:
                write_atomically(os.path.join(path, name), text)
            if args["history"] > 0:
                os.makedirs(os.path.join(path, HISTORY), mode=0o755, exist_ok=True)
                kept = history_name(path, generated_at)
                write_atomically(kept, files["report.json"])
                written.append(kept)
                prune_history(path, args["history"])
        except OSError as exc:
            return dict(result, failed=True, msg=f"cannot write the reports in {path}: {exc}")
        return dict(result, files=written)
