"""Engines that answer an ``Archive``: the embedded Whoosh index, or a search cluster.

Both implement ``Backend``: they take a ``Request`` (the engine-neutral query tree of
``searcher.query.tree`` and which page of it) and give back an ``Answer`` of ranked
``Article`` records and counts; hits, snippets and results are built above them by
``searcher.archive``, so the command line, the page and the library never know which
engine answered. Each engine brings its own writer; what it writes comes from the one
indexing pipeline (``searcher.indexing``).

- ``embedded`` (the default): a Whoosh index in a folder, matched and ranked with
  numpy (``searcher.engine.embedded``); no server.
- ``sphinx://HOST:PORT[,HOST:PORT...]``: a Manticore/Sphinx cluster spoken to with
  SphinxQL, one node per shard (``searcher.engine.cluster``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from searcher.article import Article
from searcher.index_run import IndexOptions, IndexReport
from searcher.results import Overview, Stats
from searcher.settings import Settings
from searcher.vocabulary import BACKEND_ENV_VAR

if TYPE_CHECKING:
    import numpy as np

    from searcher.names.aliases import AliasTable
    from searcher.query.parse import ParsedQuery


@dataclass
class Ranked:
    """One ranked article as an engine found it."""

    article: Article
    score: float
    #: Ids of the other matching articles telling the same story.
    similar: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    """One page of a search, as the library asks an engine for it."""

    parsed: ParsedQuery
    #: The text as typed, for spelling suggestions when nothing matches.
    query: str
    #: The page's hits are ranks ``first`` to ``end`` (0-based, ``end`` exclusive).
    first: int
    end: int
    #: ``relevance``, ``newest`` or ``oldest`` (``searcher.vocabulary.ORDERS``).
    sort: str = "relevance"
    #: Count the entities of every match (facets).
    facets: bool = False
    #: Hand back every match's date (for timelines).
    dates: bool = False
    #: Each story once, its copies listed under its best-ranked article.
    collapse: bool = True


@dataclass
class Answer:
    """What an engine found for one request."""

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


class Backend(Protocol):
    """What an engine offers the library; ``searcher.archive.Archive`` holds one."""

    #: ``embedded`` or ``sphinx``.
    name: str
    #: What it ranks, snips and limits with.
    settings: Settings

    @property
    def location(self) -> str:
        """Where the articles are: the index folder, or the cluster's addresses."""

    def exists(self) -> bool:
        """True when the archive holds a committed index."""

    def sample_state(self, seeds: Path) -> str | None:
        """Why the bundled sample archive ``seeds`` must be indexed now (``"missing"``, or
        what is stale), or None."""

    def index(self, paths: Iterable[str | Path], options: IndexOptions) -> IndexReport:
        """Add or update every article under ``paths``."""

    def remove(self, ids: list[str], wait: float) -> list[str]:
        """Delete these articles; the ids that were there."""

    def answer(self, request: Request) -> Answer:
        """One page of ranked articles, and counts over every match."""

    def iter_ranked(self, parsed: ParsedQuery, sort: str) -> Iterator[Ranked]:
        """Every match in order, one stored article at a time."""

    def related(self, article_id: str, limit: int) -> tuple[list[Ranked], set[str]]:
        """Articles most like this one, and the terms that made them so."""

    def entity_counts(self) -> dict[str, list[tuple[str, int]]]:
        """Every entity with how many articles name it, per label."""

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id."""

    def aliases(self) -> AliasTable:
        """Which names stand for one entity."""

    def count(self) -> int:
        """How many articles there are."""

    def stats(self, terms: bool = False) -> Stats:
        """Size and freshness; the distinct terms counted only when asked (-1 if not)."""

    def overview(self) -> Overview:
        """How many articles, their date span and their outlets."""

    def close(self) -> None:
        """Let go of this thread's open files or connections."""


def date_code(when: datetime) -> int:
    """A date as both engines store it: microseconds since year 1 (Whoosh's ``DATETIME``
    encoding, which the embedded index's sortable ``date`` column holds)."""
    since = when.replace(tzinfo=None) - datetime.min
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


def date_of_code(code: int) -> date:
    """The day of a ``date_code``."""
    return (datetime.min + timedelta(microseconds=code)).date()


def is_cluster(spec: str | None) -> bool:
    """True when ``spec`` names a cluster backend (``sphinx://...``)."""
    return bool(spec) and str(spec).startswith("sphinx://")


__all__ = [
    "Answer", "BACKEND_ENV_VAR", "Backend", "Ranked", "Request", "date_code", "date_of_code",
    "is_cluster",
]  # fmt: skip
