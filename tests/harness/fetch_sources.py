#!/usr/bin/env python
"""Obtain and verify the source tarballs of one baresip release set.

The release table is the build role's own data (roles/build/defaults/main.yml), and so is
the table of OpenSSL FIPS provider releases (``--fips``). Each tarball is taken from the
first place that yields the expected sha256:

1. the cache directory (already verified earlier),
2. a shared directory of verified upstream archives, when there is one
   (``--shared``, default ``$BARESIP_SHARED_SOURCES`` or ``../shared/sources``
   beside the checkout),
3. its upstream archive URL,
4. Debian's source archive through apt (the identical ``.orig.tar.gz``), with a
   private apt configuration derived from this machine's configured sources so
   nothing under /etc is changed (the 1.1.0 trio).

A tarball whose digest does not match is never kept. A FIPS provider tarball from the shared
directory may carry the digest that directory's SHA256SUMS records for it (a regenerated
archive, see its PROVENANCE.md) instead of the official one; the digest accepted is written
beside the tarball (``<file>.sha256``) for the build role's ``baresip_build_fips_source_sha256``,
and the build verifies the module's boundary checksum either way. Exit status is 0 when every
tarball is present and verified, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = ROOT / "roles" / "build" / "defaults" / "main.yml"
APT_SOURCES = Path("/etc/apt/sources.list.d")
APT_SUITES = ("trixie", "sid")


class FetchError(Exception):
    """A tarball could not be obtained from a source."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def load_components(version: str, defaults: Path = DEFAULTS) -> list[dict]:
    data = yaml.safe_load(defaults.read_text())
    releases = data.get("baresip_releases") or {}
    if version not in releases:
        known = ", ".join(sorted(releases))
        raise FetchError(f"baresip {version} is not in the release table (known: {known})")
    return releases[version]["components"]


def load_fips_components(shared: Path | None, defaults: Path = DEFAULTS) -> list[dict]:
    """The FIPS provider tarballs, each accepting also the digest the shared directory records."""
    providers = yaml.safe_load(defaults.read_text()).get("baresip_fips_providers") or {}
    recorded = {}
    sums = shared / "SHA256SUMS" if shared else None
    if sums and sums.is_file():
        recorded = {
            name: digest for digest, name in (line.split() for line in sums.read_text().splitlines() if line)
        }
    components = []
    for version, entry in providers.items():
        component = dict(entry, name="openssl-fips", version=version)
        if recorded.get(entry["file"], entry["sha256"]) != entry["sha256"]:
            component["alternates"] = [recorded[entry["file"]]]
        components.append(component)
    return components


def digests(component: dict) -> list[str]:
    return [component["sha256"], *component.get("alternates", [])]


def record(final: Path) -> None:
    """Write the accepted digest beside the tarball."""
    final.with_name(final.name + ".sha256").write_text(sha256_of(final) + "\n")


def accept(candidate: Path, component: dict, dest: Path) -> Path:
    """Move ``candidate`` to ``dest`` if its digest is the expected one."""
    actual = sha256_of(candidate)
    if actual not in digests(component):
        candidate.unlink(missing_ok=True)
        raise FetchError(
            f"sha256 mismatch for {component['file']}: expected {component['sha256']}, got {actual}"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(candidate), dest)
    return dest


def from_shared(component: dict, workdir: Path, shared: Path | None) -> Path:
    """A copy of the file from the shared directory (its digest is checked by ``accept``)."""
    if shared is None or not (shared / component["file"]).is_file():
        raise FetchError(f"{component['file']}: not in the shared directory {shared}")
    target = workdir / (component["file"] + ".part")
    shutil.copyfile(shared / component["file"], target)
    return target


def shared_dir() -> Path | None:
    env = os.environ.get("BARESIP_SHARED_SOURCES")
    candidate = Path(env) if env else ROOT.parent / "shared" / "sources"
    return candidate if candidate.is_dir() else None


def from_url(component: dict, workdir: Path, retries: int, timeout: float) -> Path:
    target = workdir / (component["file"] + ".part")
    last = None
    for attempt in range(1, retries + 1):
        try:
            url = component["url"]
            if not url.startswith(("https://", "http://", "file://")):
                raise FetchError(f"{url}: unsupported URL scheme")
            with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:  # noqa: S310
                shutil.copyfileobj(response, out)
            return target
        except OSError as exc:  # URLError and socket errors are OSErrors
            last = exc
            if attempt < retries:
                time.sleep(min(2**attempt, 10))
    raise FetchError(f"{component['url']}: {last}")


