from pathlib import Path

import bad_inputs_playbook
import yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = bad_inputs_playbook.cases()


def documented_variables():
    names = set()
    for spec in ROOT.glob("roles/*/meta/argument_specs.yml"):
        for entry in yaml.safe_load(spec.read_text())["argument_specs"].values():
            names |= set(entry.get("options") or {})
    return names


def test_at_least_thirty_distinct_cases():
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 30
    assert len(ids) == len(set(ids))
    assert len({c["input"] for c in CASES}) == len(CASES)


def test_each_case_is_complete():
    known = documented_variables()
    for case in CASES:
        assert (ROOT / "roles" / case["role"]).is_dir(), case["id"]
        assert case["message"].strip() and bad_inputs_playbook.fragments(case["message"]), case["id"]
        assert case.get("setup") in (None, "profiles", "tampered", "certificates", "port_hog"), case["id"]
        for name in case["vars"]:
            assert name in known, f"{case['id']}: {name} is not a documented variable"


def test_fragments_split_at_the_ellipsis():
    assert bad_inputs_playbook.fragments("a … b …") == ["a", "b"]
    assert bad_inputs_playbook.fragments("whole") == ["whole"]


def test_playbook_has_one_play_per_case_and_records_every_outcome(tmp_path):
    plays = bad_inputs_playbook.playbook("ua1", str(tmp_path / "r.json"))
    assert len(plays) == len(CASES) + 2
    for case, play in zip(CASES, plays[1:-1]):
        assert play["vars"] == case["vars"]
        block = play["tasks"][0]
        assert block["block"][0]["ansible.builtin.include_role"]["name"] == f"voipsec.baresip.{case['role']}"
        assert case["id"] in block["rescue"][0]["ansible.builtin.set_fact"]["__bad_results"]
        assert bad_inputs_playbook.ACCEPTED in block["block"][1]["ansible.builtin.set_fact"]["__bad_results"]
