"""Facts the roles publish (set_fact of a public baresip_ name) are outputs of a run: the converged
record must leave them out of its inputs (roles/endpoint/vars/main.yml __baresip_published_facts),
or a play run before site.yml (a pki play) would make a converged endpoint run every role again."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# names the converged record leaves out by prefix (converged_check.yml)
PREFIX = re.compile(r"^baresip_(verify|report|rollout|revoke)_")


def _set_facts(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("ansible.builtin.set_fact", "set_fact") and isinstance(value, dict):
                yield from value
            else:
                yield from _set_facts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _set_facts(item)


def published():
    names = set()
    for path in (ROOT / "roles").glob("*/tasks/*.yml"):
        names |= {n for n in _set_facts(yaml.safe_load(path.read_text())) if n.startswith("baresip_")}
    return names


def test_every_published_fact_is_left_out_of_the_converged_inputs():
    listed = yaml.safe_load((ROOT / "roles/endpoint/vars/main.yml").read_text())["__baresip_published_facts"]
    found = published()
    assert found, "no published facts found: the scan is broken"
    assert sorted(n for n in found if not PREFIX.match(n) and n not in listed) == []
    assert sorted(n for n in listed if n not in found) == []
