"""DOCUMENTATION, EXAMPLES and RETURN of every module parse, and the documented
options mirror the argument_spec (names, types, defaults, choices, required)."""

import importlib
from pathlib import Path

import pytest
import yaml

MODULES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "plugins" / "modules").glob("*.py"))


def load(name):
    return importlib.import_module(f"ansible_collections.voipsec.baresip.plugins.modules.{name}")


def argument_spec(name, mod):
    """The module's argument_spec, or its action plugin's for a module that runs on the controller."""
    if hasattr(mod, "argument_spec"):
        return mod.argument_spec()
    action = importlib.import_module(f"ansible_collections.voipsec.baresip.plugins.action.{name}")
    return action.ARGUMENT_SPEC


def documented_options(doc):
    """The module's own options plus those of the collection's doc fragments it extends."""
    options = dict(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or []:
        name = fragment.removeprefix("voipsec.baresip.")
        frag = importlib.import_module(f"ansible_collections.voipsec.baresip.plugins.doc_fragments.{name}")
        options.update(yaml.safe_load(frag.ModuleDocFragment.DOCUMENTATION).get("options") or {})
    return options


def compare(doc_options, spec, where):
    assert set(doc_options) == set(spec), f"{where}: documented {sorted(doc_options)} vs spec {sorted(spec)}"
    for key, s in spec.items():
        d = doc_options[key]
        assert d.get("type", "str") == s.get("type", "str"), f"{where}.{key} type"
        assert d.get("required", False) == s.get("required", False), f"{where}.{key} required"
        assert d.get("default") == s.get("default"), f"{where}.{key} default"
        assert d.get("choices") == s.get("choices"), f"{where}.{key} choices"
        assert d.get("elements") == s.get("elements"), f"{where}.{key} elements"
        assert d.get("description"), f"{where}.{key} has no description"
        if "options" in s:
            compare(d.get("suboptions", {}), s["options"], f"{where}.{key}")


@pytest.mark.parametrize("name", MODULES)
def test_docs_mirror_argument_spec(name):
    mod = load(name)
    doc = yaml.safe_load(mod.DOCUMENTATION)
    assert doc["module"] == name
    yaml.safe_load(mod.EXAMPLES)
    assert isinstance(yaml.safe_load(mod.RETURN), dict)
    compare(documented_options(doc), argument_spec(name, mod), name)


GALAXY = yaml.safe_load((Path(__file__).resolve().parents[2] / "galaxy.yml").read_text())


def _version(text):
    return tuple(int(x) for x in str(text).split("."))


@pytest.mark.parametrize("name", MODULES)
def test_version_added_is_released_with_the_collection(name):
    doc = yaml.safe_load(load(name).DOCUMENTATION)
    assert _version(doc["version_added"]) <= _version(GALAXY["version"]), (
        f"{name}: version_added {doc['version_added']} is newer than galaxy.yml's {GALAXY['version']}"
    )


def _walk(node, where):
    for key, value in node.items():
        assert isinstance(value, dict), f"{where}.{key} is not a mapping (flow-style text split?)"
        assert isinstance(value.get("description"), (str, list)), f"{where}.{key} has no description"
        assert "type" in value, f"{where}.{key} has no type"
        if "contains" in value:
            _walk(value["contains"], f"{where}.{key}")


@pytest.mark.parametrize("name", MODULES)
def test_return_entries_are_whole(name):
    _walk(yaml.safe_load(load(name).RETURN), name)
