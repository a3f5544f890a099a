"""What ``search`` prints: results, timelines, facets, entities, stats and indexing
reports, and the progress bar of an indexing run."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import time

import click

from searcher import Article, Hit, IndexReport, Results, Stats
from searcher.article import has_time

#: Said on stderr when a shard of a cluster did not answer.
PARTIAL_WARNING = (
    "search: warning: a shard of the cluster did not answer; these results are from the others"
)
#: Widest bar of a terminal timeline, in block characters.
BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉"
#: What a facet or entity label is called in a listing.
LABEL_TITLES = {"PER": "people", "LOC": "places", "ORG": "organisations"}


#: Seconds and share of the work done before a time left is shown: click's own estimate
#: counts the seconds before the first article as the time one article takes (13:20:45
#: for a 56-second job), and the first seconds load the tagger and start the workers.
ETA_AFTER_SECONDS = 3.0
ETA_AFTER_SHARE = 0.02


class ProgressBar:
    """A progress bar on a terminal's stderr: articles done of the total, rate, time left.

    The total is counted before indexing starts (a quick pass over the files); skipped
    rows count as done, so the bar reaches it. Time left is the run's own rate over what
    remains, shown once the rate means something. Nothing is drawn when stderr is not a
    terminal, so logs and pipes stay clean.
    """

    def __init__(self, total: int) -> None:
        self.total = max(1, total)
        self.bar = click.progressbar(
            length=self.total, label="indexing", file=sys.stderr, show_pos=True,
            show_eta=False, item_show_func=lambda text: text, width=24,
        )  # fmt: skip
        self.bar.__enter__()
        self.shown = 0
        self.last = 0.0

    def __call__(self, report: IndexReport) -> None:
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        done = min(report.done, self.total)
        self.bar.update(done - self.shown, self.rate_and_time_left(done, report.seconds))
        self.shown = done

    def rate_and_time_left(self, done: int, seconds: float) -> str:
        """``310 articles/s, 0:00:42 left`` (the time left once it means something)."""
        rate = done / seconds if seconds else 0.0
        text = f"{rate:,.0f} articles/s"
        if rate and seconds >= ETA_AFTER_SECONDS and done >= ETA_AFTER_SHARE * self.total:
            left = int((self.total - done) / rate)
            text += f", {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d} left"
        return text

    def close(self, finished: bool = False) -> None:
        """Take the bar off the terminal; a finished run first fills it."""
        if finished and self.shown < self.total:
            self.bar.update(self.total - self.shown, "done")
            self.shown = self.total
        self.bar.render_finish()
        click.echo("\r\033[K", err=True, nl=False)


#: Problems of one cause listed before the rest are counted (``--verbose`` lists all).
EXAMPLES_PER_CAUSE = 3


def print_report(report: IndexReport, verbosity: int = 1) -> None:
    """The run's problems and its summary line on stderr. ``verbosity`` 0 prints the
    summary alone, 1 the problems by cause with the first few of each, 2 every problem.
    A run that changed nothing says so in one line."""
    if report.changed_nothing and verbosity < 2:
        skipped = f", {report.skipped:,} skipped as before" if report.skipped else ""
        count = report.unchanged
        click.echo(
            f"nothing changed: {count:,} article{'s' if count != 1 else ''} unchanged"
            f"{skipped} ({report.seconds:,.1f} s)",
            err=True,
        )
        return
    if verbosity >= 2:
        for problem in report.problems:
            click.echo(f"{problem.kind}: {problem}", err=True)
    elif verbosity == 1:
        for (kind, cause), found in report.causes().items():
            for problem in found[:EXAMPLES_PER_CAUSE]:
                click.echo(f"{kind}: {problem}", err=True)
            if len(found) > EXAMPLES_PER_CAUSE:
                more = len(found) - EXAMPLES_PER_CAUSE
                click.echo(f"{kind}: … and {more:,} more: {cause} (--verbose lists all)", err=True)
    click.echo(report.summary(), err=True)


def report_json(report: IndexReport) -> str:
    return json.dumps(
        {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "removed": report.removed,
            "skipped": report.skipped,
            "warnings": report.warnings,
            "problems": [str(p) for p in report.problems],
            "seconds": round(report.seconds, 3),
        },
        ensure_ascii=False,
    )


def date_text(moment) -> str:
    """``2017-03-28``, with the time only when the archive gave one."""
    if not has_time(moment):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


def _count(total: int) -> str:
    return "1 article matches" if total == 1 else f"{total:,} articles match"


def forms(others: list[str] | None) -> str:
    """`` [Jokowi]``: an entity's other names, after the one it is shown under."""
    return f" [{', '.join(others)}]" if others else ""


