"""Accounts that register with a registrar: what is refused before anything changes, and what the
audit may know of them (never the password)."""

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _accounts

SECRET = "ua1-Digest-7f3a9c"


def account(**kw):
    base = {
        "user": "ua1",
        "domain": "voip.example.test",
        "registrar": "sip.voip.example.test",
        "password": SECRET,
    }
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def test_a_registering_account_and_a_peer_to_peer_account_are_accepted():
    assert _accounts.problems([account(), {"user": "ua2", "domain": "192.0.2.7"}]) == []
    assert (
        _accounts.problems([account(registrar="[2001:db8::5]:5062", regint=60, auth_user="ua1-auth")]) == []
    )


@pytest.mark.parametrize(
    ("acc", "verify", "fragment"),
    [
        (account(password=None), True, "a registrar needs a digest password"),
        (account(password=""), True, "a registrar needs a digest password"),
        (account(password="pa;ss"), True, "the password has white space"),
        (account(password="pa ss"), True, "the password has white space"),
        (account(password='pa"ss'), True, "the password has white space"),
        (account(password="pa\x01ss"), True, "the password has white space"),
        (account(password=12345), True, "the password has white space"),
        (account(registrar="sip.example.test:99999"), True, "port 99999 out of range"),
        (account(registrar="sip:sip.example.test"), True, "is not host or host:port"),
        (account(regint=3600), True, "regint 3600 is outside 60-899 s"),
        (account(regint=0), True, "regint 0 is outside 60-899 s"),
        (account(), False, "baresip_sip_verify_server is false"),
        ({"user": "ua1", "domain": "d", "password": SECRET}, True, "auth_user and password need a registrar"),
        ({"user": "ua1", "domain": "d", "regint": 300}, True, "regint 300 needs a registrar"),
        ({"user": "ua 1", "domain": "d"}, True, "user has characters a SIP URI cannot carry"),
        ({"user": "ua1"}, True, "account 1: domain missing"),
    ],
)
def test_bad_accounts_are_refused_without_showing_the_password(acc, verify, fragment):
    out = _accounts.problems([acc], verify)
    assert len(out) == 1 and fragment in out[0], out
    for secret in (SECRET, "pa;ss", "pa ss", 'pa"ss', "12345"):
        assert secret not in out[0]


@pytest.mark.parametrize("garbage", [None, "accounts", 7, {"user": "ua1"}])
def test_garbage_is_refused_with_a_sentence(garbage):
    out = _accounts.problems(garbage)
    assert out and all(isinstance(p, str) for p in out)


def test_registrations_carry_no_password():
    regs = _accounts.registrations([account(), {"user": "ua2", "domain": "192.0.2.7"}])
    assert regs == [
        {
            "aor": "sip:ua1@voip.example.test",
            "user": "ua1",
            "domain": "voip.example.test",
            "registrar": "sip.voip.example.test",
            "host": "sip.voip.example.test",
            "port": 5061,
            "auth_user": "ua1",
            "regint": 300,
        }
    ]
    assert SECRET not in repr(regs)
    assert _accounts.registrations([account(registrar="[2001:db8::5]:5062")])[0]["host"] == "2001:db8::5"
    assert _accounts.registrations(None) == []
