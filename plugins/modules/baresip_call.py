#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: baresip_call
short_description: Place a call from baresip, or watch one arrive, through ctrl_tcp
description:
  - Runs on the endpoint and talks to its baresip over ctrl_tcp (JSON in netstrings).
  - O(action=dial) dials O(uri), waits up to O(timeout) seconds for C(CALL_ESTABLISHED) or
    C(CALL_CLOSED), keeps an established call for O(hold) seconds and hangs it up.
  - O(action=watch) records the events of the next call that arrives (baresip answers it
    by its C(answermode)) until it closes or O(timeout) passes; start it with C(async) before
    the other side dials. With O(capture_from) it also reads, from a packet socket (needs
    C(CAP_NET_RAW)), the UDP datagrams that host sends here outside SIP, and describes them
    (RTP framing, sizes, payload entropy); the payloads are not returned.
  - Reports the call's set-up time, its media encryption events (C(CALL_MENC), with the
    SRTP suite) and why it closed. Places or receives a real call, so it does not run in
    check mode.
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.ctrl
options:
  action:
    description: Place a call or watch for one.
    type: str
    choices: [dial, watch]
    default: dial
  uri:
    description: SIP URI to dial (for instance C(sip:ua2@192.0.2.2;transport=tls)).
    type: str
  timeout:
    description: >-
      O(action=dial) seconds to wait for the call to be established or to fail;
      O(action=watch) seconds to wait for a call to arrive and end.
    type: float
    default: 15
  hold:
    description: Seconds an established call is kept before hanging up (O(action=dial)).
    type: float
    default: 3
  capture_from:
    description: IPv4 address whose media datagrams to describe (O(action=watch)).
    type: str
  capture_exclude_ports:
    description: UDP/TCP ports that are signalling, not media.
    type: list
    elements: int
    default: [5060, 5061]
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: none
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in
      diff mode.
    support: none
"""

EXAMPLES = r"""
- name: ua2 waits for the call
  voipsec.baresip.baresip_call:
    action: watch
    capture_from: "{{ hostvars['ua1'].ansible_facts.default_ipv4.address }}"
    timeout: 30
  async: 60
  poll: 0
  register: watch

- name: ua1 calls ua2 over TLS
  voipsec.baresip.baresip_call:
    uri: "sip:ua2@{{ hostvars['ua2'].ansible_facts.default_ipv4.address }};transport=tls"
    hold: 4
  register: call
"""

RETURN = r"""
outcome:
  description: >-
    C(established), C(failed) (closed before it was established), C(no_call) (no call event),
    C(incomplete) (neither within O(timeout)) or C(error) (ctrl_tcp unreachable).
  returned: always
  type: str
setup_seconds:
  description: >-
    Seconds to C(CALL_ESTABLISHED), from the dial command (O(action=dial)) or from the call's
    first event (O(action=watch)).
  returned: always
  type: float
established_seconds:
  description: Seconds between C(CALL_ESTABLISHED) and C(CALL_CLOSED).
  returned: always
  type: float
events:
  description: Types of the call's events, in order.
  returned: always
  type: list
  elements: str
menc:
  description: The C(CALL_MENC) events (event code, secure, media, suite).
  returned: always
  type: list
  elements: dict
media_secure:
  description: Whether baresip reported the media as secured.
  returned: always
  type: bool
suites:
  description: SRTP suites of the secured media.
  returned: always
  type: list
  elements: str
close_reason:
  description: Parameter of C(CALL_CLOSED) (for instance the SIP status or the TLS error).
  returned: always
  type: str
direction:
  description: C(outgoing) or C(incoming).
  returned: always
  type: str
peer_uri:
  description: The other side's URI.
  returned: always
  type: str
timeline:
  description: The call's events with their time (t, seconds) and parameter.
  returned: always
  type: list
  elements: dict
rtcp_stats:
  description: The last RTCP statistics baresip reported for the call (C(CALL_RTCP)), if any.
  returned: always
  type: dict
wire:
  description: >-
    O(action=watch) with O(capture_from): datagrams, rtp_packets, ssrcs, payload_types, sizes
    (bytes incl. RTP header -> count), mean_payload_entropy, looks_encrypted, error.
  returned: when capture_from is set
  type: dict
error:
  description: Why the outcome is C(error).
  returned: always
  type: str
