"""The embedded backend's scores, computed for a few candidate articles at a time.

A cluster ranks with its own BM25F: close to ours, but its idf is each shard's, its
field lengths are exact where Whoosh quantises them to a byte, and its normalisation
differs. So the cluster retrieves a window of candidates by its own rank, and this
module scores them exactly as ``searcher.engine.embedded.evaluation`` does over the whole archive
(same formula, same archive-wide statistics), so both backends put the same article
first. Scores are read off each candidate's stored text, analysed again here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from whoosh.util.numeric import byte_to_length, length_to_byte

from searcher.article import Article
from searcher.engine.scoring import field_boost, idf, length_normalised, saturate
from searcher.query.tree import All, Any, FieldWord, Node, Not, Phrase, Word
from searcher.settings import Ranking
from searcher.text.spans import find_spans
from searcher.vocabulary import SEARCH_FIELDS


def field_texts(article: Article) -> dict[str, str]:
    """The text each searchable field indexed, rebuilt from the stored article."""
    return {
        "headline": article.indexed_headline,
        "kicker": article.kicker,
        "body": article.body,
        "entities": " ; ".join(name for name, _ in article.entities if name),
    }


def quantised(length: int) -> float:
    """A field length as Whoosh stores it (one byte per article and field)."""
    return byte_to_length(length_to_byte(length))


@dataclass
class Candidate:
    """One article's counts of the query's terms per field, and the field lengths (in
    terms, as Whoosh keeps them: quantised to a byte)."""

    counts: dict[str, Counter]
    lengths: dict[str, float]

    @classmethod
    def of(cls, article: Article, lengths: dict[str, int], terms: set[str]) -> Candidate:
        """``lengths`` are the fields' lengths in terms (the engine keeps them); only
        ``terms`` are counted, found by the snippets' span search (a regular expression
        of the words that carry them, not an analysis of every word)."""
        counts = {
            field: Counter(term for term, _, _ in find_spans(text, terms))
            for field, text in field_texts(article).items()
        }
        return cls(counts, {f: quantised(int(n)) for f, n in lengths.items()})


@dataclass
class Statistics:
    """Archive-wide numbers the scores need; ``df(field, term)`` with field None means
    articles holding the term in any searchable field."""

    articles: int
    average_lengths: dict[str, float]
    df: Callable[[str | None, str], int]


class Scorer:
    """The score the embedded engine's evaluator gives a tree at one article (unmasked,
    as its score arrays are: every part that ranks adds what it scores there)."""

    def __init__(self, ranking: Ranking, stats: Statistics) -> None:
        self.ranking = ranking
        self.stats = stats

    def score(self, node: Node, doc: Candidate) -> float | None:
        if isinstance(node, Word):
            return self._word(node, doc)
        if isinstance(node, FieldWord):
            return self._term(node.field, node.term, doc, 1.0)
        if isinstance(node, Phrase):
            fields = [node.field] if node.field else SEARCH_FIELDS
            return sum(
                self._term(f, t, doc, field_boost(self.ranking, node, f))
                for f in fields
                for t in node.terms
            )
        if isinstance(node, (All, Any)):
            parts = [self.score(c, doc) for c in node.children if not isinstance(c, Not)]
            ranked = [p for p in parts if p is not None]
            return sum(ranked) if ranked else None
        return None  # filters and exclusions narrow, they never rank

    def _normalised(self, field: str, term: str, doc: Candidate) -> float:
        average = self.stats.average_lengths.get(field) or 1.0
        return length_normalised(
            doc.counts[field][term], doc.lengths[field], average, self.ranking.b_of(field)
        )

    def _term(self, field: str, term: str, doc: Candidate, boost: float) -> float:
        if not doc.counts[field][term]:
            return 0.0
        word_idf = idf(self.stats.df(field, term), self.stats.articles)
        return (
            boost * word_idf * float(saturate(self._normalised(field, term, doc), self.ranking.k1))
        )

    def _word(self, word: Word, doc: Candidate) -> float:
        if self.ranking.scoring != "bm25f":
            return sum(
                self._term(f, word.term, doc, field_boost(self.ranking, word, f))
                for f in SEARCH_FIELDS
            )
        weighted = sum(
            field_boost(self.ranking, word, f) * self._normalised(f, word.term, doc)
            for f in SEARCH_FIELDS
            if doc.counts[f][word.term]
        )
        if not weighted:
            return 0.0
        word_idf = idf(self.stats.df(None, word.term), self.stats.articles)
        return word_idf * float(saturate(weighted, self.ranking.k1))
