"""Syndicated and repeated stories: the same story under another URL, id or outlet.

Wire stories are re-published with a different dateline, lead sentence or outlet
boilerplate, and exports hold the same story twice. Each article gets a MinHash of its
body's word 5-shingles (``datasketch``); at index time it joins the group of the most
similar article already indexed when their estimated Jaccard similarity reaches
``SIMILAR``, found through MinHash LSH, so a result list can show each story once.
MinHash rather than simhash: on the test set of ``benchmarks/duplicates.py`` it separates
edited copies from different stories on the same topic with room to spare.
``datasketch`` computes the signatures and chooses the LSH bands; the band index itself
is a flat table here (``Grouper``), a twelfth of the memory of datasketch's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

# ``datasketch`` is imported where it is used: it takes half a second to import (with
# scipy), which indexing can afford and a one-shot query must not pay.

#: Permutations per signature: 64 estimates a Jaccard of 0.5 within about ±0.06.
NUM_PERM = 64
#: datasketch's hashing scheme, named so stored signatures stay comparable.
SCHEME = "affine32"
#: Words per shingle: long enough that two stories on one topic share few.
SHINGLE = 5
#: Estimated Jaccard similarity of shingles from which two articles are one story.
#: On ``benchmarks/duplicates.py`` (600 IndoSum stories, 5 kinds of edited copy, the
#: Detik export's repeats): 0.5 -> recall 0.89, precision 0.995; 0.35 -> 0.95, 0.990;
#: 0.25 -> 0.97, 0.983; no same-topic story was grouped at any of them.
SIMILAR = 0.35
#: Words of the body looked at: a copy is recognisable from its first thousand words.
MAX_WORDS = 1000

_WORD = re.compile(r"\w+")
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|ref|source|from|page)$", re.I)


def canonical_url(url: str) -> str:
    """One spelling of a story's URL: scheme, ``www.``/``m.``, tracking parameters,
    fragment and trailing slash do not make another article. ``""`` for none."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))


