#!/usr/bin/env python
"""Benchmark: a fleet of 8 endpoints from the build-once artifact, and warm against cold site.yml.

In one run: deploy (or reuse) the demo lab (demo/run.sh: builder, demo-ua1, demo-ua2,
demo-auditor), start six more endpoint containers (demo-ua3 .. demo-ua8) on the demo network,
converge them with `playbooks/site.yml` from the demo's exported artifact (cold: new
containers, nothing compiled), run site.yml again on them (warm: must change nothing), then
time `playbooks/verify.yml` from demo-auditor against demo-ua1 alone and against all eight with
Ansible's default forks, BENCH_RUNS times each (default 3). Prints min/median times and the
ratios against their goals; the six extra containers are removed at the end (--keep keeps them).
"""

from __future__ import annotations

import sys

from _lab import (
    OUT,
    RUNS,
    demo_lab,
    extra_inventory,
    fail,
    ratio,
    recap,
    remove_endpoints,
    report,
    row,
    run,
    start_endpoints,
    timed,
)

EXTRA = [f"demo-ua{i}" for i in range(3, 9)]
GOALS = {"fleet": 2.0, "warm": 0.15}


def converged_without_change(proc):
    if proc.returncode != 0:
        return "non-zero exit"
    changed = {h: r["changed"] for h, r in recap(proc).items() if r.get("changed")}
    return f"changed on a warm run: {changed}" if changed else None


def audited(report_dir, hosts):
    def check(proc):
        if proc.returncode != 0:
            return "non-zero exit (an endpoint is not compliant)"
        seen = {h["host"]: h["compliant"] for h in report(report_dir / "report.json")["hosts"]}
        return None if sorted(seen) == sorted(hosts) and all(seen.values()) else f"report: {seen}"

    return check


def main():
    keep = "--keep" in sys.argv[1:]
    demo_lab()
    OUT.mkdir(parents=True, exist_ok=True)
    inventory = extra_inventory(EXTRA, OUT / "fleet" / "inventory.json")
    start_endpoints(EXTRA)
    try:
        site = ["ansible-playbook", *inventory, "playbooks/site.yml", "--limit", ",".join(EXTRA)]
        proc, cold = run(site)
        if proc.returncode != 0:
            fail("cold site.yml on the six new endpoints", proc)
        warm = timed("warm site.yml", site, check=converged_without_change)

        one_dir, fleet_dir = OUT / "fleet" / "one", OUT / "fleet" / "eight"
        verify = ["ansible-playbook", *inventory, "playbooks/verify.yml"]
        one = timed(
            "verify.yml on demo-ua1",
            [*verify, "--limit", "demo-ua1", "-e", f"baresip_report_dir={one_dir}"],
            check=audited(one_dir, ["demo-ua1"]),
        )
        eight = timed(
            "verify.yml on 8 endpoints",
            [*verify, "-e", f"baresip_report_dir={fleet_dir}"],
            check=audited(fleet_dir, ["demo-ua1", "demo-ua2", *EXTRA]),
        )
    finally:
        if not keep:
            remove_endpoints(EXTRA)

    checks = sum(len(h["checks"]) for h in report(fleet_dir / "report.json")["hosts"])
    print(
        f"fleet: demo-ua1 .. demo-ua8 from the demo's artifact, audited from demo-auditor; {RUNS} runs each"
    )
    row("verify.yml, 1 endpoint (mutual TLS)", one)
    row("verify.yml, 8 endpoints, default forks", eight, f"  {checks} checks")
    row("site.yml cold, 6 new endpoints", [cold])
    row("site.yml warm, same 6 (changed=0)", warm)
    ok = ratio("8 endpoints / 1 endpoint", eight, one, GOALS["fleet"])
    ok &= ratio("warm / cold site.yml", warm, [cold], GOALS["warm"])
    print(f"  per endpoint in the fleet audit: {min(eight) / 8:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
