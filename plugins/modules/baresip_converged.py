#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: baresip_converged
short_description: Record a converged endpoint, or tell whether it still is as recorded
version_added: 0.1.0
description:
  - With O(state=record), after a run that converged the endpoint, writes a record (root, mode
    0600) of the run's inputs digest, every file under O(roots) (sha256, mode, owner), the
    service's main process and start time, the service account's uid and the time a certificate
    or revocation list in O(renewals) falls due.
  - With O(state=check), compares the host with the record and returns RV(current) and the
    RV(reasons) it is not. Nothing is changed.
  - The record never holds file contents, only their digests.
author: voipsec.baresip maintainers (@voipsec)
options:
  state:
    description: Write the record or compare with it.
    type: str
    choices: [check, record]
    default: check
  path:
    description: The record file.
    type: path
    required: true
  inputs:
    description: Digest of the run's inputs (the C(voipsec.baresip.converge_inputs) filter).
    type: str
    required: true
  roots:
    description: Files and directories whose files are recorded (the build tree, the configuration, the unit).
    type: list
    elements: path
    required: true
  service:
    description: The systemd unit, without C(.service).
    type: str
    required: true
  user:
    description: The service account.
    type: str
    required: true
  renewals:
    description: Certificates and CRLs that fall due, and how many days before their end the run renews them.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: PEM file on the host.
        type: path
        required: true
      kind:
        description: What the file is.
        type: str
        choices: [certificate, crl]
        required: true
      days:
        description: Days before C(notAfter) / C(nextUpdate) that the run renews it.
        type: int
        required: true
notes:
  - Check mode is supported; with O(state=record) it predicts whether the record would change
    and writes nothing.
"""

EXAMPLES = r"""
- name: Is the endpoint still as the last run left it?
  voipsec.baresip.baresip_converged:
    path: /var/lib/voipsec-baresip/baresip.converged.json
    inputs: "{{ hostvars[inventory_hostname] | voipsec.baresip.converge_inputs }}"
    roots: [/opt/baresip, /etc/baresip, /etc/systemd/system/baresip.service]
    service: baresip
    user: baresip
  register: converged
"""

RETURN = r"""
current:
  description: With O(state=check), whether the host is exactly as recorded and nothing is due.
  returned: always
  type: bool
reasons:
  description: Why it is not current.
  returned: always
  type: list
  elements: str
due:
  description: Seconds since the epoch at which the record stops being current.
  returned: when O(state=record)
  type: float
"""

import calendar
import json
import os
import pwd
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _baresip_state, _converged, _s_client

# Without certificates to renew the record stays current until 2100-01-01.
_NOTHING_DUE = 4102444800


def service_state(module, name):
    """The unit's properties; empty when systemd cannot tell (no systemctl, no such unit)."""
    systemctl = module.get_bin_path("systemctl")
    if systemctl is None:
        return {}
    rc, out, _err = module.run_command([systemctl, *_baresip_state.service_show_argv(f"{name}.service")[1:]])
    return _baresip_state.parse_properties(out) if rc == 0 else {}


def due_time(module, renewals):
    """Earliest time a renewal falls due; 0 when a file cannot be read (or there is no openssl)."""
    due = _NOTHING_DUE
    openssl = module.get_bin_path("openssl")
    for item in renewals:
        kind = ["x509", "-enddate"] if item["kind"] == "certificate" else ["crl", "-nextupdate"]
        if openssl is None:
            return 0
        rc, out, _err = module.run_command([openssl, kind[0], "-noout", kind[1], "-in", item["path"]])
        when = _s_client.openssl_time(out.split("=", 1)[1]) if rc == 0 and "=" in out else None
        if when is None:
            return 0
        end = calendar.timegm(time.strptime(when, "%Y-%m-%dT%H:%M:%SZ"))
        due = min(due, end - item["days"] * 86400)
    return due


def argument_spec():
    return dict(
        state=dict(type="str", choices=["check", "record"], default="check"),
        path=dict(type="path", required=True),
        inputs=dict(type="str", required=True),
        roots=dict(type="list", elements="path", required=True),
        service=dict(type="str", required=True),
        user=dict(type="str", required=True),
        renewals=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                path=dict(type="path", required=True),
                kind=dict(type="str", choices=["certificate", "crl"], required=True),
                days=dict(type="int", required=True),
            ),
        ),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    try:
        uid = pwd.getpwnam(p["user"]).pw_uid
    except KeyError:
        uid = None
    try:
        files = _converged.host_files(p["roots"], exclude=(p["path"],))
    except (OSError, ValueError) as exc:
        module.fail_json(msg=f"cannot read the endpoint's files: {exc}")
    service = service_state(module, p["service"])
    try:
        with open(p["path"], encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, ValueError):
        record = None

    if p["state"] == "check":
        reasons = _converged.compare(record, p["inputs"], files, service, uid, time.time())
        module.exit_json(changed=False, current=not reasons, reasons=reasons)

    due = due_time(module, p["renewals"])
    new = _converged.make_record(p["inputs"], files, service, uid, due)
    changed = new != record
    if changed and not module.check_mode:
        directory = os.path.dirname(p["path"])
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".converged.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(new, f, sort_keys=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, p["path"])
    module.exit_json(changed=changed, current=True, reasons=[], due=due)


if __name__ == "__main__":
    main()
