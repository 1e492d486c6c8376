import copy
from pathlib import Path

import gen_docs
import pytest
import yaml
from ansible_collections.voipsec.baresip.plugins.module_utils import _checks, _profile, _registry

ROOT = Path(__file__).resolve().parents[2]
PROFILES = sorted((ROOT / "profiles").glob("*.yml"))


def load(path):
    return _profile.load(str(path), [], yaml.safe_load)


def test_every_check_declares_its_evidence():
    assert len(_checks.REGISTRY) == len(set(_registry.ids())) >= 19
    for c in _checks.REGISTRY:
        assert c.title and len(c.passes_when) > 40, c.id
        assert set(c.needs) <= set(_registry.FACTS), c.id
        assert c.id.split(".")[0] in _registry.FAMILIES


def test_a_check_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        _registry.check("tls.version", "again", needs=["tls"], reads=[], passes_when="x")(lambda ctx: None)


def test_a_check_needing_an_unknown_fact_is_refused():
    with pytest.raises(ValueError, match="unknown facts"):
        _registry.check("tls.new", "new", needs=["magic"], reads=[], passes_when="x")(lambda ctx: None)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_shipped_profiles_map_every_applicable_check_to_controls(path):
    profile = load(path)
    for c in _checks.REGISTRY:
        if c.applies_to(profile):
            assert profile["controls"][c.id], c.id


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_profile_reads_only_keys_it_has(path):
    profile = load(path)
    for c in _checks.REGISTRY:
        if not c.applies_to(profile):
            continue
        for key in c.reads:
            node = profile
            for part in key.split("."):
                assert part in node, f"{c.id} reads {key}"
                node = node[part]


def test_unknown_control_id_is_a_profile_error():
    profile = load(PROFILES[0])
    bad = copy.deepcopy(profile)
    bad["controls"]["tls.cipherz"] = ["X"]
    assert "controls names an unknown check 'tls.cipherz'" in _profile.validate(bad)


def test_check_without_controls_is_a_profile_error():
    bad = copy.deepcopy(load(PROFILES[0]))
    del bad["controls"]["srtp.suite"]
    assert "check srtp.suite applies to this profile but has no controls" in _profile.validate(bad)


def test_empty_control_list_is_a_profile_error():
    bad = copy.deepcopy(load(PROFILES[0]))
    bad["controls"]["srtp.suite"] = []
    assert any("non-empty lists" in e for e in _profile.validate(bad))


def test_a_check_that_cannot_apply_needs_no_controls():
    relaxed = copy.deepcopy(load(PROFILES[0]))
    relaxed["srtp"]["mandatory"] = False
    del relaxed["controls"]["srtp.mandatory"]
    assert _profile.validate(relaxed) == []


def test_generated_docs_are_current():
    assert gen_docs.main(["--check"]) == 0, "generated docs are stale: run make docs"


def test_generated_docs_list_every_check_and_its_evidence():
    text = gen_docs.checks_section()
    for c in _checks.REGISTRY:
        assert f"| `{c.id}` | {c.title} |" in text
        assert c.passes_when.replace("|", "\\|") in text
