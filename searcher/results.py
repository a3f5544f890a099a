"""What a search gives back (``Hit``, ``Results``, ``Stats``), and the stored fields
of an article mapped to those records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from searcher.settings import DEFAULT


@dataclass(frozen=True)
class Period:
    """One bar of a timeline: the articles dated from ``start`` to ``end`` (inclusive)."""

    label: str
    start: date
    end: date
    count: int

    @property
    def date_filter(self) -> str:
        """The query syntax for this period (``date:2017-03``)."""
        return f"date:{self.label}"

    def to_json(self) -> dict:
        return {
            "period": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "count": self.count,
        }


@dataclass
class Hit:
    """One ranked article with its snippet."""

    id: str
    headline: str
    kicker: str
    score: float
    date: datetime | None
    source: str
    url: str
    entities: dict[str, list[str]]
    snippet: str
    snippet_html: str
    path: str = ""
    date_text: str = ""
    #: ``(start, end)`` of each marked word in ``snippet``, for terminals and other renderers.
    snippet_marks: list[tuple[int, int]] = field(default_factory=list)
    #: Ids of the other matching articles that tell the same story (syndicated copies,
    #: repeats), shown once under this hit; empty with ``collapse=False``.
    similar: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["score"] = round(self.score, 4)
        return data


@dataclass
class Results:
    """One page of ranked hits, with how the query was understood."""

    query: str
    understood: str
    total: int
    hits: list[Hit]
    page: int = 1
    limit: int = DEFAULT.limits.default_limit
    #: Set when no article had every word and the results match any word instead.
    fallback: str | None = None
    notes: list[str] = field(default_factory=list)
    #: Most frequent entities among the matches: label -> [(name, count)].
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: When nothing matched and a word looks misspelt: the query with it corrected.
    suggestion: str | None = None
    #: How the hits are ordered: ``relevance``, ``newest`` or ``oldest``.
    sort: str = "relevance"
    #: Matches per period (asked with ``timeline=True``), and the period: day, month, year.
    timeline: list[Period] = field(default_factory=list)
    per: str = ""
    #: Other names of the entities in ``facets`` (``Joko Widodo`` -> ``["Jokowi"]``).
    facet_aliases: dict[str, list[str]] = field(default_factory=dict)
    #: Matches per year, beside the entity facets (asked with ``facets=True``).
    years: list[Period] = field(default_factory=list)
    #: True when part of a cluster (a shard) did not answer: the results are the rest's.
    partial: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def searched(self) -> bool:
        """False when the query left nothing to search for (only stopwords, or empty)."""
        return bool(self.understood)

    @property
    def past_the_end(self) -> bool:
        """True when articles match but this page lies beyond the last one."""
        return self.total > 0 and not self.hits

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "understood": self.understood,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "fallback": self.fallback,
            "notes": self.notes,
            "facets": {k: [[n, c] for n, c in v] for k, v in self.facets.items()},
            "facet_aliases": self.facet_aliases,
            "suggestion": self.suggestion,
            "sort": self.sort,
            "timeline": {"per": self.per, "periods": [p.to_json() for p in self.timeline]}
            if self.timeline
            else None,
            "years": [p.to_json() for p in self.years],
            "partial": self.partial,
            "hits": [hit.to_json() for hit in self.hits],
        }


@dataclass(frozen=True)
class Overview:
    """What an archive holds, for a person arriving: how many articles, from when to
    when, from which outlets (most articles first)."""

    articles: int
    first: date | None = None
    last: date | None = None
    sources: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "articles": self.articles,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "sources": [[name, count] for name, count in self.sources],
        }


@dataclass
class Stats:
    articles: int
    terms: int
    size_bytes: int
    schema_version: int
    updated: str
    path: str

    def to_json(self) -> dict:
        return asdict(self)
