"""What makes an article's related stories: its most distinctive words, found the same
way by both engines (each then runs them as an any-word query)."""

from __future__ import annotations

import math
from collections import Counter

from searcher.article import Article
from searcher.settings import Ranking
from searcher.text.analysis import analyze


def distinctive_terms(doc_frequency, total: int, article: Article, ranking: Ranking) -> list[str]:
    """The stems that say most about an article: frequent in it, rare in the archive
    (tf-idf over its headline and body), words of its entity names weighted up.
    ``doc_frequency(term)`` is how many articles hold a term in their body."""
    weights: Counter = Counter(
        analyze(f"{article.indexed_headline} {article.body[:20_000]}")
    )
    for names in article.names().values():
        for term in analyze(" ".join(names)):
            weights[term] += ranking.entity_word_weight
    total = max(1, total)
    scored = []
    for term, weight in weights.items():
        holders = doc_frequency(term)
        if 1 < holders < total / 2:  # in at least one other article, and not everywhere
            scored.append((weight * math.log(total / holders), term))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [term for _, term in scored[: ranking.related_terms]]
