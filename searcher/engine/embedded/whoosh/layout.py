"""How Whoosh 3 lays out what we read directly: posting-list and hash-file structs,
the compact blocks' header, and the pickled shape of ``Positions`` values. The probes
(``capabilities``) check the installed Whoosh against these before anything relies on
them."""

from __future__ import annotations

import pickle
import struct

#: How a Whoosh 3 posting list starts, and the signed length before each block.
POSTINGS_MAGIC = b"W3Bl"
BLOCK_LENGTH = struct.Struct("!i")
#: Whoosh's hash file: a slot is (hash, item position), an item starts with two lengths.
HASH_SLOT = struct.Struct("!Iq")
HASH_LENGTHS = struct.Struct("!ii")
#: A compact block's header pickle opens with where its data's values start, pushed and
#: popped again (``J`` the int, ``0`` POP): any unpickler passes over it.
SPLIT_MARK = b"\x80\x03J"
SPLIT = struct.Struct("<i")
POP = b"0"
#: Ends a pickle cut before a block's values: (gaps, weights) as a 2-tuple.
TWO_AND_STOP = b"\x86."


def position_deltas(values: list[bytes]) -> list[list[int]]:
    """Many ``Positions`` values' delta lists with one unpickling instead of one each:
    a value is a 4-byte count and a pickled list (its stop opcode optional, as Whoosh's
    decoder allows), so their pickles, stops dropped, between a mark and a ``LIST``
    opcode are one pickle of the lists."""
    parts = [value[4:-1] if value[-1:] == b"." else value[4:] for value in values]
    return pickle.loads(b"\x80\x02(" + b"".join(parts) + b"l.")


def names_used(code) -> set[str]:
    """The names a function's code uses, its comprehensions' included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= names_used(const)
    return names
