# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse what a running baresip shows about itself: its start-up log, the
sockets it listens on, and the systemd properties of its unit."""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MEDIAENC = re.compile(r"^mediaenc: (?P<v>\S+)\s*$")
_ACCOUNT_MENC = re.compile(r"^(?P<aor>\S+): Using media encryption '(?P<v>[^']+)'")
_MENC_MISSING = re.compile(r"mediaenc not found: '(?P<v>[^']+)'")
_MODULE_ERR = re.compile(r"(?:module (?P<m>\S+): |cannot open shared object file)")
_KINDS = {"aucodec", "ausrc", "auplay", "mediaenc", "vidcodec", "vidsrc", "vidisp"}
_ERROR_HINTS = ("not found", "failed", "Can't", "could not", "error", "refused")
# error lines kept from each end of the log: a long-running endpoint logs every refused
# handshake of every audit, and its start-up errors (modules that did not load) come first
ERRORS_KEPT = 10


def parse_log(text):
    """Facts from baresip's output since its last start (journal ``-o cat``). ``errors``: the
    first and the last ``ERRORS_KEPT`` error lines, ``error_count`` how many there were."""
    text = _ANSI.sub("", text if isinstance(text, str) else "")
    facts = {
        "ready": False,
        "version": None,
        "certificate": None,
        "srtp_suites": None,
        "registered": {k: [] for k in sorted(_KINDS)},
        "account_mediaenc": {},
        "missing_mediaenc": [],
        "errors": [],
    }
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = re.match(r"^baresip v(\S+) ", line)
        if m:
            facts["version"] = m.group(1)
        if line == "baresip is ready.":
            facts["ready"] = True
        if line.startswith("srtp: accepted suites: "):
            facts["srtp_suites"] = line.split(": ", 2)[2]
        if line.startswith("SIP Certificate: "):
            facts["certificate"] = line.split(": ", 1)[1]
        kind, sep, value = line.partition(": ")
        if sep and kind in _KINDS and value and " " not in value.strip():
            facts["registered"][kind].append(value.strip())
        m = _ACCOUNT_MENC.match(line)
        if m:
            facts["account_mediaenc"][m.group("aor")] = m.group("v")
        m = _MENC_MISSING.search(line)
        if m:
            facts["missing_mediaenc"].append(m.group("v"))
        if _MODULE_ERR.search(line) or any(h in line for h in _ERROR_HINTS):
            facts["errors"].append(line[:200])
    errors = facts["errors"]
    facts["error_count"] = len(errors)
    if len(errors) > 2 * ERRORS_KEPT:
        facts["errors"] = errors[:ERRORS_KEPT] + errors[-ERRORS_KEPT:]
    return facts


_USERS = re.compile(r'\("(?P<name>[^"]*)",pid=(?P<pid>\d+),')
_CGROUP = re.compile(r"\bcgroup:(?P<path>\S+)")


def parse_listeners(text):
    """``ss -Hlntup --cgroup`` lines -> [{'proto', 'address', 'port', 'users', 'cgroup'}].

    ``users`` lists the processes holding the socket (name and pid) where ``ss`` may read them
    (not for another user's process without CAP_SYS_PTRACE, as in a container); ``cgroup`` is
    the socket's cgroup path, which attributes it to a systemd unit without that capability."""
    out = []
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) < 5 or parts[0] not in ("tcp", "udp"):
            continue
        local = parts[4]
        address, _colon, port = local.rpartition(":")
        if not port.isdigit():
            continue
        address = address.strip("[]")
        if "%" in address:
            address = address.split("%", 1)[0]
        users = [{"name": m.group("name"), "pid": int(m.group("pid"))} for m in _USERS.finditer(line)]
        m = _CGROUP.search(line)
        out.append(
            {
                "proto": parts[0],
                "address": address,
                "port": int(port),
                "users": users,
                "cgroup": m.group("path") if m else None,
            }
        )
    return out


