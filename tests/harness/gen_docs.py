"""Regenerate the generated parts of the docs from their one source.

- ``docs/audit.md``, between ``<!-- BEGIN GENERATED checks -->`` and its END
  marker: the check registry (id, title, passing evidence, facts, profile
  keys) and, per shipped profile, the controls each check evidences.
- ``docs/errors.md``: the bad inputs of ``tests/bad_inputs.yml`` and their messages.
- ``docs/endpoint.md``, between the ``profiles`` markers: the shipped profiles side by side.
- ``docs/reference/``: the module, lookup, filter and role reference antsibull-docs generates
  (``refdocs.py``).

``--check`` exits 1 when a file would change (the unit tests run it).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import refdocs
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))

from ansible_collections.voipsec.baresip.plugins.module_utils import _checks, _profile  # noqa: E402
from ansible_collections.voipsec.baresip.plugins.module_utils._registry import FACTS  # noqa: E402


def _cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def checks_section():
    lines = [
        "| id | title | passes only when | facts | profile keys |",
        "|---|---|---|---|---|",
    ]
    for c in _checks.REGISTRY:
        reads = ", ".join(f"`{k}`" for k in c.reads) or "—"
        live = "" if c.live else " (host state; measured even when the service is down)"
        lines.append(
            f"| `{c.id}` | {_cell(c.title)} | {_cell(c.passes_when)}{live} | {', '.join(c.needs)} | {reads} |"
        )
    lines += ["", "Facts and the probes that produce them:", "", "| fact | produced by |", "|---|---|"]
    lines += [f"| {name} | {_cell(text)} |" for name, text in FACTS.items()]
    for profile in _profiles():
        lines += ["", f"Controls of `{profile['name']}`:", "", "| check | controls |", "|---|---|"]
        for c in _checks.REGISTRY:
            if c.applies_to(profile):
                lines.append(f"| `{c.id}` | {_cell(', '.join(profile['controls'][c.id]))} |")
    return "\n".join(lines)


def _profiles():
    return [_profile.load(str(p), [], yaml.safe_load) for p in sorted((ROOT / "profiles").glob("*.yml"))]


def profiles_section():
    profiles = _profiles()
    rows = [
        ("TLS versions", lambda p: ", ".join(p["tls"]["versions"])),
        ("TLS 1.2 ciphers", lambda p: ", ".join(p["tls"]["tls12_ciphers"]) or "none"),
        ("TLS 1.3 ciphersuites", lambda p: ", ".join(p["tls"]["tls13_ciphersuites"]) or "none"),
        ("key exchange groups", lambda p: ", ".join(p["tls"]["groups"])),
        ("handshake signatures", lambda p: ", ".join(p["tls"]["signature_algorithms"])),
        (
            "certificate",
            lambda p: "{key_type} {curve}, signed with {signature_hash} or stronger".format(
                **p["tls"]["certificate"]
            ),
        ),
        ("mutual TLS", lambda p: "required" if p["tls"]["mutual_auth"] else "no"),
        ("revocation (CRL, both ways)", lambda p: "required" if p["tls"]["revocation"] else "no"),
        ("plaintext SIP", lambda p: "allowed" if p["sip"]["plaintext_transports_allowed"] else "refused"),
        (
            "SRTP",
            lambda p: (
                ("mandatory, " if p["srtp"]["mandatory"] else "optional, ") + " > ".join(p["srtp"]["suites"])
            ),
        ),
        ("voice codecs", lambda p: ", ".join(p["media"].get("codecs") or []) or "any"),
        ("checks", lambda p: str(len([c for c in _checks.REGISTRY if c.applies_to(p, {})]))),
    ]
    lines = [
        "| | " + " | ".join(f"`{p['name']}`" for p in profiles) + " |",
        "|---" * (len(profiles) + 1) + "|",
    ]
    lines += [f"| {label} | " + " | ".join(_cell(get(p)) for p in profiles) + " |" for label, get in rows]
    return "\n".join(lines)


def errors_section():
    cases = yaml.safe_load((ROOT / "tests" / "bad_inputs.yml").read_text(encoding="utf-8"))
    lines = ["| # | bad input | refused by | message |", "|---|---|---|---|"]
    for n, case in enumerate(cases, 1):
        lines.append(
            f"| {n} | {_cell(case['input'])} | `voipsec.baresip.{case['role']}` | {_cell(case['message'])} |"
        )
    return "\n".join(lines)


SECTIONS = {
    "docs/audit.md": {"checks": checks_section},
    "docs/errors.md": {"errors": errors_section},
    "docs/endpoint.md": {"profiles": profiles_section},
}


def render(path, text):
    for name, make in SECTIONS[path].items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED {name} -->\n).*?(<!-- END GENERATED {name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{path}: markers for the generated {name} section are missing")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated part is stale")
    args = parser.parse_args(argv)
    stale = []
    for rel in SECTIONS:
        path = ROOT / rel
        old = path.read_text(encoding="utf-8")
        new = render(rel, old)
        if new != old:
            stale.append(rel)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    stale += refdocs.update(check=args.check)
    if stale and args.check:
        print("stale generated docs: " + ", ".join(stale) + " (run: make docs)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
