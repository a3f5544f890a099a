"""Two writers never corrupt the index; readers answer while a writer commits."""

from __future__ import annotations

import threading
import time

from searcher import Archive
from tests.conftest import SEED
from tests.robustness.conftest import BATCH, committed, start_indexing


def test_second_writer_stops_with_a_clear_message_or_waits(archive_order, tmp_path):
    folder, ids = archive_order
    index_dir = tmp_path / "ix"
    first = start_indexing(folder, index_dir)
    while committed(index_dir) < BATCH:
        assert first.poll() is None
        time.sleep(0.05)
    second = start_indexing(SEED, index_dir)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2
    assert err.strip() == (
        f"search: another `search index` is writing to {index_dir}; "
        "try again later or pass --wait SECONDS"
    )
    third = start_indexing(SEED, index_dir, "--wait", "300")
    assert first.wait(timeout=300) == 0
    _, err = third.communicate(timeout=300)
    assert third.returncode == 0, err
    assert "waiting for another writer" in err
    archive = Archive(index_dir)
    assert archive.stats().articles == len(ids) + 1
    assert archive.search("Taliban Tajikistan").total == 1


def test_readers_keep_answering_and_see_new_articles_after_commit(archive_order, tmp_path):
    folder, ids = archive_order
    index_dir = tmp_path / "ix"
    reader = Archive(index_dir)
    reader.index([SEED], entities=False)
    assert reader.search("Jakarta").total == 0
    per_thread: dict[int, list[int]] = {}
    errors = []
    stop = threading.Event()

    def keep_searching():
        answers = per_thread.setdefault(threading.get_ident(), [])
        while not stop.is_set():
            try:
                answers.append(reader.search("Jakarta", limit=3).total)
            except Exception as err:  # reported by the assertion below
                errors.append(repr(err))

    threads = [threading.Thread(target=keep_searching) for _ in range(2)]
    for thread in threads:
        thread.start()
    writer = start_indexing(folder, index_dir)
    assert writer.wait(timeout=300) == 0
    time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(per_thread) == 2
    for answers in per_thread.values():
        assert len(answers) > 20
        assert answers == sorted(answers)  # each reader's counts only grow, commit by commit
        assert len(set(answers)) > 2  # searches ran between commits
    final = reader.search("Jakarta").total
    assert final > 500 and all(a[-1] == final for a in per_thread.values())
    assert reader.stats().articles == len(ids) + 1
