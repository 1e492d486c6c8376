#!/usr/bin/env python
"""Benchmark: voipsec.baresip's audit against testssl.sh, on the same endpoint.

In one run: deploy (or reuse) the demo lab, switch demo-ua1 to server-only TLS
(testssl.sh 3.0 cannot present a client certificate, and the demo endpoints
require one), time `ansible-playbook playbooks/verify.yml` against demo-ua1 and
`testssl.sh -p -E -f -S` against the same SIP over TLS port, compare the
accepted protocol, cipher and group sets each one saw, and switch mutual TLS
back on. Prints figures only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results"
CURVES = {"prime256v1": "P-256", "secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
PROTOCOLS = {
    "SSLv2": "SSLv2",
    "SSLv3": "SSLv3",
    "TLS1": "TLSv1",
    "TLS1_1": "TLSv1.1",
    "TLS1_2": "TLSv1.2",
    "TLS1_3": "TLSv1.3",
}


def run(argv, **kw):
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, **kw)
    return proc, time.monotonic() - start


def testssl_sets(path):
    data = json.loads(Path(path).read_text())
    versions, ciphers, groups = set(), set(), set()
    for entry in data:
        eid, finding = entry.get("id", ""), entry.get("finding", "")
        if eid in PROTOCOLS and finding.startswith("offered"):
            versions.add(PROTOCOLS[eid])
        elif eid.startswith("cipher-tls") or eid.startswith("cipher_x"):
            parts = finding.split()
            if len(parts) >= 4:
                ciphers.add(parts[3])
        elif eid in ("PFS_ECDHE_curves", "FS_ECDHE_curves"):
            groups.update(CURVES.get(c, c) for c in finding.split())
    return versions, ciphers, groups


def audit_sets(evidence_dir):
    sweep = json.loads(next(Path(evidence_dir).glob("*.json")).read_text())["tls"]["sweep"]
    return (
        set(sweep["versions"]),
        set(sweep["tls12_ciphers"] + sweep["tls13_ciphersuites"]),
        set(sweep["groups"]),
    )


def main():
    testssl = shutil.which("testssl") or shutil.which("testssl.sh")
    if not testssl:
        print("testssl.sh is not installed (apt-get install testssl.sh)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    proc, _seconds = run(["demo/run.sh"])
    if "reports:" not in proc.stdout:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        return 1
    site = ["ansible-playbook", "-i", "demo/inventory.yml", "playbooks/site.yml", "--limit", "demo-ua1"]
    proc, _seconds = run([*site, "-e", "baresip_sip_verify_client=false"])
    if proc.returncode != 0:
        print(proc.stdout[-3000:], file=sys.stderr)
        return 1
    try:
        return compare(testssl)
    finally:
        run(site)


def compare(testssl):
    addr = subprocess.run(
        ["podman", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "demo-ua1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    audit_dir = OUT / "audit"
    shutil.rmtree(audit_dir, ignore_errors=True)
    proc, audit_s = run(
        [
            "ansible-playbook",
            "-i",
            "demo/inventory.yml",
            "playbooks/verify.yml",
            "--limit",
            "demo-ua1",
            "-e",
            "baresip_verify_client_auth=false",
            "-e",
            f"baresip_report_dir={audit_dir}",
        ]
    )
    if proc.returncode != 0:
        print(proc.stdout[-3000:], file=sys.stderr)
        return 1
    tjson = OUT / "testssl.json"
    tjson.unlink(missing_ok=True)
    proc, testssl_s = run(
        [
            testssl,
            "-p",
            "-E",
            "-f",
            "-S",
            "--jsonfile",
            str(tjson),
            "--warnings",
            "off",
            "--quiet",
            "--color",
            "0",
            f"{addr}:5061",
        ],
        env={**os.environ, "TERM": "dumb"},
    )
    if not tjson.exists():
        print(proc.stdout[-3000:], file=sys.stderr)
        return 1

    ours = audit_sets(audit_dir / "evidence")
    theirs = testssl_sets(tjson)
    print(f"endpoint            demo-ua1 {addr}:5061")
    print(f"verify.yml          {audit_s:6.1f} s  (sweep, plaintext, SDES calls, state; from demo-auditor)")
    print(f"testssl.sh -p -E -f -S {testssl_s:6.1f} s")
    print(f"ratio verify/testssl {audit_s / testssl_s:6.2f}")
    same = True
    for label, a, b in zip(("protocols", "ciphers", "groups"), ours, theirs):
        match = a == b
        same &= match
        print(f"{label:10} verify: {', '.join(sorted(a)) or '-'}")
        print(f"{'':10} testssl: {', '.join(sorted(b)) or '-'}  -> {'same' if match else 'DIFFERENT'}")
    print(f"same accepted sets: {'yes' if same else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
