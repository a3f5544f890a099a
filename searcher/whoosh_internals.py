"""Every use of Whoosh's private names, behind one capability probe.

Two things Whoosh offers only through private names make searcher fast: decoding a
posting list a block at a time (instead of a Python call per posting), and writing
a segment in a worker process that the parent then commits (parallel indexing).
Both are probed once at import against the installed Whoosh (``whoosh-reloaded`` or
``whoosh3``, same import name and file format). Where a probe fails, the public API
does the same work more slowly: postings a posting at a time, and indexing with one
process. So a Whoosh release that moves a private name slows searcher down; it
never breaks ``import searcher``.

``fast_path(False)`` forces the public fallbacks (the tests run the oracle with the
fast path on and off).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

import numpy as np
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import datetime_to_long

#: Whoosh stores a field's length per article as one byte; this decodes all 256.
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
#: A term held by no article: no docnums, no frequencies.
EMPTY_DOCS = np.zeros(0, dtype=np.int32)
EMPTY_FREQS = np.zeros(0, dtype=np.float64)


def _probe_block_reading() -> bool:
    """True when the Whoosh 3 codec's block matcher and lengths column are where we read them."""
    try:
        from whoosh.codec import whoosh3
        from whoosh.reading import SegmentReader

        matcher = whoosh3.W3LeafMatcher
        needed = ("_read_ids", "_read_weights", "_read_values", "_next_block")
        return (
            all(callable(getattr(matcher, name, None)) for name in needed)
            and callable(getattr(whoosh3, "_lenfield", None))
            and hasattr(whoosh3, "LENGTHS_COLUMN")
            and "_perdoc" in SegmentReader.__init__.__code__.co_names
        )
    except (ImportError, AttributeError):
        return False


def _probe_segment_writing() -> bool:
    """True when a ``SegmentWriter`` can finish a segment without committing it and the
    parent can commit a table of contents naming segments it did not write."""
    try:
        from whoosh.writing import SegmentWriter

        needed = (
            "_finalize_segment",
            "_finish",
            "_close_segment",
            "_commit_toc",
            "_merge_segments",
        )
        return all(callable(getattr(SegmentWriter, name, None)) for name in needed) and (
            "_lk" in SegmentWriter.__init__.__code__.co_varnames
        )
    except (ImportError, AttributeError):
        return False


#: What the installed Whoosh offers.
BLOCK_READING = _probe_block_reading()
PARALLEL_WRITING = _probe_segment_writing()
_enabled = {"fast": True}


@contextlib.contextmanager
def fast_path(on: bool) -> Iterator[None]:
    """Use (or avoid) the private fast path within the block; for tests and benchmarks."""
    before = _enabled["fast"]
    _enabled["fast"] = on
    try:
        yield
    finally:
        _enabled["fast"] = before


def _fast() -> bool:
    return BLOCK_READING and _enabled["fast"]


def date_code(when: datetime) -> int:
    """A date as the ``date`` column stores it (microseconds since year 1)."""
    return datetime_to_long(when)


# Reading -------------------------------------------------------------------------


def leaf_postings(leaf, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term in one segment: docnums and frequencies."""
    try:
        matcher = leaf.postings(fieldname, text)
    except TermNotFound:
        return EMPTY_DOCS, EMPTY_FREQS
    ids: list = []
    weights: list = []
    if _fast() and hasattr(matcher, "_read_ids"):
        # whole blocks at once instead of a call per posting
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int32))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            matcher._next_block()
        if not ids:
            return EMPTY_DOCS, EMPTY_FREQS
        return np.concatenate(ids), np.concatenate(weights)
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float64)


def length_codes(leaf, fieldname: str) -> np.ndarray:
    """One segment's length bytes for a field (index into ``BYTE_LENGTHS``)."""
    count = leaf.doc_count_all()
    per_doc = getattr(leaf, "_perdoc", None)
    if _fast() and per_doc is not None and hasattr(per_doc, "has_column"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        if not per_doc.has_column(_lenfield(fieldname)):
            return np.zeros(count, dtype=np.uint8)
        column = per_doc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        return np.fromiter(column, dtype=np.uint8, count=count)
    lengths = (leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(count))
    return np.searchsorted(BYTE_LENGTHS, np.fromiter(lengths, dtype=np.float64)).astype(np.uint8)


def leaf_positions(leaf, fieldname: str, text: bytes, wanted: np.ndarray):
    """``[(doc, positions)]`` of a term in one segment, only for the sorted ``wanted``
    docnums: on the fast path, blocks holding none of them are skipped on their header."""
    try:
        matcher = leaf.postings(fieldname, text)
    except TermNotFound:
        return []
    found = []
    if not (_fast() and hasattr(matcher, "_read_values") and hasattr(matcher, "_maxid")):
        for doc in wanted:
            matcher.skip_to(int(doc))
            if not matcher.is_active():
                break
            if matcher.id() == doc:
                found.append((int(doc), list(matcher.value_as("positions"))))
        return found
    decode = leaf.schema[fieldname].format.decode_positions
    previous_max = -1
    while matcher.is_active():
        block_max = matcher._maxid
        low = np.searchsorted(wanted, previous_max, side="right")
        high = np.searchsorted(wanted, block_max, side="right")
        if high > low:
            matcher._read_ids()
            matcher._read_values()
            ids = np.asarray(matcher._ids, dtype=np.int64)
            values = matcher._values
            for i in np.flatnonzero(np.isin(ids, wanted[low:high])):
                found.append((int(ids[i]), decode(values[i])))
        if high >= len(wanted):
            break
        previous_max = block_max
        matcher._next_block()
    return found


# Writing segments in worker processes ---------------------------------------------


def segment_writer(ix, limitmb: int = 128):
    """A writer for one segment that takes no lock (the parent holds the index's)."""
    from whoosh.writing import SegmentWriter

    return SegmentWriter(ix, _lk=False, limitmb=limitmb)


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
