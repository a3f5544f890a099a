"""Every use of Whoosh's private names, each behind a capability probe.

Three things Whoosh offers only through private names make searcher fast and small:
decoding a posting list a block at a time (instead of a Python call per posting),
writing a segment in a worker process that the parent then commits (parallel
indexing), and writing posting lists compactly (Whoosh 3's layout, its writer's bugs
fixed). Each is probed once at import against the installed Whoosh
(``whoosh-reloaded`` or ``whoosh3``, same import name and file format). Where a probe
fails, the public API does the same work more slowly or in more bytes: postings a
posting at a time, indexing with one process, posting lists as Whoosh writes them. So
a Whoosh release that moves a private name slows searcher down; it never breaks
``import searcher``.

``fast_path(False)`` forces the public fallbacks (the tests run the oracle with the
fast path on and off).
"""

from __future__ import annotations

import contextlib
import functools
import io
import pickle
import struct
import zlib
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
#: How a Whoosh 3 posting list starts, and the signed length before each block.
_POSTINGS_MAGIC = b"W3Bl"
_BLOCK_LENGTH = struct.Struct("!i")


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


#: What the installed Whoosh offers.
BLOCK_READING = _probe_block_reading()
PARALLEL_WRITING = _probe_segment_writing()
COMPACT_POSTINGS = _probe_compact_postings()
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


def _blocks(leaf, fieldname: str, text: bytes) -> list[tuple[int, int, bytes]] | None:
    """A term's posting list in one segment as ``(last docnum, compression, data)`` per
    block, read in one piece (Whoosh's matcher reads each block's header through a
    dozen small reads); postings inlined in the term entry come as one block whose
    compression is None. None where the list is not Whoosh 3 blocks.
    Raises ``TermNotFound``."""
    terms = getattr(leaf, "_terms", None)
    if terms is None:  # not a segment (an empty index's reader)
        return None
    info = terms.term_info(fieldname, text)
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        return [(ids[-1], None, (ids, weights, values))]
    offset, length = info.extent()
    if isinstance(length, tuple):  # whoosh-reloaded reads it back as a 1-tuple
        length = length[0]
    data = terms._postfile.get(offset, length)
    if data[:4] != _POSTINGS_MAGIC:
        return None
    stream = io.BytesIO(data)
    blocks, position = [], 4
    while position < len(data):
        (size,) = _BLOCK_LENGTH.unpack_from(data, position)
        end = position + _BLOCK_LENGTH.size + abs(size)
        stream.seek(position + _BLOCK_LENGTH.size)
        # the block's header: count, last docnum, max weight, compression, min/max length
        _count, last, _weight, compression, _short, _long = pickle.load(stream)
        blocks.append((last, compression, data[stream.tell() : end]))
        position = end
        if size < 0:  # the last block's length is stored negated
            break
    return blocks


def _block_postings(compression: int, data: bytes) -> tuple[np.ndarray, np.ndarray, tuple]:
    """One block's docnums, frequencies and encoded values (positions). A compression
    of None marks postings inlined in the term entry (docnums, not gaps)."""
    if compression is None:
        ids, weights, values = data
        docs = np.asarray(ids, dtype=np.int64)
    else:
        gaps, weights, values = pickle.loads(zlib.decompress(data) if compression else data)
        docs = np.cumsum(np.asarray(gaps, dtype=np.int64))
    if weights is None:  # every weight 1.0
        freqs = np.ones(len(docs), dtype=np.float64)
    elif isinstance(weights, float):  # every weight the same
        freqs = np.full(len(docs), weights, dtype=np.float64)
    else:
        freqs = np.asarray(weights, dtype=np.float64)
    return docs, freqs, values


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
    parts = [_block_postings(compression, data)[:2] for _last, compression, data in blocks]
    docs = np.concatenate([d for d, _ in parts]).astype(np.int32)
    freqs = np.concatenate([f for _, f in parts])
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


def leaf_positions(leaf, fieldname: str, text: bytes, wanted: np.ndarray):
    """``[(doc, positions)]`` of a term in one segment, only for the sorted ``wanted``
    docnums: on the fast path, blocks holding none of them are never decompressed."""
    try:
        blocks = _blocks(leaf, fieldname, text) if _fast() else None
        if blocks is None:
            return _matcher_positions(leaf.postings(fieldname, text), wanted)
    except TermNotFound:
        return []
    decode = leaf.schema[fieldname].format.decode_positions
    found = []
    previous_last = -1
    for last, compression, data in blocks:
        low = np.searchsorted(wanted, previous_last, side="right")
        high = np.searchsorted(wanted, last, side="right")
        if high > low:
            docs, _freqs, values = _block_postings(compression, data)
            for i in np.flatnonzero(np.isin(docs, wanted[low:high])):
                found.append((int(docs[i]), decode(values[i])))
        if high >= len(wanted):
            break
        previous_last = last
    return found


def _matcher_positions(matcher, wanted: np.ndarray) -> list:
    found = []
    for doc in wanted:
        matcher.skip_to(int(doc))
        if not matcher.is_active():
            break
        if matcher.id() == doc:
            found.append((int(doc), list(matcher.value_as("positions"))))
    return found


# Writing segments in worker processes ---------------------------------------------


def _writer_codec():
    """The compact codec where Whoosh allows it; None (Whoosh's default) elsewhere."""
    return compact_codec() if COMPACT_POSTINGS else None


def writer(ix, **kwargs):
    """``ix.writer(**kwargs)`` writing compact posting lists where Whoosh allows it."""
    return ix.writer(codec=_writer_codec(), **kwargs)


def segment_writer(ix, limitmb: int = 128):
    """A writer for one segment that takes no lock (the parent holds the index's)."""
    from whoosh.writing import SegmentWriter

    return SegmentWriter(ix, _lk=False, limitmb=limitmb, codec=_writer_codec())


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


def _dumps(value) -> bytes:
    """Pickle protocol 3 without a memo. Whoosh pickles blocks with protocol 2, which
    spells each position string as a call to ``_codecs.encode`` and puts every tuple
    in the memo: twice the bytes, five times the decoding time. Any protocol loads."""
    sink = io.BytesIO()
    pickler = pickle.Pickler(sink, 3)
    pickler.fast = True  # no memo: the values are flat tuples, never shared
    pickler.dump(value)
    return sink.getvalue()


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
    protocol 3. Segments name the stock codec: Whoosh's own reader reads them."""
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
            data = _dumps((self._mini_ids(), weights, self._mini_values()))
            compression = self._compression if len(data) >= _COMPRESS_FROM else 0
            if compression:
                data = zlib.compress(data, compression)
            ids = self._ids
            header = _dumps((
                len(ids),
                ids[-1],
                self._maxweight,
                compression,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ))
            length = len(header) + len(data)
            self._postfile.write_int(-length if last else length)
            self._postfile.write(header)
            self._postfile.write(data)
            self._blockcount += 1
            self._new_block()

    class CompactCodec(whoosh3.W3Codec):
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
