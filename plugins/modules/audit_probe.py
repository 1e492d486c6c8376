#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: audit_probe
short_description: Run the auditor's network probes of one endpoint, or of many, at the same time, in one call
description:
  - Runs the probes of M(voipsec.baresip.tls_probe), M(voipsec.baresip.sip_plaintext_probe),
    M(voipsec.baresip.port_probe) and M(voipsec.baresip.sip_call_probe) against O(host) concurrently,
    in one module call from the auditor, and returns each probe's result under its own key exactly
    as the single module returns it.
  - The probes are independent - TLS handshakes, OPTIONS over plaintext transports, TCP connections
    and SDES calls do not depend on each other's outcome - so running them together changes only the
    time they take. The calls among themselves run one after another (a UA answers one call at a
    time); the TLS offers run in the bounded pool of O(tls).
  - A part that breaks is reported as C(failed=true) with C(msg) saying why under its key; the other
    parts still report. Omitted parts are not run and return null.
  - With O(endpoints) instead of O(host), probes several endpoints in the one call, O(parallel) of
    them at a time, each with its own parts exactly as a call for it alone would, and returns each
    endpoint's result in RV(endpoints) under its name. An endpoint whose options are invalid gets
    C(failed=true) with the reason; the others are still probed.
  - Read-only for the target; runs on the host the task is delegated to (an auditor).
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
options:
  host:
    description:
      - Name or address of the endpoint. Either O(host) (with the parts) or O(endpoints).
    type: str
  endpoints:
    description:
      - Several endpoints, each with its own O(host) and parts (the options of the same names).
    type: list
    elements: dict
    suboptions:
      name:
        description: The key of this endpoint's result in RV(endpoints) (for example its inventory name).
        type: str
        required: true
      host:
        description: Name or address of the endpoint.
        type: str
        required: true
      tls:
        description: As O(tls).
        type: dict
      plaintext:
        description: As O(plaintext).
        type: dict
      control:
        description: As O(control).
        type: dict
      calls:
        description: As O(calls).
        type: dict
      client_auth:
        description: As O(client_auth).
        type: dict
  parallel:
    description:
      - With O(endpoints), how many endpoints are probed at a time (each with its own bounded pool
        of TLS offers).
    type: int
    default: 8
  tls:
    description:
      - TLS offers and the sweep - the options of M(voipsec.baresip.tls_probe) except O(host), with the
        same defaults.
    type: dict
  plaintext:
    description:
      - Plaintext SIP - the options of M(voipsec.baresip.sip_plaintext_probe) except O(host).
    type: dict
  control:
    description:
      - TCP ports that must not accept connections - the options of M(voipsec.baresip.port_probe)
        except O(host).
    type: dict
  calls:
    description:
      - SDES calls - the options of M(voipsec.baresip.sip_call_probe) except O(host).
    type: dict
  client_auth:
    description:
      - Client-certificate offers of a mutual TLS audit - the options of M(voipsec.baresip.tls_probe)
        except O(host) (no sweep; the part's own O(voipsec.baresip.tls_probe#module:client_cert) is
        never presented, so an offer without one of its own offers none).
      - With C(foreign) (C(offer), C(curve), C(digest)), one more offer - second in the results - presents
        a throwaway self-signed certificate on that curve and digest, made with C(openssl req) in a
        private temporary directory on the auditor for this probe and removed with it afterwards.
    type: dict
"""

EXAMPLES = r"""
- name: Probe the endpoint from the auditor in one call
  voipsec.baresip.audit_probe:
    host: 192.0.2.10
    tls:
      port: 5061
      sweep: true
      offers:
        - name: profile
          version: TLSv1.2
          cipher: ECDHE-ECDSA-AES256-GCM-SHA384
    plaintext:
      port: 5060
    control:
      ports: [4444]
    calls:
      port: 5061
      to_user: ua1
      offers:
        - name: profile suite
          crypto_suites: [AES_CM_128_HMAC_SHA1_80]
  delegate_to: auditor
  register: probes
"""

RETURN = r"""
endpoints:
  description:
    - With O(endpoints), each endpoint's result under its name - what a call with O(host) returns
      (the parts and RV(seconds)), or C(failed=true) and C(msg).
    - The other return values are then not returned.
  returned: when O(endpoints) is given
  type: dict
tls:
  description: What M(voipsec.baresip.tls_probe) returns (results, accepted, errors, sweep), or null.
  returned: with O(host)
  type: dict
plaintext:
  description: What M(voipsec.baresip.sip_plaintext_probe) returns (results, answered); null when not asked.
  returned: with O(host)
  type: dict
control:
  description: What M(voipsec.baresip.port_probe) returns (results, open); null when not asked.
  returned: with O(host)
  type: dict
calls:
  description: What M(voipsec.baresip.sip_call_probe) returns (results, established); null when not asked.
  returned: with O(host)
  type: dict
client_auth:
  description: What M(voipsec.baresip.tls_probe) returns for the client-certificate offers, or null.
  returned: with O(host)
  type: dict
seconds:
  description: Wall-clock seconds each part took (they overlap).
  returned: with O(host)
  type: dict
  sample: {"tls": 1.21, "plaintext": 0.01, "control": 0.0, "calls": 2.35}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import _audit_probe, _tls_offer


def _parts_spec():
    return dict(
        tls=dict(type="dict"),
        plaintext=dict(type="dict"),
        control=dict(type="dict"),
        calls=dict(type="dict"),
        client_auth=dict(type="dict"),
    )


def argument_spec():
    endpoint = dict(
        name=dict(type="str", required=True), host=dict(type="str", required=True), **_parts_spec()
    )
    return dict(
        host=dict(type="str"),
        endpoints=dict(type="list", elements="dict", options=endpoint),
        parallel=dict(type="int", default=8),
        **_parts_spec(),
    )


def _tools(module, all_parts):
    """Fails unless every openssl named is on the host; the sweep's cipher list, when one sweeps."""
    cipher_list = None
    for parts in all_parts:
        for name in ("tls", "client_auth"):
            if name in parts and module.get_bin_path(parts[name]["openssl_path"]) is None:
                module.fail_json(msg=f"{parts[name]['openssl_path']} not found on the probing host")
        if cipher_list is None and parts.get("tls", {}).get("sweep"):
            cipher_list, problem = _tls_offer.cipher_list(module.run_command, parts["tls"]["openssl_path"])
            if problem:
                module.fail_json(msg=problem)
    return cipher_list


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_one_of=[("host", "endpoints")],
        mutually_exclusive=[("host", "endpoints"), *(("endpoints", part) for part in _parts_spec())],
    )
    if module.params["endpoints"] is not None:
        if module.params["parallel"] < 1:
            module.fail_json(msg=f"parallel must be 1 or more, not {module.params['parallel']}")
        endpoints, problems = _audit_probe.validate_many(module.params["endpoints"])
        if problems:
            module.fail_json(msg="; ".join(problems))
        cipher_list = _tools(module, [parts for _name, _host, parts, problems in endpoints if not problems])
        results = _audit_probe.run_many(endpoints, module.params["parallel"], cipher_list)
        module.exit_json(changed=False, endpoints=results)
    parts, problems = _audit_probe.validate(module.params)
    if problems:
        module.fail_json(msg="; ".join(problems))
    cipher_list = _tools(module, [parts])
    module.exit_json(changed=False, **_audit_probe.run(module.params["host"], parts, cipher_list))


if __name__ == "__main__":
    main()
