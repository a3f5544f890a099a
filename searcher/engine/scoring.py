"""BM25F's parts, shared by both engines: the embedded evaluator scores every match with
them, the cluster's rescoring scores its window with them, so both rank alike."""

from __future__ import annotations

from math import log

import numpy as np

from searcher.query.tree import Phrase, Word
from searcher.settings import Ranking


def idf(holders: int, total: int) -> float:
    """Lucene's BM25 idf: near zero for a word most articles have."""
    return log(1 + (total - holders + 0.5) / (holders + 0.5))


def saturate(frequency: np.ndarray, k1: float) -> np.ndarray:
    """BM25's term-frequency saturation."""
    return frequency * (k1 + 1) / (k1 + frequency)


def length_normalised(frequency, length, average: float, b: float):
    """A term's frequency over BM25's length normalisation (arrays or single numbers)."""
    return frequency / ((1 - b) + b * length / average)


def field_boost(ranking: Ranking, node: Word | Phrase, field: str) -> float:
    """What a word or phrase weighs in ``field``: the field's boost times the node's
    weight; a phrase limited to one field (``headline:"..."``) weighs its weight alone."""
    if isinstance(node, Phrase) and node.field:
        return node.weight
    return ranking.field_boosts[field] * node.weight
