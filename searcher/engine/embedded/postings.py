"""One index generation's posting lists and per-article columns as numpy arrays.

Whoosh stays the index: this module only reads it. Scoring a common word through
Whoosh's matchers costs a Python call per article per field (a 50,000-article archive
spent over 100 ms on "pemerintah"); decoded once into arrays, the same word scores in
well under a millisecond. Arrays are decoded on first use and kept, a bounded number
of postings in all, for as long as the index generation they came from is current.
Any thread may use a view; it keeps no open files, the caller passes its own reader.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from searcher.engine.embedded.whoosh.capabilities import Capabilities, probed
from searcher.engine.embedded.whoosh.reading import (
    BYTE_LENGTHS,
    EMPTY_DOCS,
    EMPTY_FREQS,
    EMPTY_KEYS,
    leaf_positions,
    leaf_postings,
    length_codes,
)  # fmt: skip
from searcher.settings import DEFAULT

__all__ = ["EntityTable", "IndexView", "Postings", "entity_lines", "leaves"]


@dataclass(frozen=True)
class Postings:
    """The articles (global docnums, ascending) holding a term, and its frequency in each."""

    docs: np.ndarray
    freqs: np.ndarray
    #: Articles holding the term in the whole index, deleted ones included (for idf).
    doc_frequency: int

    @property
    def size(self) -> int:
        return len(self.docs)


@dataclass(frozen=True)
class EntityTable:
    """Every (article, entity) pair of the index, for counting facets over any match set."""

    docs: np.ndarray
    keys: np.ndarray
    #: ``"LABEL\\tName"`` per key id.
    names: list[str]


class IndexView:
    """Arrays for one generation of an index; build one per generation, share it."""

    def __init__(
        self,
        reader,
        key: object,
        cached_postings: int = DEFAULT.limits.cached_postings,
        caps: Capabilities | None = None,
    ) -> None:
        """``caps``: the ways into Whoosh this view may use (default: what the installed
        Whoosh offers)."""
        self.key = key
        self.caps = caps or probed()
        self.cached_postings = cached_postings
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for leaf, base in reader.leaf_readers():
            if leaf.has_deletions():
                count = leaf.doc_count_all()
                alive = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
                self.live[base : base + count] = False
                self.live[alive + base] = True
        self.article_count = int(self.live.sum())
        self._postings: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._cached_postings = 0
        self._memo: OrderedDict[tuple, object] = OrderedDict()
        self._lengths: dict[str, np.ndarray] = {}
        self._average_lengths: dict[str, float] = {}
        self._dates: np.ndarray | None = None
        self._groups: np.ndarray | None = None
        self._entities: EntityTable | None = None
        self._lock = threading.Lock()

    # Postings ----------------------------------------------------------------

    def postings(self, reader, fieldname: str, text: str | bytes) -> Postings:
        """The term's postings, decoded from the index on first use."""
        if isinstance(text, str):
            text = reader.schema[fieldname].to_bytes(text)
        key = (fieldname, text)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        found = self._decode(reader, fieldname, text)
        with self._lock:
            if key not in self._postings:
                self._postings[key] = found
                self._cached_postings += found.size
                while self._cached_postings > self.cached_postings and len(self._postings) > 1:
                    _, old = self._postings.popitem(last=False)
                    self._cached_postings -= old.size
        return found

    def _decode(self, reader, fieldname: str, text: bytes) -> Postings:
        docs, freqs = [], []
        frequency = 0
        for leaf, base in reader.leaf_readers():
            leaf_docs, leaf_freqs = leaf_postings(leaf, fieldname, text, self.caps)
            # Whoosh's document frequency counts postings, deleted articles' too: where
            # nothing is deleted that is what was decoded, without a second term lookup
            frequency += (
                leaf.doc_frequency(fieldname, text) if leaf.has_deletions() else len(leaf_docs)
            )
            if len(leaf_docs):
                docs.append(leaf_docs + np.int32(base))
                freqs.append(leaf_freqs)
        if not docs:
            return Postings(EMPTY_DOCS, EMPTY_FREQS, frequency)
        all_docs = np.concatenate(docs) if len(docs) > 1 else docs[0]
        all_freqs = np.concatenate(freqs) if len(freqs) > 1 else freqs[0]
        return Postings(all_docs, all_freqs, frequency)

    def positions(self, reader, fieldname: str, text: str, docs: np.ndarray) -> np.ndarray:
        """``doc << 32 | position`` for each occurrence of the term in ``docs`` (sorted
        global docnums), for matching phrases; read from the index each time."""
        btext = reader.schema[fieldname].to_bytes(text)
        keys = []
        for leaf, base in reader.leaf_readers():
            local = docs[(docs >= base) & (docs < base + leaf.doc_count_all())] - base
            if len(local):
                keys.append(leaf_positions(leaf, fieldname, btext, local, self.caps) + (base << 32))
        return np.concatenate(keys) if keys else EMPTY_KEYS

    def remembered(self, key: tuple, compute):
        """A small per-generation memo for results that are costly to find (phrases)."""
        with self._lock:
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
                return found
        found = compute()
        with self._lock:
            self._memo[key] = found
            while len(self._memo) > 256:
                self._memo.popitem(last=False)
        return found

    # Columns -----------------------------------------------------------------

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        """Each article's length in ``fieldname`` (in words, as Whoosh quantises it)."""
        found = self._lengths.get(fieldname)
        if found is None:
            codes = np.zeros(self.size, dtype=np.uint8)
            for leaf, base in reader.leaf_readers():
                codes[base : base + leaf.doc_count_all()] = length_codes(leaf, fieldname, self.caps)
            found = BYTE_LENGTHS[codes]
            self._lengths[fieldname] = found
        return found

    def average_length(self, reader, fieldname: str) -> float:
        """Mean length of the field over all articles, as Whoosh's BM25F computes it."""
        found = self._average_lengths.get(fieldname)
        if found is None:
            found = (reader.field_length(fieldname) / (self.size or 1)) or 1.0
            self._average_lengths[fieldname] = found
        return found

    def dates(self, reader) -> np.ndarray:
        """Each article's date as Whoosh's sortable integer (0 where it has none)."""
        if self._dates is None:
            dates = np.zeros(self.size, dtype=np.int64)
            for leaf, offset in leaves(reader):
                count = leaf.doc_count_all()
                if not count or not leaf.has_column("date"):
                    continue  # a segment with no dated article has no date column
                column = leaf.column_reader("date", translate=False)
                # an article without a date holds the column's "missing" value, 2**64 - 1
                values = np.fromiter(column, dtype=np.uint64, count=count)
                values[values == np.iinfo(np.uint64).max] = 0
                dates[offset : offset + count] = values.astype(np.int64)
            self._dates = dates
        return self._dates

    def groups(self, reader) -> np.ndarray:
        """Each article's story group as a small integer (articles that repeat one story
        share it; ``searcher.ingest.stories``), read once per index generation."""
        if self._groups is None:
            codes = np.arange(self.size, dtype=np.int64)  # alone unless a column says
            known: dict[bytes, int] = {}
            for leaf, offset in leaves(reader):
                if not leaf.doc_count_all() or not leaf.has_column("group"):
                    continue
                for docnum, value in enumerate(leaf.column_reader("group"), start=offset):
                    if value:
                        codes[docnum] = known.setdefault(value, docnum)
            self._groups = codes
        return self._groups

    def entities(self, reader) -> EntityTable:
        """Every article's entities from the ``facets`` column, read once."""
        if self._entities is None:
            ids: dict[str, int] = {}
            docs: list[int] = []
            keys: list[int] = []
            for docnum, names in entity_lines(reader):
                for name in names:
                    docs.append(docnum)
                    keys.append(ids.setdefault(name, len(ids)))
            self._entities = EntityTable(
                np.asarray(docs, dtype=np.int32), np.asarray(keys, dtype=np.int32), list(ids)
            )
        return self._entities


def leaves(reader) -> list[tuple[object, int]]:
    """Each segment's reader with the docnum of its first article."""
    if reader.is_atomic():
        return [(reader, 0)]
    return list(reader.leaf_readers())


def entity_lines(reader) -> Iterator[tuple[int, list[str]]]:
    """Each article's ``"LABEL\\tName"`` entity lines (its ``facets`` column), with its
    docnum; segments whose articles name nobody have no column and are passed over."""
    for leaf, offset in leaves(reader):
        if not leaf.doc_count_all() or not leaf.has_column("facets"):
            continue
        for docnum, value in enumerate(leaf.column_reader("facets"), start=offset):
            if value:
                yield docnum, value.decode("utf-8").split("\n")
