"""Helpers for the robustness tests: a large real archive and `search index` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from searcher import Archive
from searcher.article import Article
from searcher.ingest.files import read_archive
from tests.conftest import INDOSUM, SEARCH

#: Articles per commit in these tests (set through $SEARCHER_COMMIT_BATCH).
BATCH = 150


def start_indexing(archive_path: Path, index_dir: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "SEARCHER_COMMIT_BATCH": str(BATCH)}
    return subprocess.Popen(
        [SEARCH, "index", str(archive_path), "--index", str(index_dir), "--no-entities", *extra],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def committed(index_dir: Path) -> int:
    try:
        archive = Archive(index_dir)
        return archive.stats().articles if archive.exists() else 0
    except Exception:
        return 0


def kill_when(proc: subprocess.Popen, index_dir: Path, at_least: int, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while committed(index_dir) < at_least:
        assert proc.poll() is None, "the run ended before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.fixture(scope="session")
def archive_order(tmp_path_factory) -> tuple[Path, list[str]]:
    if not INDOSUM.exists():
        pytest.skip("../shared/data is not here")
    folder = tmp_path_factory.mktemp("besar") / "besar"
    folder.mkdir()
    (folder / "indosum.jsonl").write_bytes(INDOSUM.read_bytes())
    ids = [item.id for item in read_archive([folder]) if isinstance(item, Article)]
    return folder, ids
