"""Shared fixtures: the seed, a small real archive from ../shared/data, built indexes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from searcher import Archive

#: Commands the tests run do their own work; tests/faces/test_warm.py turns the warm server on.
os.environ["SEARCHER_WARM"] = "0"

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_df906d3edab3d18d.txt"
SEED_ID = "seeds/000_df906d3edab3d18d.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"
INDOSUM = SHARED_DATA / "indosum" / "articles.jsonl"
#: For tests that read ../shared/data themselves (benchmarks, real exports).
needs_shared_data = pytest.mark.skipif(not INDOSUM.exists(), reason="../shared/data is not here")


def indosum_records(count: int, start: int = 0) -> list[dict]:
    """Real IndoSum articles (CC BY-SA 4.0), without the human summary; the test using
    them skips where ``../shared/data`` is not beside the project."""
    if not INDOSUM.exists():
        pytest.skip("../shared/data is not here")
    records = []
    with open(INDOSUM, encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if n < start:
                continue
            if len(records) >= count:
                break
            record = json.loads(line)
            record.pop("summary", None)
            records.append(record)
    return records


@pytest.fixture(scope="session")
def small_archive(tmp_path_factory) -> Path:
    """A folder with the seed page and 300 real IndoSum articles as JSON Lines."""
    folder = tmp_path_factory.mktemp("archive") / "news"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    with open(folder / "indosum.jsonl", "w", encoding="utf-8") as out:
        for record in indosum_records(300):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture(scope="session")
def small_index(small_archive, tmp_path_factory) -> Archive:
    """The small archive, indexed once for the whole session (with entities)."""
    archive = Archive(tmp_path_factory.mktemp("index"))
    report = archive.index([small_archive])
    assert report.added == 301, report.summary()
    return archive


@pytest.fixture
def seed_archive(tmp_path) -> Archive:
    """A fresh index holding only the seed article."""
    archive = Archive(tmp_path / "index")
    archive.index([SEED])
    return archive


#: The installed ``search`` entry point, which tests run as a person does.
SEARCH = shutil.which("search", path=str(Path(sys.executable).parent)) or shutil.which("search")


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    assert SEARCH, "the `search` entry point is not installed (pip install -e .)"
    full_env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    full_env.update(env or {})
    return subprocess.run(
        [SEARCH, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )
