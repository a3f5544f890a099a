"""The ``search`` commands, each a few lines over one documented library call.

``search "Taliban Tajikistan"`` searches; ``search index PATH…``, ``search remove``,
``search stats``, ``search entities``, ``search serve``, ``search cluster`` and
``search warm`` are subcommands. To search for a word that is also a subcommand's
name, use ``search query index``.
"""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path

import click

from searcher import Archive, settings
from searcher.archive import archive_formats, articles_in
from searcher.faces.cli import render
from searcher.faces.cli.args import (
    DefaultToQuery,
    Failure,
    QueryCommand,
    archive_of,
    backend,
    color,
    index_folder_option,
    index_option,
)
from searcher.faces.cli.help import SERVE_URLS
from searcher.vocabulary import DEFAULT_INDEX_DIR, ORDERS, PERIODS

#: A search that matched nothing exits with this, as ``grep`` does: scripts can tell.
NO_MATCH = 1
#: The sample archive shipped with the project, built on first search if no index exists.
SEEDS_DIR = Path("seeds")
_LIMITS = settings.DEFAULT.limits


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


class IndexCommand(click.Command):
    """``search index``, whose help names the formats and columns it reads."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("What it reads"):
            formatter.write(
                "".join(f"  {line}\n" if line else "\n" for line in archive_formats())
            )


@main.command("index", cls=IndexCommand)
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
@click.option(
    "--prune", is_flag=True, help="Remove articles under PATHS whose file or line is gone."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="List every problem, not a few per cause.")
@click.option("--quiet", "-q", is_flag=True, help="Print the summary line alone.")
def index_command(
    paths, index_dir, rebuild, wait, no_entities, procs, optimize, prune, as_json, verbose,
    quiet,
) -> None:  # fmt: skip
    """Index the articles in PATHS (files or folders, recursively)."""
    for path in paths:
        if not path.exists():
            raise Failure(f"{path}: no such file or folder")
    archive = archive_of(index_dir)
    bar = render.ProgressBar(articles_in(paths)) if sys.stderr.isatty() and not as_json else None
    try:
        try:
            report = archive.index(
                paths, rebuild=rebuild, wait=wait, entities=not no_entities, procs=procs,
                optimize=optimize, prune=prune, progress=bar,
                on_wait=lambda: click.echo(
                    f"waiting for another writer on {index_dir} …", err=True
                ),
                on_stall=lambda seconds: click.echo(
                    f"\nsearch: no article finished for {seconds:,.0f} s: is a worker process "
                    "stopped or stuck? (still waiting)", err=True,
                ),
            )  # fmt: skip
        except BaseException:
            if bar is not None:
                bar.close()
            raise
        if bar is not None:
            bar.close(finished=True)
    except KeyboardInterrupt:
        click.echo(
            "\nsearch: interrupted; the index keeps every batch committed so far "
            "(run the same command again to finish)",
            err=True,
        )
        sys.exit(130)
    if as_json:
        click.echo(render.report_json(report))
    else:
        render.print_report(report, verbosity=0 if quiet else 2 if verbose else 1)
    if report.indexed + report.unchanged == 0:
        sys.exit(1)


def _with_sample(archive: Archive, index_dir: Path) -> None:
    """The default index folder is built from the bundled sample on the first search."""
    if index_dir == Path(DEFAULT_INDEX_DIR) and SEEDS_DIR.is_dir():
        report = archive.build_sample(SEEDS_DIR, announce=lambda line: click.echo(line, err=True))
        if report is not None:
            render.print_report(report)


@main.command("query", cls=QueryCommand)
@click.argument("words", nargs=-1, required=True)
@index_option
@click.option(
    "--limit",
    type=click.IntRange(1, _LIMITS.max_limit),
    default=_LIMITS.default_limit,
    show_default=True,
    help="Hits per page.",
)
@click.option(
    "--page", type=click.IntRange(1, _LIMITS.max_page), default=1, show_default=True,
    help="Which page of hits (--limit a page).",
)  # fmt: skip
@click.option("--facets", is_flag=True, help="Also print the most frequent entities.")
@click.option(
    "--sort",
    type=click.Choice(ORDERS),
    default="relevance",
    show_default=True,
    help="Order of the hits (undated articles last when sorting by date).",
)
@click.option("--timeline", is_flag=True, help="Also draw matches per day, month or year.")
@click.option(
    "--all", "every_copy", is_flag=True, help="List every copy of a story, not each story once."
)
@click.option("--per", type=click.Choice(PERIODS), help="The timeline's period (default: by span).")
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every match (not one page) to FILE.csv or FILE.jsonl.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--color/--no-color", "colored", default=None,
    help="Bold headlines and matched words (default: on a terminal, unless $NO_COLOR is set).",
)  # fmt: skip
def query_command(
    words, index_dir, limit, page, facets, sort, timeline, every_copy, per, export_path, as_json,
    colored,
) -> None:  # fmt: skip
    """Search the index (this is what `search WORDS…` runs)."""
    archive = archive_of(index_dir)
    query = " ".join(words)
    _with_sample(archive, index_dir)
    if export_path is not None:
        from searcher.export import export_file

        count = export_file(archive.iter_hits(query, sort=sort), export_path)
        click.echo(f"wrote {count:,} article{'s' if count != 1 else ''} to {export_path}", err=True)
        sys.exit(0 if count else NO_MATCH)
    results = archive.search(
        query, limit=limit, page=page, facets=facets or as_json, sort=sort,
        timeline=timeline or as_json, per=per, collapse=not every_copy,
    )  # fmt: skip
    if results.partial:
        click.echo(render.PARTIAL_WARNING, err=True)
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
    else:
        render.print_results(results, color=color(colored))
        if facets:
            render.print_facets(results)
        if timeline and results.timeline:
            render.print_timeline(results)
    if not results.total:
        sys.exit(NO_MATCH)


@main.command("remove")
@click.argument("ids", nargs=-1, required=True)
@index_option
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")  # fmt: skip
def remove_command(ids, index_dir, wait) -> None:
    """Delete articles by id (a takedown or a correction), in one commit."""
    removed = archive_of(index_dir).remove(list(ids), wait=wait)
    missing = [key for key in ids if key not in removed]
    click.echo(f"{len(removed):,} removed", err=True)
    if missing:
        raise Failure(f"not in the index: {', '.join(missing)}")


@main.command("show")
@click.argument("article_id", metavar="ID")
@index_option
@click.option("--query", "-q", default="", help="Mark the words this query matches.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as one JSON object.")
@click.option("--color/--no-color", "colored", default=None, help="Bold headline and marks.")
def show_command(article_id, index_dir, query, as_json, colored) -> None:
    """Print the article with this ID (as search lists it) to read in the terminal."""
    archive = archive_of(index_dir)
    article = archive.article(article_id)
    if article is None:
        raise Failure(f"no article with the id {article_id!r} in {archive.location}")
    if as_json:
        click.echo(render.article_json(article))
        return
    render.print_article(article, lambda text: archive.marks(text, query), color(colored))


@main.command("related")
@click.argument("article_id", metavar="ID")
@index_option
@click.option("--limit", type=click.IntRange(1, _LIMITS.max_limit), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the related stories as JSON.")
def related_command(article_id, index_dir, limit, as_json) -> None:
    """The stories most like the article with this ID: the same names and distinctive words."""
    archive = archive_of(index_dir)
    if archive.article(article_id) is None:
        raise Failure(f"no article with the id {article_id!r} in {archive.location}")
    hits = archive.related(article_id, limit)
    if as_json:
        click.echo(json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2))
    else:
        render.print_related(hits)


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
    archive = archive_of(index_dir)
    rows = archive.top_entities(label.upper() if label else None, limit)
    if as_json:
        click.echo(render.entities_json(rows))
        return
    render.print_entities(rows, archive.aliases().other_names)


class ServeCommand(click.Command):
    """``search serve``, whose help names the addresses it answers."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("What it serves"):
            formatter.write("".join(f"  {line}\n" for line in SERVE_URLS.splitlines()))