"""

import socket
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _call_events, _ctrl, _rtp_wire

ETH_P_IP = 0x0800


def argument_spec():
    return dict(
        action=dict(type="str", choices=["dial", "watch"], default="dial"),
        uri=dict(type="str"),
        ctrl_address=dict(type="str", default="127.0.0.1"),
        ctrl_port=dict(type="int", default=4444),
        timeout=dict(type="float", default=15),
        hold=dict(type="float", default=3),
        capture_from=dict(type="str"),
        capture_exclude_ports=dict(type="list", elements="int", default=[5060, 5061]),
    )


class Session:
    """ctrl_tcp connection that timestamps each message relative to ``start``."""

    def __init__(self, address, port, timeout, direction):
        self.direction = direction
        self.sock = socket.create_connection((address, port), timeout=timeout)
        self.sock.settimeout(0.1)
        self.buffer = b""
        self.start = time.monotonic()
        self.messages = []

    def send(self, command, params=None):
        self.sock.sendall(_ctrl.encode(command, params, command))

    def poll(self):
        try:
            chunk = self.sock.recv(65535)
        except socket.timeout:
            return
        if not chunk:
            raise OSError("ctrl_tcp closed the connection")
        messages, self.buffer = _ctrl.decode(self.buffer + chunk)
        now = round(time.monotonic() - self.start, 3)
        for m in messages:
            if isinstance(m, dict):
                m["t"] = now
                self.messages.append(m)

    def wait_for(self, types, deadline, on_idle=None):
        while time.monotonic() < deadline:
            if set(self.summary()["events"]) & types:
                return True
            self.poll()
            if on_idle:
                on_idle()
        return False

    def summary(self):
        return _call_events.summarise(self.messages, self.direction)

    def close(self):
        self.sock.close()


class Capture:
    """UDP datagrams from one IPv4 address, read from a packet socket."""

    def __init__(self, peer, exclude_ports):
        self.peer = peer
        self.exclude = set(exclude_ports)
        self.datagrams = []
        self.error = None
        try:
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
            self.sock.setblocking(False)
        except OSError as exc:
            self.sock = None
            self.error = f"no packet socket ({exc}); the capture needs CAP_NET_RAW"

    def drain(self):
        while self.sock is not None and len(self.datagrams) < 5000:
            try:
                packet = self.sock.recv(65535)
            except BlockingIOError:
                return
            udp = _rtp_wire.udp_of(packet)
            if udp and udp[0] == self.peer and udp[2] not in self.exclude and udp[3] not in self.exclude:
                self.datagrams.append(udp[4])

    def result(self):
        if self.sock is not None:
            self.sock.close()
        out = _rtp_wire.summarise(self.datagrams)
        out["error"] = self.error
        return out


def dial(session, p):
    session.send("dial", p["uri"])
    deadline = session.start + p["timeout"]
    session.wait_for({"CALL_ESTABLISHED", "CALL_CLOSED"}, deadline)
    if session.summary()["outcome"] == "established":
        session.wait_for({"CALL_CLOSED"}, time.monotonic() + p["hold"])
        session.send("hangup")
    session.wait_for({"CALL_CLOSED"}, time.monotonic() + 3)


def watch(session, p, capture):
    deadline = session.start + p["timeout"]
    idle = capture.drain if capture else None
    session.wait_for({"CALL_CLOSED"}, deadline, on_idle=idle)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_if=[("action", "dial", ["uri"])],
        supports_check_mode=False,
    )
    p = module.params
    capture = (
        Capture(p["capture_from"], p["capture_exclude_ports"])
        if p["action"] == "watch" and p["capture_from"]
        else None
    )
    error, messages = None, []
    try:
        direction = "outgoing" if p["action"] == "dial" else "incoming"
        session = Session(p["ctrl_address"], p["ctrl_port"], p["timeout"], direction)
        try:
            if p["action"] == "dial":
                dial(session, p)
            else:
                watch(session, p, capture)
        finally:
            messages = session.messages
            session.close()
    except (OSError, _ctrl.NetstringError) as exc:
        error = f"ctrl_tcp {p['ctrl_address']}:{p['ctrl_port']}: {exc}"
    result = _call_events.summarise(messages, "outgoing" if p["action"] == "dial" else "incoming")
    if error:
        result["outcome"] = "error"
    result.pop("call_id", None)
    if capture:
        result["wire"] = capture.result()
    module.exit_json(changed=p["action"] == "dial" and result["outcome"] != "error", error=error, **result)


if __name__ == "__main__":
    main()
