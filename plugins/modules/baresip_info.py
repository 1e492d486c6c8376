#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: baresip_info
short_description: Read the state of a deployed baresip endpoint without changing it
description:
  - Reads the systemd unit's properties, baresip's log since its last start (registered media
    encryption, what each account uses, missing modules), the sockets the service listens on,
    the modes and owners of the key material, the build manifest and whether a C compiler is
    installed.
  - Read-only; meant for audits.
version_added: 0.1.0
author: voipsec.baresip maintainers
extends_documentation_fragment:
  - voipsec.baresip.probe
options:
  service:
    description: systemd unit name (without C(.service)).
    type: str
    default: baresip
  prefix:
    description: Installation prefix of the build.
    type: path
    default: /opt/baresip
  secret_files:
    description: Files that hold private keys; their mode and owner are reported.
    type: list
    elements: path
    default: [/etc/baresip/tls/baresip.pem, /etc/baresip/tls/parts/10-key.pem]
"""

EXAMPLES = r"""
- name: Read the endpoint's state
  voipsec.baresip.baresip_info:
  register: endpoint
"""

RETURN = r"""
service:
  description: Selected unit properties (ActiveState, MainPID, User, Environment, NRestarts, InvocationID).
  returned: always
  type: dict
log:
  description: >-
    Facts from baresip's output since its last start - ready, version, certificate, registered
    codecs/sources/players/mediaenc, account_mediaenc (AOR to encryption in use), missing_mediaenc, errors.
  returned: always
  type: dict
listening:
  description: Sockets of the service's process (proto, address, port).
  returned: always
  type: list
  elements: dict
secret_files:
  description: Path, existence, mode (octal string), owner and group of each secret file.
  returned: always
  type: list
  elements: dict
manifest:
  description: The build manifest, or null.
  returned: always
  type: dict
compilers:
  description: C compilers found on PATH.
  returned: always
  type: list
  elements: str
"""

import grp
import json
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _baresip_state

_PROPS = [
    "ActiveState",
    "SubState",
    "MainPID",
    "User",
    "Environment",
    "NRestarts",
    "InvocationID",
    "ExecMainStartTimestamp",
]


def _secret(path):
    try:
        st = os.stat(path)
    except OSError:
        return {"path": path, "exists": False, "mode": None, "owner": None, "group": None}
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return {
        "path": path,
        "exists": True,
        "mode": f"{stat.S_IMODE(st.st_mode):04o}",
        "owner": owner,
        "group": group,
    }


def argument_spec():
    return dict(
        service=dict(type="str", default="baresip"),
        prefix=dict(type="path", default="/opt/baresip"),
        secret_files=dict(
            type="list",
            elements="path",
            default=["/etc/baresip/tls/baresip.pem", "/etc/baresip/tls/parts/10-key.pem"],
        ),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    unit = p["service"] + ".service"
    rc, out, err = module.run_command(["systemctl", "show", unit] + [f"--property={k}" for k in _PROPS])
    if rc != 0:
        module.fail_json(msg=f"systemctl show {unit} failed: {err.strip()}")
    service = _baresip_state.parse_properties(out)

    log_text = ""
    if service.get("InvocationID"):
        rc, log_text, err = module.run_command(
            ["journalctl", "--no-pager", "-o", "cat", f"_SYSTEMD_INVOCATION_ID={service['InvocationID']}"]
        )
    log = _baresip_state.parse_log(log_text)

    listening = []
    pid = service.get("MainPID", "0")
    if pid not in ("", "0"):
        rc, out, err = module.run_command(["ss", "-Hlntup"])
        mine = [line for line in out.splitlines() if f"pid={pid}," in line]
        listening = _baresip_state.parse_listeners("\n".join(mine))

    manifest = None
    path = os.path.join(p["prefix"], "share", "baresip-build", "manifest.json")
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        manifest = None

    compilers = [c for c in ("cc", "gcc", "clang") if module.get_bin_path(c)]
    module.exit_json(
        changed=False,
        service=service,
        log=log,
        listening=listening,
        secret_files=[_secret(f) for f in p["secret_files"]],
        manifest=manifest,
        compilers=compilers,
    )


if __name__ == "__main__":
    main()