def print_results(results: Results, color: bool) -> None:
    if results.fallback:
        click.echo(f"({results.fallback})")
        if results.suggestion:
            click.echo(f"Did you mean: {results.suggestion}?")
    for note in results.notes:
        click.echo(f"({note})")
    first = (results.page - 1) * results.limit + 1
    if not results.searched:
        click.echo("Nothing to search for: type a word, a \"phrase\" or a filter such as "
                   "person:Jokowi.")  # fmt: skip
        return
    if results.past_the_end:
        pages = "1 page" if results.pages == 1 else f"{results.pages:,} pages"
        click.echo(
            f"{_count(results.total)} {results.understood}, but page {results.page:,} is "
            f"past the end ({pages} of {results.limit}); try --page {results.pages:,}."
        )
        return
    if not results.hits:
        click.echo(f"No articles match {results.understood}.")
        if results.suggestion:
            click.echo(f"Did you mean: {results.suggestion}?")
        return
    last = first + len(results.hits) - 1
    click.echo(f"{_count(results.total)} {results.understood}; showing {first:,}-{last:,}.\n")
    for n, hit in enumerate(results.hits, start=first):
        title = click.style(hit.headline, bold=True) if color else hit.headline
        click.echo(f"{n}. {title}")
        meta = [
            hit.kicker,
            date_text(hit.date) if hit.date else hit.date_text,
            hit.source,
            f"score {hit.score:.2f}" if hit.score else "",
            f"+{len(hit.similar)} similar" if hit.similar else "",
        ]
        click.echo("   " + " · ".join(m for m in meta if m))
        click.echo(f"   {_bold(hit.snippet, hit.snippet_marks, color)}")
        click.echo(f"   {hit.url or hit.path}\n")


def print_facets(results: Results) -> None:
    for label, names in results.facets.items():
        listed = ", ".join(
            f"{name}{forms(results.facet_aliases.get(name))} ({count:,})" for name, count in names
        )
        click.echo(f"{LABEL_TITLES.get(label, label)}: {listed}")


def print_timeline(results: Results) -> None:
    """One line per period: its name, a bar of block characters and the count."""
    click.echo(f"\nmatches per {results.per}:")
    most = max(p.count for p in results.timeline) or 1
    width = max(len(p.label) for p in results.timeline)
    for period in results.timeline:
        eighths = round(period.count / most * BAR_WIDTH * 8)
        bar = "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")
        click.echo(f"{period.label:<{width}}  {bar:<{BAR_WIDTH}}  {period.count:,}")
    undated = results.total - sum(p.count for p in results.timeline)
    if undated:
        click.echo(f"(and {undated:,} without a date)")


def print_entities(rows: list[tuple[str, str, int]], other_names) -> None:
    """One line per entity: articles, label, name and its other names."""
    for name, label, count in rows:
        click.echo(f"{count:>7,}  {label:<4} {name}{forms(other_names(name))}")


def entities_json(rows: list[tuple[str, str, int]]) -> str:
    return json.dumps(
        [{"name": n, "label": lab, "articles": c} for n, lab, c in rows], ensure_ascii=False
    )


def print_stats(stats: Stats) -> None:
    click.echo(f"index:          {stats.path}")
    click.echo(f"articles:       {stats.articles:,}")
    if stats.terms >= 0:
        click.echo(f"terms:          {stats.terms:,}")
    click.echo(f"size on disk:   {stats.size_bytes / 1e6:,.1f} MB")
    if stats.schema_version:  # a cluster keeps no schema version or update time
        click.echo(f"schema version: {stats.schema_version}")
    if stats.updated:
        click.echo(f"last update:    {stats.updated}")


def _bold(text: str, marks: list[tuple[int, int]], color: bool) -> str:
    """``text`` with the marked spans in bold (plain without colour)."""
    if not color or not marks:
        return text
    parts, cursor = [], 0
    for start, end in marks:
        parts += [text[cursor:start], click.style(text[start:end], bold=True)]
        cursor = end
    return "".join(parts) + text[cursor:]


def print_article(article: Article, marks, color: bool, width: int | None = None) -> None:
    """One article to read in a terminal: headline, where and when, its names, then the
    body wrapped to the terminal, the query's words in bold. ``marks(text)`` are the
    spans to mark in a text."""
    width = width or min(100, shutil.get_terminal_size((80, 24)).columns)
    title = click.style(article.headline, bold=True) if color else article.headline
    click.echo(title)
    meta = [
        article.kicker,
        date_text(article.date) if article.date else article.date_text,
        article.source,
        article.id,
    ]
    click.echo(" · ".join(m for m in meta if m))
    if article.url:
        click.echo(article.url)
    for label, names in article.names().items():
        if names:
            click.echo(f"{LABEL_TITLES.get(label, label)}: {', '.join(names)}")
    for paragraph in article.body.split("\n\n"):
        click.echo()
        # wrap first, then mark each line: the spans of a line are those of its text
        for line in textwrap.wrap(paragraph, width=width) or [""]:
            click.echo(_bold(line, marks(line), color))


def article_json(article: Article) -> str:
    return json.dumps(
        {
            "id": article.id, "headline": article.headline, "kicker": article.kicker,
            "date": article.date.isoformat() if article.date else None,
            "date_text": article.date_text, "source": article.source, "url": article.url,
            "path": article.path, "entities": article.names(), "body": article.body,
        },
        ensure_ascii=False,
        indent=2,
    )  # fmt: skip


def print_related(hits: list[Hit]) -> None:
    """One line each: the date, the outlet, the headline, the id to ``show``."""
    for n, hit in enumerate(hits, start=1):
        when = date_text(hit.date) if hit.date else hit.date_text
        meta = " · ".join(m for m in (when, hit.source) if m)
        click.echo(f"{n}. {hit.headline}\n   {meta}{' · ' if meta else ''}{hit.id}")