@main.command("serve", cls=ServeCommand)
@index_option
@click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Address to listen on (0.0.0.0: every interface; the page has no login).",
)  # fmt: skip
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port to listen on (0: any free one, printed at start).",
)  # fmt: skip
@click.option(
    "--threads", type=click.IntRange(1, 64), default=4, show_default=True,
    help="Requests answered at once.",
)  # fmt: skip
def serve_command(index_dir, host, port, threads) -> None:
    """Serve the search page and JSON API (waitress) until Ctrl-C."""
    import waitress

    from searcher.faces.web import create_app

    archive = archive_of(index_dir)
    _with_sample(archive, index_dir)
    if not archive.exists():
        raise Failure(f"no index in {archive.location}; build one with `search index PATH`")
    try:
        server = waitress.create_server(
            create_app(index_dir, backend=backend() or "embedded"),
            host=host, port=port, threads=threads, ident="searcher",
        )  # fmt: skip
    except OSError as err:
        reason = "the port is in use" if err.errno == errno.EADDRINUSE else err.strerror
        raise Failure(
            f"cannot serve on {host}:{port}: {reason} (choose another with --port)"
        ) from err
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"searcher: serving {archive.location} on http://{shown}:{server.effective_port}/",
        err=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("searcher: stopped", err=True)


