"""Run a query tree (``searcher.query.tree``) over an ``IndexView``: matches and scores.

The tree is compiled to whole-archive numpy arrays instead of per-article matchers:

- ``Word``: BM25F over the searchable fields (Lucene's idf, the ``Ranking``'s k1 and
  b, each field's boost): the fields' length-normalised frequencies are weighted and
  summed, then saturated once; with ``scoring="per-field"`` a BM25 score per field is
  added instead, which is exactly what Whoosh's own BM25F gives (the tests' oracle);
- ``FieldWord``: BM25 of the word in that field; ``Phrase``: the articles with its
  words at consecutive positions (positions are read only for the articles holding
  all its words), scored as its words are;
- ``Any`` adds the scores of the children an article matches, ``All`` keeps articles
  matching every child and adds their scores; ``Not`` children subtract;
- filters (``Keyword``, ``DateRange``) only narrow, they never rank; a date range is
  read off the per-article dates array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from searcher.engine import date_code
from searcher.engine.embedded.postings import IndexView
from searcher.engine.scoring import field_boost, idf, length_normalised, saturate
from searcher.query.tree import All, Any, DateRange, FieldWord, Keyword, Node, Not, Phrase, Word
from searcher.settings import DEFAULT, Ranking
from searcher.vocabulary import SEARCH_FIELDS


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


class Evaluator:
    """Evaluates query trees for one searcher against the view of its index generation."""

    def __init__(self, view: IndexView, searcher, ranking: Ranking = DEFAULT.ranking) -> None:
        self.view = view
        self.searcher = searcher
        self.reader = searcher.reader()
        self.ranking = ranking

    def run(self, tree: Node) -> Matches:
        found = self._eval(tree)
        found.mask &= self.view.live
        return found

    # Nodes -------------------------------------------------------------------

    def _eval(self, node: Node) -> Matches:
        if isinstance(node, Word):
            return self._word(node)
        if isinstance(node, FieldWord):
            return self._term(node.field, node.term)
        if isinstance(node, Keyword):
            return self._term(node.field, node.value)
        if isinstance(node, Phrase):
            fields = [node.field] if node.field else SEARCH_FIELDS
            parts = [
                self._phrase(f, node.terms, field_boost(self.ranking, node, f)) for f in fields
            ]
            return parts[0] if len(parts) == 1 else self._combine(parts, all_of=False)
        if isinstance(node, DateRange):
            return Matches(self._dated(node))
        if isinstance(node, All):
            return self._all(node)
        if isinstance(node, Any):
            return self._combine([self._eval(child) for child in node.children], all_of=False)
        if isinstance(node, Not):
            return self._all(All((node,)))
        raise TypeError(f"not a query node: {node!r}")

    def _all(self, node: All) -> Matches:
        positive = [self._eval(c) for c in node.children if not isinstance(c, Not)]
        found = self._combine(positive, all_of=True) if positive else Matches(self.view.live.copy())
        for child in node.children:
            if isinstance(child, Not):
                found.mask &= ~self._eval(child.child).mask
        return found

    def _word(self, word: Word) -> Matches:
        boosts = {name: field_boost(self.ranking, word, name) for name in SEARCH_FIELDS}
        if self.ranking.scoring == "bm25f":
            return self._any_field([(name, word.term, boosts[name]) for name in SEARCH_FIELDS])
        parts = [self._term(name, word.term, boosts[name]) for name in SEARCH_FIELDS]
        return self._combine(parts, all_of=False)

    def _dated(self, span: DateRange) -> np.ndarray:
        dates = self.view.dates(self.reader)
        mask = dates != 0
        if span.start is not None:
            mask &= dates >= date_code(span.start)
        if span.stop is not None:
            mask &= dates <= date_code(span.stop)
        return mask

    def _term(self, fieldname: str, text: str, boost: float = 1.0) -> Matches:
        """A word in one field: BM25 in a searchable field, a bare mask in a keyword one."""
        postings = self.view.postings(self.reader, fieldname, text)
        mask = np.zeros(self.view.size, dtype=bool)
        mask[postings.docs] = True
        if fieldname not in SEARCH_FIELDS:
            return Matches(mask)
        scores = np.zeros(self.view.size, dtype=np.float64)
        if postings.size:
            scores[postings.docs] = boost * self._term_scores(fieldname, postings)
        return Matches(mask, scores)

    def _any_field(self, terms: list[tuple[str, str, float]]) -> Matches:
        """BM25F: each field's frequency, length-normalised and boosted, summed into one
        pseudo-frequency per article, then saturated once with the word's idf."""
        size = self.view.size
        mask = np.zeros(size, dtype=bool)
        weighted = np.zeros(size, dtype=np.float64)
        for fieldname, text, boost in terms:
            postings = self.view.postings(self.reader, fieldname, text)
            if postings.size:
                mask[postings.docs] = True
                weighted[postings.docs] += boost * self._normalised(fieldname, postings)
        if not mask.any():
            return Matches(mask)
        scores = np.zeros(size, dtype=np.float64)
        scores[mask] = idf(int(np.count_nonzero(mask)), size) * saturate(
            weighted[mask], self.ranking.k1
        )
        return Matches(mask, scores)

    def _term_scores(self, fieldname: str, postings) -> np.ndarray:
        """Okapi BM25 of one field's term in each article holding it."""
        word_idf = idf(postings.doc_frequency, self.view.size)
        return word_idf * saturate(self._normalised(fieldname, postings), self.ranking.k1)

    def _normalised(self, fieldname: str, postings) -> np.ndarray:
        """The term's frequency in each article over BM25's length normalisation."""
        lengths = self.view.lengths(self.reader, fieldname)[postings.docs]
        average = self.view.average_length(self.reader, fieldname)
        return length_normalised(postings.freqs, lengths, average, self.ranking.b_of(fieldname))

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

    def _phrase(self, fieldname: str, words: tuple[str, ...], boost: float) -> Matches:
        together = self._combine([self._term(fieldname, w, boost) for w in words], all_of=True)
        if len(words) < 2 or not together.mask.any():
            return together
        key = ("phrase", fieldname, words)
        docs = self.view.remembered(key, lambda: self._phrase_docs(fieldname, words, together.mask))
        exact = np.zeros(self.view.size, dtype=bool)
        exact[docs] = True
        together.mask &= exact
        return together

    def _phrase_docs(self, fieldname: str, words: tuple[str, ...], candidates) -> np.ndarray:
        """Articles among ``candidates`` with the words at consecutive positions."""
        docs = np.flatnonzero(candidates)
        # keys are doc << 32 | position; shifting word i back by i lines a phrase up
        starts = self.view.positions(self.reader, fieldname, words[0], docs)
        for i, word in enumerate(words[1:], start=1):
            if not len(starts):
                break
            keys = self.view.positions(self.reader, fieldname, word, docs) - i
            starts = np.intersect1d(starts, keys, assume_unique=True)
            docs = np.unique(starts >> 32)
        return np.unique(starts >> 32)


#: How ``top`` can order matches.


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
