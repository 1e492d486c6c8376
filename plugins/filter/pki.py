# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the fleet CA's revocation list."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def revocation_entries(certificates):
    """PEM certificates, or serial numbers (integers), -> ``revoked_certificates`` entries of
    community.crypto.x509_crl."""
    entries = []
    for pem in certificates or []:
        if not isinstance(pem, bool) and str(pem).strip().isdigit() and int(str(pem).strip()) > 0:
            entries.append({"serial_number": int(str(pem).strip())})
            continue
        text = str(pem).strip()
        if "-----BEGIN CERTIFICATE-----" not in text:
            raise AnsibleFilterError(f"not a PEM certificate or a serial number: {text[:40]!r}")
        entries.append({"content": text + "\n"})
    return entries


class FilterModule:
    def filters(self):
        return {"revocation_entries": revocation_entries}
