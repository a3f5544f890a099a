"""The Whoosh weighting model: BM25 per field with the probabilistic BM25 idf.

Search results are ranked by ``searcher.evaluation`` (which gives the same scores
as this model when ``settings.SCORING`` is ``"per-field"``); Whoosh's own searches,
such as checking a spelling suggestion, use this model.

Whoosh's stock idf is ``log(N / (n + 1)) + 1``, a tf-idf idf whose ``+ 1`` floor lets
very common words weigh almost as much as rare ones; with long queries (a question,
a headline) that drowns the rare words that identify the article. Lucene's BM25 idf,
``log(1 + (N - n + 0.5) / (n + 0.5))``, falls towards zero for common words instead.
On the dev half of the FacQA known-item set it lifts MRR@10 (see benchmarks/tune.py).
"""

from __future__ import annotations

from math import log

from whoosh import scoring

from searcher import settings


class NewsBM25F(scoring.BM25F):
    """BM25F with Lucene's idf; parameters from ``settings``."""

    def __init__(self) -> None:
        per_field = {f"{name}_B": b for name, b in settings.FIELD_B.items()}
        super().__init__(B=settings.BM25_B, K1=settings.BM25_K1, **per_field)

    def idf(self, searcher, fieldname: str, text: bytes) -> float:
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        total = parent.doc_count_all()
        return log(1 + (total - n + 0.5) / (n + 0.5))


def weighting() -> scoring.WeightingModel:
    """The scoring model every searcher uses."""
    return NewsBM25F()
