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
  - The log is read only for the unit's current invocation while its process runs; a stopped
    service gives an empty log (never an older run's).
  - Read-only; meant for audits.
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
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
    default: []
  certificate:
    description:
      - PEM file the service presents (the combined key + certificate file); the SHA-256
        fingerprint of its first certificate is reported in RV(certificate). Key blocks are
        never decoded.
    type: path
  only_service:
    description: Read only the unit's properties (RV(service)); the rest is returned empty.
    type: bool
    default: false
  inputs:
    description:
      - Files the service reads when it starts (configuration, certificate, CA file, unit).
        Those changed after the running process started are returned in RV(stale_inputs).
    type: list
    elements: path
    default: []
  ports:
    description: Ports whose sockets held by other processes than the service are returned in RV(port_users).
    type: list
    elements: int
    default: []
  ctrl_port:
    description:
      - baresip's ctrl_tcp port on the loopback address; when given and the service runs, the calls in
        progress are counted (C(listcalls)) into RV(active_calls).
    type: int
"""

EXAMPLES = r"""
- name: Read the endpoint's state
  voipsec.baresip.baresip_info:
  register: endpoint
"""

RETURN = r"""
service:
  description: >-
    Selected unit properties (Id, Description, ActiveState, SubState, MainPID, User, Environment, NRestarts,
    InvocationID, ExecMainStartTimestamp, ExecMainStartTimestampMonotonic, ControlGroup).
  returned: always
  type: dict
log:
  description: >-
    Facts from the output of the running invocation - invocation (the InvocationID read),
    ready, version, certificate, registered codecs/sources/players/mediaenc, account_mediaenc
    (AOR to encryption in use), missing_mediaenc, errors (the first and the last 10 error lines), error_count.
  returned: always
  type: dict
listening:
  description: >-
    Sockets of the service (proto, address, port): those of its main process, or of its unit's
    cgroup where the process's file descriptors cannot be read; null when the service does not run.
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
active_calls:
  description:
    - Calls in progress, with O(ctrl_port) and a running service; null when they could not be counted
      (RV(ctrl_error) says why).
  returned: when ctrl_port is given
  type: int
ctrl_error:
  description: Why RV(active_calls) is null.
  returned: when ctrl_port is given
  type: str
sbom:
  description:
    - The tree's CycloneDX SBOM (C(share/baresip-build/sbom.cdx.json) under O(prefix), written by the build
      role beside the manifest), or null when the tree has none or it cannot be read.
  returned: always
  type: dict
certificate:
  description: Path, SHA-256 fingerprint (C(sha256)) of the first certificate in O(certificate), or C(error).
  returned: when O(certificate) is given
  type: dict
stale_inputs:
  description: >-
    Files of O(inputs) changed after the running process started (the process does not use
    them yet); empty when the service does not run.
  returned: always
  type: list
  elements: str
replaced_files:
  description: Files below O(prefix) the running process maps that were replaced on disk since it started.
  returned: always
  type: list
  elements: str
port_users:
  description: >-
    Sockets on O(ports) held by other processes than the service's (port, proto, address,
    holder, text).
  returned: always
  type: list
  elements: dict
default_address:
  description: >-
    The host's source address on its default route (IPv4, else IPv6), as Ansible's
    C(default_ipv4) fact reads it; null when the host has no default route.
  returned: unless O(only_service=true)
  type: str
  sample: 10.88.0.5
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
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _baresip_state, _ctrl, _pem


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
        secret_files=dict(type="list", elements="path", default=[], no_log=False),
        certificate=dict(type="path"),
        only_service=dict(type="bool", default=False),
        inputs=dict(type="list", elements="path", default=[]),
        ports=dict(type="list", elements="int", default=[]),
        ctrl_port=dict(type="int"),
    )


def _certificate(path):
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            fingerprint = _pem.leaf_fingerprint(handle.read())
    except OSError as exc:
        return {"path": path, "sha256": None, "error": f"cannot read {path}: {exc.strerror}"}
    if not fingerprint:
        return {"path": path, "sha256": None, "error": f"{path} holds no certificate"}
    return {"path": path, "sha256": fingerprint, "error": None}


