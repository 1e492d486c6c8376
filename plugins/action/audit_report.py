# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the audit's reports on the controller in one step (see plugins/modules/audit_report.py)."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible_collections.voipsec.baresip.plugins.module_utils import _report

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    reports=dict(type="list", elements="dict", required=True),
    title=dict(type="str", default="baresip compliance audit"),
    evidence=dict(type="dict", default={}),
)


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


def render(reports, title, generated_at):
    """{file name: content} of the three reports."""
    document = {"generated_at": generated_at, "summary": _report.summary(reports), "hosts": reports}
    return {
        "report.json": json.dumps(document, indent=4, separators=(",", ": "), ensure_ascii=False) + "\n",
        "report.xml": _report.junit(reports) + "\n",
        "report.html": _report.page(reports, generated_at, title) + "\n",
    }


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
        generated_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        files = render(args["reports"], args["title"], generated_at)
        reasons = {r.get("host"): r.get("unmeasured", "") for r in args["reports"]}
        evidence = {
            f"evidence/{host}.json": json.dumps(
                facts if facts is not None else {"unmeasured": reasons.get(host, "")},
                indent=4,
                sort_keys=True,
                separators=(",", ": "),
                ensure_ascii=False,
            )
            + "\n"
            for host, facts in args["evidence"].items()
        }
        written = [os.path.join(path, name) for name in [*files, *evidence]]
        result.update(changed=False, generated_at=generated_at, summary=_report.summary(args["reports"]))
        if self._task.check_mode:
            return dict(result, files=[], would_write=written)
        try:
            os.makedirs(os.path.join(path, "evidence") if evidence else path, mode=0o755, exist_ok=True)
            for name, text in [*files.items(), *evidence.items()]:
                write_atomically(os.path.join(path, name), text)
        except OSError as exc:
            return dict(result, failed=True, msg=f"cannot write the reports in {path}: {exc}")
        return dict(result, files=written)
