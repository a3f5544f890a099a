"""What the installed Whoosh offers through its private names, probed once.

Five things Whoosh offers only through private names make searcher fast and small:
decoding a posting list a block at a time (instead of a Python call per posting),
looking terms up with a ``pread`` or two (instead of five reads through four file
layers), writing a segment in a worker process that the parent then commits (parallel
indexing), writing posting lists compactly (Whoosh 3's layout, its writer's bugs
fixed), and spilling the writer's sorted runs of postings a few thousand at a time
(instead of a pickle call per posting). Each is probed against the installed Whoosh
(``whoosh-reloaded`` or ``whoosh3``, same import name and file format) and the answers
are one frozen ``Capabilities`` value that readers and writers are handed. Where a
probe fails, the public API does the same work more slowly or in more bytes: postings
a posting at a time, terms through Whoosh's reader, indexing with one process, posting
lists as Whoosh writes them, runs a posting at a time. So a Whoosh release that moves
a private name slows searcher down; it never breaks ``import searcher``.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, replace
from functools import cache

from whoosh.formats import Positions

from searcher.engine.embedded.whoosh.layout import POSTINGS_MAGIC, names_used, position_deltas


@dataclass(frozen=True)
class Capabilities:
    """Which private ways into Whoosh may be used (each True only where its probe passed)."""

    #: Posting lists decoded a block at a time, lengths read as a column.
    block_reading: bool = False
    #: Segments written in worker processes, committed by the parent.
    parallel_writing: bool = False
    #: Posting lists written by the compact codec.
    compact_postings: bool = False
    #: Many ``Positions`` values unpickled at once.
    position_batches: bool = False
    #: Term entries and posting lists read with ``pread``.
    direct_reads: bool = False
    #: The writer's sorted runs spilled in chunks.
    chunked_runs: bool = False

    def without(self, *names: str) -> Capabilities:
        """These capabilities with some turned off (tests compare the public fallbacks)."""
        return replace(self, **dict.fromkeys(names, False))


#: Every capability off: the public API alone.
PUBLIC_ONLY = Capabilities()


def _probe_block_reading() -> bool:
    """True when the Whoosh 3 codec's posting lists, terms reader and lengths column are
    where and what we read them as."""
    try:
        from whoosh.codec import whoosh3
        from whoosh.reading import SegmentReader

        info = whoosh3.W3TermInfo
        return (
            whoosh3.WHOOSH3_HEADER_MAGIC == POSTINGS_MAGIC
            and all(callable(getattr(info, name, None)) for name in ("extent", "is_inlined"))
            and "_postfile" in whoosh3.W3TermsReader.__init__.__code__.co_names
            and callable(getattr(whoosh3.W3TermsReader, "term_info", None))
            and callable(getattr(whoosh3, "_lenfield", None))
            and hasattr(whoosh3, "LENGTHS_COLUMN")
            and "_perdoc" in SegmentReader.__init__.__code__.co_names
            and "_terms" in SegmentReader.__init__.__code__.co_names
            and hasattr(SegmentReader, "deleted_docs_set")
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


def _probe_compact_postings() -> bool:
    """True when Whoosh 3's postings writer and term info are built as the compact codec
    below expects (it overrides how they pickle; the layout on disk is Whoosh's)."""
    try:
        from whoosh.codec import whoosh3

        writer = whoosh3.W3PostingsWriter
        names = writer.finish_postings.__code__.co_names + writer._write_block.__code__.co_names
        return (
            all(
                name in names
                for name in ("_terminfo", "_write_block", "set_extent", "add_block", "_new_block")
            )
            and callable(getattr(writer, "_mini_weights", None))
            and "loads" in whoosh3.W3TermInfo.from_bytes.__func__.__code__.co_names
            and hasattr(whoosh3.W3TermInfo, "_struct")
            and "_inlined" in whoosh3.W3TermInfo.__init__.__code__.co_names
            and "_codec" in whoosh3.W3Segment.__init__.__code__.co_names
        )
    except (ImportError, AttributeError):
        return False


def _probe_direct_reads() -> bool:
    """True when Whoosh's hash file and compound parts are laid out as ``_term_entry``
    and ``_located`` read them."""
    try:
        from whoosh.codec import whoosh3
        from whoosh.filedb import compound, filetables

        lookup = filetables.HashReader.ranges_for_key.__code__.co_names
        return (
            hasattr(os, "pread")
            and filetables._pointer.format in ("!Iq", b"!Iq")
            and filetables._lengths.format in ("!ii", b"!ii")
            and all(name in lookup for name in ("hashfn", "tables", "get"))
            and "_tindex" in whoosh3.W3TermsReader.__init__.__code__.co_names
            and callable(getattr(whoosh3.W3TermsReader, "_keycoder", None))
            and {"_file", "_offset"} <= set(compound.SubFile.__init__.__code__.co_names)
        )
    except (ImportError, AttributeError):
        return False


def _probe_chunked_runs() -> bool:
    """True when Whoosh's posting pool writes, merges and reads its sorted runs only
    through ``_write_run`` and ``_read_run``, which ``_ChunkedRuns`` replaces."""
    try:
        from whoosh.externalsort import SortingPool
        from whoosh.writing import PostingPool, SegmentWriter

        return (
            issubclass(PostingPool, SortingPool)
            and all(
                callable(getattr(PostingPool, name, None))
                for name in ("_write_run", "_read_run", "_open_run", "_remove_run")
            )
            and "_write_run" in SortingPool.save.__code__.co_names
            and "_write_run" in SortingPool.reduce_to.__code__.co_names
            and "_read_run" in names_used(SortingPool._merge_runs.__code__)
            and "pool" in SegmentWriter.__init__.__code__.co_names
        )
    except (ImportError, AttributeError):
        return False


def _probe_position_batches() -> bool:
    """True when Whoosh's ``Positions`` values are pickled delta lists that
    ``_position_deltas`` decodes many at a time, as its own decoder does one."""
    try:
        format_ = Positions()
        samples = [[0], [3, 7, 300, 70_000], list(range(5, 9_000, 3))]
        values = [format_.encode(sample) for sample in samples]
        deltas = position_deltas(values + [value.rstrip(b".") for value in values])
        decoded = [list(itertools.accumulate(d)) for d in deltas]
        return decoded == samples + samples == [format_.decode_positions(v) for v in values * 2]
    except Exception:  # any failure means: decode one value at a time
        return False


@cache
def probed() -> Capabilities:
    """What the installed Whoosh offers, probed once per process."""
    return Capabilities(
        block_reading=_probe_block_reading(),
        parallel_writing=_probe_segment_writing(),
        compact_postings=_probe_compact_postings(),
        position_batches=_probe_position_batches(),
        direct_reads=_probe_direct_reads(),
        chunked_runs=_probe_chunked_runs(),
    )
