# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What baresip says about its registrations: ctrl_tcp ``reginfo``, its log lines for register
results, and its established TCP connections (``ss``). Parsing only; the probe runs the commands."""

from __future__ import annotations

import re

from ansible_collections.voipsec.baresip.plugins.module_utils._baresip_state import _ANSI, _CGROUP, owned_by

# "0 - sip:alice@voip.test   OK  kamailio (5.6.3 (x86_64/linux)) Expires 300s" (4.x; 1.x the same
# without the index); the status is OK (200), ERR (any other final answer or a transport error) or
# zzz (no answer yet), optionally after "FB-" (fallback) when the server granted no expiry.
_REGINFO = re.compile(
    r"^\s*(?:\d+\s+-\s+)?(?P<aor>sips?:\S+)\s+(?:FB-)?(?P<status>OK|ERR|zzz)\s?(?P<rest>.*)$"
)
_EXPIRES = re.compile(r"^(?P<srv>.*?)\s*Expires (?P<exp>\d+)s\s*$")
_STATUS = {"OK": "registered", "ERR": "failed", "zzz": "pending"}
# "alice@voip.test: (prio 0) {0/TLS/v4} 200 OK (kamailio (5.6.3 (x86_64/linux))) [1 binding]"
_OK_LINE = re.compile(
    r"^(?P<who>[^\s:]+@\S+?): (?:\(prio \d+\) )?\{(?P<id>\d+)/(?P<transport>[A-Za-z0-9]+)/(?P<af>v[46?])\} "
    r"(?P<code>\d{3}) (?P<reason>.*?) \((?P<srv>.*)\) \[(?P<bindings>\d+) bindings?\]\s*$"
)
# "reg: sip:alice@voip.test (prio 0): 403 Forbidden (kamailio ...)"
# "reg: sip:alice@voip.test (prio 0): Register: Connection refused [111]"
_FAIL_LINE = re.compile(
    r"^reg: (?P<aor>sips?:\S+?)(?: \(prio \d+\))?: "
    r"(?:(?P<code>\d{3}) (?P<reason>.*?)(?: \((?P<srv>.*)\))?|Register: (?P<err>.*))\s*$"
)


def parse_reginfo(text):
    """``reginfo`` text -> [{aor, status (registered|failed|pending), server, expires}]."""
    out = []
    for raw in _ANSI.sub("", text if isinstance(text, str) else "").splitlines():
        m = _REGINFO.match(raw)
        if not m:
            continue
        rest = m.group("rest").strip()
        e = _EXPIRES.match(rest)
        out.append(
            {
                "aor": m.group("aor"),
                "status": _STATUS[m.group("status")],
                "server": (e.group("srv") if e else rest) or None,
                "expires": int(e.group("exp")) if e else None,
            }
        )
    return out


def parse_log(lines):
    """baresip's log as ``(epoch_seconds, text)`` pairs -> {user@host: {"ok": last success,
    "fail": last failure}}, each {at, code, reason, server, transport}."""
    out = {}
    for at, raw in lines:
        line = _ANSI.sub("", raw).strip()
        m = _OK_LINE.match(line)
        if m:
            out.setdefault(m.group("who"), {})["ok"] = {
                "at": at,
                "code": int(m.group("code")),
                "reason": m.group("reason"),
                "server": m.group("srv"),
                "transport": m.group("transport").upper(),
            }
            continue
        m = _FAIL_LINE.match(line)
        if m:
            who = re.sub(r"^sips?:", "", m.group("aor")).split(";")[0]
            out.setdefault(who, {})["fail"] = {
                "at": at,
                "code": int(m.group("code")) if m.group("code") else None,
                "reason": m.group("reason") or m.group("err"),
                "server": m.group("srv"),
                "transport": None,
            }
    return out


def parse_journal(text):
    """``journalctl -o short-unix`` output -> (epoch_seconds, message) pairs."""
    pairs = []
    for raw in (text if isinstance(text, str) else "").splitlines():
        stamp, _space, rest = raw.partition(" ")
        try:
            at = float(stamp)
        except ValueError:
            continue
        # "host baresip[123]: message"
        _source, sep, message = rest.partition("]: ")
        pairs.append((at, message if sep else rest))
    return pairs


_SS_PEER = re.compile(r"^(?P<local>\S+)\s+(?P<peer>\S+)")


def parse_connections(text):
    """``ss -Htnp --cgroup state established`` -> [{local, peer_host, peer_port, users, cgroup}];
    the users (pids) only where ss may read them (not in a container without CAP_SYS_PTRACE), the
    cgroup always - the form ``_baresip_state.owned_by`` takes."""
    out = []
    for raw in (text if isinstance(text, str) else "").splitlines():
        fields = raw.split()
        # Recv-Q Send-Q Local Peer [users:(...)] [uid ino sk cgroup:...]
        if len(fields) < 4 or not fields[0].isdigit() or not fields[1].isdigit():
            continue
        m = _SS_PEER.match(" ".join(fields[2:4]))
        host, _colon, port = m.group("peer").rpartition(":")
        if not port.isdigit() or not host:
            continue
        c = _CGROUP.search(raw)
        out.append(
            {
                "local": m.group("local"),
                "peer_host": host.strip("[]").split("%")[0],
                "peer_port": int(port),
                "users": [{"pid": int(p)} for p in re.findall(r"pid=(\d+)", raw)],
                "cgroup": c.group("path") if c else None,
            }
        )
    return out


def _who(aor):
    return re.sub(r"^sips?:", "", aor).split(";")[0]


def account_state(expected, reginfo, log, connections, addresses, service, now):
    """One expected registration (account_registrations) judged against what baresip showed:
    {aor, registrar, status, server, expires, since, age, transport, connection, last_failure}."""
    who = _who(expected["aor"])
    entry = next((r for r in reginfo if _who(r["aor"]) == who), None)
    events = log.get(who, {})
    ok, fail = events.get("ok"), events.get("fail")
    conns = [
        c
        for c in connections
        if c["peer_port"] == expected["port"]
        and c["peer_host"] in addresses
        and owned_by(c, service.get("pid"), service.get("control_group"))
    ]
    state = {
        "aor": expected["aor"],
        "registrar": f"{expected['host']}:{expected['port']}",
        "registrar_addresses": sorted(addresses),
        "status": entry["status"] if entry else "absent",
        "server": entry["server"] if entry else None,
        "expires": entry["expires"] if entry else None,
        "since": ok["at"] if ok and (not fail or fail["at"] <= ok["at"]) else None,
        "transport": ok["transport"] if ok else None,
        "connection": f"{conns[0]['local']} -> {conns[0]['peer_host']}:{conns[0]['peer_port']}"
        if conns
        else None,
        "last_failure": None,
    }
    state["age"] = round(now - state["since"]) if state["since"] is not None else None
    if fail:
        state["last_failure"] = {k: fail[k] for k in ("code", "reason", "server")} | {"at": fail["at"]}
    return state
