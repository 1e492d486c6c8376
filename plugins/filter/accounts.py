# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters on baresip_accounts: problems before deploying, registrations for the audit."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.voipsec.baresip.plugins.module_utils import _accounts


def account_problems(accounts, verify_server=True):
    return _accounts.problems(accounts, bool(verify_server))


def account_registrations(accounts):
    try:
        return _accounts.registrations(accounts)
    except ValueError as exc:
        raise AnsibleFilterError(f"baresip_accounts: a registrar is {exc}") from exc


class FilterModule:
    def filters(self):
        return {"account_problems": account_problems, "account_registrations": account_registrations}