def signature(text: str) -> MinHash:
    """The MinHash of ``text``'s word shingles (lowercased)."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())[:MAX_WORDS]
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    if len(words) >= SHINGLE:
        minhash.update_batch(
            [
                " ".join(words[i : i + SHINGLE]).encode("utf-8")
                for i in range(len(words) - SHINGLE + 1)
            ]
        )
    elif words:
        minhash.update(" ".join(words).encode("utf-8"))
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    """The signature as stored: 4 bytes a value, since affine32 values fit in 32 bits."""
    return minhash.hashvalues.astype(np.uint32).tobytes()


def from_bytes(data: bytes) -> MinHash:
    """A stored signature (indexes before schema 5 stored 8 bytes a value)."""
    from datasketch import MinHash

    dtype = np.uint64 if len(data) == 8 * NUM_PERM else np.uint32
    return MinHash(
        num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations(),
        hashvalues=np.frombuffer(data, dtype=dtype).copy(),
    )  # fmt: skip


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """The permutations of every signature, drawn once: a MinHash draws its own by
    default (0.4 ms each, as much as hashing the shingles) and keeps the copy."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def _bands() -> tuple[int, int]:
    """Bands and rows per band for ``SIMILAR``: datasketch's own choice for its LSH, which
    weighs missed copies and extra candidates equally (21 bands of 3 rows for 0.35)."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(SIMILAR, NUM_PERM, 0.5, 0.5)


#: Odd 64-bit multipliers that fold a band's hash values into one key (wrapping); the
#: last one also sets bands apart, so one table holds every band.
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)


class _BandTable:
    """Band key -> rows, as open addressing over two flat arrays: 12 bytes a slot, at
    most 70% of them full (linear probing stays short there). Key 0 marks an empty
    slot (keys are made odd). A key that collides with another only adds a candidate,
    which the Jaccard estimate turns down."""

    def __init__(self, bits: int = 16) -> None:
        self._bits = bits
        self._keys = np.zeros(1 << bits, dtype=np.uint64)
        self._rows = np.zeros(1 << bits, dtype=np.int32)
        self._used = 0

    def _slot(self, key: int) -> int:
        return key >> (64 - self._bits)  # the product's high bits are the well-mixed ones

    def insert(self, keys: list[int], row: int) -> None:
        if 10 * (self._used + len(keys)) > 7 * len(self._keys):
            self._grow()
        for key in keys:
            self._place(key, row)

    def _place(self, key: int, row: int) -> None:
        table, mask = self._keys, len(self._keys) - 1
        slot = self._slot(key)
        while table[slot]:
            slot = (slot + 1) & mask
        table[slot] = key
        self._rows[slot] = row
        self._used += 1

    def rows(self, keys: list[int]) -> set[int]:
        table, mask, found = self._keys, len(self._keys) - 1, set()
        for key in keys:
            slot = self._slot(key)
            while held := int(table[slot]):
                if held == key:
                    found.add(int(self._rows[slot]))
                slot = (slot + 1) & mask
        return found

    def _grow(self) -> None:
        keys, rows = self._keys, self._rows
        self.__init__(self._bits + 1)
        for start in range(0, len(keys), 1 << 16):  # a chunk at a time: no list of all keys
            chunk = slice(start, start + (1 << 16))
            full = keys[chunk] != 0
            for key, row in zip(
                keys[chunk][full].tolist(), rows[chunk][full].tolist(), strict=True
            ):
                self._place(key, row)


class Grouper:
    """Assigns each article the group of the story it repeats (or a group of its own).

    The LSH band index is kept here rather than in datasketch's ``MinHashLSH``, which
    holds a set per bucket and a list of band keys per article: about 12 KB per article,
    600 MB of an indexing run's memory at 50,000 articles. Here the bands are slots of
    one flat table (``_BandTable``) and the signatures rows of one array: under 1 KB per
    article. Bands and rows per band are datasketch's (``_bands``), so the candidates
    are the ones its LSH finds.
    """

    def __init__(self) -> None:
        self.bands, self.rows = _bands()
        if self.rows > len(_MIX):
            raise ValueError(f"{self.rows} rows per band: add multipliers to _MIX")
        self._mix = _MIX[: self.rows]
        self._salt = np.arange(self.bands, dtype=np.uint64) * _MIX[-1]
        self._table = _BandTable()
        #: hash values, one row per insert (affine32 values fit in 32 bits)
        self._signatures = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self.groups: dict[str, str] = {}

    def _keys(self, hashvalues: np.ndarray) -> list[int]:
        bands = hashvalues[: self.bands * self.rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            keys = (bands.reshape(self.bands, self.rows) * self._mix).sum(axis=1) + self._salt
        return (keys | np.uint64(1)).tolist()

    def add(self, article_id: str, group: str, minhash: MinHash) -> None:
        """Remember an article already in the index (or just placed in a group)."""
        row = len(self._ids)
        if row == len(self._signatures):
            self._signatures = np.resize(self._signatures, (2 * row, NUM_PERM))
        self._signatures[row] = minhash.hashvalues
        self._ids.append(article_id)
        self._row[article_id] = row  # an earlier row of this id is stale from now on
        self.groups[article_id] = group
        self._table.insert(self._keys(minhash.hashvalues), row)

    def _candidates(self, hashvalues: np.ndarray) -> list[int]:
        rows = self._table.rows(self._keys(hashvalues))
        return sorted(row for row in rows if self._row[self._ids[row]] == row)

    def assign(self, article_id: str, text: str) -> tuple[str, bytes]:
        """The group of the article with this body, and its signature to store."""
        minhash = signature(text)
        best, best_score = None, SIMILAR
        for row in self._candidates(minhash.hashvalues):
            other = self._ids[row]
            if other == article_id:
                continue
            # MinHash.jaccard: the share of equal hash values; on a tie the article
            # indexed first (the original) wins
            score = np.count_nonzero(minhash.hashvalues == self._signatures[row]) / NUM_PERM
            if score > best_score or (best is None and score == best_score):
                best, best_score = other, score
        group = self.groups[best] if best is not None else article_id
        self.add(article_id, group, minhash)
        return group, to_bytes(minhash)
