"""Run a parsed query over an ``IndexView``: which articles match, and their scores.

The query is the Whoosh query tree ``searcher.query`` builds; it is walked here
with whole-archive numpy arrays instead of Whoosh's per-article matchers:

- a word in a searchable field scores each article holding it with BM25 (Lucene's
  idf, ``settings`` K1/B, the field's boost), exactly what ``ranking.NewsBM25F``
  gives through Whoosh; ``Or`` adds the scores of the clauses an article matches,
  ``And`` keeps articles matching every clause and adds their scores;
- filters (``person:``, ``source:``, dates, ``NOT``) only narrow, they never rank;
- a phrase is the articles with its words at consecutive positions (positions are
  read only for the articles holding all its words), scored as its words are.

Anything else is asked of Whoosh (``docs_for_query``) and filters without ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log

import numpy as np
from whoosh import query as q
from whoosh.query.qcore import _NullQuery

from searcher import settings
from searcher.postings import IndexView
from searcher.query import AnyField
from searcher.schema import SEARCH_FIELDS


@dataclass
class Matches:
    """Articles a query matches (a mask over docnums) and, when it ranks, their scores."""

    mask: np.ndarray
    scores: np.ndarray | None = None

    @property
    def total(self) -> int:
        return int(np.count_nonzero(self.mask))

    def docnums(self) -> np.ndarray:
        return np.flatnonzero(self.mask)


def idf(holders: int, total: int) -> float:
    """Lucene's BM25 idf: near zero for a word most articles have."""
    return log(1 + (total - holders + 0.5) / (holders + 0.5))


def saturate(frequency: np.ndarray) -> np.ndarray:
    """BM25's term-frequency saturation, with ``settings.BM25_K1``."""
    k1 = settings.BM25_K1
    return frequency * (k1 + 1) / (k1 + frequency)


