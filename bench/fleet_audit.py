#!/usr/bin/env python
"""Benchmark: audit time for the demo fleet's two endpoints against one endpoint.

In one run: deploy (or reuse) the demo lab (demo/run.sh: builder, demo-ua1,
demo-ua2, demo-auditor), then time `playbooks/verify.yml` from demo-auditor
against demo-ua1 alone, against both endpoints with Ansible's parallel forks,
and against both with one fork (the serial reference). Prints figures only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "fleet"


def audit(name, *extra):
    report_dir = OUT / name
    argv = ["ansible-playbook", "-i", "demo/inventory.yml", "playbooks/verify.yml"]
    argv += ["-e", f"baresip_report_dir={report_dir}", *extra]
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{name}: verify.yml exited {proc.returncode}")
    report = json.loads((report_dir / "report.json").read_text())
    checks = sum(len(h["checks"]) for h in report["hosts"])
    return seconds, len(report["hosts"]), checks


def main():
    proc = subprocess.run(["demo/run.sh"], cwd=ROOT, capture_output=True, text=True, check=False)
    if "reports:" not in proc.stdout:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    one, hosts1, checks1 = audit("one", "--limit", "demo-ua1")
    fleet, hosts2, checks2 = audit("fleet", "--forks", "5")
    serial, hosts3, checks3 = audit("serial", "--forks", "1")
    print(f"one endpoint          {one:6.1f} s  ({hosts1} host, {checks1} checks)")
    print(f"fleet, 5 forks        {fleet:6.1f} s  ({hosts2} hosts, {checks2} checks)")
    print(f"fleet, 1 fork         {serial:6.1f} s  ({hosts3} hosts, {checks3} checks)")
    print(f"ratio fleet/one       {fleet / one:6.2f}  (2.00 would be no parallelism)")
    print(f"ratio serial/one      {serial / one:6.2f}")
    print(f"per endpoint, fleet   {fleet / hosts2:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
