"""What ``search`` prints: results, timelines, facets, entities, stats and indexing
reports, and the progress bar of an indexing run."""

from __future__ import annotations

import json
import sys
import time

import click

from searcher import IndexReport, Results, Stats
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


class ProgressBar:
    """A progress bar on a terminal's stderr: articles done of the total, rate, time left.

    The total is counted before indexing starts (a quick pass over the files); nothing is
    drawn when stderr is not a terminal, so logs and pipes stay clean.
    """

    def __init__(self, total: int) -> None:
        self.total = max(1, total)
        self.bar = click.progressbar(
            length=self.total, label="indexing", file=sys.stderr, show_pos=True,
            show_eta=True, item_show_func=lambda rate: rate, width=24,
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
        rate = report.done / report.seconds if report.seconds else 0.0
        self.bar.update(done - self.shown, f"{rate:,.0f} articles/s")
        self.shown = done

    def close(self) -> None:
        self.bar.render_finish()
        click.echo("\r\033[K", err=True, nl=False)


def print_report(report: IndexReport) -> None:
    for problem in report.problems:
        click.echo(f"{problem.kind}: {problem}", err=True)
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
        snippet = hit.snippet
        if color:
            parts, cursor = [], 0
            for start, end in hit.snippet_marks:
                parts += [snippet[cursor:start], click.style(snippet[start:end], bold=True)]
                cursor = end
            snippet = "".join(parts) + snippet[cursor:]
        click.echo(f"   {snippet}")
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
