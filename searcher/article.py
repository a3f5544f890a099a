"""The plain records that cross module boundaries: an article and a problem with input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from searcher.vocabulary import LABELS


@dataclass
class Article:
    """One cleaned news article, ready to index."""

    id: str
    headline: str
    body: str
    kicker: str = ""
    date: datetime | None = None
    #: The date as the archive wrote it, kept when it could not be parsed.
    date_text: str = ""
    source: str = ""
    url: str = ""
    #: Where the article came from, relative to the archive root (``file`` or ``file:line``).
    path: str = ""
    #: True when the archive had no headline and the lead's first sentence stands in:
    #: shown as the headline, but not indexed as one (it would count the lead twice).
    headline_from_lead: bool = False
    #: The place the story's dateline names (``Jakarta`` of ``Jakarta, CNN Indonesia -``).
    dateline: str = ""
    #: Filled at index time: the story this article repeats (its own id when none), and
    #: the MinHash signature that decided it (``searcher.ingest.stories``).
    group: str = ""
    minhash: bytes = b""
    #: Filled at index time by the entity extractor: ``(text, label)`` pairs.
    entities: list[tuple[str, str]] = field(default_factory=list)

    @property
    def indexed_headline(self) -> str:
        """The headline as the ``headline`` field indexed it: none when the lead's first
        sentence stands in for it."""
        return "" if self.headline_from_lead else self.headline

    def names(self) -> dict[str, list[str]]:
        """label -> this article's entity names of that label, for every label."""
        found: dict[str, list[str]] = {label: [] for label in LABELS}
        for name, label in self.entities:
            found.setdefault(label, []).append(name)
        return found


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input file or line; the rest of the archive goes on."""

    path: str
    message: str
    line: int | None = None
    #: ``skipped``: the article was not indexed; ``warning``: it was (say, date kept as text).
    kind: str = "skipped"

    @classmethod
    def about(cls, article_path: str, message: str, kind: str = "skipped") -> Problem:
        """A problem with the article at ``file`` or ``file:line`` (``Article.path``)."""
        where, _, line = article_path.rpartition(":")
        if where and line.isdigit():
            return cls(where, message, int(line), kind)
        return cls(article_path, message, None, kind)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def has_time(moment: datetime) -> bool:
    """Whether the archive gave a time of day, not just a date (midnight reads as none)."""
    return (moment.hour, moment.minute, moment.second) != (0, 0, 0)
