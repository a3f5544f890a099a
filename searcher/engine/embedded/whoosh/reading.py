"""Reading Whoosh 3 segments directly: a term's posting list in one piece, decoded a
block at a time into numpy arrays; lengths as a column; positions of chosen articles
only. Each function takes the ``Capabilities`` it may use and falls back to Whoosh's
public API where one is off."""

from __future__ import annotations

import array
import io
import itertools
import os
import pickle
import zlib

import numpy as np
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from searcher.engine.embedded.positions import PackedPositions, packed_deltas
from searcher.engine.embedded.whoosh.capabilities import Capabilities
from searcher.engine.embedded.whoosh.layout import (
    BLOCK_LENGTH,
    HASH_LENGTHS,
    HASH_SLOT,
    POP,
    POSTINGS_MAGIC,
    SPLIT,
    SPLIT_MARK,
    TWO_AND_STOP,
    position_deltas,
)

#: Whoosh stores a field's length per article as one byte; this decodes all 256.
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
#: A term held by no article: no docnums, no frequencies.
EMPTY_DOCS = np.zeros(0, dtype=np.int32)
EMPTY_FREQS = np.zeros(0, dtype=np.float64)
#: No occurrences: no ``doc << 32 | position`` keys.
EMPTY_KEYS = np.zeros(0, dtype=np.int64)


def _blocks(leaf, fieldname: str, text: bytes, caps: Capabilities) -> list[tuple] | None:
    """A term's posting list in one segment as ``(last docnum, compression, data,
    values at)`` per block, read in one piece (Whoosh's matcher reads each block's
    header through a dozen small reads). ``values at`` is where the values start in the
    block's pickle when its header says so (``SPLIT_MARK``), else None. Postings
    inlined in the term entry come as one block whose compression is None. None where
    the list is not Whoosh 3 blocks. Raises ``TermNotFound``."""
    terms = getattr(leaf, "_terms", None)
    if terms is None:  # not a segment (an empty index's reader)
        return None
    info = _term_info(terms, fieldname, text, caps)
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        return [(ids[-1], None, (ids, weights, values), None)]
    offset, length = info.extent()
    if isinstance(length, tuple):  # whoosh-reloaded reads it back as a 1-tuple
        length = length[0]
    data = _read(terms._postfile, offset, length, caps)
    if data[:4] != POSTINGS_MAGIC:
        return None
    stream = io.BytesIO(data)
    blocks, position = [], 4
    while position < len(data):
        (size,) = BLOCK_LENGTH.unpack_from(data, position)
        end = position + BLOCK_LENGTH.size + abs(size)
        header = position + BLOCK_LENGTH.size
        stream.seek(header)
        # the block's header: count, last docnum, max weight, compression, min/max length
        _count, last, _weight, compression, _short, _long = pickle.load(stream)
        values_at = _split_at(data, header)
        blocks.append((last, compression, data[stream.tell() : end], values_at))
        position = end
        if size < 0:  # the last block's length is stored negated
            break
    return blocks


def _term_info(terms, fieldname: str, text: bytes, caps: Capabilities):
    """``terms.term_info(fieldname, text)``, looked up in Whoosh's hash file with a
    ``pread`` or two instead of five reads through four layers of file objects (a
    first search at 50,000 articles made 40,000 of them)."""
    entry = _term_entry(terms, fieldname, text) if caps.direct_reads else None
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
        slot_hash, item = HASH_SLOT.unpack(
            os.pread(handle, HASH_SLOT.size, base + table + slot * HASH_SLOT.size)
        )
        if not item:
            break
        if slot_hash == keyhash:
            wanted = HASH_LENGTHS.size + len(key)
            head = os.pread(handle, wanted + 64, base + item)
            key_length, data_length = HASH_LENGTHS.unpack_from(head)
            if key_length == len(key) and head[HASH_LENGTHS.size : wanted] == key:
                if wanted + data_length > len(head):
                    head = os.pread(handle, wanted + data_length, base + item)
                return head[wanted : wanted + data_length]
        slot = (slot + 1) % slots
    raise TermNotFound(f"No term {fieldname}:{text!r}")


def _read(structfile, offset: int, length: int, caps: Capabilities) -> bytes:
    """``structfile.get(offset, length)`` with one ``pread`` where it can be."""
    located = _located(structfile) if caps.direct_reads else None
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
    when the header says (``SPLIT_MARK``), else None."""
    if data.startswith(SPLIT_MARK, header) and data.startswith(POP, header + 7):
        return SPLIT.unpack_from(data, header + 3)[0]
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
    return pickle.loads(head + TWO_AND_STOP)


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


def leaf_postings(
    leaf, fieldname: str, text: bytes, caps: Capabilities
) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a live article of a term in one segment: docnums and frequencies."""
    try:
        blocks = _blocks(leaf, fieldname, text, caps) if caps.block_reading else None
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


def length_codes(leaf, fieldname: str, caps: Capabilities) -> np.ndarray:
    """One segment's length bytes for a field (index into ``BYTE_LENGTHS``)."""
    count = leaf.doc_count_all()
    per_doc = getattr(leaf, "_perdoc", None)
    if caps.block_reading and per_doc is not None and hasattr(per_doc, "has_column"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        if not per_doc.has_column(_lenfield(fieldname)):
            return np.zeros(count, dtype=np.uint8)
        column = per_doc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        return np.fromiter(column, dtype=np.uint8, count=count)
    lengths = (leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(count))
    return np.searchsorted(BYTE_LENGTHS, np.fromiter(lengths, dtype=np.float64)).astype(np.uint8)


def leaf_positions(
    leaf, fieldname: str, text: bytes, wanted: np.ndarray, caps: Capabilities
) -> np.ndarray:
    """``doc << 32 | position`` for each occurrence of a term in one segment, only in
    the sorted ``wanted`` docnums: on the fast path, blocks holding none of them are
    never decompressed, and the chosen articles' positions are decoded together."""
    try:
        blocks = _blocks(leaf, fieldname, text, caps) if caps.block_reading else None
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
    return _position_keys(docs[at], [every_value[i] for i in at.tolist()], format_, caps)


def _positions_of(docs: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Indexes into sorted ``docs`` of the sorted ``wanted`` docnums it holds."""
    at = np.searchsorted(docs, wanted)
    inside = at < len(docs)
    at = at[inside]
    return at[docs[at] == wanted[inside]]


def _position_keys(
    docs: np.ndarray, values: list[bytes], format_, caps: Capabilities
) -> np.ndarray:
    """``doc << 32 | position`` for the encoded positions of each of ``docs``: packed
    values in one array, Whoosh's pickled ones unpickled together where the probe
    allows, any other format a value at a time."""
    packed = packed_deltas(values) if type(format_) is PackedPositions else None
    if packed is not None:
        deltas, counts = packed
        positions = _undo_deltas(deltas, counts)
    elif caps.position_batches and type(format_).decode_positions is Positions.decode_positions:
        counts, deltas = _flattened(position_deltas(values))
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