def deb_src_stanzas(text: str, extra_suites: tuple[str, ...] = APT_SUITES) -> str:
    """Turn deb822 ``Types: deb`` stanzas into ``deb-src`` twins with extra suites.

    Only stanzas of the Debian archive proper (not security) get the extra suites;
    the result keeps URIs, components and keyrings as configured.
    """
    out = []
    for stanza in text.strip().split("\n\n"):
        lines = [line for line in stanza.splitlines() if line.strip() and not line.startswith("#")]
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        fields = {key.strip(): value.strip() for key, value in fields.items()}
        if "deb" not in fields.get("Types", "").split():
            continue
        suites = fields.get("Suites", "").split()
        if not any(s.endswith("-security") for s in suites):
            suites += [s for s in extra_suites if s not in suites]
        fields["Types"] = "deb-src"
        fields["Suites"] = " ".join(suites)
        out.append("\n".join(f"{key}: {value}" for key, value in fields.items()))
    return "\n\n".join(out) + "\n"


class AptSource:
    """apt-get source with a private state directory beside the cache."""

    def __init__(self, state: Path):
        self.state = state
        self.ready = False

    def _opts(self) -> list[str]:
        return [
            "-o",
            f"Dir::Etc::SourceList={self.state / 'sources.list'}",
            "-o",
            f"Dir::Etc::SourceParts={self.state / 'sources.list.d'}",
            "-o",
            f"Dir::State::Lists={self.state / 'lists'}",
            "-o",
            f"Dir::Cache={self.state / 'cache'}",
            "-o",
            "APT::Sandbox::User=root",
            "-o",
            "Acquire::Retries=3",
        ]

    def prepare(self) -> None:
        if self.ready:
            return
        if not shutil.which("apt-get"):
            raise FetchError("apt-get is not available")
        parts = self.state / "sources.list.d"
        parts.mkdir(parents=True, exist_ok=True)
        (self.state / "lists" / "partial").mkdir(parents=True, exist_ok=True)
        (self.state / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
        (self.state / "sources.list").write_text("")
        text = "\n\n".join(p.read_text() for p in sorted(APT_SOURCES.glob("*.sources")))
        if not text.strip():
            raise FetchError(f"no deb822 sources in {APT_SOURCES}")
        (parts / "deb-src.sources").write_text(deb_src_stanzas(text))
        self._run(["apt-get", *self._opts(), "update"], cwd=self.state)
        self.ready = True

    @staticmethod
    def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)

    def fetch(self, component: dict, workdir: Path) -> Path:
        deb = component.get("debian_source")
        if not deb:
            raise FetchError(f"{component['file']}: no debian_source in the release table")
        self.prepare()
        spec = f"{deb['package']}={deb['version']}"
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            result = self._run(["apt-get", *self._opts(), "source", "--download-only", spec], Path(tmp))
            origs = list(Path(tmp).glob("*.orig.tar.*"))
            if not origs:
                raise FetchError(f"apt-get source {spec}: no .orig tarball ({result.stderr.strip()[-300:]})")
            target = workdir / (component["file"] + ".part")
            shutil.move(str(origs[0]), target)
            return target


def fetch_all(
    components: list[dict],
    dest: Path,
    retries: int = 3,
    timeout: float = 30,
    sources: tuple[str, ...] = ("shared", "url", "apt"),
    log=print,
    shared: Path | None = None,
) -> bool:
    dest.mkdir(parents=True, exist_ok=True)
    apt = AptSource(dest / ".apt")
    ok = True
    for component in components:
        final = dest / component["file"]
        if final.exists():
            if sha256_of(final) in digests(component):
                record(final)
                log(f"{component['file']}: cached, sha256 ok")
                continue
            log(f"{component['file']}: cached copy has a wrong sha256, fetching again")
            final.unlink()
        errors = []
        for source in sources:
            try:
                if source == "shared":
                    candidate = from_shared(component, dest, shared)
                elif source == "url":
                    candidate = from_url(component, dest, retries, timeout)
                else:
                    candidate = apt.fetch(component, dest)
                accept(candidate, component, final)
                record(final)
                log(f"{component['file']}: from {source}, sha256 ok")
                break
            except (FetchError, OSError, subprocess.SubprocessError) as exc:
                errors.append(f"{source}: {exc}")
        else:
            ok = False
            log(f"{component['file']}: FAILED ({'; '.join(errors)})", file=sys.stderr)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--version", action="append", help="baresip release set (repeatable; default: every one in the table)"
    )
    parser.add_argument("--fips", action="store_true", help="also the OpenSSL FIPS provider tarballs")
    parser.add_argument("--shared", type=Path, default=None, help="directory of verified archives")
    parser.add_argument(
        "--dest", type=Path, default=Path(os.environ.get("BARESIP_SOURCE_CACHE", ROOT / ".cache" / "sources"))
    )
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args(argv)
    versions = args.version or list(yaml.safe_load(DEFAULTS.read_text())["baresip_releases"])
    shared = args.shared or shared_dir()
    ok = True
    for version in versions:
        try:
            components = load_components(version)
        except FetchError as exc:
            print(exc, file=sys.stderr)
            return 1
        ok = fetch_all(components, args.dest, args.retries, args.timeout, shared=shared) and ok
    if args.fips:
        fips = load_fips_components(shared)
        ok = fetch_all(fips, args.dest, args.retries, args.timeout, ("shared", "url"), shared=shared) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
