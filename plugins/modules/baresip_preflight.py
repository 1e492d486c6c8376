#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: baresip_preflight
short_description: Start baresip once on a candidate configuration and report what it opened
description:
  - Runs C(baresip -f DIR) as the service user, with the candidate OpenSSL policy, until it says
    C(baresip is ready.) (or exits, or the timeout passes), reads the sockets listening on the
    candidate's ports while it runs, then stops it.
  - Returns its output and, per transport, whether it listened - so a caller can require a SIP
    over TLS listener and refuse any plaintext one before the candidate replaces a running
    configuration.
  - The candidate must listen on O(sip_port) (plaintext SIP) / O(tls_port) (SIP over TLS) of
    O(address); pick free ports (RV(free_ports) says whether they were).
  - Changes nothing on the host; the process it starts is gone when the module returns.
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
options:
  binary:
    description: The baresip binary.
    type: path
    required: true
  config_dir:
    description: Directory with the candidate C(config) and C(accounts).
    type: path
    required: true
  user:
    description: User the candidate runs as (the service user).
    type: str
    required: true
  openssl_conf:
    description: OPENSSL_CONF for the candidate; none when omitted.
    type: path
  address:
    description: Address the candidate listens on.
    type: str
    default: 127.0.0.1
  sip_port:
    description: Plaintext SIP port of the candidate (C(sip_listen)); nothing may listen there.
    type: int
    required: true
  tls_port:
    description: SIP over TLS port of the candidate.
    type: int
    required: true
  timeout:
    description: Seconds to wait for C(baresip is ready.).
    type: float
    default: 10
"""

EXAMPLES = r"""
- name: Start the candidate once and read its listeners
  voipsec.baresip.baresip_preflight:
    binary: /opt/baresip/bin/baresip
    config_dir: /tmp/candidate
    user: baresip
    openssl_conf: /tmp/candidate/openssl.cnf
    sip_port: 25060
    tls_port: 25061
  register: preflight
"""

RETURN = r"""
ready:
  description: Whether baresip said C(baresip is ready.).
  returned: always
  type: bool
output:
  description: What baresip printed (colour codes removed).
  returned: always
  type: str
listening:
  description: Sockets on the candidate's ports while it ran (proto, address, port).
  returned: always
  type: list
  elements: dict
tls_listening:
  description: Whether a TCP socket listened on O(tls_port).
  returned: always
  type: bool
plaintext_listening:
  description: Sockets on O(sip_port) (plaintext SIP), C(proto address:port) each; empty when none.
  returned: always
  type: list
  elements: str
free_ports:
  description: Whether O(sip_port) and O(tls_port) were free before the candidate started.
  returned: always
  type: bool
"""

import re
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _baresip_state
from ansible_collections.voipsec.baresip.plugins.module_utils._stream import Child

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def argument_spec():
    return dict(
        binary=dict(type="path", required=True),
        config_dir=dict(type="path", required=True),
        user=dict(type="str", required=True),
        openssl_conf=dict(type="path"),
        address=dict(type="str", default="127.0.0.1"),
        sip_port=dict(type="int", required=True),
        tls_port=dict(type="int", required=True),
        timeout=dict(type="float", default=10),
    )


def listeners(module):
    rc, out, _err = module.run_command(["ss", "-Hlntu"])
    return out if rc == 0 else ""


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    before = _baresip_state.preflight_result("", listeners(module), p["sip_port"], p["tls_port"])
    env = ["env"] + ([f"OPENSSL_CONF={p['openssl_conf']}"] if p["openssl_conf"] else [])
    argv = ["runuser", "-u", p["user"], "--", *env, p["binary"], "-f", p["config_dir"]]
    proc = Child(argv, stdin=False)
    deadline = time.monotonic() + p["timeout"]
    ss_text = ""
    try:
        while proc.running and time.monotonic() < deadline and "baresip is ready." not in proc.text:
            time.sleep(0.05)
        if proc.running:
            time.sleep(0.3)
            ss_text = listeners(module)
    finally:
        proc.stop(5, terminate=True)
    result = _baresip_state.preflight_result(proc.text, ss_text, p["sip_port"], p["tls_port"])
    module.exit_json(
        changed=False,
        output=_ANSI.sub("", proc.text)[-20000:],
        free_ports=not before["listening"],
        **result,
    )


if __name__ == "__main__":
    main()
