"""The changelog: fragments and changelogs/changelog.yaml lint clean, CHANGELOG.rst is what
antsibull-changelog generates from them, and the version in galaxy.yml is released there.

After adding fragments, `antsibull-changelog release --version X.Y.Z` (with galaxy.yml at
X.Y.Z) moves them into changelog.yaml and rewrites CHANGELOG.rst."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOL = Path(sys.executable).parent / "antsibull-changelog"


def changelog(*args, cwd=ROOT):
    assert TOOL.exists(), f"{TOOL} is missing: make venv installs it (requirements-dev.txt)"
    return subprocess.run([str(TOOL), *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_fragments_lint_clean():
    result = changelog("lint")
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_changelog_yaml_lints_clean():
    result = changelog("lint-changelog-yaml", "changelogs/changelog.yaml")
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_lint_refuses_a_bad_fragment(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("no_such_section:\n  - something\nminor_changes: not a list\n")
    result = changelog("lint", str(bad))
    assert result.returncode != 0
    assert "no_such_section" in result.stdout and "minor_changes" in result.stdout


def test_changelog_rst_is_generated_from_changelog_yaml(tmp_path):
    out = tmp_path / "CHANGELOG.rst"
    result = changelog("generate", "--output", str(out), "--output-format", "rst")
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_text() == (ROOT / "CHANGELOG.rst").read_text(), (
        "CHANGELOG.rst is stale: run antsibull-changelog generate"
    )


def test_the_galaxy_version_is_released():
    version = str(yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"])
    releases = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text())["releases"]
    assert version in releases, f"galaxy.yml's {version} has no release in changelogs/changelog.yaml"
    assert releases[version]["changes"].get("release_summary"), f"{version} has no release summary"
