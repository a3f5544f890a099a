"""The ``search`` command: a thin click layer over ``searcher.Archive``.

``search "Taliban Tajikistan"`` searches; ``search index PATH…``, ``search stats``,
``search entities`` and ``search serve`` are subcommands. To search for a word that
is also a subcommand's name, use ``search query index``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from searcher import settings
from searcher.archive import Archive, Results
from searcher.indexer import IndexReport
from searcher.segments import WorkerDied
from searcher.store import IndexError_

#: The sample archive shipped with the project, built on first search if no index exists.
SEEDS_DIR = Path("seeds")

index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=settings.INDEX_ENV_VAR,
    default=settings.DEFAULT_INDEX_DIR,
    show_default=True,
    help=f"Index folder (or ${settings.INDEX_ENV_VAR}).",
)


class DefaultToQuery(click.Group):
    """A group whose unknown first word starts a query.

    ``search Taliban`` runs ``search query Taliban``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["query", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToQuery, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="searcher")
def main() -> None:
    """Search an archive of Indonesian news articles.

    \b
    search "Taliban Tajikistan"          ranked articles with snippets
    search index ARCHIVE...              build or update the index
    search stats                         what the index holds
    search entities --type PER           the most mentioned people
    search serve --port 8000             the search page in a browser
    """


def _fail(message: str) -> None:
    click.echo(f"search: {message}", err=True)
    sys.exit(2)


def _progress_printer():
    tty = sys.stderr.isatty()

    def show(report: IndexReport) -> None:
        done = report.indexed + report.unchanged
        if tty and done % 25 == 0:
            click.echo(
                f"\r  {done:,} articles ({report.articles_per_second:,.0f}/s)", err=True, nl=False
            )

    return show


def _print_report(report: IndexReport) -> None:
    if sys.stderr.isatty():
        click.echo("\r" + " " * 40 + "\r", err=True, nl=False)
    for problem in report.problems:
        click.echo(f"{problem.kind}: {problem}", err=True)
    click.echo(report.summary(), err=True)


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Start the index over instead of updating it.")
@click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconds to wait for another writer to finish.",
)
@click.option("--no-entities", is_flag=True, help="Skip entity extraction (faster).")
@click.option(
    "--procs",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Worker processes; each tags, analyses and writes its share of every batch.",
)
@click.option(
    "--optimize",
    is_flag=True,
    help="Merge the index into one segment at the end (slower indexing; smaller on disk, "
    "faster first queries).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def index_command(paths, index_dir, rebuild, wait, no_entities, procs, optimize, as_json) -> None:
    """Index the articles in PATHS (files or folders, recursively)."""
    for path in paths:
        if not path.exists():
            _fail(f"{path}: no such file or folder")
    archive = Archive(index_dir)
    try:
        report = archive.index(
            paths,
            rebuild=rebuild,
            wait=wait,
            entities=not no_entities,
            procs=procs,
            optimize=optimize,
            progress=None if as_json else _progress_printer(),
            on_wait=lambda: click.echo(f"waiting for another writer on {index_dir} …", err=True),
        )
    except (IndexError_, WorkerDied) as err:
        _fail(str(err))
    except KeyboardInterrupt:
        click.echo(
            "\nsearch: interrupted; the index keeps every batch committed so far "
            "(run the same command again to finish)",
            err=True,
        )
        sys.exit(130)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "added": report.added,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                    "warnings": report.warnings,
                    "problems": [str(p) for p in report.problems],
                    "seconds": round(report.seconds, 3),
                },
                ensure_ascii=False,
            )
        )
    else:
        _print_report(report)
    if report.indexed + report.unchanged == 0:
        sys.exit(1)


def _ensure_index(archive: Archive, index_dir: Path) -> None:
    """Build the default index from the bundled seeds the first time someone searches."""
    if archive.exists() or index_dir != Path(settings.DEFAULT_INDEX_DIR):
        return
    if not SEEDS_DIR.is_dir():
        return
    click.echo(f"No index in {index_dir}/ yet: indexing {SEEDS_DIR}/ first …", err=True)
    _print_report(archive.index([SEEDS_DIR]))


