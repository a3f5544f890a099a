"""Numbers a user may want to tune, in one place, each with its reason.

They are frozen objects, grouped by what they shape (``Ranking``, ``Snippets``,
``Limits``, ``Indexing``) and passed to an ``Archive`` as one ``Settings``; nothing
changes them behind a caller's back. ``Settings.from_env()`` is the default set with
the environment's overrides, each checked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from searcher.errors import BadSetting
from searcher.vocabulary import DEFAULT_INDEX_DIR, INDEX_ENV_VAR  # noqa: F401 (re-exported)


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Ranking:
    """How matches are scored (BM25F over the searchable fields)."""

    #: Query-time weight of each searchable field. A word in the headline says more about
    #: what an article is about than the same word in passing in the body. A word that
    #: names one of the article's entities gets a small extra weight: larger weights cost
    #: MRR@10 on the dev halves of the known-item sets (FacQA 0.797 at 0.25, 0.790 at 0.5,
    #: 0.751 at 1.5; benchmarks/tune.py).
    field_boosts: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"headline": 2.0, "kicker": 1.0, "body": 1.0, "entities": 0.25}
        )
    )
    #: BM25 parameters: ``k1`` saturates repeated words, ``b`` normalises for field
    #: length. b 0.9 over 0.75 (with BM25F): Detik dev 0.864 -> 0.874, FacQA 0.800 -> 0.804.
    k1: float = 1.2
    b: float = 0.9
    #: Per-field ``b`` where it differs from ``b``.
    field_b: Mapping[str, float] = field(default_factory=lambda: _frozen({}))
    #: How a word found in several fields scores: ``"bm25f"`` sums the fields' boosted,
    #: length-normalised frequencies and saturates once (Robertson and Zaragoza's BM25F);
    #: ``"per-field"`` adds a BM25 score per field (what Whoosh's BM25F does). On the dev
    #: halves bm25f scores as well or better (FacQA 0.797 -> 0.800).
    scoring: str = "bm25f"
    #: How much an article that names an entity only by another of its names (``Joko
    #: Widodo`` for the query ``Jokowi``) counts against one that uses the name typed: a
    #: little below an exact match.
    alias_weight: float = 0.8
    #: Cluster: candidates the engine ranks by its own BM25F before the best are scored
    #: again as the embedded engine scores them (``searcher.engine.cluster.rescore``).
    #: Over the 121 benchmark queries and 3,464 IndoSum articles the same article comes
    #: first for 118 at 20, and for 120 at 30 and at 50; but long queries (Detik
    #: headlines) need the wider window: recall@10 0.977 at 30, 0.986 (the embedded
    #: engine's) at 50. Each candidate costs about 0.3 ms of Python.
    rescore_window: int = 50
    #: Words (stems) an article's related-stories query is made of.
    related_terms: int = 15
    #: How much a word of one of the article's entity names counts, in a related-stories
    #: query, against a word that is merely frequent in it: the people and places of a
    #: story say most about what it is.
    entity_word_weight: float = 3.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_boosts", _frozen(self.field_boosts))
        object.__setattr__(self, "field_b", _frozen(self.field_b))
        if self.scoring not in ("bm25f", "per-field"):
            raise ValueError(f"scoring is 'bm25f' or 'per-field', not {self.scoring!r}")

    def b_of(self, fieldname: str) -> float:
        return self.field_b.get(fieldname, self.b)

    def with_boosts(self, **boosts: float) -> Ranking:
        """These settings with some field boosts changed (for tuning)."""
        return replace(self, field_boosts={**self.field_boosts, **boosts})


@dataclass(frozen=True)
class Snippets:
    """Snippet shape: up to ``fragments`` pieces of about ``chars`` characters each."""

    fragments: int = 3
    chars: int = 200


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; the command line, the library and the page share it."""

    #: Hits per page when the caller does not say.
    default_limit: int = 10
    #: Upper bound on hits per page, so one request cannot ask for the whole archive.
    max_limit: int = 100
    #: Deepest page number accepted; deeper paging is almost always a crawler.
    max_page: int = 1000
    #: Spelling suggestions look at most this many unknown words of a query, for at most
    #: this long: each costs a scan of the word list (up to ~50 ms over 3,463 articles),
    #: and a 490-character query of nonsense once took 3.3 s and stalled the page.
    suggest_words: int = 3
    suggest_seconds: float = 0.25
    #: Longest query read, in characters (a longer one is cut at a word, with a note): a
    #: pasted article is not a query, and every word costs a posting-list lookup.
    max_query_chars: int = 500
    #: Bounds on structured filters (``filters=``, the page's facet links), apart from the
    #: query's own cap: they are not query text and are never cut with it.
    max_filter_values: int = 20
    max_filter_chars: int = 200
    #: Names shown per label in the facets of a result list.
    facet_size: int = 10
    #: At most this many copies are listed under one hit (the rest are counted in its group).
    max_similar: int = 20
    #: Postings kept decoded in memory per open index (about 16 bytes each): enough for
    #: the few hundred words a busy search page sees, bounded so one index cannot grow
    #: without limit. Least recently used words are decoded again when next asked for.
    cached_postings: int = 8_000_000


