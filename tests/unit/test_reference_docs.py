"""docs/reference: one page per module, lookup, filter and role, every documentation lints clean
with antsibull-docs, and the staleness check sees a changed, a missing and an extra page.

That docs/reference is current is test_registry.py::test_generated_docs_are_current."""

import shutil
from pathlib import Path

import refdocs

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / refdocs.REFERENCE


def expected_pages():
    plugins = ROOT / "plugins"
    pages = {f"{p.stem}_module.rst" for p in (plugins / "modules").glob("*.py")}
    pages |= {f"{p.stem}_lookup.rst" for p in (plugins / "lookup").glob("*.py")}
    pages |= {f"{p.stem}_filter.rst" for p in (plugins / "filter").glob("*.yml")}
    pages |= {f"{p.parents[1].name}_role.rst" for p in ROOT.glob("roles/*/meta/argument_specs.yml")}
    return pages


def test_reference_has_a_page_for_everything_documented_and_an_index_of_them():
    pages = expected_pages()
    assert {p.name for p in REFERENCE.iterdir()} == pages | {"index.rst"}
    index = (REFERENCE / "index.rst").read_text(encoding="utf-8")
    assert [page for page in sorted(pages) if f"<{page}>" not in index] == []


def test_documentation_lints_clean(tmp_path):
    result = refdocs.antsibull_docs("lint-collection-docs", "--plugin-docs", ".", workdir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_differences_are_changed_missing_and_extra_files(tmp_path):
    new, old = tmp_path / "new", tmp_path / "old"
    for tree, files in (
        (new, {"same": "a", "changed": "b", "missing": "d"}),
        (old, {"same": "a", "changed": "c", "extra": "e"}),
    ):
        tree.mkdir()
        for name, text in files.items():
            (tree / f"{name}.rst").write_text(text)
    assert refdocs.differences(new, old) == ["changed.rst", "extra.rst", "missing.rst"]
    assert refdocs.differences(new, tmp_path / "absent") == ["changed.rst", "missing.rst", "same.rst"]


def test_a_stale_reference_is_reported_then_regenerated(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    (reference / "probe_fact_filter.rst").write_text("edited by hand\n")
    (reference / "index.rst").unlink()
    (reference / "removed_module.rst").write_text("a module that is gone\n")
    stale = [
        f"{reference.as_posix()}/{name}"
        for name in ("index.rst", "probe_fact_filter.rst", "removed_module.rst")
    ]
    assert refdocs.update(check=True, reference=reference) == stale
    assert (reference / "probe_fact_filter.rst").read_text() == "edited by hand\n"
    assert refdocs.update(reference=reference) == stale
    assert refdocs.update(check=True, reference=reference) == []
    assert refdocs.differences(reference, REFERENCE) == []
