"""The build's CycloneDX SBOM: made with cyclonedx-python-lib, valid against the 1.6 schema."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.voipsec.baresip.plugins.action import audit_report
from ansible_collections.voipsec.baresip.plugins.filter import sbom
from ansible_collections.voipsec.baresip.plugins.module_utils import _sbom

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = ROOT / "roles" / "build" / "defaults" / "main.yml"
RELEASES = yaml.safe_load(DEFAULTS.read_text())["baresip_releases"]
# the inputs of a real 1.1.0 build, as its manifest recorded them
RECORDED = json.loads((Path(__file__).parent / "fixtures" / "audit" / "compliant_ua1.json").read_text())
INPUTS = RECORDED["endpoint"]["manifest"]["inputs"]
WHEN = datetime(2026, 11, 30, tzinfo=timezone.utc)
TOOLCHAIN = {"compiler": "cc (Debian 12.2.0-14) 12.2.0", "build_system": "make", "flags": ["USE_OPENSSL=yes"]}


def patch_texts(release):
    directory = ROOT / "roles" / "build" / "files" / "patches" / release.get("patch_dir", "1.1.0")
    return {name: (directory / name).read_text() for name in release["patches"]}


def make(inputs=None, version="1.1.0", toolchain=None):
    release = RELEASES[version]
    return _sbom.document(inputs or INPUTS, release, patch_texts(release), toolchain or TOOLCHAIN, WHEN)


def test_sbom_of_a_recorded_build_is_valid_cyclonedx_1_6():
    text = make()
    assert _sbom.validation_errors(text) is None
    doc = json.loads(text)
    assert doc["bomFormat"] == "CycloneDX" and doc["specVersion"] == "1.6"
    by_name = {c["name"]: c for c in doc["components"]}
    assert set(by_name) == {"re", "rem", "baresip", "openssl"}
    for source in RELEASES["1.1.0"]["components"]:
        component = by_name[source["name"]]
        assert component["version"] == source["version"]
        assert component["hashes"] == [{"alg": "SHA-256", "content": source["sha256"]}]
        assert component["externalReferences"][0]["url"] == source["url"]
    assert by_name["baresip"]["purl"] == "pkg:github/baresip/baresip@v1.1.0"
    assert by_name["openssl"]["version"] == "3.0.20"
    # every patch of the manifest is pedigree of the component it applies to, with its digest
    patches = by_name["baresip"]["pedigree"]["patches"]
    assert len(patches) == len(INPUTS["patches"]) and all(p["type"] == "unofficial" for p in patches)
    assert all(p.split(" sha256:")[1] in by_name["baresip"]["pedigree"]["notes"] for p in INPUTS["patches"])
    assert patches[0]["diff"]["text"]["content"].startswith(("From ", "diff ", "---", "Subject", "Index"))
    assert "pedigree" not in by_name["re"]
    modules = [p["value"] for p in by_name["baresip"]["properties"] if p["name"] == "voipsec:module"]
    assert modules == INPUTS["modules"]
    tree = {p["name"]: p["value"] for p in doc["metadata"]["component"]["properties"]}
    assert tree["voipsec:inputs_sha256"] == _sbom.inputs_digest(INPUTS)
    assert tree["voipsec:compiler"] == TOOLCHAIN["compiler"]
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert set(deps["source:baresip"]) == {"source:re", "source:rem", "system:openssl"}
    assert deps["source:re"] == ["system:openssl"]


def test_the_cmake_line_with_patches_on_re_and_baresip():
    release = RELEASES["4.10.0"]
    inputs = dict(
        INPUTS,
        baresip_version="4.10.0",
        versions={"re": "4.10.0", "baresip": "4.10.0"},
        sha256={c["file"]: c["sha256"] for c in release["components"]},
        patches=[f"{n} sha256:{'0' * 64}" for n in release["patches"]],
    )
    doc = json.loads(make(inputs, "4.10.0"))
    by_name = {c["name"]: c for c in doc["components"]}
    assert set(by_name) == {"re", "baresip", "openssl"}
    on_re = [n for n in release["patches"] if release["patch_components"].get(n) == "re"]
    assert len(by_name["re"]["pedigree"]["patches"]) == len(on_re) > 0
    assert len(by_name["baresip"]["pedigree"]["patches"]) == len(release["patches"]) - len(on_re)


def test_same_build_same_document_another_toolchain_another_serial():
    assert make() == make()
    other = json.loads(make(toolchain=dict(TOOLCHAIN, compiler="clang 16")))
    assert other["serialNumber"] != json.loads(make())["serialNumber"]


def test_a_document_altered_after_the_fact_fails_validation():
    doc = json.loads(make())
    doc["components"][0]["hashes"][0]["content"] = "not a digest"
    assert _sbom.validation_errors(json.dumps(doc))
    assert _sbom.validation_errors("{truncated")


@pytest.mark.parametrize(
    ("inputs", "release"),
    [(None, RELEASES["1.1.0"]), (INPUTS, {}), (INPUTS, {"components": [{"name": "re"}]}), ("garbage", None)],
)
def test_bad_inputs_give_a_clear_error(inputs, release):
    with pytest.raises(AnsibleFilterError, match="cannot write the build's SBOM"):
        sbom.build_sbom(inputs, release, {})


def test_the_audit_copies_each_sbom_and_links_it(tmp_path):
    doc = json.loads(make())
    facts = {"endpoint": {"sbom": doc, "service": {}}}
    evidence = audit_report.without_sbom(facts, "ua1")
    assert evidence["endpoint"]["sbom"] == "sbom/ua1.cdx.json" and facts["endpoint"]["sbom"] is doc
    unmeasured = {"endpoint": {"unmeasured": "x"}}
    assert audit_report.without_sbom(unmeasured, "ua1") == unmeasured
