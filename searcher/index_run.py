"""What one indexing run is asked to do (``IndexOptions``) and what it did
(``IndexReport``).

Kept apart from ``searcher.engine.embedded.writer`` so that opening an archive to search does not
import the reading, cleaning and tagging machinery.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from searcher.article import Problem
from searcher.settings import Indexing


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    #: Articles tagged and analysed so far (committed or not): what progress shows.
    prepared: int = 0
    #: Articles deleted because their file or line is gone (``prune``).
    removed: int = 0
    #: Articles whose id another file already used, kept apart as ``FILE#ID``.
    kept_apart: int = 0
    #: Articles whose URL an article with another id has: the same story, one article.
    same_url: int = 0
    #: Aliases the new or changed articles introduced, with how many articles did.
    learned: Counter = field(default_factory=Counter)

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def done(self) -> int:
        """Articles dealt with so far: prepared for the index, found unchanged, or
        skipped (what a progress bar's total counted)."""
        return self.prepared + self.unchanged + self.skipped

    @property
    def changed_nothing(self) -> bool:
        """True for a run that found every article as it was indexed (a re-run)."""
        return not (self.indexed or self.removed) and self.unchanged > 0

    def causes(self) -> dict[tuple[str, str], list[Problem]]:
        """The problems by (kind, cause): ``same URL as an earlier row``, say, whatever
        the file, line or id, in the order first met."""
        found: dict[tuple[str, str], list[Problem]] = {}
        for problem in self.problems:
            key = problem.message.split(";")[0].split(" (")[0]
            key = re.sub(r" (?:'[^']*'|\S+/\S+)", "", key)  # one reason, whatever the id
            found.setdefault((problem.kind, key), []).append(problem)
        return found

    @property
    def articles_per_second(self) -> float:
        return (self.indexed + self.unchanged) / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        """One line, as ``search index`` ends (the problems and aliases are fields)."""
        return self.summary()

    def summary(self) -> str:
        causes = self.causes().items()
        reasons = {key: len(found) for (kind, key), found in causes if kind == "skipped"}
        why = "; ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
        rate = f" ({self.articles_per_second:,.0f} articles/s)" if self.indexed else ""
        removed = f"{self.removed:,} removed, " if self.removed else ""
        if self.same_url:
            removed += f"{self.same_url:,} with the URL of another id (kept as that one), "
        if self.kept_apart:
            removed += (
                f"{self.kept_apart:,} kept apart (their id was another file's; stored as FILE#ID), "
            )
        return (
            f"{self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{removed}"
            f"{self.skipped:,} skipped{f' ({why})' if why else ''}, {self.warnings:,} warnings "
            f"in {self.seconds:,.1f} s{rate}"
        )


Progress = Callable[[IndexReport], None]


@dataclass
class IndexOptions:
    """How one indexing run behaves; see ``Archive.index`` for each option."""

    rebuild: bool = False
    wait: float = 0.0
    entities: bool = True
    #: > 1: that many worker processes tag, analyse and write segments in parallel.
    procs: int = 1
    #: Merge into one segment at the end: about as long again as indexing, faster search.
    optimize: bool = False
    progress: Progress | None = None
    on_wait: Callable[[], None] | None = None
    #: Told how long the workers have made no progress, once per stall.
    on_stall: Callable[[float], None] | None = None
    #: Remove articles under the paths read whose file or line is gone.
    prune: bool = False
    #: Batch size and worker watch (``settings.Indexing``).
    indexing: Indexing = field(default_factory=Indexing)
