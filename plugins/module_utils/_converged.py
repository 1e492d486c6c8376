# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The converged record of an endpoint: what a successful run left on the host, and whether it is
still so.

A run of ``site.yml`` that converged an endpoint records, on the host, the digest of the run's
inputs (computed on the controller: the collection's own files, the host's ``baresip_*``
variables and the controller files they name), every file of the build tree, the configuration
and the unit (sha256, mode, owner), the service's main process and start time, and when the
record stops being current (certificate renewal, CRL renewal). A later run whose inputs are the
same and whose host still shows exactly that has nothing to do.

``inputs_digest`` runs on the controller; the rest on the host. Reading is apart from comparing:
``compare`` is pure and unit-tested.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat

# Controller files larger than this are identified by size and modification time, not content.
_HASH_LIMIT = 16 * 1024 * 1024
_WALK_LIMIT = 5000


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _walk(root):
    """Regular files and symlinks under ``root`` (or ``root`` itself), sorted; at most _WALK_LIMIT."""
    if not os.path.isdir(root) or os.path.islink(root):
        return [root]
    found = []
    for top, dirs, files in os.walk(root):
        dirs.sort()
        found += [os.path.join(top, name) for name in sorted(files)]
        if len(found) > _WALK_LIMIT:
            raise ValueError(f"{root} holds more than {_WALK_LIMIT} files")
    return found


def host_files(roots, exclude=()):
    """{path: {sha256, mode, uid, gid}} of every file under ``roots``; a missing root maps to None."""
    state = {}
    for root in roots:
        if not os.path.lexists(root):
            state[root] = None
            continue
        for path in _walk(root):
            if path in exclude:
                continue
            st = os.lstat(path)
            entry = {"mode": oct(stat.S_IMODE(st.st_mode)), "uid": st.st_uid, "gid": st.st_gid}
            if stat.S_ISLNK(st.st_mode):
                entry["link"] = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                entry["sha256"] = file_digest(path)
            state[path] = entry
    return state


def _controller_path(path):
    """What identifies a controller file or directory's content: a list of (path, identity)."""
    out = []
    for p in _walk(path):
        try:
            st = os.stat(p)
        except OSError:
            out.append((p, "unreadable"))
            continue
        if st.st_size <= _HASH_LIMIT:
            try:
                out.append((p, file_digest(p)))
            except OSError:
                out.append((p, "unreadable"))
        else:
            out.append((p, f"{st.st_size}:{st.st_mtime_ns}"))
    return out


@functools.lru_cache(maxsize=4)
def _code_digest(code_root):
    """sha256 of the collection's roles, plugins, profiles and playbooks: read once per controller
    process, not once per host."""
    h = hashlib.sha256()
    for sub in ("roles", "plugins", "profiles", "playbooks"):
        root = os.path.join(code_root, sub)
        if os.path.isdir(root):
            for p in _walk(root):
                if "__pycache__" not in p:
                    h.update(os.path.relpath(p, code_root).encode() + b"\0" + file_digest(p).encode())
    return h.hexdigest()


# Controller-only secrets stay out of the digest (it is stored on the hosts); private keys are
# never read for it (their certificates are).
_SECRET = re.compile(r"passphrase|password|secret")
_PRIVATE_KEY = re.compile(r"_key$")


def inputs_digest(variables, code_root, host_path_keys=()):
    """sha256 of a run's inputs: the collection's files under ``code_root``, the variables (a dict,
    JSON-serialised with sorted keys) and the content of every existing controller path a variable
    names (absolute path values), except the variables in ``host_path_keys`` (paths on the host).
    Variables named like secrets are left out, files named by ``*_key`` variables are not read."""
    variables = {k: v for k, v in variables.items() if not _SECRET.search(k)}
    h = hashlib.sha256(_code_digest(code_root).encode())
    h.update(json.dumps(variables, sort_keys=True, default=str).encode())
    for key in sorted(variables):
        value = variables[key]
        if (
            key in host_path_keys
            or _PRIVATE_KEY.search(key)
            or not isinstance(value, str)
            or not value.startswith("/")
        ):
            continue
        if os.path.exists(value):
            h.update(json.dumps([key, _controller_path(value)]).encode())
    return h.hexdigest()


def compare(record, inputs, files, service, user_uid, now):
    """Why the host is not as ``record`` left it (an empty list: it is).

    ``files`` is ``host_files`` now, ``service`` the unit's properties now (MainPID,
    ExecMainStartTimestamp, ActiveState, UnitFileState), ``user_uid`` the service account's uid
    (None when it is gone), ``now`` seconds since the epoch."""
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return ["no converged record on the host"]
    reasons = []
    if record.get("inputs") != inputs:
        reasons.append("the run's inputs changed (variables, controller files or the collection)")
    before, after = record["files"], files
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    if changed:
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        reasons.append("files changed since the record: " + ", ".join(changed[:5]) + more)
    if service.get("ActiveState") != "active":
        reasons.append(f"the service is {service.get('ActiveState') or 'unknown'}")
    if service.get("UnitFileState") != "enabled":
        reasons.append(f"the service is {service.get('UnitFileState') or 'unknown'}, not enabled")
    recorded = record.get("service") or {}
    for key in ("MainPID", "ExecMainStartTimestamp"):
        if recorded.get(key) != service.get(key):
            reasons.append("the service restarted since the record")
            break
    if user_uid is None or user_uid != record.get("user_uid"):
        reasons.append("the service account changed")
    due = record.get("due")
    if not isinstance(due, (int, float)) or now >= due:
        reasons.append("a certificate or revocation list is due for renewal")
    return reasons


def make_record(inputs, files, service, user_uid, due):
    return {
        "inputs": inputs,
        "files": files,
        "service": {k: service.get(k) for k in ("MainPID", "ExecMainStartTimestamp")},
        "user_uid": user_uid,
        "due": due,
    }
