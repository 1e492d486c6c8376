"""Write the playbook that tries every bad input of tests/bad_inputs.yml.

One play per case runs the case's role on HOST with the case's variables (as
play vars: strings, like -e gives them) inside a block; whatever message the
role fails with is recorded. A last play writes ``{id: message}`` to RESULTS
on the controller. The caller asserts on it (molecule/default/verify_bad_inputs.yml).

    bad_inputs_playbook.py HOST PLAYBOOK RESULTS
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ACCEPTED = "ACCEPTED: the role ran to its end without refusing the input"


def cases():
    return yaml.safe_load((ROOT / "tests" / "bad_inputs.yml").read_text(encoding="utf-8"))


def fragments(message):
    """The parts of a documented message that must appear, in order ("…" varies)."""
    return [part.strip() for part in message.split("…") if part.strip()]


def _record(case_id, value):
    return {
        "name": "Record the outcome",
        "ansible.builtin.set_fact": {
            "__bad_results": "{{ __bad_results | default({}) | combine({"
            + repr(case_id)
            + ": "
            + value
            + "}) }}"
        },
    }


def playbook(host, results):
    plays = [{"name": "Bad inputs | facts of the endpoint", "hosts": host, "gather_facts": True, "tasks": []}]
    for case in cases():
        plays.append(
            {
                "name": f"Bad input {case['id']}",
                "hosts": host,
                "gather_facts": False,
                "become": True,
                "vars": case["vars"],
                "tasks": [
                    {
                        "name": f"Run voipsec.baresip.{case['role']} with: {case['input']}",
                        "block": [
                            {
                                "name": "The role",
                                "ansible.builtin.include_role": {"name": f"voipsec.baresip.{case['role']}"},
                            },
                            _record(case["id"], repr(ACCEPTED)),
                        ],
                        "rescue": [_record(case["id"], "ansible_failed_result.msg | default('') | string")],
                    }
                ],
            }
        )
    plays.append(
        {
            "name": "Bad inputs | write what each case answered",
            "hosts": host,
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Results",
                    "ansible.builtin.copy": {
                        "content": "{{ __bad_results | to_nice_json }}\n",
                        "dest": results,
                        "mode": "0644",
                    },
                    "delegate_to": "localhost",
                    "become": False,
                }
            ],
        }
    )
    return plays


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    host, out, results = argv
    Path(out).write_text(
        yaml.safe_dump(playbook(host, results), sort_keys=False, width=1000), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
