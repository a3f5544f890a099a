"""Every use of Whoosh's private names, each behind a capability probe.

Five things Whoosh offers only through private names make searcher fast and small:
decoding a posting list a block at a time (instead of a Python call per posting),
looking terms up with a ``pread`` or two (instead of five reads through four file
layers), writing a segment in a worker process that the parent then commits (parallel
indexing), writing posting lists compactly (Whoosh 3's layout, its writer's bugs
fixed), and spilling the writer's sorted runs of postings a few thousand at a time
(instead of a pickle call per posting). Each is probed once at import against the
installed Whoosh (``whoosh-reloaded`` or ``whoosh3``, same import name and file
format). Where a probe fails, the public API does the same work more slowly or in
more bytes: postings a posting at a time, terms through Whoosh's reader, indexing with
one process, posting lists as Whoosh writes them, runs a posting at a time. So a Whoosh
release that moves a private name slows searcher down; it never breaks ``import
searcher``.

``fast_path(False)`` forces the public fallbacks (the tests run the oracle with the
fast path on and off).
"""

from __future__ import annotations

import array
import contextlib
import functools
import io
import itertools
import os
import pickle
import struct
import zlib
from collections.abc import Iterator
from datetime import datetime

import numpy as np
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import datetime_to_long

from searcher.packed_positions import PackedPositions, packed_deltas

#: Whoosh stores a field's length per article as one byte; this decodes all 256.
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
#: A term held by no article: no docnums, no frequencies.
EMPTY_DOCS = np.zeros(0, dtype=np.int32)
EMPTY_FREQS = np.zeros(0, dtype=np.float64)
#: No occurrences: no ``doc << 32 | position`` keys.
EMPTY_KEYS = np.zeros(0, dtype=np.int64)
#: How a Whoosh 3 posting list starts, and the signed length before each block.
_POSTINGS_MAGIC = b"W3Bl"
_BLOCK_LENGTH = struct.Struct("!i")
#: Whoosh's hash file: a slot is (hash, item position), an item starts with two lengths.
_HASH_SLOT = struct.Struct("!Iq")
_HASH_LENGTHS = struct.Struct("!ii")
#: A compact block's header pickle opens with where its data's values start, pushed and
#: popped again (``J`` the int, ``0`` POP): any unpickler passes over it.
_SPLIT_MARK = b"\x80\x03J"
_SPLIT = struct.Struct("<i")
_POP = b"0"
#: Ends a pickle cut before a block's values: (gaps, weights) as a 2-tuple.
_TWO_AND_STOP = b"\x86."


