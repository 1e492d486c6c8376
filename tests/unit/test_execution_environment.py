"""The execution environment: `ansible-builder create` writes a build context with the
Containerfile, the Python and system requirements, the collection dependencies and this
collection's tarball; its pins agree with what the tests run and what the plugins import."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EE = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
TARBALL = f"{GALAXY['namespace']}-{GALAXY['name']}-{GALAXY['version']}.tar.gz"


def run(tool, *args, cwd):
    path = BIN / tool
    assert path.exists(), f"{path} is missing: make venv installs it (requirements-dev.txt)"
    result = subprocess.run([str(path), *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """The build context of a copy of the EE definition, next to a fresh collection tarball."""
    work = tmp_path_factory.mktemp("ee")
    for name in (
        "execution-environment.yml",
        "bindep.txt",
        EE["dependencies"]["python"],
        EE["dependencies"]["galaxy"],
    ):
        shutil.copy(ROOT / name, work / name)
    run(
        "ansible-galaxy",
        "collection",
        "build",
        "--output-path",
        str(work / ".cache" / "dist"),
        str(ROOT),
        cwd=work,
    )
    run("ansible-builder", "create", "--file", "execution-environment.yml", "--context", "context", cwd=work)
    return work / "context"


def requirement_names(text):
    names = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line.split("==")[0].split(">=")[0].split("[")[0].strip().lower().replace("_", "-"))
    return names


def test_context_has_the_containerfile_and_every_requirement_file(context):
    containerfile = (context / "Containerfile").read_text()
    assert "FROM $EE_BASE_IMAGE AS base" in containerfile
    build = context / "_build"
    assert (build / "requirements.txt").read_text() == (ROOT / EE["dependencies"]["python"]).read_text()
    assert (build / "bindep.txt").read_text() == (ROOT / "bindep.txt").read_text()
    galaxy = yaml.safe_load((build / "requirements.yml").read_text())
    assert {c["name"] for c in galaxy["collections"]} == set(GALAXY["dependencies"])
    for step in ("COPY _build/requirements.txt", "COPY _build/bindep.txt", "-r requirements.yml"):
        assert step in containerfile, step


def test_context_installs_this_collection(context):
    assert (context / "_build" / "collections" / TARBALL).is_file()
    assert "/build/collections/voipsec-baresip-*.tar.gz" in (context / "Containerfile").read_text()


def test_collection_dependencies_match_galaxy_yml():
    assert EE["dependencies"]["galaxy"] == "requirements.yml"
    requirements = yaml.safe_load((ROOT / "requirements.yml").read_text())
    wanted = {c["name"]: c["version"] for c in requirements["collections"]}
    assert wanted == GALAXY["dependencies"]


def test_ansible_core_is_the_one_the_tests_run():
    from ansible.release import __version__

    assert EE["dependencies"]["ansible_core"]["package_pip"] == f"ansible-core=={__version__}"


def test_bindep_names_openssl_for_both_package_families():
    lines = [line for line in (ROOT / "bindep.txt").read_text().splitlines() if line.startswith("openssl ")]
    assert lines == ["openssl [platform:rpm]", "openssl [platform:dpkg]"]


def third_party_imports():
    names = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    # PyYAML and Jinja2 come with ansible-core
    return names - set(sys.stdlib_module_names) - {"ansible", "ansible_collections", "yaml", "jinja2"}


# the distribution each imported top-level package comes from
DISTRIBUTIONS = {
    "pylibsrtp": "pylibsrtp",
    "cyclonedx": "cyclonedx-python-lib",
    "packageurl": "packageurl-python",
}


def test_every_package_the_plugins_import_is_required():
    required = requirement_names((ROOT / EE["dependencies"]["python"]).read_text())
    assert third_party_imports() == set(DISTRIBUTIONS)
    assert set(DISTRIBUTIONS.values()) <= required
    # community.crypto's certificate modules on the controller and the auditor
    assert "cryptography" in required