def owned_by(socket, pid, control_group):
    """Whether a socket belongs to the process ``pid`` or to the unit's ``control_group``."""
    if any(u["pid"] == pid for u in socket.get("users") or []):
        return True
    cgroup = socket.get("cgroup") or ""
    return bool(control_group) and (cgroup == control_group or cgroup.endswith(control_group))


def holder(socket):
    """Who holds a socket, in words."""
    users = socket.get("users") or []
    if users:
        return ", ".join(f"{u['name']} (pid {u['pid']})" for u in users)
    if socket.get("cgroup"):
        return socket["cgroup"].rsplit("/", 1)[-1]
    return "another process"


def replaced_mappings(maps_text, prefix):
    """Files below ``prefix`` that a process maps but that were replaced on disk since
    (``/proc/PID/maps`` marks them ``(deleted)``)."""
    root = prefix.rstrip("/") + "/"
    found = set()
    for line in (maps_text or "").splitlines():
        if line.endswith(" (deleted)"):
            path = line[: -len(" (deleted)")].split(None, 5)[-1] if len(line.split(None, 5)) == 6 else ""
            if path.startswith(root):
                found.add(path)
    return sorted(found)


def started_at(monotonic_usec, now_realtime, now_monotonic):
    """Wall-clock start time (seconds since the epoch) of a process whose start systemd recorded
    as ``ExecMainStartTimestampMonotonic`` (microseconds), given both clocks read now."""
    try:
        usec = int(monotonic_usec)
    except (TypeError, ValueError):
        return None
    if usec <= 0:
        return None
    return now_realtime - now_monotonic + usec / 1e6


def parse_properties(text):
    """``systemctl show`` KEY=VALUE lines -> dict."""
    props = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if sep and key and re.match(r"^[A-Za-z]+$", key):
            props[key] = value
    return props


def is_loopback(address):
    return address.startswith("127.") or address == "::1"


def preflight_result(output, ss_text, sip_port, tls_port):
    """What a candidate run showed: baresip's output and ``ss -Hlntu`` taken while it ran ->
    {'ready', 'listening', 'tls_listening', 'plaintext_listening'} for its two SIP ports."""
    text = _ANSI.sub("", output or "")
    listening = [
        {k: s[k] for k in ("proto", "address", "port")}
        for s in parse_listeners(ss_text)
        if s["port"] in (sip_port, tls_port)
    ]
    return {
        "ready": "baresip is ready." in text,
        "listening": listening,
        "tls_listening": any(s["proto"] == "tcp" and s["port"] == tls_port for s in listening),
        "plaintext_listening": [
            f"{s['proto']} {s['address']}:{s['port']}" for s in listening if s["port"] == sip_port
        ],
    }


_ROUTE_SRC = re.compile(r"\bsrc\s+(\S+)")


def route_source(text):
    """The source address in ``ip route get`` output (the host's address towards that
    destination, as Ansible's ``default_ipv4`` fact reads it); None when there is none."""
    for line in (text or "").splitlines():
        if " dev " not in f" {line} ":
            continue
        m = _ROUTE_SRC.search(line)
        if m and ("." in m.group(1) or ":" in m.group(1)):
            return m.group(1)
    return None


# What the audit reads of the service (systemctl show), before and after its probes.
SERVICE_PROPERTIES = [
    "Id",
    "Description",
    "ActiveState",
    "SubState",
    "MainPID",
    "User",
    "Environment",
    "NRestarts",
    "InvocationID",
    "ExecMainStartTimestamp",
    "ExecMainStartTimestampMonotonic",
    "ControlGroup",
    "UnitFileState",
]


def service_show_argv(unit):
    """``systemctl show`` of ``unit`` limited to SERVICE_PROPERTIES (parsed by parse_properties)."""
    return ["systemctl", "show", unit] + [f"--property={k}" for k in SERVICE_PROPERTIES]