def _default_address(module):
    """The host's address on its default route (IPv4, else IPv6): where a network probe reaches it."""
    for argv in (
        ["ip", "-4", "route", "get", "8.8.8.8"],
        ["ip", "-6", "route", "get", "2001:4860:4860::8888"],
    ):
        rc, out, _err = module.run_command(argv)
        address = _baresip_state.route_source(out) if rc == 0 else None
        if address:
            return address
    return None


def _stale(service, inputs, prefix, pid):
    """Inputs written after the running process started, and files of the build it maps that
    were replaced since: either means the process does not run what is on disk."""
    start = _baresip_state.started_at(
        service.get("ExecMainStartTimestampMonotonic"), time.time(), time.clock_gettime(time.CLOCK_MONOTONIC)
    )
    stale = []
    for path in inputs:
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        if start is None or mtime > start:
            stale.append(path)
    try:
        with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as handle:
            replaced = _baresip_state.replaced_mappings(handle.read(), prefix)
    except OSError:
        replaced = []
    return stale, replaced


def _active_calls(port, running):
    if not running:
        return None, "the service does not run"
    try:
        ok, data = _ctrl.ask("127.0.0.1", port, "listcalls")
    except (OSError, _ctrl.NetstringError) as exc:
        return None, f"ctrl_tcp 127.0.0.1:{port}: {exc}"
    count = _ctrl.active_calls(data) if ok else None
    return count, None if count is not None else f"listcalls answered {data.strip()[:120]!r}"


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    unit = p["service"] + ".service"
    rc, out, err = module.run_command(_baresip_state.service_show_argv(unit))
    if rc != 0:
        module.fail_json(msg=f"systemctl show {unit} failed: {err.strip()}")
    service = _baresip_state.parse_properties(out)
    result = dict(
        changed=False,
        service=service,
        log={},
        listening=None,
        secret_files=[],
        manifest=None,
        sbom=None,
        compilers=[],
        stale_inputs=[],
        replaced_files=[],
        port_users=[],
    )
    if p["certificate"]:
        result["certificate"] = _certificate(p["certificate"])
    pid = service.get("MainPID", "0")
    running = service.get("ActiveState") == "active" and pid not in ("", "0")
    if p["ctrl_port"]:
        result["active_calls"], result["ctrl_error"] = _active_calls(p["ctrl_port"], running)
    if p["only_service"]:
        module.exit_json(**result)
    result["default_address"] = _default_address(module)

    log_text = ""
    if running and service.get("InvocationID"):
        rc, log_text, err = module.run_command(
            ["journalctl", "--no-pager", "-o", "cat", f"_SYSTEMD_INVOCATION_ID={service['InvocationID']}"]
        )
    result["log"] = _baresip_state.parse_log(log_text)
    result["log"]["invocation"] = service.get("InvocationID") if running else None

    rc, out, err = module.run_command(["ss", "-Hlntup", "--cgroup"])
    sockets = _baresip_state.parse_listeners(out) if rc == 0 else None
    control_group = service.get("ControlGroup") if running else None
    mine = [s for s in sockets or [] if running and _baresip_state.owned_by(s, int(pid), control_group)]
    if running and sockets is not None:
        result["listening"] = [{k: s[k] for k in ("proto", "address", "port")} for s in mine]
    if sockets is not None and p["ports"]:
        result["port_users"] = [
            {
                "port": s["port"],
                "proto": s["proto"],
                "address": s["address"],
                "holder": _baresip_state.holder(s),
                "text": f"{s['proto']} port {s['port']} on {s['address']} is held by "
                + _baresip_state.holder(s),
            }
            for s in sockets
            if s["port"] in p["ports"] and s not in mine
        ]
    if running:
        result["stale_inputs"], result["replaced_files"] = _stale(service, p["inputs"], p["prefix"], pid)

    for key, name in (("manifest", "manifest.json"), ("sbom", "sbom.cdx.json")):
        try:
            with open(os.path.join(p["prefix"], "share", "baresip-build", name), encoding="utf-8") as handle:
                result[key] = json.load(handle)
        except (OSError, ValueError):
            result[key] = None

    result["compilers"] = [c for c in ("cc", "gcc", "clang") if module.get_bin_path(c)]
    result["secret_files"] = [_secret(f) for f in p["secret_files"]]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
