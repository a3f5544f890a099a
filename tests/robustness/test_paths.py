"""The index stays inside its folder; article paths never lead out of the archive root."""

from __future__ import annotations

import os
from pathlib import Path

from searcher import Archive
from tests.conftest import SEED


def tree(root: Path, skip: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): p.lstat().st_mtime_ns
        for p in root.rglob("*")
        if skip not in p.parents and p != skip
    }


def test_index_writes_only_inside_its_folder(tmp_path, small_archive):
    index_dir = tmp_path / "deep" / "ix"
    before = tree(tmp_path, index_dir)
    archive_before = tree(small_archive, small_archive / "__none__")
    archive = Archive(index_dir)
    archive.index([small_archive])
    archive.search("Taliban Tajikistan")
    archive.index([small_archive], rebuild=True)
    after = tree(tmp_path, index_dir)
    assert set(after) - set(before) == {"deep"}  # only the index folder's parent was made
    assert tree(small_archive, small_archive / "__none__") == archive_before  # archive untouched
    assert all(p.is_relative_to(index_dir) for p in index_dir.rglob("*"))


def test_symlinks_out_of_the_archive_are_not_followed(tmp_path):
    outside = tmp_path / "rahasia"
    outside.mkdir()
    (outside / "rahasia.txt").write_bytes(SEED.read_bytes())
    root = tmp_path / "arsip"
    root.mkdir()
    (root / "asli.txt").write_bytes(SEED.read_bytes().replace(b"Taliban", b"Talibanx"))
    os.symlink(outside / "rahasia.txt", root / "tautan.txt")
    os.symlink(outside, root / "folder-luar")
    archive = Archive(tmp_path / "ix")
    report = archive.index([root])
    messages = sorted(str(p) for p in report.problems)
    assert messages == [
        "arsip/folder-luar: symbolic link to a folder; not followed",
        "arsip/tautan.txt: symbolic link out of the archive folder; not followed",
    ]
    assert report.added == 1
    assert archive.search("Taliban").total == 0
    for hit in archive.search("Tajikistan").hits:
        assert not hit.path.startswith("/") and ".." not in hit.path
        assert hit.path.startswith("arsip/")


def test_paths_reported_are_relative_to_the_archive(small_index):
    for hit in small_index.search("Jakarta", limit=50).hits:
        assert hit.path.startswith("news/") and not Path(hit.path).is_absolute()
