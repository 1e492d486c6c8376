#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: sip_receiver_probe
short_description: Make baresip dial an openssl s_server and report what it offered as TLS client
description:
  - Runs on the endpoint. Starts a short-lived C(openssl s_server) on O(listen_address):O(port)
    with the endpoint's own certificate (so the UA's own trust settings accept it; the key is
    only read locally), makes baresip dial it through ctrl_tcp, captures the INVITE and hangs up.
  - Reports the TLS parameters the UA offered as client (shared ciphers, signature algorithms,
    groups, the negotiated cipher), the INVITE's transport and headers, and its SDP (media
    profile, each C(a=crypto) suite and key length - never the key).
  - RV(outcome) is C(captured) or C(error) (no handshake, no INVITE within O(timeout)).
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
  - voipsec.baresip.ctrl
options:
  listen_address:
    description: Address of the endpoint the probe listens on and the UA dials.
    type: str
    required: true
  port:
    description: TCP port of the probe listener.
    type: int
    default: 15061
  certificate:
    description: PEM with certificate and key for the listener (the endpoint's combined PEM).
    type: path
    required: true
  timeout:
    description: Seconds to wait for the INVITE.
    type: float
    default: 10
  openssl_path:
    description: The openssl binary.
    type: str
    default: openssl
  accounts_file:
    description:
      - baresip's accounts file. When its first account sends requests to an outbound proxy (a
        registrar), the UA would send the probe's call there; the probe then adds a temporary
        peer-to-peer account with the same media parameters (mediaenc, audio_codecs; no registrar, no
        credentials), dials from it and deletes it before returning.
    type: path
  service:
    description:
      - After the probe, read this systemd service's state (as M(voipsec.baresip.baresip_info) with
        O(voipsec.baresip.baresip_info#module:only_service=true) does) and return it in RV(service).
        Run as the audit's last probe on the endpoint, it shows whether the service restarted during
        the audit, without another round trip.
    type: str
"""

EXAMPLES = r"""
- name: What does ua1 offer when it calls?
  voipsec.baresip.sip_receiver_probe:
    listen_address: "{{ ansible_facts['default_ipv4']['address'] }}"
    certificate: /etc/baresip/tls/baresip.pem
  register: receiver
"""

RETURN = r"""
outcome:
  description: >-
    C(captured) (the INVITE arrived over TLS), C(refused) (the UA refused the TLS handshake with
    an alert, for instance when O(certificate) is revoked) or C(error).
  returned: always
  type: str
alert:
  description: TLS alert the UA sent, if any.
  returned: always
  type: str
tls:
  description: >-
    shared_ciphers, client_signature_algorithms, shared_signature_algorithms, client_groups,
    shared_groups (P-xxx spelling), cipher.
  returned: always
  type: dict
invite:
  description: method, request_uri, via_transport, contact, user_agent, content_type.
  returned: when captured
  type: dict
sdp:
  description: media_proto and crypto facts (suite, key length; no key).
  returned: when captured
  type: dict
events:
  description: Types of the ctrl_tcp events seen while dialling.
  returned: always
  type: list
  elements: str
error:
  description: Why the outcome is C(error).
  returned: always
  type: str
evidence:
  description: The s_server output with session parameters and keys removed.
  returned: always
  type: str
service:
  description: >-
    The service's state after the probe (C(systemctl show) properties, as
    M(voipsec.baresip.baresip_info) returns them).
  returned: when O(service) is given and it could be read
  type: dict
service_error:
  description: Why the service's state could not be read.
  returned: when O(service) is given and it could not be read
  type: str
