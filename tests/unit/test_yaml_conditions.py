"""Every conditional in the collection's YAML is text.

An unquoted ``: `` inside a condition turns it into a mapping, which ansible
only rejects when the task runs ("Conditional expressions must be strings").
"""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for d in ("roles", "playbooks", "molecule", "demo")
    for p in (ROOT / d).rglob("*.yml")
    if "meta" not in p.parts
)
KEYS = ("that", "when", "failed_when", "changed_when", "until")


def conditions(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in KEYS:
                for item in value if isinstance(value, list) else [value]:
                    yield f"{where}.{key}", item
            yield from conditions(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from conditions(item, f"{where}[{i}]")


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_conditions_are_text(path):
    data = yaml.safe_load(path.read_text())
    for where, cond in conditions(data):
        assert isinstance(cond, (str, bool)), f"{path.name}{where}: {cond!r}"


def test_files_found():
    assert len(FILES) > 20
