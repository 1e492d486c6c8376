#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: sip_registration_probe
short_description: Read baresip's registrations; make it meet a registrar the fleet does not trust
description:
  - Runs on the endpoint. For each expected registration (O(registrations), as the
    P(voipsec.baresip.account_registrations#filter) filter gives them) reads what baresip itself says -
    C(reginfo) over ctrl_tcp (status, the registrar's C(Server) header, the expiry it granted), its log
    since the service started (when the registration succeeded and over which transport, the last
    failure with the code the registrar answered) - and the TCP connection the service holds to the
    registrar's address and port.
  - With O(rogue), also starts a short-lived C(openssl s_server) on the endpoint with a throwaway
    certificate from no trusted CA (made for the probe, removed after it, of the profile's curve and
    digest so that only trust can make the UA refuse it), adds a temporary account whose outbound proxy is
    that server (a random password, never an account's own), waits for the UA's attempt, deletes the
    account and reports whether any SIP request reached the server.
  - Changes nothing that outlives the probe; the temporary account is deleted before the module returns.
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
  - voipsec.baresip.ctrl
options:
  service:
    description: The systemd service of baresip (its process and log).
    type: str
    default: baresip
  registrations:
    description:
      - Expected registrations - dicts with aor, host, port
        (see P(voipsec.baresip.account_registrations#filter)).
    type: list
    elements: dict
    default: []
  rogue:
    description:
      - The untrusted registrar - listen_address (an address of the endpoint), port (default 15063),
        domain (of the temporary account's address of record), curve and digest of its certificate.
      - Omitted - no such attempt.
    type: dict
  timeout:
    description: Seconds to wait for the UA's attempt on the untrusted registrar.
    type: float
    default: 10
  openssl_path:
    description: The openssl binary.
    type: str
    default: openssl
"""

EXAMPLES = r"""
- name: What does ua1 say about its registration, and does it refuse an untrusted registrar?
  voipsec.baresip.sip_registration_probe:
    registrations: "{{ baresip_accounts | voipsec.baresip.account_registrations }}"
    rogue:
      listen_address: "{{ ansible_facts['default_ipv4']['address'] }}"
      domain: voip.example.test
      curve: secp384r1
      digest: sha384
  register: registration
"""

RETURN = r"""
registrations:
  description: >-
    Per expected registration - aor, registrar, registrar_addresses, status (registered, failed,
    pending, absent), server (its Server header), expires (granted, seconds), since (epoch seconds
    of the success that started the current registration), age (seconds since then), transport,
    connection (local -> registrar), last_failure (code, reason, server, at).
  returned: always
  type: list
  elements: dict
rogue:
  description: >-
    outcome (C(refused) - no SIP request reached the untrusted server; C(accepted) - one did;
    C(error)), request (the request line that reached it), alert (the TLS alert the UA sent),
    events (ctrl_tcp register events of the temporary account, with their text), error, evidence
    (s_server output, session parameters removed).
  returned: when O(rogue) is given
  type: dict
error:
  description: Why the registrations could not be read (the service is not running, ctrl_tcp does not answer).
  returned: always
  type: str
"""

import os
import secrets
import shutil
import socket
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import (
    _baresip_state,
    _ctrl,
    _registration,
    _s_server,
)
from ansible_collections.voipsec.baresip.plugins.module_utils._stream import Child


def addresses(host):
    try:
        return {i[4][0] for i in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except OSError:
        return {host}


def read_registrations(module, p):
    rc, out, err = module.run_command(_baresip_state.service_show_argv(p["service"] + ".service"))
    if rc != 0:
        return [], f"systemctl show {p['service']} failed: {err.strip()}"
    service = _baresip_state.parse_properties(out)
    pid = int(service.get("MainPID") or 0)
    if not pid:
        return [], f"{p['service']} is not running"
    try:
        ok, text = _ctrl.ask(p["ctrl_address"], p["ctrl_port"], "reginfo", timeout=5)
    except (OSError, _ctrl.NetstringError) as exc:
        return [], f"ctrl_tcp {p['ctrl_address']}:{p['ctrl_port']}: {exc}"
    if not ok:
        return [], f"reginfo failed: {text.strip()[:200]}"
    reginfo = _registration.parse_reginfo(text)
    rc, journal, _err = module.run_command(
        [
            "journalctl",
            "--no-pager",
            "-o",
            "short-unix",
            f"_SYSTEMD_INVOCATION_ID={service.get('InvocationID')}",
        ]
    )
    log = _registration.parse_log(_registration.parse_journal(journal if rc == 0 else ""))
    rc, ss, err = module.run_command(["ss", "-Htnp", "--cgroup", "state", "established"])
    connections = _registration.parse_connections(ss if rc == 0 else "")
    now = time.time()
    return [
        _registration.account_state(
            r,
            reginfo,
            log,
            connections,
            addresses(r["host"]),
            {"pid": pid, "control_group": service.get("ControlGroup")},
            now,
        )
        for r in p["registrations"]
    ], None


def rogue_attempt(module, p):
    r = p["rogue"]
    openssl = module.get_bin_path(p["openssl_path"], required=True)
    addr, port = r["listen_address"], int(r.get("port") or 15063)
    work = tempfile.mkdtemp(prefix="voipsec-rogue.")
    result = {"outcome": "error", "request": None, "alert": None, "events": [], "error": None, "evidence": ""}
    server = ctrl = None
    aor = None
    try:
        rc, _out, err = module.run_command(
            _s_server.throwaway_certificate_argv(
                openssl,
                work,
                r.get("curve") or "prime256v1",
                r.get("digest") or "sha256",
                "untrusted registrar",
            ),
            environ_update={"OPENSSL_CONF": "/dev/null"},
        )
        if rc != 0:
            result["error"] = f"could not make the throwaway certificate: {err.strip()[-200:]}"
            return result
        target = f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"
        server = Child(
            [
                openssl,
                "s_server",
                "-accept",
                target,
                "-cert",
                os.path.join(work, "cert.pem"),
                "-key",
                os.path.join(work, "key.pem"),
                "-naccept",
                "1",
            ]
        )
        if not _s_server.wait_accepting(server):
            result["error"] = f"s_server did not start: {server.text.strip()[-300:]}"
            return result
        user = "voipsec-probe-" + secrets.token_hex(4)
        host = f"[{addr}]" if ":" in addr else addr
        line = (
            f"<sip:{user}@{r['domain']};transport=tls>;auth_pass={secrets.token_hex(16)};"
            f'outbound="sip:{host}:{port};transport=tls";regint=60'
        )
        ctrl = socket.create_connection((p["ctrl_address"], p["ctrl_port"]), timeout=p["timeout"])
        ctrl.sendall(_ctrl.encode("uanew", line, "uanew"))
        ctrl.settimeout(0.2)
        buffer = b""
        deadline = time.monotonic() + p["timeout"]
        failed = False
        while time.monotonic() < deadline and not failed and "REGISTER sip" not in server.text:
            try:
                chunk = ctrl.recv(65535)
            except socket.timeout:
                continue
            if not chunk:
                break
            messages, buffer = _ctrl.decode(buffer + chunk)
            for m in messages:
                if m.get("event") and user in str(m.get("accountaor") or ""):
                    aor = m.get("accountaor")
                    result["events"].append(f"{m.get('type')} {m.get('param') or ''}".strip())
                    failed = failed or m.get("type") == "REGISTER_FAIL"
        time.sleep(0.3)
        ctrl.sendall(_ctrl.encode("uadel", aor or f"sip:{user}@{r['domain']}", "uadel"))
        time.sleep(0.2)
    except (OSError, _ctrl.NetstringError) as exc:
        result["error"] = f"ctrl_tcp {p['ctrl_address']}:{p['ctrl_port']}: {exc}"
    finally:
        if ctrl is not None:
            ctrl.close()
        if server is not None:
            server.stop(2)
        shutil.rmtree(work, ignore_errors=True)
    facts = _s_server.parse(server.text)
    result["alert"] = facts["alert"]
    result["evidence"] = _s_server.redact(server.text)[-3000:]
    if facts["invite"]:
        result["outcome"] = "accepted"
        result["request"] = f"{facts['invite']['method']} {facts['invite']['request_uri']}"
    elif result["error"] is None and (
        facts["alert"] or any(e.startswith("REGISTER_FAIL") for e in result["events"])
    ):
        result["outcome"] = "refused"
    elif result["error"] is None:
        result["error"] = "the UA made no attempt on the untrusted registrar within the timeout"
    return result


def argument_spec():
    return dict(
        service=dict(type="str", default="baresip"),
        registrations=dict(type="list", elements="dict", default=[]),
        rogue=dict(type="dict"),
        ctrl_address=dict(type="str", default="127.0.0.1"),
        ctrl_port=dict(type="int", default=4444),
        timeout=dict(type="float", default=10),
        openssl_path=dict(type="str", default="openssl"),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    registrations, error = read_registrations(module, p)
    result = dict(changed=False, registrations=registrations, error=error)
    if p["rogue"]:
        result["rogue"] = rogue_attempt(module, p)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
