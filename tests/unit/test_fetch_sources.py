import hashlib
import io
from pathlib import Path

import fetch_sources as fs
import pytest


def component(tmp_path: Path, payload: bytes, name: str = "re-2.0.1.tar.gz", sha: str | None = None) -> dict:
    upstream = tmp_path / "upstream" / name
    upstream.parent.mkdir(exist_ok=True)
    upstream.write_bytes(payload)
    return {
        "name": "re",
        "file": name,
        "url": upstream.as_uri(),
        "sha256": sha or hashlib.sha256(payload).hexdigest(),
    }


def test_release_table_is_the_roles_own_data():
    comps = fs.load_components("1.1.0")
    assert [c["name"] for c in comps] == ["re", "rem", "baresip"]
    assert comps[2]["sha256"] == "f9230b27c4a62f31223847bc485c51f3d960f8a09f36998dedb73358e1784b4e"
    assert all(c["debian_source"]["version"].endswith("-3") for c in comps)


def test_unknown_release_names_known_ones():
    with pytest.raises(
        fs.FetchError, match=r"9\.9\.9 is not in the release table \(known: 1\.1\.0, 4\.10\.0, 4\.9\.0\)"
    ):
        fs.load_components("9.9.9")


def test_download_verified_and_cached(tmp_path):
    comp = component(tmp_path, b"libre source")
    dest = tmp_path / "cache"
    lines = []
    assert fs.fetch_all([comp], dest, retries=1, sources=("url",), log=lambda m, **k: lines.append(m))
    assert (dest / comp["file"]).read_bytes() == b"libre source"
    assert fs.fetch_all([comp], dest, retries=1, sources=("url",), log=lambda m, **k: lines.append(m))
    assert lines == ["re-2.0.1.tar.gz: from url, sha256 ok", "re-2.0.1.tar.gz: cached, sha256 ok"]


def test_mismatch_is_never_kept(tmp_path):
    comp = component(tmp_path, b"tampered", sha="0" * 64)
    dest = tmp_path / "cache"
    errors = []
    assert not fs.fetch_all([comp], dest, retries=1, sources=("url",), log=lambda m, **k: errors.append(m))
    assert not (dest / comp["file"]).exists()
    assert list(dest.glob("*.part")) == []
    assert "sha256 mismatch for re-2.0.1.tar.gz: expected " + "0" * 64 in errors[0]


def test_altered_cache_is_replaced(tmp_path):
    comp = component(tmp_path, b"good")
    dest = tmp_path / "cache"
    dest.mkdir()
    (dest / comp["file"]).write_bytes(b"goof")
    assert fs.fetch_all([comp], dest, retries=1, sources=("url",), log=lambda *a, **k: None)
    assert (dest / comp["file"]).read_bytes() == b"good"


def test_unreachable_url_reports_error(tmp_path):
    comp = component(tmp_path, b"x")
    comp["url"] = (tmp_path / "missing.tar.gz").as_uri()
    with pytest.raises(fs.FetchError, match=r"missing\.tar\.gz"):
        fs.from_url(comp, tmp_path, retries=2, timeout=1)


def test_next_source_is_tried(tmp_path, monkeypatch):
    payload = b"from debian"
    comp = component(tmp_path, payload)
    comp["url"] = (tmp_path / "gone").as_uri()

    def fake_apt(self, component, workdir):
        part = workdir / "x.part"
        part.write_bytes(payload)
        return part

    monkeypatch.setattr(fs.AptSource, "fetch", fake_apt)
    dest = tmp_path / "cache"
    assert fs.fetch_all([comp], dest, retries=1, sources=("url", "apt"), log=lambda *a, **k: None)
    assert (dest / comp["file"]).read_bytes() == payload


DEBIAN_SOURCES = """\
Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def test_deb_src_twin_keeps_uris_and_adds_suites():
    out = fs.deb_src_stanzas(DEBIAN_SOURCES)
    first, second = out.strip().split("\n\n")
    assert "Types: deb-src" in first
    assert "URIs: http://mirror.example/debian" in first
    assert "Suites: bookworm bookworm-updates trixie sid" in first
    assert "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" in first
    assert "#" not in out
    assert "Suites: bookworm-security" in second and "trixie" not in second


@pytest.mark.parametrize(
    "garbage", ["", "Types: deb-src\nURIs: x\n", "no colon here\n\n:::\n", "Types: rpm\n"]
)
def test_deb_src_twin_of_garbage_has_no_stanza(garbage):
    assert fs.deb_src_stanzas(garbage).strip() == ""


def test_sha256_of_streams(tmp_path):
    big = tmp_path / "big"
    data = io.BytesIO()
    data.write(b"a" * (1 << 17) + b"b")
    big.write_bytes(data.getvalue())
    assert fs.sha256_of(big) == hashlib.sha256(data.getvalue()).hexdigest()


def shared_copy(tmp_path, content):
    """A component whose source is b"re 4 source", and a shared directory holding ``content``."""
    comp = component(tmp_path, b"re 4 source")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / comp["file"]).write_bytes(content)
    return comp, shared, tmp_path / "cache"


def test_shared_directory_is_a_verified_source(tmp_path):
    comp, shared, dest = shared_copy(tmp_path, b"re 4 source")
    lines = []
    assert fs.fetch_all(
        [comp], dest, sources=("shared", "url"), shared=shared, log=lambda m, **k: lines.append(m)
    )
    assert lines == [f"{comp['file']}: from shared, sha256 ok"] and (dest / comp["file"]).exists()


def test_a_tampered_shared_file_is_not_taken(tmp_path):
    comp, shared, dest = shared_copy(tmp_path, b"re 4 sourcE")
    errors = []
    assert not fs.fetch_all(
        [comp], dest, sources=("shared",), shared=shared, log=lambda m, **k: errors.append(m)
    )
    assert "sha256 mismatch" in errors[-1] and not (dest / comp["file"]).exists()
    assert not fs.fetch_all(
        [comp], dest, sources=("shared",), shared=None, log=lambda m, **k: errors.append(m)
    )
