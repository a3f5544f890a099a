"""Killing `search index` part-way: the index opens, holds exactly the articles of the last
completed commit, and running again completes the archive with no duplicates."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path

from searcher import Archive
from searcher.engine.embedded import store
from tests.conftest import INDOSUM
from tests.robustness.conftest import BATCH, committed, kill_when, start_indexing


def assert_exactly_a_prefix(index_dir: Path, ids: list[str]) -> int:
    archive = Archive(index_dir)
    count = archive.stats().articles
    assert count % BATCH == 0, f"{count} is not a whole number of commits"
    ix, _ = store.open_current(index_dir)  # the index on disk, read directly
    with ix.searcher() as searcher:
        stored = {fields["id"] for fields in searcher.reader().all_stored_fields()}
    assert stored == set(ids[:count])
    if count:
        assert archive.search("Jakarta").total > 0
    return count


def test_sigkill_at_several_points_loses_at_most_a_batch(archive_order, tmp_path):
    folder, ids = archive_order
    index_dir = tmp_path / "ix"
    seen = []
    for kill_point in (1, 4 * BATCH, 12 * BATCH):
        proc = start_indexing(folder, index_dir)
        kill_when(proc, index_dir, kill_point)
        seen.append(assert_exactly_a_prefix(index_dir, ids))
    assert seen == sorted(seen) and seen[-1] < len(ids)
    # and once more on a run that resumes: killed as soon as it has committed more
    resumed = start_indexing(folder, index_dir)
    kill_when(resumed, index_dir, seen[-1] + BATCH)
    assert assert_exactly_a_prefix(index_dir, ids) >= seen[-1] + BATCH

    finish = start_indexing(folder, index_dir)
    _, err = finish.communicate(timeout=300)
    assert finish.returncode == 0, err
    archive = Archive(index_dir)
    assert archive.stats().articles == len(ids) == len(set(ids))
    words = " ".join(archive.article(ids[0]).headline.split()[:5])
    assert archive.search(f'"{words}"').hits[0].id == ids[0]


def test_killed_rebuild_leaves_the_previous_index_answering(archive_order, tmp_path):
    folder, ids = archive_order
    index_dir = tmp_path / "ix"
    small = tmp_path / "kecil"
    small.mkdir()
    (small / "a.jsonl").write_text(INDOSUM.read_text("utf-8").split("\n", 1)[0] + "\n", "utf-8")
    done = start_indexing(small, index_dir)
    assert done.wait(timeout=120) == 0
    before = Archive(index_dir).stats().articles
    proc = start_indexing(folder, index_dir, "--rebuild")
    # killed once the new index (the next generation's name) has committed a batch
    deadline = time.monotonic() + 120
    while not list(index_dir.glob("_articles2_[1-9]*.toc")):
        assert proc.poll() is None, "the rebuild ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    archive = Archive(index_dir)
    assert archive.stats().articles == before == 1
    assert archive.article(ids[0]) is not None
    rerun = start_indexing(folder, index_dir, "--rebuild")
    assert rerun.wait(timeout=300) == 0
    assert Archive(index_dir).stats().articles == len(ids)
    leftovers = {
        m.group(1) for p in index_dir.iterdir() if (m := re.match(r"_?(articles\d+)_", p.name))
    }
    assert len(leftovers) == 1, leftovers  # the replaced index's files are gone


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_a_killed_worker_stops_the_run_with_a_message_not_a_hang(archive_order, tmp_path):
    folder, ids = archive_order
    index_dir = tmp_path / "ix"
    proc = start_indexing(folder, index_dir, "--procs", "2")
    deadline = time.monotonic() + 60
    while committed(index_dir) < BATCH:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert workers, "the run should have worker processes"
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "worker process died" in err
    assert_exactly_a_prefix(index_dir, ids)