@main.command("stats")
@index_option
@click.option("--terms", is_flag=True, help="Also count the distinct terms (reads them all).")
@click.option("--json", "as_json", is_flag=True)
def stats_command(index_dir, terms, as_json) -> None:
    """How many articles the index holds (and terms, with --terms), its size and age."""
    stats = archive_of(index_dir).stats(terms=terms)
    if as_json:
        click.echo(json.dumps(stats.to_json()))
    else:
        render.print_stats(stats)


@main.group("cluster")
def cluster_group() -> None:
    """Run a local Sphinx/Manticore cluster (one searchd per shard) for a laptop or a test."""


@cluster_group.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--shards", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--port", type=click.IntRange(1024, 65000), default=9306, show_default=True,
              help="Node i answers SphinxQL on PORT+2i and agents on PORT+2i+1.")  # fmt: skip
def cluster_init(folder, shards, port) -> None:
    """Write the configuration of SHARDS local nodes into FOLDER."""
    from searcher.engine.cluster import nodes

    url = nodes.init(folder, shards, port)
    click.echo(f"wrote {shards} node{'s' if shards > 1 else ''} to {folder}; start them with "
               f"`search cluster start {folder}`, then use --backend {url}")  # fmt: skip


@cluster_group.command("start")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def cluster_start(folder) -> None:
    """Start the cluster's nodes (those not running)."""
    from searcher.engine.cluster import nodes

    started = nodes.start(folder)
    url = nodes.describe(folder)["backend"]
    for line in started:
        click.echo(f"started {line}", err=True)
    click.echo(url)


@cluster_group.command("stop")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def cluster_stop(folder) -> None:
    """Stop the cluster's nodes."""
    from searcher.engine.cluster import nodes

    stopped = nodes.stop(folder)
    click.echo(f"stopped {len(stopped)} node{'s' if len(stopped) != 1 else ''}", err=True)


@cluster_group.command("status")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def cluster_status(folder) -> None:
    """Which nodes answer; exit 1 when one does not."""
    from searcher.engine.cluster import nodes

    found = nodes.status(folder)
    url = nodes.describe(folder)["backend"]
    for node, up in found:
        click.echo(f"node {node.number}  {node.address}  {'up' if up else 'DOWN'}")
    click.echo(f"backend: {url}")
    if not all(up for _, up in found):
        sys.exit(1)


@main.group("warm")
def warm_group() -> None:
    """The background servers that answer repeated searches quickly (SEARCHER_WARM=0: off)."""


def _warm_servers(index_dir: Path, every: bool) -> list[tuple[str, dict]]:
    """The running warm servers (socket, status) of the index folder, or every one."""
    from searcher.faces import warm_client

    wanted = str(index_dir.resolve())
    found = [(path, warm_client.status(path)) for path in warm_client.servers()]
    return [(path, s) for path, s in found if s and (every or s.get("index") == wanted)]


_every_server = click.option(
    "--all", "every", is_flag=True, help="Every warm server of this user, not only this index's."
)


@warm_group.command("status")
@index_folder_option
@_every_server
def warm_status(index_dir, every) -> None:
    """The warm server of the index folder (with --all, every one of this user's):
    index, process, queries answered, idle time."""
    running = _warm_servers(index_dir, every)
    for _, s in running:
        click.echo(f"{s['index']}  pid {s['pid']}  {s['answered']:,} queries answered  "
                   f"idle {s['idle']:,.0f} s")  # fmt: skip
    if not running:
        where = "" if every else f" for {index_dir.resolve()}"
        click.echo(f"no warm server is running{where}", err=True)


@warm_group.command("stop")
@index_folder_option
@_every_server
def warm_stop(index_dir, every) -> None:
    """Stop the warm server of the index folder (with --all, every one of this user's);
    they also stop by themselves when idle."""
    from searcher.faces import warm_client

    stopped = sum(warm_client.stop(path) for path, _ in _warm_servers(index_dir, every))
    click.echo(f"stopped {stopped} warm server{'s' if stopped != 1 else ''}", err=True)
