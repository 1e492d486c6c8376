# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment:
    # Attributes shared by the read-only probe and info modules.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: >-
      The module only observes (anything it starts ends before it returns), so it also
      runs in check mode.
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in
      diff mode.
    support: none
"""
