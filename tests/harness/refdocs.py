"""The reference in ``docs/reference/``: what antsibull-docs generates from the documentation of the
modules, the lookup, the filters and the roles (``meta/argument_specs.yml``), as simplified RST.

antsibull-docs runs on this checkout, whatever its path: a temporary collection tree links to it, and
comes first in ``ANSIBLE_COLLECTIONS_PATH``. The files carry neither paths nor the antsibull-docs
version, so the same sources give the same reference.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path("docs") / "reference"
COLLECTION = "voipsec.baresip"
BIN = Path(sys.executable).parent


def _env(collections):
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    others = [p for p in env.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
    env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join([str(collections), *others])
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def antsibull_docs(*args, workdir):
    """Run antsibull-docs with this checkout as the collection; ``workdir`` holds the link to it."""
    tool = BIN / "antsibull-docs"
    if not tool.exists():
        raise SystemExit(f"{tool} is missing: make venv installs it (requirements-dev.txt)")
    link = Path(workdir) / "collections" / "ansible_collections" / "voipsec" / "baresip"
    if not link.exists():
        link.parent.mkdir(parents=True)
        link.symlink_to(ROOT, target_is_directory=True)
    return subprocess.run(
        [str(tool), *args],
        cwd=ROOT,
        env=_env(link.parents[2]),
        capture_output=True,
        text=True,
        check=False,
    )


def generate(dest):
    """Write the reference into the empty directory ``dest``; exit on any error or warning."""
    with tempfile.TemporaryDirectory(prefix="refdocs-") as work:
        result = antsibull_docs(
            "collection",
            "--use-current",
            "--squash-hierarchy",
            "--output-format",
            "simplified-rst",
            "--no-add-antsibull-docs-version",
            "--fail-on-error",
            "--dest-dir",
            str(dest),
            COLLECTION,
            workdir=work,
        )
    log = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or log:
        raise SystemExit(f"antsibull-docs failed (exit {result.returncode}):\n{log}")


def _files(directory):
    directory = Path(directory)
    if not directory.is_dir():
        return {}
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def differences(generated, committed):
    """Files that differ between two trees: changed, missing from ``committed`` or extra in it."""
    new, old = _files(generated), _files(committed)
    return sorted(name for name in new.keys() | old.keys() if new.get(name) != old.get(name))


def update(check=False, reference=None):
    """Regenerate ``docs/reference`` (with ``check``, only compare); the names of the stale files."""
    reference = Path(reference or ROOT / REFERENCE)
    with tempfile.TemporaryDirectory(prefix="refdocs-out-") as out:
        generate(out)
        stale = differences(out, reference)
        for name in stale if not check else []:
            source, target = Path(out) / name, reference / name
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
            else:
                target.unlink()
    shown = reference.relative_to(ROOT) if reference.is_relative_to(ROOT) else reference
    return [f"{shown.as_posix()}/{name}" for name in stale]
