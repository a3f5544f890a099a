"""Whoosh's own scoring, kept only as the oracle the numpy evaluator is checked against.

``to_whoosh`` compiles a query tree to Whoosh query objects and ``NewsBM25F`` is
Whoosh's BM25F with Lucene's idf (``log(1 + (N - n + 0.5) / (n + 0.5))``), the model
``searcher.engine.embedded.evaluation`` implements with ``Ranking(scoring="per-field")``.
"""

from __future__ import annotations

from math import log

from whoosh import query as q
from whoosh import scoring

from searcher.query.tree import All, Any, DateRange, FieldWord, Keyword, Node, Not, Phrase, Word
from searcher.settings import DEFAULT, Ranking
from searcher.vocabulary import SEARCH_FIELDS


class NewsBM25F(scoring.BM25F):
    """BM25F with Lucene's idf and the given ranking's k1 and b."""

    def __init__(self, ranking: Ranking = DEFAULT.ranking) -> None:
        per_field = {f"{name}_B": b for name, b in ranking.field_b.items()}
        super().__init__(B=ranking.b, K1=ranking.k1, **per_field)

    def idf(self, searcher, fieldname: str, text: bytes) -> float:
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        total = parent.doc_count_all()
        return log(1 + (total - n + 0.5) / (n + 0.5))


class _TreeOr(q.Or):
    """``Or`` that unions sub-matchers as a tree, so every clause's score is added."""

    matcher_type = q.Or.DEFAULT_MATCHER


def to_whoosh(node: Node, ranking: Ranking = DEFAULT.ranking) -> q.Query:
    """The Whoosh query that means what ``node`` means (per-field scoring)."""
    boosts = ranking.field_boosts
    if isinstance(node, Word):
        return _TreeOr([q.Term(f, node.term, boost=boosts[f] * node.weight) for f in SEARCH_FIELDS])
    if isinstance(node, Phrase):
        if node.field:
            return q.Phrase(node.field, list(node.terms), boost=node.weight)
        return _TreeOr(
            [q.Phrase(f, list(node.terms), boost=boosts[f] * node.weight) for f in SEARCH_FIELDS]
        )
    if isinstance(node, FieldWord):
        return q.Term(node.field, node.term)
    if isinstance(node, Keyword):
        return q.Term(node.field, node.value)
    if isinstance(node, DateRange):
        return q.DateRange("date", node.start, node.stop)
    if isinstance(node, Any):
        if not node.children:
            return q.NullQuery
        return _TreeOr([to_whoosh(c, ranking) for c in node.children])
    if isinstance(node, All):
        positive = [to_whoosh(c, ranking) for c in node.children if not isinstance(c, Not)]
        banned = [to_whoosh(c.child, ranking) for c in node.children if isinstance(c, Not)]
        base = q.And(positive) if len(positive) > 1 else (positive[0] if positive else q.Every())
        return q.AndNot(base, q.Or(banned)) if banned else base
    if isinstance(node, Not):
        return q.AndNot(q.Every(), to_whoosh(node.child, ranking))
    raise TypeError(node)
