"""Writing through Whoosh's writers: compact posting lists and chunked runs where the
``Capabilities`` allow, and segments finished in a worker process that the parent
commits without merging (parallel indexing)."""

from __future__ import annotations

import functools
import itertools
import pickle

from searcher.engine.embedded.whoosh.capabilities import Capabilities
from searcher.engine.embedded.whoosh.codec import compact_codec


def _writer_codec(caps: Capabilities):
    """The compact codec where Whoosh allows it; None (Whoosh's default) elsewhere."""
    return compact_codec() if caps.compact_postings else None


def writer(ix, caps: Capabilities, **kwargs):
    """``ix.writer(**kwargs)`` writing compact posting lists and chunked runs where
    ``caps`` allow them."""
    return chunking_runs(ix.writer(codec=_writer_codec(caps), **kwargs), caps)


def segment_writer(ix, caps: Capabilities, limitmb: int = 128):
    """A writer for one segment that takes no lock (the parent holds the index's)."""
    from whoosh.writing import SegmentWriter

    made = SegmentWriter(ix, _lk=False, limitmb=limitmb, codec=_writer_codec(caps))
    return chunking_runs(made, caps)


#: Postings per pickle in a spilled run: one pickle call per posting was a sixth of an
#: indexing run without entities; a run being merged holds one chunk in memory.
RUN_CHUNK = 4096


@functools.cache
def chunked_runs_pool() -> type:
    from whoosh.writing import PostingPool

    class _ChunkedRuns(PostingPool):
        """Whoosh's posting pool, its runs pickled ``RUN_CHUNK`` postings at a time."""

        def _write_run(self, f, items) -> None:
            items = iter(items)
            while chunk := list(itertools.islice(items, RUN_CHUNK)):
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
            f.close()

        def _read_run(self, path):
            f = self._open_run(path)
            try:
                while True:
                    try:
                        chunk = pickle.load(f)
                    except EOFError:
                        return
                    yield from chunk
            finally:
                f.close()
                self._remove_run(path)

    return _ChunkedRuns


def chunking_runs(writer, caps: Capabilities):
    """``writer``, its posting pool spilling runs in chunks where ``caps`` allow."""
    from whoosh.writing import PostingPool

    pool = getattr(writer, "pool", None)
    if caps.chunked_runs and type(pool) is PostingPool and not pool.runs:
        pool.__class__ = chunked_runs_pool()
    return writer


def finish_segment(writer):
    """The writer's finished segment, not committed anywhere; None when it wrote nothing."""
    if not writer._added:
        writer.cancel()
        return None
    segment = writer._finalize_segment()
    writer._finish()
    return segment


def commit_segments(writer, segments: list) -> None:
    """Commit ``writer`` (its deletions) with the finished ``segments`` added, without
    merging (merging is serial work the workers were spared)."""
    kept = writer._merge_segments(None, False, False)
    writer._close_segment()
    writer._commit_toc(kept + segments)
    writer._finish()