def _print_results(results: Results, color: bool) -> None:
    if results.fallback:
        click.echo(f"({results.fallback})")
    for note in results.notes:
        click.echo(f"({note})")
    first = (results.page - 1) * results.limit + 1
    if not results.hits:
        click.echo(f"No articles match {results.understood}.")
        return
    last = first + len(results.hits) - 1
    count = "1 article matches" if results.total == 1 else f"{results.total:,} articles match"
    click.echo(f"{count} {results.understood}; showing {first}-{last}.\n")
    for n, hit in enumerate(results.hits, start=first):
        title = click.style(hit.headline, bold=True) if color else hit.headline
        click.echo(f"{n}. {title}")
        meta = [
            hit.kicker,
            hit.date.strftime("%Y-%m-%d %H:%M") if hit.date else hit.date_text,
            hit.source,
            f"score {hit.score:.2f}",
        ]
        click.echo("   " + " · ".join(m for m in meta if m))
        snippet = hit.snippet
        if color:
            marks = hit.snippet_marks
            parts, cursor = [], 0
            for start, end in marks:
                parts += [snippet[cursor:start], click.style(snippet[start:end], bold=True)]
                cursor = end
            snippet = "".join(parts) + snippet[cursor:]
        click.echo(f"   {snippet}")
        click.echo(f"   {hit.url or hit.path}\n")


@main.command("query")
@click.argument("words", nargs=-1, required=True)
@index_option
@click.option(
    "--limit",
    type=click.IntRange(1, settings.MAX_LIMIT),
    default=settings.DEFAULT_LIMIT,
    show_default=True,
    help="Hits per page.",
)
@click.option("--page", type=click.IntRange(1, None), default=1, show_default=True)
@click.option("--facets", is_flag=True, help="Also print the most frequent entities.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def query_command(words, index_dir, limit, page, facets, as_json) -> None:
    """Search the index (this is what `search WORDS…` runs)."""
    archive = Archive(index_dir)
    try:
        _ensure_index(archive, index_dir)
        results = archive.search(" ".join(words), limit=limit, page=page, facets=facets or as_json)
    except IndexError_ as err:
        _fail(str(err))
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
        return
    _print_results(results, color=sys.stdout.isatty())
    if facets:
        titles = {"PER": "people", "LOC": "places", "ORG": "organisations"}
        for label, names in results.facets.items():
            listed = ", ".join(f"{name} ({count})" for name, count in names)
            click.echo(f"{titles.get(label, label)}: {listed}")


@main.command("entities")
@index_option
@click.option(
    "--type",
    "label",
    type=click.Choice(["PER", "LOC", "ORG"], case_sensitive=False),
    help="Only people (PER), places (LOC) or organisations (ORG).",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def entities_command(index_dir, label, limit, as_json) -> None:
    """The entities named by the most articles."""
    try:
        rows = Archive(index_dir).top_entities(label.upper() if label else None, limit)
    except IndexError_ as err:
        _fail(str(err))
    if as_json:
        click.echo(
            json.dumps(
                [{"name": n, "label": lab, "articles": c} for n, lab, c in rows], ensure_ascii=False
            )
        )
        return
    for name, lab, count in rows:
        click.echo(f"{count:>7,}  {lab:<4} {name}")


@main.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True)
def serve_command(index_dir, host, port, threads) -> None:
    """Serve the search page and JSON API (waitress)."""
    import waitress

    from searcher.web import create_app

    archive = Archive(index_dir)
    _ensure_index(archive, index_dir)
    if not archive.exists():
        _fail(f"no index in {index_dir}; build one with `search index PATH`")
    click.echo(f"searcher: serving {index_dir} on http://{host}:{port}/", err=True)
    waitress.serve(create_app(index_dir), host=host, port=port, threads=threads, ident="searcher")


@main.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True)
def stats_command(index_dir, as_json) -> None:
    """How many articles and terms the index holds, its size and age."""
    try:
        stats = Archive(index_dir).stats()
    except IndexError_ as err:
        _fail(str(err))
    if as_json:
        click.echo(json.dumps(stats.to_json()))
        return
    click.echo(f"index:          {stats.path}")
    click.echo(f"articles:       {stats.articles:,}")
    click.echo(f"terms:          {stats.terms:,}")
    click.echo(f"size on disk:   {stats.size_bytes / 1e6:,.1f} MB")
    click.echo(f"schema version: {stats.schema_version}")
    click.echo(f"last update:    {stats.updated}")


if __name__ == "__main__":
    main()
