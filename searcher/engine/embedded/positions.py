"""Word positions stored as little-endian 16-bit deltas: what numpy reads in one step.

Whoosh's ``Positions`` format stores each posting's positions as a 4-byte count and a
pickled list of deltas. Matching a phrase over 50,000 articles decoded thousands of
those lists into Python ints, and that was most of a first search's time. Here a
posting's value is the deltas themselves, so the values of many postings joined are
one array (``packed_deltas``) and the count is the value's length. A delta too large
for 16 bits (a word 65,535 positions after the last, in a very long text) makes that
value 32-bit, marked by ``WIDE``, which no 16-bit delta ever equals.

Whoosh pickles the schema, this format included, into the index: the class stays
importable here. Indexes written before it keep Whoosh's format and are read as before.
"""

from __future__ import annotations

import struct
import sys
from array import array
from itertools import accumulate, chain
from operator import sub

from whoosh.formats import Positions

#: Opens a value whose deltas are 32-bit; never a 16-bit delta (those are below it).
WIDE = b"\xff\xff"
_NARROW_LIMIT = 0xFFFF
_NARROW = struct.Struct("<H")
_WIDE = struct.Struct("<I")
_SWAP = sys.byteorder == "big"  # the values on disk are little-endian everywhere


class PackedPositions(Positions):
    """``Positions`` with values numpy can read without unpickling (same postings,
    same frequencies, same phrase matches; about a fifth fewer bytes on disk)."""

    def encode(self, poslist) -> bytes:
        if len(poslist) == 1:  # most postings: a word once in the article
            (position,) = poslist
            return (
                _NARROW.pack(position) if position < _NARROW_LIMIT else WIDE + _WIDE.pack(position)
            )
        deltas = list(map(sub, poslist, chain((0,), poslist)))
        if not deltas:
            return b""
        if max(deltas) < _NARROW_LIMIT:
            packed, prefix = array("H", deltas), b""
        else:
            packed, prefix = array("I", deltas), WIDE
        if _SWAP:
            packed.byteswap()
        return prefix + packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        wide = valuestring[:2] == WIDE
        packed = array("I" if wide else "H")
        packed.frombytes(valuestring[2:] if wide else valuestring)
        if _SWAP:
            packed.byteswap()
        return list(accumulate(packed))

    def decode_frequency(self, valuestring: bytes) -> int:
        if valuestring[:2] == WIDE:
            return (len(valuestring) - 2) // 4
        return len(valuestring) // 2


def packed_deltas(values: list[bytes]):
    """The values' deltas as one int64 array and each value's count, or None when a
    value is 32-bit (decode those one at a time). Each value's deltas restart from 0."""
    import numpy as np  # here: importing the schema (this module) needs no numpy

    deltas = np.frombuffer(b"".join(values), dtype="<u2")
    if (deltas == _NARROW_LIMIT).any():
        return None  # a WIDE value: values have even lengths, so its mark is aligned
    counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) >> 1
    return deltas.astype(np.int64), counts
