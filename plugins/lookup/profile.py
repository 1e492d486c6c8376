# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: profile
short_description: Load a voipsec.baresip compliance profile
version_added: 0.1.0
description:
  - Returns the profile named by the term (a file in the collection's C(profiles/) directory)
    or the profile file given by path, after validating its structure.
  - The result carries the profile's data plus C(openssl_policy), the OpenSSL
    C(system_default) settings that enforce its TLS part.
options:
  _terms:
    description: Profile name (for example C(fips140-2-sdes)) or path to a profile YAML file.
    required: true
    type: list
    elements: str
  problems:
    description:
      - Instead of the profile, return what is wrong with it - a list of messages, empty when
        the profile loads and validates. Never fails; for checking a profile before use.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Show the cipher list of the default profile
  ansible.builtin.debug:
    msg: "{{ lookup('voipsec.baresip.profile', 'fips140-2-sdes').tls.tls12_ciphers }}"

- name: Refuse a profile that does not load, with its reason
  ansible.builtin.assert:
    that: __problems | length == 0
    fail_msg: "{{ __problems | join('; ') }}"
  vars:
    __problems: "{{ lookup('voipsec.baresip.profile', baresip_profile, problems=true) }}"
"""

RETURN = r"""
_raw:
  description: One profile mapping per term; with O(problems=true) one list of messages per term.
  type: list
  elements: raw
"""

import os

import yaml
from ansible.errors import AnsibleLookupError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase
from ansible_collections.voipsec.baresip.plugins.module_utils import _profile

# libyaml's safe loader where PyYAML has it (ten times faster; every audited host loads its profile)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text):
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)


PROFILE_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "profiles"))


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        want_problems = boolean(kwargs.get("problems", False), strict=True)
        results = []
        for term in terms:
            try:
                data = _profile.load(str(term), [PROFILE_DIR], safe_load)
            except _profile.ProfileError as exc:
                if want_problems:
                    results.append([str(exc)])
                    continue
                raise AnsibleLookupError(str(exc)) from exc
            if want_problems:
                results.append([])
                continue
            data = dict(data)
            data["openssl_policy"] = _profile.openssl_policy(data)
            results.append(data)
        return results
