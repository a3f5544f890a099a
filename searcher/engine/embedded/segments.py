"""Index with several processes: each writes whole Whoosh segments, the parent commits.

Whoosh's writer is pure Python, so one writer keeps one core busy however fast
the rest is. Here every worker process takes a share of each commit batch, tags
entities, analyses and writes its share as a finished segment in a private folder
(``<index>/<name>.parts/<pid>/``, so workers never touch each other's files or
the live index). The parent then, in archive order, marks replaced articles
deleted, moves the new segment files into the index folder and commits a table of
contents naming them: the same atomic step a single writer ends with. While it
commits one batch, the workers already write the next.

A killed run leaves at most the batch in flight as stray files, which the next
commit's clean-up (or the next run) removes; committed batches stay whole.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path

from searcher.engine.embedded import store
from searcher.engine.embedded.whoosh import writing
from searcher.engine.embedded.whoosh.capabilities import Capabilities
from searcher.engine.embedded.whoosh.writing import (
    commit_segments,
    finish_segment,
    segment_writer,
)
from searcher.errors import WorkerDied
from searcher.index_run import IndexOptions
from searcher.indexing.pipeline import Job, Outcome
from searcher.indexing.tally import Tally
from searcher.settings import Indexing

_worker: dict = {}


#: How often (seconds) the parent looks at the workers' progress while it waits for them.
TICK_SECONDS = 0.25


def _start_worker(
    parts: str, indexname: str, schema, lock_fd: int, done, writer_mb: int, caps: Capabilities
) -> None:
    """Each worker gets its own folder and an empty index there to write segments in.

    It lets go of the write lock it inherited (the parent holds it) and dies with
    the parent, so a killed run leaves no worker behind holding the lock.
    """
    os.close(lock_fd)
    _die_with_parent()
    folder = Path(parts) / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    _worker["ix"] = store.storage(folder).create_index(schema, indexname=indexname)
    _worker["folder"] = folder
    _worker["done"] = done
    _worker["writer_mb"] = writer_mb
    _worker["caps"] = caps


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (``PR_SET_PDEATHSIG``)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: an orphaned worker finishes its share, then finds no parent


def _pack(job: object) -> bytes:
    """A job as the parent holds it until its batch is committed: pickled and compressed,
    about half the article's size in memory (two batches of 10,000 are in flight)."""
    return zlib.compress(pickle.dumps(job, pickle.HIGHEST_PROTOCOL), 1)


def _write_share(task: tuple[Callable, list[bytes]]) -> tuple[str, object | None, list[Outcome]]:
    """Prepare and write one share of a batch as one segment; report each article."""
    prepare, jobs = task
    writer = segment_writer(_worker["ix"], _worker["caps"], _worker["writer_mb"])
    outcomes = []
    for n, packed in enumerate(jobs):
        jobs[n] = None  # each article is let go once it is written
        prepared, doc = prepare(pickle.loads(zlib.decompress(packed)))
        outcome = prepared.outcome()
        if doc is not None:
            try:
                writer.add_document(**doc)
            except Exception as err:  # one bad article never stops the rest
                outcome.error = f"could not index ({type(err).__name__}: {err}); skipped"
        outcomes.append(outcome)
        with _worker["done"].get_lock():
            _worker["done"].value += 1
    return str(_worker["folder"]), finish_segment(writer), outcomes


def _shares(jobs: list, count: int) -> list[list]:
    size = -(-len(jobs) // count)
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


def _commit(ix, index_dir: Path, results: list, tally: Tally, caps: Capabilities) -> None:
    """Add the batch's segments to the index in one commit (deleting replaced articles)."""
    writer = writing.writer(ix, caps)
    try:
        segments = []
        for folder, segment, outcomes in results:
            for outcome in outcomes:
                tally.written(outcome)
                if not outcome.error and not outcome.is_new:
                    writer.delete_by_term("id", outcome.article_id)
            if segment is not None:
                prefix = segment.segment_id() + "."
                for entry in Path(folder).iterdir():
                    if entry.name.startswith(prefix):
                        os.replace(entry, index_dir / entry.name)
                segments.append(segment)
        commit_segments(writer, segments)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, AttributeError):
            process.kill()


def remove_parts(index_dir: Path) -> None:
    """Delete worker folders left by a run that was killed."""
    for entry in index_dir.glob("*.parts"):
        shutil.rmtree(entry, ignore_errors=True)


def _wait_for(
    futures: list[Future], done, on_tick: Callable[[int], None] | None, on_stall, watch: Indexing
) -> None:
    """Wait for a batch's shares, telling ``on_tick`` how far the workers got.

    Workers count every article they finish. When the count stands still for
    ``watch.stall_warn_seconds`` (a worker stopped, or stuck), ``on_stall`` hears of
    it; after ``watch.stall_give_up_seconds`` the run stops with ``WorkerDied``.
    """
    last_count, last_change, warned = done.value, time.monotonic(), False
    while True:
        finished, waiting = wait(futures, timeout=TICK_SECONDS, return_when=FIRST_EXCEPTION)
        count = done.value
        if on_tick is not None:
            on_tick(count)
        if not waiting or any(f.exception() is not None for f in finished):
            return
        now = time.monotonic()
        if count != last_count:
            last_count, last_change, warned = count, now, False
            continue
        still = now - last_change
        if still >= watch.stall_give_up_seconds:
            raise WorkerDied(
                f"indexing workers made no progress for {still:,.0f} s (a worker stopped "
                "or stuck?); the index keeps every batch committed before: run the same "
                "command again to finish"
            )
        if not warned and still >= watch.stall_warn_seconds and on_stall is not None:
            on_stall(still)
            warned = True


def write_parallel(
    ix, index_dir: Path, jobs: Iterator[Job], prepare: Callable, options: IndexOptions,
    tally: Tally, lock_fd: int, caps: Capabilities,
) -> None:  # fmt: skip
    """Write ``jobs`` with ``options.procs`` worker processes, each running ``prepare``
    (a job -> its ``Prepared`` record and Whoosh document), a commit per
    ``options.indexing.commit_batch``; ``tally`` hears a few times a second how many
    articles the workers have prepared, and counts each one written."""
    procs, indexing = options.procs, options.indexing
    parts = index_dir / f"{ix.indexname}.parts"
    remove_parts(index_dir)
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    done = context.Value("q", 0)
    # an executor, not a Pool: a worker that dies (killed, out of memory) breaks the run
    # with an error instead of leaving it waiting for an answer that never comes
    executor = ProcessPoolExecutor(
        procs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(
            str(parts), ix.indexname, ix.schema, lock_fd, done, indexing.writer_mb, caps
        ),
    )
    try:
        # start the workers before the first batch is read, so they do not inherit it
        executor.submit(int).result()
        pending: list[Future] | None = None
        while True:
            chunk = [_pack(job) for job in islice(jobs, indexing.commit_batch)]
            submitted = None
            if chunk:
                submitted = [
                    executor.submit(_write_share, (prepare, share))
                    for share in _shares(chunk, procs)
                ]
            if pending is not None:
                _wait_for(pending, done, tally.prepared, options.on_stall, indexing)
                _commit(ix, index_dir, [future.result() for future in pending], tally, caps)
                tally.tick()
            if submitted is None:
                break
            pending = submitted
    except BrokenProcessPool as err:
        raise WorkerDied(
            "an indexing worker process died (killed, or out of memory?); the index keeps "
            "every batch committed before it: run the same command again to finish"
        ) from err
    except BaseException:
        _kill_workers(executor)  # a stopped worker would make shutdown wait for ever
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(parts, ignore_errors=True)
