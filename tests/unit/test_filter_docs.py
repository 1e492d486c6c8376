"""Every filter is documented in plugins/filter/<name>.yml, the way ansible-core documents its
filters, and the documentation mirrors the filter's signature: its input, the other parameters in
order as positional ones, which are required and their defaults."""

import inspect
from pathlib import Path

import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.filter import accounts, audit, converge, judge, pki, sbom

FILTER_DIR = Path(__file__).resolve().parents[2] / "plugins" / "filter"
FILTERS = {
    **accounts.FilterModule().filters(),
    **audit.FilterModule().filters(),
    **judge.FilterModule().filters(),
    **pki.FilterModule().filters(),
    **converge.FilterModule().filters(),
    **sbom.FilterModule().filters(),
}


def load(name):
    return yaml.safe_load((FILTER_DIR / f"{name}.yml").read_text(encoding="utf-8"))


def test_every_filter_and_only_filters_have_a_documentation_file():
    assert {p.stem for p in FILTER_DIR.glob("*.yml")} == set(FILTERS)


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filter_documentation_mirrors_its_signature(name):
    data = load(name)
    doc = data["DOCUMENTATION"]
    assert doc["name"] == name
    assert doc["version_added"] == "0.1.0"
    assert doc["short_description"] and doc["description"]
    assert doc["author"] == "voipsec.baresip maintainers (@voipsec)"
    params = list(inspect.signature(FILTERS[name]).parameters.values())
    names = ["_input"] + [p.name for p in params[1:]]
    assert list(doc["options"]) == names
    assert [n.strip() for n in doc.get("positional", "").split(",") if n.strip()] == names[1:]
    for option, param in zip(names, params):
        spec = doc["options"][option]
        assert spec.get("description") and spec.get("type"), f"{name}: {option}"
        required = param.default is inspect.Parameter.empty
        assert spec.get("required", False) == required, f"{name}: {option} required"
        if not required and param.default is not None:
            assert spec.get("default") == param.default, f"{name}: {option} default"


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filter_examples_use_it_and_its_return_value_is_described(name):
    data = load(name)
    examples = yaml.safe_load(data["EXAMPLES"])
    assert isinstance(examples, list) and all(task.get("name") for task in examples)
    assert f"voipsec.baresip.{name}" in data["EXAMPLES"]
    returned = data["RETURN"]["_value"]
    assert returned["description"] and returned["type"]
