"""Shared by the benchmarks: the demo lab, extra endpoint containers, timing and statistics."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results"
IMAGE = os.environ.get("MOLECULE_IMAGE", "localhost/voipsec-debian:bookworm")
NETWORK = "voipsec-demo"
INVENTORY = ["-i", "demo/inventory.yml"]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# demo/inventory.yml finds the demo state beside itself; hosts added from another inventory
# source are told where it is (demo/run.sh exports the same default)
os.environ.setdefault("BARESIP_DEMO_STATE", str(ROOT / ".cache" / "demo"))
os.environ.setdefault("BARESIP_SOURCE_CACHE", str(ROOT / ".cache" / "sources"))


def run(argv, **kw):
    """(completed process, wall seconds); output captured, never raises on a non-zero exit."""
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, **kw)
    return proc, time.monotonic() - start


def fail(what, proc):
    print(
        f"{what} failed (exit {proc.returncode}):", proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr
    )
    raise SystemExit(1)


def timed(label, argv, runs=RUNS, check=None, **kw):
    """Run ``argv`` ``runs`` times; its wall times. ``check(proc)`` returns a problem or None."""
    samples = []
    for _run in range(runs):
        proc, seconds = run(argv, **kw)
        problem = check(proc) if check else (None if proc.returncode == 0 else "non-zero exit")
        if problem:
            fail(f"{label}: {problem}", proc)
        samples.append(seconds)
    return samples


def stats(samples):
    return min(samples), statistics.median(samples)


def row(label, samples, note=""):
    lo, med = stats(samples)
    runs = f"{len(samples)} run{'s' if len(samples) > 1 else ''}"
    print(f"  {label:44} min {lo:6.1f} s  median {med:6.1f} s  ({runs}){note}")


def ratio(label, ours, reference, goal):
    value = stats(ours)[1] / stats(reference)[1]
    verdict = "within the goal" if value <= goal else "OVER the goal"
    print(f"  ratio {label:38} {value:6.2f}   goal <= {goal:.2f}: {verdict}")
    return value <= goal


def demo_lab():
    """Deploy (or reuse) the demo lab: builder, demo-ua1, demo-ua2, demo-auditor."""
    proc, _seconds = run(["demo/run.sh"])
    if "reports:" not in proc.stdout:
        fail("demo/run.sh", proc)


def address(name):
    return subprocess.run(
        ["podman", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def start_endpoints(names):
    """Endpoint containers like the demo's (systemd, the capabilities the unit sandbox and the
    media capture need) on the demo network."""
    caps = ["--cap-add", "SYS_ADMIN", "--cap-add", "NET_RAW"]
    for name in names:
        subprocess.run(["podman", "rm", "-f", name], capture_output=True, check=False)
        argv = ["podman", "run", "-d", "--name", name, "--hostname", name, "--network", NETWORK, *caps]
        subprocess.run([*argv, "--systemd=always", IMAGE, "/sbin/init"], capture_output=True, check=True)
    for name in names:
        for _second in range(60):
            state = subprocess.run(
                ["podman", "exec", name, "systemctl", "is-system-running"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            if state in ("running", "degraded"):
                break
            time.sleep(1)


def remove_endpoints(names):
    subprocess.run(["podman", "rm", "-f", *names], capture_output=True, check=False)


def extra_inventory(names, path):
    """An inventory source that adds ``names`` to the demo's baresip_endpoints group (the group's
    variables come from demo/inventory.yml, given with it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    hosts = {name: None for name in names}
    path.write_text(json.dumps({"all": {"children": {"baresip_endpoints": {"hosts": hosts}}}}, indent=2))
    return ["-i", "demo/inventory.yml", "-i", str(path)]


def recap(proc):
    """{host: {ok, changed, unreachable, failed, ...}} from a PLAY RECAP."""
    out = {}
    for host, fields in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", proc.stdout, re.M):
        out[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", fields)}
    return out


def report(path):
    return json.loads(Path(path).read_text())
