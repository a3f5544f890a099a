"""Engines that answer an ``Archive``: the embedded Whoosh index, or a search cluster.

A backend takes the engine-neutral query tree (``searcher.querytree``) and gives back
stored articles, scores and counts; parsing, hits, snippets and results are built
above it by ``searcher.archive``, so the command line, the page and the library never
know which engine answered.

- ``embedded`` (the default): a Whoosh index in a folder, matched and ranked with
  numpy (``searcher.evaluation``); no server.
- ``sphinx://HOST:PORT[,HOST:PORT...]``: a Manticore/Sphinx cluster spoken to with
  SphinxQL, one node per shard (``searcher.backends.sphinx``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from searcher.locations import BACKEND_ENV_VAR


@dataclass
class Ranked:
    """One ranked article as a backend stores it."""

    stored: dict
    score: float
    #: Ids of the other matching articles telling the same story.
    similar: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """What a backend found for one query page."""

    total: int
    ranked: list[Ranked]
    #: True when nothing had every word and the any-word fallback answered.
    fell_back: bool = False
    #: Entity counts over all matches, per label, canonical names merged.
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: Each match's date code (0: undated), for timelines; None when not asked.
    dates: np.ndarray | None = None
    suggestion: str | None = None
    #: True when part of the archive (a shard) did not answer.
    partial: bool = False


def is_cluster(spec: str | None) -> bool:
    """True when ``spec`` names a cluster backend (``sphinx://...``)."""
    return bool(spec) and str(spec).startswith("sphinx://")


__all__ = ["Answer", "BACKEND_ENV_VAR", "Ranked", "is_cluster"]