@dataclass(frozen=True)
class Indexing:
    """How an indexing run batches its work and watches its workers."""

    #: Articles per index commit. A killed run loses at most this many articles' work
    #: (about 35 s at 2 processes). Each worker writes its share of a batch as one
    #: segment, and a query pays per segment for each of its words: at 50,000 articles
    #: (2 processes) batches of 2,000 made 50 segments, 570 MB, first-run p95 102 ms and
    #: warm p95 9.6 ms; batches of 10,000 make 10 segments, 364 MB, 58 and 7.8 ms, at the
    #: same indexing rate (266 and 278 articles/s). ``$SEARCHER_COMMIT_BATCH`` overrides it.
    commit_batch: int = 10_000
    #: Megabytes of postings a segment writer keeps in memory before it sorts them into a
    #: run on disk (Whoosh's default is 128, per worker). ``$SEARCHER_WRITER_MB``.
    writer_mb: int = 32
    #: With several indexing processes, seconds without one article finished before the
    #: run says a worker seems stopped, and before it gives up (an article takes well
    #: under a second; tagging a 100,000-character one about two).
    #: ``$SEARCHER_STALL_WARN`` and ``$SEARCHER_STALL_GIVE_UP`` override them.
    stall_warn_seconds: float = 30.0
    stall_give_up_seconds: float = 300.0


@dataclass(frozen=True)
class Settings:
    """Everything an ``Archive`` can be tuned with."""

    ranking: Ranking = field(default_factory=Ranking)
    snippets: Snippets = field(default_factory=Snippets)
    limits: Limits = field(default_factory=Limits)
    indexing: Indexing = field(default_factory=Indexing)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The defaults with the environment's overrides; a value that is not a positive
        number raises ``BadSetting`` naming the variable."""
        env = os.environ if environ is None else environ
        indexing = Indexing()
        changes: dict[str, object] = {}
        for name, attr, kind in (
            ("SEARCHER_COMMIT_BATCH", "commit_batch", int),
            ("SEARCHER_WRITER_MB", "writer_mb", int),
            ("SEARCHER_STALL_WARN", "stall_warn_seconds", float),
            ("SEARCHER_STALL_GIVE_UP", "stall_give_up_seconds", float),
        ):
            raw = env.get(name, "").strip()
            if raw:
                changes[attr] = _positive(name, raw, kind)
        return cls(indexing=replace(indexing, **changes)) if changes else cls()


def _positive(name: str, raw: str, kind: type) -> float:
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if not 0 < value < float("inf"):
        noun = "whole number" if kind is int else "number of seconds"
        raise BadSetting(f"${name} must be a positive {noun}, not {raw!r}")
    return value


#: The set used where a caller passes none.
DEFAULT = Settings()
#: Longest body indexed, in characters (about 150,000 words: far beyond any news
#: article). A longer "article" is a dump or a broken file; its start is indexed.
#: A property of the archive's format, not a tunable: every run reads the same way.
MAX_BODY_CHARS = 1_000_000
#: Entities are looked for in this much of an article's start; names that matter
#: appear early, and tagging is the costliest step of indexing.
MAX_ENTITY_CHARS = 100_000
