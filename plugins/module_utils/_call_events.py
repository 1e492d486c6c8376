# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a call did, from the ctrl_tcp events baresip sent while it was placed or received.

Each event is the JSON object baresip sent, plus ``t``: seconds since the dial
command (caller) or since watching started (callee).
"""

from __future__ import annotations

# MENC_EVENT_SECURE in baresip's enum menc_event
_MENC_SECURE = "0"


def menc(param):
    """``0,audio,AES_CM_128_HMAC_SHA1_80`` -> {'event', 'secure', 'media', 'suite'}; None if unreadable."""
    if not isinstance(param, str) or not param:
        return None
    parts = param.split(",")
    if not parts[0].isdigit():
        return None
    return {
        "event": int(parts[0]),
        "secure": parts[0] == _MENC_SECURE,
        "media": parts[1] if len(parts) > 1 else "",
        "suite": parts[2] if len(parts) > 2 else "",
    }


def call_events(messages):
    """Keep the call-class events (dicts with event true and a type)."""
    out = []
    for m in messages:
        is_event = isinstance(m, dict) and m.get("event") is True and isinstance(m.get("type"), str)
        if is_event and m.get("class", "call") == "call":
            out.append(m)
    return out


def _setup(own, established, direction):
    """Seconds to CALL_ESTABLISHED: from the dial command (t=0) for an outgoing call, from the
    call's first event for an incoming one (watching may start long before the call)."""
    if not established or "t" not in established:
        return None
    start = own[0].get("t", 0) if direction == "incoming" else 0
    return round(established["t"] - start, 3)


def summarise(events, direction=None):
    """Outcome of the first call in ``events`` (the first ``incoming`` or ``outgoing`` one if given).

    Events of other calls - one still closing when watching started - are left out.
    outcome: ``established`` (reached CALL_ESTABLISHED), ``failed`` (closed before that),
    ``no_call`` (no such call) or ``incomplete`` (neither within the time given).
    """
    calls = call_events(events)
    first = next(
        (e for e in calls if e.get("id") and (direction is None or e.get("direction") == direction)), None
    )
    call_id = first.get("id") if first else None
    own = [e for e in calls if call_id is not None and e.get("id") == call_id]
    types = [e["type"] for e in own]

    def first_of(kind):
        return next((e for e in own if e["type"] == kind), None)

    established = first_of("CALL_ESTABLISHED")
    closed = first_of("CALL_CLOSED")
    secure = [m for m in (menc(e.get("param")) for e in own if e["type"] == "CALL_MENC") if m]
    rtcp = [
        e.get("rtcp_stats") for e in own if e["type"] == "CALL_RTCP" and isinstance(e.get("rtcp_stats"), dict)
    ]
    if established:
        outcome = "established"
    elif closed:
        outcome = "failed"
    elif not own:
        outcome = "no_call"
    else:
        outcome = "incomplete"
    return {
        "outcome": outcome,
        "call_id": call_id,
        "direction": (first or {}).get("direction"),
        "peer_uri": (first or {}).get("peeruri"),
        "events": types,
        "setup_seconds": _setup(own, established, direction),
        "established_seconds": (
            round(closed["t"] - established["t"], 3)
            if established and closed and "t" in established and "t" in closed
            else None
        ),
        "menc": secure,
        "media_secure": any(m["secure"] for m in secure),
        "suites": sorted({m["suite"] for m in secure if m["secure"] and m["suite"]}),
        "close_reason": closed.get("param") if closed else None,
        "rtcp_stats": rtcp[-1] if rtcp else None,
        "timeline": [{"t": e.get("t"), "type": e["type"], "param": e.get("param")} for e in own],
    }
