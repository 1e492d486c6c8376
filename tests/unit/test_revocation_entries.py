import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.voipsec.baresip.plugins.filter.pki import revocation_entries

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"


def test_certificates_by_content_and_serial_numbers_by_number():
    entries = revocation_entries([PEM, 123456789, "987654321"])
    assert entries == [{"content": PEM + "\n"}, {"serial_number": 123456789}, {"serial_number": 987654321}]


def test_none_is_no_entry():
    assert not revocation_entries(None)


@pytest.mark.parametrize("item", ["not a certificate", "0", 0, -5, True, "12ab", "-----BEGIN CERT"])
def test_anything_else_is_refused(item):
    with pytest.raises(AnsibleFilterError, match="not a PEM certificate or a serial number"):
        revocation_entries([item])