def _probe_block_reading() -> bool:
    """True when the Whoosh 3 codec's posting lists, terms reader and lengths column are
    where and what we read them as."""
    try:
        from whoosh.codec import whoosh3
        from whoosh.reading import SegmentReader

        info = whoosh3.W3TermInfo
        return (
            whoosh3.WHOOSH3_HEADER_MAGIC == _POSTINGS_MAGIC
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


def _position_deltas(values: list[bytes]) -> list[list[int]]:
    """Many ``Positions`` values' delta lists with one unpickling instead of one each:
    a value is a 4-byte count and a pickled list (its stop opcode optional, as Whoosh's
    decoder allows), so their pickles, stops dropped, between a mark and a ``LIST``
    opcode are one pickle of the lists."""
    parts = [value[4:-1] if value[-1:] == b"." else value[4:] for value in values]
    return pickle.loads(b"\x80\x02(" + b"".join(parts) + b"l.")


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


def _names_used(code) -> set[str]:
    """The names a function's code uses, its comprehensions' included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names_used(const)
    return names


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
            and "_read_run" in _names_used(SortingPool._merge_runs.__code__)
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
        deltas = _position_deltas(values + [value.rstrip(b".") for value in values])
        decoded = [list(itertools.accumulate(d)) for d in deltas]
        return decoded == samples + samples == [format_.decode_positions(v) for v in values * 2]
    except Exception:  # any failure means: decode one value at a time
        return False


#: What the installed Whoosh offers.
BLOCK_READING = _probe_block_reading()
PARALLEL_WRITING = _probe_segment_writing()
COMPACT_POSTINGS = _probe_compact_postings()
POSITION_BATCHES = _probe_position_batches()
DIRECT_READS = _probe_direct_reads()
CHUNKED_RUNS = _probe_chunked_runs()
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


def _blocks(leaf, fieldname: str, text: bytes) -> list[tuple] | None:
    """A term's posting list in one segment as ``(last docnum, compression, data,
    values at)`` per block, read in one piece (Whoosh's matcher reads each block's
    header through a dozen small reads). ``values at`` is where the values start in the
    block's pickle when its header says so (``_SPLIT_MARK``), else None. Postings
    inlined in the term entry come as one block whose compression is None. None where
    the list is not Whoosh 3 blocks. Raises ``TermNotFound``."""
    terms = getattr(leaf, "_terms", None)
    if terms is None:  # not a segment (an empty index's reader)
        return None
    info = _term_info(terms, fieldname, text)
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        return [(ids[-1], None, (ids, weights, values), None)]
    offset, length = info.extent()
    if isinstance(length, tuple):  # whoosh-reloaded reads it back as a 1-tuple
        length = length[0]
    data = _read(terms._postfile, offset, length)
    if data[:4] != _POSTINGS_MAGIC:
        return None
    stream = io.BytesIO(data)
    blocks, position = [], 4
    while position < len(data):
        (size,) = _BLOCK_LENGTH.unpack_from(data, position)
        end = position + _BLOCK_LENGTH.size + abs(size)
        header = position + _BLOCK_LENGTH.size
        stream.seek(header)
        # the block's header: count, last docnum, max weight, compression, min/max length
        _count, last, _weight, compression, _short, _long = pickle.load(stream)
        values_at = _split_at(data, header)
        blocks.append((last, compression, data[stream.tell() : end], values_at))
        position = end
        if size < 0:  # the last block's length is stored negated
            break
    return blocks


def _term_info(terms, fieldname: str, text: bytes):
    """``terms.term_info(fieldname, text)``, looked up in Whoosh's hash file with a
    ``pread`` or two instead of five reads through four layers of file objects (a
    first search at 50,000 articles made 40,000 of them)."""
    entry = _term_entry(terms, fieldname, text) if DIRECT_READS else None
    if entry is None:
        return terms.term_info(fieldname, text)  # or raises TermNotFound
    from whoosh.codec.whoosh3 import W3TermInfo

    return W3TermInfo.from_bytes(entry)


def _term_entry(terms, fieldname: str, text: bytes) -> bytes | None:
    """The term's entry bytes, read as Whoosh's ``HashReader.ranges_for_key`` does;
    None when the file cannot be read directly. Raises ``TermNotFound``."""
    located = _located(terms._tindex.dbfile)
    if located is None:
        return None
    handle, base = located
    index = terms._tindex
    key = terms._keycoder(fieldname, text)
    keyhash = index.hashfn(key)
    table, slots = index.tables[keyhash & 255]
    if not slots:
        raise TermNotFound(f"No term {fieldname}:{text!r}")
    slot = (keyhash >> 8) % slots
    for _ in range(slots):
        slot_hash, item = _HASH_SLOT.unpack(
            os.pread(handle, _HASH_SLOT.size, base + table + slot * _HASH_SLOT.size)
        )
        if not item:
            break
        if slot_hash == keyhash:
            wanted = _HASH_LENGTHS.size + len(key)
            head = os.pread(handle, wanted + 64, base + item)
            key_length, data_length = _HASH_LENGTHS.unpack_from(head)
            if key_length == len(key) and head[_HASH_LENGTHS.size : wanted] == key:
                if wanted + data_length > len(head):
                    head = os.pread(handle, wanted + data_length, base + item)
                return head[wanted : wanted + data_length]
        slot = (slot + 1) % slots
    raise TermNotFound(f"No term {fieldname}:{text!r}")


def _read(structfile, offset: int, length: int) -> bytes:
    """``structfile.get(offset, length)`` with one ``pread`` where it can be."""
    located = _located(structfile) if DIRECT_READS else None
    if located is None:
        return structfile.get(offset, length)
    handle, base = located
    return os.pread(handle, length, base + offset)


def _located(structfile) -> tuple[int, int] | None:
    """The file descriptor and offset of a part of a segment file, where the part is a
    ``SubFile`` of an open file (the index read through the page cache, not mapped)."""
    part = getattr(structfile, "file", None)
    whole = getattr(part, "_file", None)
    offset = getattr(part, "_offset", None)
    if whole is None or not isinstance(offset, int) or not hasattr(whole, "fileno"):
        return None
    try:
        return whole.fileno(), offset
    except (OSError, ValueError):  # closed, or not a real file
        return None


def _split_at(data: bytes, header: int) -> int | None:
    """Where the values start in the data of the block whose header is at ``header``,
    when the header says (``_SPLIT_MARK``), else None."""
    if data.startswith(_SPLIT_MARK, header) and data.startswith(_POP, header + 7):
        return _SPLIT.unpack_from(data, header + 3)[0]
    return None


def _block_postings(compression: int | None, data) -> tuple[list, object, tuple]:
    """One block's docnum gaps (the first one absolute), minified weights and encoded
    values (positions). A compression of None marks postings inlined in the term
    entry: docnums, not gaps."""
    if compression is None:
        return data
    return pickle.loads(zlib.decompress(data) if compression else data)


def _block_gaps_and_weights(compression: int | None, data, values_at: int | None):
    """A block's gaps and weights without its values where the block says where they
    start: only that much is decompressed and unpickled (a fifth of the bytes, and
    most of the objects, are the values)."""
    if values_at is None:
        return _block_postings(compression, data)[:2]
    head = zlib.decompressobj().decompress(data, values_at) if compression else data[:values_at]
    return pickle.loads(head + _TWO_AND_STOP)


def _docs_and_freqs(blocks: list, with_values: bool = False):
    """The blocks' docnums and frequencies, and with ``with_values`` each block's
    values. Gaps and weights a block packs as arrays (``_packed``) are read by numpy as
    they are; those pickled as tuples are gathered and converted once for them all (a
    conversion per block cost as much as decoding). Any run of a list's blocks will
    do: each block's first gap is an absolute docnum."""
    gap_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    gaps: list[int] = []  # tuple blocks' gaps and weights not yet converted
    weights: list[float] = []
    values: list[tuple] = []
    starts: list[int] = []  # where each block after the first starts
    lasts: list[int] = []  # each block's last docnum
    count = 0
    for last, compression, data, values_at in blocks:
        if with_values:
            block_gaps, block_weights, block_values = _block_postings(compression, data)
            values.append(block_values)
        else:
            block_gaps, block_weights = _block_gaps_and_weights(compression, data, values_at)
        if compression is None:  # inlined in the term entry: docnums, not gaps
            block_gaps = [block_gaps[0], *(b - a for a, b in itertools.pairwise(block_gaps))]
        size = len(block_gaps)
        if count:  # a block's first gap is its absolute docnum: make it one from the last
            starts.append(count)
        _extend(gap_parts, gaps, block_gaps)
        if block_weights is None:  # every weight 1.0
            block_weights = itertools.repeat(1.0, size)
        elif isinstance(block_weights, float):  # every weight the same
            block_weights = itertools.repeat(block_weights, size)
        _extend(weight_parts, weights, block_weights)
        count += size
        lasts.append(last)
    _extend(gap_parts, gaps, None)
    _extend(weight_parts, weights, None)
    all_gaps = _joined(gap_parts, np.int64)
    if starts:
        all_gaps[starts] -= np.asarray(lasts[:-1], dtype=np.int64)
    docs = np.cumsum(all_gaps).astype(np.int32)
    freqs = _joined(weight_parts, np.float64)
    return (docs, freqs, values) if with_values else (docs, freqs)


