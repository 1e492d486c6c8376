# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CycloneDX SBOM of a built tree (see module_utils/_sbom.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.voipsec.baresip.plugins.module_utils import _sbom


def build_sbom(inputs, release, patches, toolchain=None):
    try:
        return _sbom.document(inputs, release, patches, toolchain)
    except (_sbom.SbomError, KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"cannot write the build's SBOM: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"build_sbom": build_sbom}
