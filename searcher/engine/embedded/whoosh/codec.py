"""The compact codec: Whoosh 3's layout on disk, its writer's bugs fixed. Lists of up to
``INLINE_POSTINGS`` postings go inside their term's entry, blocks are pickled with
protocol 3 (bytes as bytes, no memo), short blocks are left uncompressed, long
blocks' gaps and weights are arrays numpy reads without unpickling, and a block's
header says where its values start (``layout.SPLIT_MARK``)."""

from __future__ import annotations

import array
import functools
import io
import pickle
import zlib

from searcher.engine.embedded.whoosh.layout import POP, SPLIT, SPLIT_MARK

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
            header = SPLIT_MARK + SPLIT.pack(values_at) + POP + header[2:]
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
