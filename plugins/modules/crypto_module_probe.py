#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: crypto_module_probe
short_description: Which cryptographic module the running baresip uses, and whether it is in force
description:
  - Runs on the endpoint. Reads the running service's process - the libcrypto and provider modules it
    has mapped (C(/proc/PID/maps)) and the C(OPENSSL_CONF) it was started with - and whether that
    configuration file changed after the process started.
  - Loads the same libcrypto in a separate process with the same configuration (ctypes) and reports what
    is in force there - providers available, C(fips=yes) as default property, whether MD5, SHA-256,
    ChaCha20-Poly1305 and AES-256-GCM can be fetched - and the providers C(openssl list -providers)
    reports under it (name, version, status).
  - Runs C(fipsinstall -verify) of the host's module configuration with the module's own C(openssl) and
    hashes the module file the process mapped.
  - With O(approved_only), starts a short-lived C(openssl s_server) on the loopback address under the
    service's configuration with a cipher list wider than the profile's (ChaCha20-Poly1305 added, a
    throwaway certificate of the profile's curve) and offers it ChaCha20 alone and, as control, the
    profile's cipher.
  - Lists the OpenSSL functions the files under O(scan) import that compute outside any provider.
  - Changes nothing on the endpoint.
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
extends_documentation_fragment:
  - voipsec.baresip.probe
options:
  service:
    description: The systemd service of baresip.
    type: str
    default: baresip
  module_path:
    description: The provider module file the service should load (C(fips.so)).
    type: path
    required: true
  module_config:
    description: The host's module configuration written by C(fipsinstall).
    type: path
    required: true
  module_openssl:
    description: The C(openssl) built with the module, for C(fipsinstall -verify).
    type: path
    required: true
  scan:
    description: Files and directories (not recursive) whose ELF files' imports are listed.
    type: list
    elements: path
    default: []
  approved_only:
    description:
      - The refusal test - versions (the profile's TLS versions), tls12_cipher and tls13_ciphersuite (the
        profile's first), curve and digest of the throwaway certificate, port (default 15064).
      - Omitted - no such test.
    type: dict
  timeout:
    description: Seconds for each command and handshake.
    type: float
    default: 10
  openssl_path:
    description: The host's openssl binary (it uses the libcrypto baresip uses).
    type: str
    default: openssl
"""

EXAMPLES = r"""
- name: Which module does baresip's cryptography run in?
  voipsec.baresip.crypto_module_probe:
    module_path: /opt/baresip/fips/lib/ossl-modules/fips.so
    module_config: /etc/baresip/fipsmodule.cnf
    module_openssl: /opt/baresip/fips/bin/openssl
    scan: [/opt/baresip/bin, /opt/baresip/lib, /opt/baresip/lib/baresip/modules]
    approved_only:
      versions: [TLSv1.2]
      tls12_cipher: ECDHE-ECDSA-AES256-GCM-SHA384
      curve: secp384r1
      digest: sha384
  register: module_facts
"""

RETURN = r"""
process:
  description: pid, started (epoch seconds), libcrypto and providers (mapped files), openssl_conf (from its
    environment), config_changed (files of the configuration modified after the process started).
  returned: always
  type: dict
in_process:
  description: What the service's libcrypto reports under the service's configuration (see description);
    null when it could not be asked.
  returned: always
  type: dict
providers:
  description: >-
    C(openssl list -providers -verbose) under the service's configuration - id, name, version,
    status.
  returned: always
  type: list
  elements: dict
module_file:
  description: path, sha256 of the module file the process mapped (or O(module_path)).
  returned: always
  type: dict
install:
  description: passed, detail of C(fipsinstall -verify).
  returned: always
  type: dict
approved_only:
  description: offers (name, accepted, cipher, protocol, error) and error.
  returned: when O(approved_only) is given
  type: dict
imports:
  description: Per scanned ELF file, the OpenSSL functions it imports that compute outside any provider.
  returned: always
  type: dict
error:
  description: Why the process could not be read.
  returned: always
  type: str
"""

import os
import shutil
import sys
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voipsec.baresip.plugins.module_utils import (
    _baresip_state,
    _converged,
    _crypto_module,
    _elf,
    _s_client,
    _s_server,
    _tls_offer,
)
from ansible_collections.voipsec.baresip.plugins.module_utils._stream import Child


def _read(path, mode="r"):
    with open(path, mode) as handle:
        return handle.read()


def read_process(module, p):
    rc, out, err = module.run_command(_baresip_state.service_show_argv(p["service"] + ".service"))
    if rc != 0:
        return None, f"systemctl show {p['service']} failed: {err.strip()}"
    service = _baresip_state.parse_properties(out)
    pid = int(service.get("MainPID") or 0)
    if not pid:
        return None, f"{p['service']} is not running"
    try:
        maps = _crypto_module.parse_maps(_read(f"/proc/{pid}/maps"))
        environ = _crypto_module.parse_environ(_read(f"/proc/{pid}/environ", "rb"))
    except OSError as exc:
        return None, f"cannot read process {pid}: {exc}"
    started = _baresip_state.started_at(
        service.get("ExecMainStartTimestampMonotonic"), time.time(), time.clock_gettime(time.CLOCK_MONOTONIC)
    )
    if started is None:
        return None, f"{p['service']}: systemd recorded no start time for pid {pid}"
    conf = environ.get("OPENSSL_CONF")
    changed = [
        path
        for path in (conf, p["module_config"])
        if path and os.path.exists(path) and os.stat(path).st_mtime > started
    ]
    return {
        "pid": pid,
        "started": started,
        "libcrypto": maps["libcrypto"],
        "providers": maps["providers"],
        "openssl_conf": conf,
        "config_changed": changed,
    }, None


def in_process(module, process, conf):
    libcrypto = (process or {}).get("libcrypto") or []
    if not libcrypto or not conf:
        return None, "no libcrypto mapped or no OPENSSL_CONF in the service's environment"
    rc, out, err = module.run_command(
        [sys.executable, "-c", _crypto_module.PROCESS_SCRIPT, libcrypto[0]],
        environ_update={"OPENSSL_CONF": conf},
    )
    facts = _crypto_module.parse_process_check(out)
    return (
        facts,
        None if facts else f"libcrypto could not be asked (exit {rc}): {(err or out).strip()[-300:]}",
    )


def approved_only(module, p, openssl, conf):
    spec = p["approved_only"]
    port = int(spec.get("port") or 15064)
    work = tempfile.mkdtemp(prefix="voipsec-approved.")
    result = {"offers": [], "error": None}
    server = None
    try:
        rc, _out, err = module.run_command(
            _s_server.throwaway_certificate_argv(
                openssl,
                work,
                spec.get("curve") or "secp384r1",
                spec.get("digest") or "sha384",
                "approved-only probe",
            ),
            environ_update={"OPENSSL_CONF": "/dev/null"},
        )
        if rc != 0:
            result["error"] = f"could not make the throwaway certificate: {err.strip()[-200:]}"
            return result
        offers = []
        versions = spec.get("versions") or ["TLSv1.2"]
        if "TLSv1.2" in versions:
            offers += [
                {"name": "chacha20_tls12", "version": "TLSv1.2", "cipher": "ECDHE-ECDSA-CHACHA20-POLY1305"},
                {"name": "profile_tls12", "version": "TLSv1.2", "cipher": spec.get("tls12_cipher")},
            ]
        if "TLSv1.3" in versions:
            offers += [
                {
                    "name": "chacha20_tls13",
                    "version": "TLSv1.3",
                    "ciphersuites": "TLS_CHACHA20_POLY1305_SHA256",
                },
                {
                    "name": "profile_tls13",
                    "version": "TLSv1.3",
                    "ciphersuites": spec.get("tls13_ciphersuite"),
                },
            ]
        # wider than the profile: ChaCha20-Poly1305 first, the profile's own after it
        ciphers = ":".join(n for n in ("ECDHE-ECDSA-CHACHA20-POLY1305", spec.get("tls12_cipher")) if n)
        suites = ":".join(n for n in ("TLS_CHACHA20_POLY1305_SHA256", spec.get("tls13_ciphersuite")) if n)
        server = Child(
            [openssl, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", os.path.join(work, "cert.pem"),
             "-key", os.path.join(work, "key.pem"), "-cipher", ciphers, "-ciphersuites", suites],
            env=dict(os.environ, OPENSSL_CONF=conf),
        )  # fmt: skip
        if not _s_server.wait_accepting(server):
            result["error"] = f"s_server did not start: {server.text.strip()[-300:]}"
            return result
        params = {"host": "127.0.0.1", "port": port, "openssl_path": openssl}
        for offer in offers:
            _timed_out, text = _tls_offer.run_s_client(
                _tls_offer.build_command(params, offer), p["timeout"], 2
            )
            facts = _s_client.parse(text)
            result["offers"].append(
                {
                    "name": offer["name"],
                    "accepted": facts["accepted"],
                    "connected": facts["connected"],
                    "cipher": facts["cipher"],
                    "protocol": facts["protocol"],
                    "error": facts["error"],
                }
            )
    finally:
        if server is not None:
            server.stop(2)
        shutil.rmtree(work, ignore_errors=True)
    return result


def scan(paths):
    files = {}
    for root in paths:
        names = [root] if os.path.isfile(root) else sorted(os.path.join(root, n) for n in os.listdir(root))
        for path in names:
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            try:
                with open(path, "rb") as handle:
                    head = handle.read(4)
                    if head != b"\x7fELF":
                        continue
                    handle.seek(0)
                    files[path] = _elf.imports(handle.read())["imports"]
            except (OSError, _elf.ElfError):
                continue
    return files


def argument_spec():
    return dict(
        service=dict(type="str", default="baresip"),
        module_path=dict(type="path", required=True),
        module_config=dict(type="path", required=True),
        module_openssl=dict(type="path", required=True),
        scan=dict(type="list", elements="path", default=[]),
        approved_only=dict(type="dict"),
        timeout=dict(type="float", default=10),
        openssl_path=dict(type="str", default="openssl"),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    p = module.params
    openssl = module.get_bin_path(p["openssl_path"], required=True)
    process, error = read_process(module, p)
    conf = (process or {}).get("openssl_conf")
    facts, process_error = in_process(module, process, conf) if process else (None, None)
    providers = []
    if conf:
        rc, out, _err = module.run_command(
            [openssl, "list", "-providers", "-verbose"], environ_update={"OPENSSL_CONF": conf}
        )
        providers = _crypto_module.parse_providers(out) if rc == 0 else []
    mapped = [
        m
        for m in (process or {}).get("providers", [])
        if os.path.basename(m) == os.path.basename(p["module_path"])
    ]
    module_file = mapped[0] if mapped else p["module_path"]
    install = {"passed": False, "detail": f"{p['module_openssl']} or {p['module_config']} missing"}
    if (
        os.path.exists(p["module_openssl"])
        and os.path.exists(p["module_config"])
        and os.path.exists(module_file)
    ):
        rc, out, err = module.run_command(
            [
                p["module_openssl"],
                "fipsinstall",
                "-module",
                module_file,
                "-in",
                p["module_config"],
                "-verify",
            ],
            environ_update={"OPENSSL_CONF": "/dev/null"},
        )
        install = _crypto_module.parse_fipsinstall(rc, out + err)
    result = dict(
        changed=False,
        process=process,
        in_process=facts,
        in_process_error=process_error,
        providers=providers,
        module_file={
            "path": module_file,
            "sha256": _converged.file_digest(module_file) if os.path.exists(module_file) else None,
        },
        install=install,
        imports={
            path: [s for s in syms if _crypto_module.classify(s)] for path, syms in scan(p["scan"]).items()
        },
        error=error,
    )
    if p["approved_only"] and conf:
        result["approved_only"] = approved_only(module, p, openssl, conf)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
