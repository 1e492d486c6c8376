# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The digest of a run's inputs, for the converged record (see the baresip_converged module)."""

from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleFilterError
from ansible_collections.voipsec.baresip.plugins.module_utils import _converged

_COLLECTION = Path(__file__).resolve().parents[2]


def converge_inputs(variables, exclude=None):
    if not isinstance(variables, dict):
        raise AnsibleFilterError(f"converge_inputs takes a dict of variables, not {type(variables).__name__}")
    try:
        return _converged.inputs_digest(dict(variables), str(_COLLECTION), tuple(exclude or ()))
    except (OSError, ValueError) as exc:
        raise AnsibleFilterError(f"cannot read the run's inputs: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"converge_inputs": converge_inputs}
