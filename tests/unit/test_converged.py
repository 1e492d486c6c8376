"""The converged record: what is compared, what makes a host not current, what the digest covers."""

import os

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _converged as cv

SERVICE = {
    "MainPID": "2207",
    "ExecMainStartTimestamp": "Mon 2026-11-30 13:48:38 UTC",
    "ActiveState": "active",
    "UnitFileState": "enabled",
}
NOW = 1_800_000_000


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "etc" / "tls").mkdir(parents=True)
    (tmp_path / "etc" / "config").write_text("sip_transports tls\n")
    (tmp_path / "etc" / "tls" / "baresip.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    (tmp_path / "etc" / "tls" / "baresip.pem").chmod(0o600)
    (tmp_path / "unit.service").write_text("[Service]\n")
    os.symlink("config", tmp_path / "etc" / "link")
    return tmp_path


def roots(tree):
    return [str(tree / "etc"), str(tree / "unit.service"), str(tree / "missing")]


def record(tree, due=NOW + 86400):
    return cv.make_record("abc", cv.host_files(roots(tree)), SERVICE, 997, due)


def test_a_host_as_recorded_is_current(tree):
    files = cv.host_files(roots(tree))
    assert files[str(tree / "missing")] is None
    assert files[str(tree / "etc" / "tls" / "baresip.pem")]["mode"] == "0o600"
    assert files[str(tree / "etc" / "link")] == {**files[str(tree / "etc" / "link")], "link": "config"}
    assert "sha256" in files[str(tree / "etc" / "config")]
    assert cv.compare(record(tree), "abc", files, SERVICE, 997, NOW) == []


def test_the_record_holds_digests_never_contents(tree):
    assert "BEGIN CERTIFICATE" not in str(record(tree))


@pytest.mark.parametrize(
    "change, reason",
    [
        (
            lambda t: (t / "etc" / "config").write_text("sip_transports udp,tls\n"),
            "files changed since the record",
        ),
        (lambda t: (t / "etc" / "tls" / "baresip.pem").chmod(0o644), "files changed since the record"),
        (lambda t: (t / "etc" / "new").write_text("x"), "files changed since the record"),
        (lambda t: (t / "unit.service").unlink(), "files changed since the record"),
        (lambda t: (t / "missing").write_text("now here"), "files changed since the record"),
    ],
)
def test_any_file_change_makes_it_not_current(tree, change, reason):
    before = record(tree)
    change(tree)
    reasons = cv.compare(before, "abc", cv.host_files(roots(tree)), SERVICE, 997, NOW)
    assert len(reasons) == 1 and reasons[0].startswith(reason)


@pytest.mark.parametrize(
    "inputs, service, uid, now, reason",
    [
        ("other", SERVICE, 997, NOW, "the run's inputs changed"),
        ("abc", dict(SERVICE, MainPID="3000"), 997, NOW, "the service restarted since the record"),
        (
            "abc",
            dict(SERVICE, ExecMainStartTimestamp="Tue"),
            997,
            NOW,
            "the service restarted since the record",
        ),
        ("abc", dict(SERVICE, ActiveState="failed"), 997, NOW, "the service is failed"),
        ("abc", dict(SERVICE, UnitFileState="disabled"), 997, NOW, "the service is disabled, not enabled"),
        ("abc", SERVICE, None, NOW, "the service account changed"),
        ("abc", SERVICE, 998, NOW, "the service account changed"),
        ("abc", SERVICE, 997, NOW + 86400, "a certificate or revocation list is due for renewal"),
        ("abc", {}, 997, NOW, "the service is unknown"),
    ],
)
def test_what_else_makes_it_not_current(tree, inputs, service, uid, now, reason):
    reasons = cv.compare(record(tree), inputs, cv.host_files(roots(tree)), service, uid, now)
    assert any(r.startswith(reason) for r in reasons), reasons


@pytest.mark.parametrize("garbage", [None, [], "text", {}, {"files": "x"}, {"inputs": "abc"}])
def test_a_missing_or_garbage_record_is_not_current(tree, garbage):
    assert cv.compare(garbage, "abc", cv.host_files(roots(tree)), SERVICE, 997, NOW) == [
        "no converged record on the host"
    ]


def test_a_record_without_a_due_time_is_not_current(tree):
    rec = record(tree, due=None)
    assert "a certificate or revocation list is due for renewal" in cv.compare(
        rec, "abc", cv.host_files(roots(tree)), SERVICE, 997, NOW
    )


def code_tree(tmp_path):
    code = tmp_path / "collection"
    (code / "roles" / "endpoint").mkdir(parents=True)
    (code / "roles" / "endpoint" / "main.yml").write_text("---\n")
    return code


def test_inputs_digest_covers_variables_code_and_named_controller_files(tmp_path):
    code = code_tree(tmp_path)
    ca = tmp_path / "ca.pem"
    ca.write_text("one")
    host_dir = tmp_path / "host"
    host_dir.mkdir()
    variables = {"baresip_pki_ca_cert": str(ca), "baresip_config_dir": str(host_dir), "baresip_profile": "x"}
    exclude = ("baresip_config_dir",)
    first = cv.inputs_digest(variables, str(code), exclude)
    assert first == cv.inputs_digest(dict(reversed(list(variables.items()))), str(code), exclude)
    (host_dir / "report.json").write_text("{}")  # an excluded path may change freely
    assert cv.inputs_digest(variables, str(code), exclude) == first
    ca.write_text("two")  # the fleet CA was replaced
    second = cv.inputs_digest(variables, str(code), exclude)
    assert second != first
    (code / "roles" / "endpoint" / "main.yml").write_text("--- # changed\n")  # another collection
    cv._code_digest.cache_clear()  # read once per controller process: the next run is another
    third = cv.inputs_digest(variables, str(code), exclude)
    assert third != second
    assert cv.inputs_digest(dict(variables, baresip_profile="y"), str(code), exclude) != third


def test_inputs_digest_of_a_missing_controller_path_is_stable(tmp_path):
    code = code_tree(tmp_path)
    variables = {"baresip_build_artifact_dir": str(tmp_path / "nowhere")}
    assert cv.inputs_digest(variables, str(code)) == cv.inputs_digest(variables, str(code))


def test_secrets_and_private_keys_stay_out_of_the_digest(tmp_path):
    code = code_tree(tmp_path)
    key = tmp_path / "ca.key"
    key.write_text("one")
    variables = {"baresip_pki_ca_key": str(key), "baresip_profile": "x"}
    first = cv.inputs_digest(dict(variables, baresip_pki_ca_key_passphrase="pw1"), str(code))
    key.write_text("two")
    assert cv.inputs_digest(dict(variables, baresip_pki_ca_key_passphrase="pw2"), str(code)) == first