class Evaluator:
    """Evaluates queries for one searcher against the view of its index generation."""

    def __init__(self, view: IndexView, searcher) -> None:
        self.view = view
        self.searcher = searcher
        self.reader = searcher.reader()

    def run(self, query: q.Query) -> Matches:
        found = self._eval(query)
        found.mask &= self.view.live
        return found

    # Nodes -------------------------------------------------------------------

    def _eval(self, query: q.Query) -> Matches:
        if isinstance(query, q.Term):
            return self._term(query.fieldname, query.text, query.boost)
        if isinstance(query, q.AndNot):
            positive = self._eval(query.a)
            positive.mask &= ~self._eval(query.b).mask
            return positive
        if isinstance(query, AnyField) and settings.SCORING == "bm25f":
            return self._any_field(query.subqueries)
        if isinstance(query, q.And):
            return self._combine([self._eval(sub) for sub in query.subqueries], all_of=True)
        if isinstance(query, q.Or):
            return self._combine([self._eval(sub) for sub in query.subqueries], all_of=False)
        if isinstance(query, q.Phrase):
            return self._phrase(query)
        if isinstance(query, q.Every):
            return Matches(self.view.live.copy())
        if isinstance(query, _NullQuery):
            return Matches(np.zeros(self.view.size, dtype=bool))
        return self._by_whoosh(query)

    def _term(self, fieldname: str, text: str, boost: float = 1.0) -> Matches:
        postings = self.view.postings(self.reader, fieldname, text)
        mask = np.zeros(self.view.size, dtype=bool)
        mask[postings.docs] = True
        if fieldname not in SEARCH_FIELDS:
            return Matches(mask)
        scores = np.zeros(self.view.size, dtype=np.float64)
        if postings.size:
            scores[postings.docs] = boost * self._term_scores(fieldname, postings)
        return Matches(mask, scores)

    def _any_field(self, terms: list[q.Term]) -> Matches:
        """BM25F: each field's frequency, length-normalised and boosted, summed into one
        pseudo-frequency per article, then saturated once with the word's idf."""
        size = self.view.size
        mask = np.zeros(size, dtype=bool)
        weighted = np.zeros(size, dtype=np.float64)
        for term in terms:
            postings = self.view.postings(self.reader, term.fieldname, term.text)
            if postings.size:
                mask[postings.docs] = True
                weighted[postings.docs] += term.boost * self._normalised(term.fieldname, postings)
        if not mask.any():
            return Matches(mask)
        scores = np.zeros(size, dtype=np.float64)
        scores[mask] = idf(int(np.count_nonzero(mask)), size) * saturate(weighted[mask])
        return Matches(mask, scores)

    def _term_scores(self, fieldname: str, postings) -> np.ndarray:
        """Okapi BM25 of one field's term in each article holding it."""
        word_idf = idf(postings.doc_frequency, self.view.size)
        return word_idf * saturate(self._normalised(fieldname, postings))

    def _normalised(self, fieldname: str, postings) -> np.ndarray:
        """The term's frequency in each article over BM25's length normalisation."""
        lengths = self.view.lengths(self.reader, fieldname)[postings.docs]
        average = self.view.average_length(self.reader, fieldname)
        b = settings.FIELD_B.get(fieldname, settings.BM25_B)
        return postings.freqs / ((1 - b) + b * lengths / average)

    def _combine(self, parts: list[Matches], all_of: bool) -> Matches:
        if not parts:
            return Matches(np.zeros(self.view.size, dtype=bool))
        mask = parts[0].mask.copy()
        for part in parts[1:]:
            if all_of:
                mask &= part.mask
            else:
                mask |= part.mask
        ranked = [part.scores for part in parts if part.scores is not None]
        if not ranked:
            return Matches(mask)
        scores = ranked[0].copy() if len(ranked) == 1 else np.add.reduce(ranked)
        return Matches(mask, scores)

    def _phrase(self, phrase: q.Phrase) -> Matches:
        words = [self._term(phrase.fieldname, word, phrase.boost) for word in phrase.words]
        together = self._combine(words, all_of=True)
        if len(phrase.words) < 2 or not together.mask.any():
            return together
        key = ("phrase", phrase.fieldname, tuple(phrase.words))
        docs = self.view.remembered(key, lambda: self._phrase_docs(phrase, together.mask))
        exact = np.zeros(self.view.size, dtype=bool)
        exact[docs] = True
        together.mask &= exact
        return together

    def _phrase_docs(self, phrase: q.Phrase, candidates: np.ndarray) -> np.ndarray:
        """Articles among ``candidates`` with the phrase's words at consecutive positions."""
        docs = np.flatnonzero(candidates)
        # keys are doc << 32 | position; shifting word i back by i lines a phrase up
        starts = self.view.positions(self.reader, phrase.fieldname, phrase.words[0], docs)
        for i, word in enumerate(phrase.words[1:], start=1):
            if not len(starts):
                break
            keys = self.view.positions(self.reader, phrase.fieldname, word, docs) - i
            starts = np.intersect1d(starts, keys, assume_unique=True)
            docs = np.unique(starts >> 32)
        return np.unique(starts >> 32)

    def _by_whoosh(self, query: q.Query) -> Matches:
        mask = np.zeros(self.view.size, dtype=bool)
        docs = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)
        mask[docs] = True
        return Matches(mask)


#: How ``top`` can order matches.
ORDERS = ("relevance", "newest", "oldest")


def top(
    matches: Matches, count: int, dates: np.ndarray | None = None, order: str = "relevance"
) -> list[tuple[int, float]]:
    """The best ``count`` matches as ``(docnum, score)``.

    ``relevance``: by score (ties: index order); a query that does not rank (filters
    only) is newest first when ``dates`` are given. ``newest``/``oldest``: by date, undated
    articles last, ties by score and then index order.
    """
    docs = matches.docnums()
    if not len(docs) or count <= 0:
        return []
    scores = matches.scores[docs] if matches.scores is not None else np.zeros(len(docs))
    if order != "relevance" or matches.scores is None:
        if dates is None:
            chosen = np.arange(min(count, len(docs)))
        else:
            when = dates[docs]
            undated = when == 0
            newest = order != "oldest"
            chosen = np.lexsort((docs, -scores, -when if newest else when, undated))[:count]
        return [(int(docs[i]), float(scores[i])) for i in chosen]
    if len(docs) > count:
        # keep everything tied with the count-th best, so ties go by index order
        cut = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = scores >= cut
        docs, scores = docs[keep], scores[keep]
    order_idx = np.lexsort((docs, -scores))[:count]
    return [(int(docs[i]), float(scores[i])) for i in order_idx]
