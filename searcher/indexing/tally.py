"""An indexing run's report, counted in one place, and the progress it reports."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from searcher.article import Problem
from searcher.index_run import IndexReport, Progress

if TYPE_CHECKING:
    from searcher.indexing.pipeline import Outcome


class Tally:
    """Counts what one run read, skipped, prepared and wrote into its ``IndexReport``,
    and tells the caller's ``progress`` (at most once per article)."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.report = IndexReport()
        self.progress = progress
        self.began = time.perf_counter()

    def tick(self) -> None:
        """Tell ``progress`` how far the run is."""
        if self.progress:
            self.report.seconds = time.perf_counter() - self.began
            self.progress(self.report)

    def problem(self, problem: Problem) -> None:
        """A problem met reading (a file, a line, an article)."""
        self.report.problems.append(problem)
        if problem.kind == "skipped":
            self.report.skipped += 1
        else:
            self.report.warnings += 1

    def unchanged(self) -> None:
        self.report.unchanged += 1
        self.tick()

    def prepared_here(self) -> None:
        """This process has prepared one more article (no worker processes)."""
        self.report.prepared += 1

    def prepared(self, count: int) -> None:
        """Worker processes have prepared ``count`` articles of this run so far."""
        self.report.prepared = count
        self.tick()

    def written(self, outcome: Outcome) -> None:
        """One prepared article is in the index (or could not be, with its reason)."""
        report = self.report
        report.learned.update(outcome.aliases)
        if outcome.error:
            self.problem(Problem.about(outcome.path, outcome.error))
        elif outcome.is_new:
            report.added += 1
        else:
            report.updated += 1

    def finish(self) -> IndexReport:
        self.report.seconds = time.perf_counter() - self.began
        return self.report