def _extend(parts: list[np.ndarray], pending: list, numbers) -> None:
    """Add a block's numbers in order: an array is taken by numpy as it is (after the
    pending numbers), anything else waits in ``pending``; None flushes ``pending``."""
    if numbers is not None and not isinstance(numbers, array.array):
        pending.extend(numbers)
        return
    if pending:
        parts.append(np.asarray(pending))
        pending.clear()
    if numbers is not None:
        parts.append(np.frombuffer(numbers, dtype=numbers.typecode))


def _joined(parts: list[np.ndarray], dtype) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=dtype)
    joined = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return joined.astype(dtype)  # a copy: the parts may be read-only buffers


def leaf_postings(leaf, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a live article of a term in one segment: docnums and frequencies."""
    try:
        blocks = _blocks(leaf, fieldname, text) if _fast() else None
        if blocks is None:
            return _matcher_postings(leaf, fieldname, text)
    except TermNotFound:
        return EMPTY_DOCS, EMPTY_FREQS
    if not blocks:
        return EMPTY_DOCS, EMPTY_FREQS
    docs, freqs = _docs_and_freqs(blocks)
    deleted = leaf.deleted_docs_set
    if deleted:
        live = ~np.isin(docs, np.fromiter(deleted, dtype=np.int32, count=len(deleted)))
        docs, freqs = docs[live], freqs[live]
    return docs, freqs


def _matcher_postings(leaf, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The public API's way: a Python call per posting (deleted articles left out)."""
    matcher = leaf.postings(fieldname, text)
    ids: list = []
    weights: list = []
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


def leaf_positions(leaf, fieldname: str, text: bytes, wanted: np.ndarray) -> np.ndarray:
    """``doc << 32 | position`` for each occurrence of a term in one segment, only in
    the sorted ``wanted`` docnums: on the fast path, blocks holding none of them are
    never decompressed, and the chosen articles' positions are decoded together."""
    try:
        blocks = _blocks(leaf, fieldname, text) if _fast() else None
        if blocks is None:
            return _matcher_positions(leaf.postings(fieldname, text), wanted)
    except TermNotFound:
        return EMPTY_KEYS
    chosen = []
    previous_last = -1
    for block in blocks:
        last = block[0]
        low = np.searchsorted(wanted, previous_last, side="right")
        high = np.searchsorted(wanted, last, side="right")
        if high > low:
            chosen.append(block)
        if high >= len(wanted):
            break
        previous_last = last
    if not chosen:
        return EMPTY_KEYS
    docs, _freqs, values = _docs_and_freqs(chosen, with_values=True)
    at = _positions_of(docs, wanted)
    if not len(at):
        return EMPTY_KEYS
    every_value = list(itertools.chain.from_iterable(values))
    format_ = leaf.schema[fieldname].format
    return _position_keys(docs[at], [every_value[i] for i in at.tolist()], format_)


def _positions_of(docs: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Indexes into sorted ``docs`` of the sorted ``wanted`` docnums it holds."""
    at = np.searchsorted(docs, wanted)
    inside = at < len(docs)
    at = at[inside]
    return at[docs[at] == wanted[inside]]


def _position_keys(docs: np.ndarray, values: list[bytes], format_) -> np.ndarray:
    """``doc << 32 | position`` for the encoded positions of each of ``docs``: packed
    values in one array, Whoosh's pickled ones unpickled together where the probe
    allows, any other format a value at a time."""
    packed = packed_deltas(values) if type(format_) is PackedPositions else None
    if packed is not None:
        deltas, counts = packed
        positions = _undo_deltas(deltas, counts)
    elif POSITION_BATCHES and type(format_).decode_positions is Positions.decode_positions:
        counts, deltas = _flattened(_position_deltas(values))
        positions = _undo_deltas(deltas, counts)
    else:
        counts, positions = _flattened([format_.decode_positions(value) for value in values])
    return (np.repeat(docs.astype(np.int64), counts) << 32) | positions


def _flattened(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each list's length, and all their numbers as one array."""
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    numbers = np.fromiter(
        itertools.chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum())
    )
    return counts, numbers


def _undo_deltas(deltas: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions from runs of deltas, ``counts`` long, each run restarting from 0."""
    # running[i] sums the first i deltas: take off the sum of the runs before
    running = np.concatenate(([0], np.cumsum(deltas)))
    return running[1:] - np.repeat(running[np.cumsum(counts) - counts], counts)


def _matcher_positions(matcher, wanted: np.ndarray) -> np.ndarray:
    keys: list[int] = []
    for doc in wanted:
        matcher.skip_to(int(doc))
        if not matcher.is_active():
            break
        if matcher.id() == doc:
            keys.extend(int(doc) << 32 | p for p in matcher.value_as("positions"))
    return np.asarray(keys, dtype=np.int64)


# Writing segments in worker processes ---------------------------------------------


def _writer_codec():
    """The compact codec where Whoosh allows it; None (Whoosh's default) elsewhere."""
    return compact_codec() if COMPACT_POSTINGS else None


def writer(ix, **kwargs):
    """``ix.writer(**kwargs)`` writing compact posting lists and chunked runs where
    Whoosh allows them."""
    return _chunking_runs(ix.writer(codec=_writer_codec(), **kwargs))


def segment_writer(ix, limitmb: int = 128):
    """A writer for one segment that takes no lock (the parent holds the index's)."""
    from whoosh.writing import SegmentWriter

    return _chunking_runs(SegmentWriter(ix, _lk=False, limitmb=limitmb, codec=_writer_codec()))


#: Postings per pickle in a spilled run: one pickle call per posting was a sixth of an
#: indexing run without entities; a run being merged holds one chunk in memory.
RUN_CHUNK = 4096


@functools.cache
def _chunked_runs_pool() -> type:
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


def _chunking_runs(writer):
    """``writer``, its posting pool spilling runs in chunks where the probe allows."""
    from whoosh.writing import PostingPool

    pool = getattr(writer, "pool", None)
    if CHUNKED_RUNS and type(pool) is PostingPool and not pool.runs:
        pool.__class__ = _chunked_runs_pool()
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


# Compact posting lists -------------------------------------------------------------

#: Blocks shorter than this are stored plain: zlib's header and checksum would make
#: them longer (whoosh3 measured it; whoosh-reloaded compresses everything).
_COMPRESS_FROM = 80
#: Posting lists this short go inside their term's entry (no block in the postings
#: file); about 60% of a segment's terms are held by one article. Limits of 1, 4, 8 and
#: 16 gave 23.3, 22.5, 22.5 and 22.8 MB over 5,000 articles.
INLINE_POSTINGS = 4
#: Postings per block. Whoosh writes 128; 512 decode in a third of the time (a block
#: costs a header, a zlib stream and a conversion) and take 5% less disk.
BLOCK_POSTINGS = 512
#: Blocks this long or longer keep gaps and weights as arrays (``_packed``); a pickled
#: array spends about 50 bytes naming its type, more than a shorter tuple saves.
PACK_FROM = 64
#: The array types ``_packed`` chooses from, narrowest first, with the bound of each.
_ARRAY_LIMITS = tuple((code, 1 << 8 * array.array(code).itemsize) for code in "BHI")


def _dumps(value) -> bytes:
    """Pickle protocol 3 without a memo. Whoosh pickles blocks with protocol 2, which
    spells each position string as a call to ``_codecs.encode`` and puts every tuple
    in the memo: twice the bytes, five times the decoding time. Any protocol loads."""
    sink = io.BytesIO()
    pickler = pickle.Pickler(sink, 3)
    pickler.fast = True  # no memo: the values are flat tuples, never shared
    pickler.dump(value)
    return sink.getvalue()


def _block_data(gaps, weights, values) -> tuple[bytes, int]:
    """A block's data as Whoosh pickles it, ``(gaps, weights, values)``, and where the
    values start in it: a reader wanting only docnums and weights stops there."""
    head = b"".join(_dumps(part)[2:-1] for part in (gaps, weights))  # no proto, no stop
    return b"\x80\x03" + head + _dumps(values)[2:-1] + b"\x87.", 2 + len(head)


def _packed(numbers):
    """A block's gaps or whole-number weights as the narrowest array that holds them,
    when there are ``PACK_FROM`` or more: one bytes object to unpickle, read by numpy as
    it is, instead of an int object each (gaps and weights decode 2.5 times faster).
    Whoosh's reader takes an array wherever it takes the tuple. Anything else is
    returned as it is."""
    if not isinstance(numbers, tuple) or len(numbers) < PACK_FROM:
        return numbers
    if not all(type(number) is int for number in numbers) or min(numbers) < 0:
        return numbers
    largest = max(numbers)
    for typecode, limit in _ARRAY_LIMITS:
        if largest < limit:
            return array.array(typecode, numbers)
    return numbers


def _whole_as_ints(weights):
    """Whoosh's minified weights (None, one float, or a tuple) with the tuple's whole
    numbers as ints: 2 bytes pickled, not 9; the readers take any number."""
    if isinstance(weights, tuple):
        return tuple(int(w) if w.is_integer() else w for w in weights)
    return weights


@functools.cache
def _compact_codec_class():
    """Whoosh 3's codec writing what its own reader reads, with three of its writer's
    bugs fixed: short lists are inlined (its test calls a method that does not exist),
    short blocks are stored plain (its test is overwritten), and pickles are
    protocol 3. Blocks hold 512 postings, and each header says where its values
    start (``_SPLIT_MARK``), so a search decodes only docnums and weights; blocks of
    ``PACK_FROM`` postings or more hold those as arrays (``_packed``). Segments name
    the stock codec: Whoosh's own reader reads them."""
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import length_to_byte

    class CompactTermInfo(whoosh3.W3TermInfo):
        def to_bytes(self) -> bytes:
            if not self.is_inlined():
                return super().to_bytes()
            inlined, self._inlined = self._inlined, ()
            try:
                head = super().to_bytes()[: self._struct.size]  # the flag byte says inlined
            finally:
                self._inlined = inlined
            return head + _dumps(inlined)

    class CompactPostingsWriter(whoosh3.W3PostingsWriter):
        def start_postings(self, format_, terminfo):
            super().start_postings(format_, CompactTermInfo())

        def finish_postings(self):
            if self.written() or not 0 < len(self) <= INLINE_POSTINGS:
                return super().finish_postings()
            terminfo = self._terminfo
            terminfo.add_block(self)
            # a format with no values (``id``'s) still gets b"" each: Whoosh's merge
            # asserts bytes, and an inlined list with none would give its matcher's ""
            values = tuple(self._values) or (b"",) * len(self)
            weights = self._mini_weights()
            if isinstance(weights, float):  # an inlined list's matcher takes no one-for-all
                weights = (weights,) * len(self)
            terminfo._inlined = (tuple(self._ids), _whole_as_ints(weights), values)
            self._terminfo = None
            return terminfo

        def _write_block(self, last=False):
            """Whoosh's block layout: length (negated for the last), header, data."""
            if not self._blockcount:
                self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
            self._terminfo.add_block(self)
            weights = _whole_as_ints(self._mini_weights())
            data, values_at = _block_data(
                _packed(self._mini_ids()), _packed(weights), self._mini_values()
            )
            compression = self._compression if len(data) >= _COMPRESS_FROM else 0
            if compression:
                data = zlib.compress(data, compression)
            ids = self._ids
            header = _dumps(
                (
                    len(ids),
                    ids[-1],
                    self._maxweight,
                    compression,
                    length_to_byte(self._minlength),
                    length_to_byte(self._maxlength),
                )
            )
            header = _SPLIT_MARK + _SPLIT.pack(values_at) + _POP + header[2:]
            length = len(header) + len(data)
            self._postfile.write_int(-length if last else length)
            self._postfile.write(header)
            self._postfile.write(data)
            self._blockcount += 1
            self._new_block()

    class CompactCodec(whoosh3.W3Codec):
        def __init__(self, blocklimit=None, compression=3, inlinelimit=1):
            super().__init__(blocklimit or BLOCK_POSTINGS, compression, inlinelimit)

        def postings_writer(self, dbfile, byteids=False):
            if byteids:  # term vectors: left as Whoosh writes them
                return super().postings_writer(dbfile, byteids=True)
            return CompactPostingsWriter(
                dbfile, blocklimit=self._blocklimit, compression=self._compression
            )

        def new_segment(self, storage, indexname):
            stock = whoosh3.W3Codec(blocklimit=self._blocklimit, compression=self._compression)
            return whoosh3.W3Segment(stock, indexname)

    return CompactCodec


def compact_codec():
    """A new compact codec (see ``_compact_codec_class``)."""
    return _compact_codec_class()()
