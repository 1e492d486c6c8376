#!/usr/bin/env python
"""Benchmark: voipsec.baresip's audit, and its TLS sweep alone, against testssl.sh on the same endpoint.

In one run: deploy (or reuse) the demo lab, switch demo-ua1 to server-only TLS (testssl.sh 3.0
cannot present a client certificate, and the demo endpoints require one), then, BENCH_RUNS times
each (default 3): `ansible-playbook playbooks/verify.yml` against demo-ua1 from demo-auditor,
the audit's TLS sweep alone (bench/sweep_once.py: the tls_probe module's code without Ansible)
and `testssl.sh -p -E -f -S` on the same SIP over TLS port, both from this machine. Prints min/median
times, the ratios against their goals and the accepted sets side by side; switches mutual TLS
back on at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

from _lab import INVENTORY, OUT, RUNS, address, demo_lab, fail, ratio, row, run, timed

CURVES = {"prime256v1": "P-256", "secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
PROTOCOLS = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLS1": "TLSv1", "TLS1_1": "TLSv1.1"}
PROTOCOLS.update({"TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"})
GOALS = {"audit": 0.5, "sweep": 0.25}


def testssl_sets(path):
    data = json.loads(path.read_text())
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
    return {"protocols": versions, "ciphers": ciphers, "groups": groups, "signature algorithms": None}


def our_sets(sweep):
    return {
        "protocols": set(sweep["versions"]),
        "ciphers": set(sweep["tls12_ciphers"] + sweep["tls13_ciphersuites"]),
        "groups": set(sweep["groups"]),
        "signature algorithms": set(sweep["signature_algorithms"]),
    }


def main():
    testssl = shutil.which("testssl") or shutil.which("testssl.sh")
    if not testssl:
        print("testssl.sh is not installed (apt-get install testssl.sh)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    demo_lab()
    site = ["ansible-playbook", *INVENTORY, "playbooks/site.yml", "--limit", "demo-ua1"]
    proc, _seconds = run([*site, "-e", "baresip_sip_verify_client=false"])
    if proc.returncode != 0:
        fail("site.yml (server-only TLS on demo-ua1)", proc)
    try:
        return compare(testssl, address("demo-ua1"))
    finally:
        run(site)


def compare(testssl, addr):
    audit_dir = OUT / "audit"
    verify = ["ansible-playbook", *INVENTORY, "playbooks/verify.yml", "--limit", "demo-ua1"]
    verify += ["-e", "baresip_verify_client_auth=false", "-e", f"baresip_report_dir={audit_dir}"]
    audit = timed("verify.yml", verify)

    # the sweep alone from this machine, as testssl.sh runs: the tls_probe module's code, no Ansible
    sweep_argv = [sys.executable, "bench/sweep_once.py", addr, "5061"]
    sweep = timed("the sweep alone", sweep_argv)
    proc, _seconds = run(sweep_argv)
    swept = json.loads(proc.stdout)

    # testssl.sh writes no JSON file over an existing one: each run's is moved aside
    tjson, last = OUT / "testssl.run.json", OUT / "testssl.json"
    tjson.unlink(missing_ok=True)

    def written(_proc):
        if not tjson.exists():
            return "no JSON written"
        tjson.replace(last)
        return None

    argv = [testssl, "-p", "-E", "-f", "-S", "--jsonfile", str(tjson)]
    argv += ["--warnings", "off", "--quiet", "--color", "0", f"{addr}:5061"]
    reference = timed("testssl.sh", argv, check=written, env={**os.environ, "TERM": "dumb"})

    print(f"endpoint demo-ua1 {addr}:5061 (server-only TLS), from demo-auditor; {RUNS} runs each")
    row("verify.yml, one endpoint, every check", audit)
    row("TLS sweep alone (bench/sweep_once.py)", sweep)
    row("testssl.sh -p -E -f -S", reference)
    ok = ratio("verify.yml / testssl.sh", audit, reference, GOALS["audit"])
    ok &= ratio("sweep / testssl.sh", sweep, reference, GOALS["sweep"])

    evidence = json.loads((audit_dir / "evidence" / "demo-ua1.json").read_text())["tls"]["sweep"]
    ours, theirs, alone = our_sets(evidence), testssl_sets(last), our_sets(swept["sweep"])
    same = True
    for label in ours:
        print(f"  {label:21} verify.yml: {', '.join(sorted(ours[label])) or '-'}")
        print(f"  {'':21} sweep:      {', '.join(sorted(alone[label])) or '-'}")
        if theirs[label] is None:
            print(f"  {'':21} testssl.sh: not reported by testssl.sh 3.0")
            same &= ours[label] == alone[label]
            continue
        match = ours[label] == theirs[label] == alone[label]
        same &= match
        verdict = "same" if match else "DIFFERENT"
        print(f"  {'':21} testssl.sh: {', '.join(sorted(theirs[label])) or '-'}  -> {verdict}")
    print(f"same accepted sets: {'yes' if same else 'no'}")
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