"""

import secrets
import socket
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import (
    _accounts,
    _baresip_state,
    _ctrl,
    _s_server,
)
from ansible_collections.voipsec.baresip.plugins.module_utils._stream import Child


def invite_complete(text):
    facts = _s_server.parse(text)
    return facts["invite"] is not None and (facts["sdp"] is not None or "Content-Length: 0" in text)


def argument_spec():
    return dict(
        listen_address=dict(type="str", required=True),
        port=dict(type="int", default=15061),
        certificate=dict(type="path", required=True),
        ctrl_address=dict(type="str", default="127.0.0.1"),
        ctrl_port=dict(type="int", default=4444),
        timeout=dict(type="float", default=10),
        openssl_path=dict(type="str", default="openssl"),
        service=dict(type="str"),
        accounts_file=dict(type="path"),
    )


def stand_in(module, p, host):
    """The stand-in account line and its address of record, when the UA's first account dials
    through an outbound proxy (the probe would never see its INVITE); (None, None) otherwise."""
    if not p["accounts_file"]:
        return None, None
    try:
        with open(p["accounts_file"], encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        module.fail_json(msg=f"cannot read {p['accounts_file']}: {exc.strerror}")
    user = "voipsec-probe-" + secrets.token_hex(4)
    line = _accounts.stand_in_account(text, user, host)
    return (line, f"sip:{user}@{host}") if line else (None, None)


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    openssl = module.get_bin_path(p["openssl_path"], required=True)
    addr = p["listen_address"]
    target = f"[{addr}]:{p['port']}" if ":" in addr else f"{addr}:{p['port']}"
    server = Child([openssl, "s_server", "-accept", target, "-cert", p["certificate"], "-naccept", "1"])
    events, error = [], None
    ctrl = None
    try:
        if not _s_server.wait_accepting(server):
            error = f"s_server did not start: {server.text.strip()[-300:]}"
        else:
            ctrl = socket.create_connection((p["ctrl_address"], p["ctrl_port"]), timeout=p["timeout"])
            host = f"[{addr}]" if ":" in addr else addr
            line, stand_in_aor = stand_in(module, p, host)
            if line:
                ctrl.sendall(_ctrl.encode("uanew", line, "uanew"))
                ok, data, seen = _ctrl.await_response(ctrl, "uanew", 5)
                events += seen
                if not ok:
                    raise OSError(f"uanew failed: {data.strip()[:200]}")
            ctrl.sendall(_ctrl.encode("dial", f"sip:probe@{host}:{p['port']}", "dial"))
            ctrl.settimeout(0.2)
            buffer = b""
            deadline = time.monotonic() + p["timeout"]
            while (
                time.monotonic() < deadline
                and not invite_complete(server.text)
                and not _s_server.ended(server.text)
            ):
                try:
                    chunk = ctrl.recv(65535)
                    if chunk:
                        messages, buffer = _ctrl.decode(buffer + chunk)
                        events += [
                            m.get("type") or ("response" if m.get("response") else "?") for m in messages
                        ]
                except socket.timeout:
                    pass
            ctrl.sendall(_ctrl.encode("hangup", None, "hangup"))
            time.sleep(0.3)
            if stand_in_aor:
                ctrl.sendall(_ctrl.encode("uadel", stand_in_aor, "uadel"))
                time.sleep(0.2)
    except (OSError, _ctrl.NetstringError) as exc:
        error = f"ctrl_tcp {p['ctrl_address']}:{p['ctrl_port']}: {exc}"
    finally:
        if ctrl is not None:
            ctrl.close()
        server.stop(3)
    facts = _s_server.parse(server.text)
    error = error or facts["error"]
    if facts["invite"] and not error:
        outcome = "captured"
    elif facts["alert"] and not facts["handshake"]:
        outcome = "refused"
    else:
        outcome = "error"
    extra = {}
    if p["service"]:
        unit = p["service"] + ".service"
        rc, out, err = module.run_command(_baresip_state.service_show_argv(unit))
        if rc == 0:
            extra["service"] = _baresip_state.parse_properties(out)
        else:
            extra["service_error"] = f"systemctl show {unit} failed: {err.strip()}"
    module.exit_json(
        **extra,
        changed=False,
        outcome=outcome,
        alert=facts["alert"],
        tls=facts["tls"],
        invite=facts["invite"],
        sdp=facts["sdp"],
        events=events,
        error=error,
        evidence=_s_server.redact(server.text)[-4000:],
    )


if __name__ == "__main__":
    main()
