"""The ``search`` command: a thin click layer over ``searcher.Archive``.

``search "Taliban Tajikistan"`` searches; ``search index PATH…``, ``search stats``,
``search entities`` and ``search serve`` are subcommands. To search for a word that
is also a subcommand's name, use ``search query index``.
"""

from __future__ import annotations

import errno
import json
import sys
import time
from pathlib import Path

import click

from searcher import Archive, IndexReport, Results, SearcherError, settings
from searcher.backends import BACKEND_ENV_VAR
from searcher.dates import has_time
from searcher.evaluation import ORDERS
from searcher.timeline import PERIODS

#: The sample archive shipped with the project, built on first search if no index exists.
SEEDS_DIR = Path("seeds")

_index_folder = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=settings.INDEX_ENV_VAR,
    default=settings.DEFAULT_INDEX_DIR,
    show_default=True,
    help=f"Index folder (or ${settings.INDEX_ENV_VAR}).",
)


def _remember_backend(ctx: click.Context, _param, value: str | None) -> str | None:
    ctx.meta["searcher.backend"] = value or None
    return value


_backend_option = click.option(
    "--backend",
    envvar=BACKEND_ENV_VAR,
    expose_value=False,
    callback=_remember_backend,
    metavar="URL",
    help="A cluster to use instead of the index folder: sphinx://HOST:PORT[,HOST:PORT...] "
    f"(one address per shard; or ${BACKEND_ENV_VAR}).",
)


def index_option(command):
    """``--index DIR`` and ``--backend URL``: where the articles are."""
    return _index_folder(_backend_option(command))


class DefaultToQuery(click.Group):
    """A group whose unknown first word starts a query.

    ``search Taliban`` runs ``search query Taliban``; ``search -Jokowi`` too, while the
    group's own ``--help`` and ``--version`` stay options.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        own = {name for param in self.get_params(ctx) for name in param.opts}
        if not args or (args[0] not in self.commands and args[0] not in own):
            args = ["query", *args]
        return super().parse_args(ctx, args)


class QueryCommand(click.Command):
    """A command whose unknown ``-words`` are query words, not options.

    ``search Putin -Taliban`` leaves Taliban out; ``--limit 2`` stays an option wherever
    it stands, also after ``--`` (which is accepted and dropped, for scripts).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in param.opts + param.secondary_opts:
                    takes_value[name] = not param.is_flag and not param.count
        options: list[str] = []
        words: list[str] = []
        pending = iter(args)
        for arg in pending:
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if arg == "--":
                continue
            if name in takes_value:
                options.append(arg)
                if takes_value[name] and "=" not in arg:
                    options.append(next(pending, ""))
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words])


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


def _backend() -> str:
    """The ``--backend`` given to the running command ("" for the index folder)."""
    ctx = click.get_current_context(silent=True)
    return (ctx.meta.get("searcher.backend") if ctx else None) or ""


#: Archives kept open from one command to the next, by a process that runs many (the
#: warm server, ``searcher.warm``); None: each command opens its own.
KEEP_OPEN: dict[tuple[Path, str], Archive] | None = None


def _archive(index_dir: Path) -> Archive:
    """The archive in ``index_dir`` (or the ``--backend`` cluster), or a one-line error."""
    backend = _backend() or "embedded"
    try:
        if KEEP_OPEN is None:
            return Archive(index_dir, backend=backend)
        key = (index_dir.resolve(), backend)
        if key not in KEEP_OPEN:
            KEEP_OPEN[key] = Archive(index_dir, backend=backend)
        return KEEP_OPEN[key]
    except (SearcherError, ValueError) as err:
        _fail(str(err))
        raise  # not reached: _fail exits


class ProgressBar:
    """A progress bar on a terminal's stderr: articles done of the total, rate, time left.

    The total is counted before indexing starts (a quick pass over the files); nothing is
    drawn when stderr is not a terminal, so logs and pipes stay clean.
    """

    def __init__(self, paths) -> None:
        from searcher.sources import count_articles

        self.total = max(1, count_articles(paths))
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


def _print_report(report: IndexReport) -> None:
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
@click.option(
    "--prune", is_flag=True, help="Remove articles under PATHS whose file or line is gone."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def index_command(
    paths, index_dir, rebuild, wait, no_entities, procs, optimize, prune, as_json
) -> None:
    """Index the articles in PATHS (files or folders, recursively)."""
    for path in paths:
        if not path.exists():
            _fail(f"{path}: no such file or folder")
    archive = _archive(index_dir)
    bar = ProgressBar(paths) if sys.stderr.isatty() and not as_json else None
    try:
        try:
            report = archive.index(
                paths,
                rebuild=rebuild,
                wait=wait,
                entities=not no_entities,
                procs=procs,
                optimize=optimize,
                prune=prune,
                progress=bar,
                on_wait=lambda: click.echo(
                    f"waiting for another writer on {index_dir} …", err=True
                ),
                on_stall=lambda seconds: click.echo(
                    f"\nsearch: no article finished for {seconds:,.0f} s: is a worker process "
                    "stopped or stuck? (still waiting)",
                    err=True,
                ),
            )
        finally:
            if bar is not None:
                bar.close()
    except SearcherError as err:
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
                    "removed": report.removed,
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
    """Build the default index from the bundled seeds the first time someone searches,
    and again when an upgrade left it built by an older searcher (it holds the seeds
    alone, so nothing of the user's is lost)."""
    if archive.backend != "embedded" or index_dir != Path(settings.DEFAULT_INDEX_DIR):
        return
    if not SEEDS_DIR.is_dir():
        return
    from searcher.store import read_meta, stale_reason

    try:
        meta = read_meta(index_dir)
    except SearcherError:
        return  # a damaged folder: opening it reports that, with what to do
    if meta is None:
        click.echo(f"No index in {index_dir}/ yet: indexing {SEEDS_DIR}/ first …", err=True)
        _print_report(archive.index([SEEDS_DIR]))
        return
    stale = stale_reason(meta)
    if stale is not None and meta.get("roots") == [str(SEEDS_DIR.resolve())]:
        click.echo(
            f"The sample index in {index_dir}/ {stale}: rebuilding it from {SEEDS_DIR}/ …",
            err=True,
        )
        _print_report(archive.index([SEEDS_DIR], rebuild=True))


def _date(moment) -> str:
    """``2017-03-28``, with the time only when the archive gave one."""
    if not has_time(moment):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


def _color() -> bool:
    """Bold headlines and marks: on a terminal, or when the caller says (the warm
    server prints for a terminal it is not attached to)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.color is not None:
        return ctx.color
    return sys.stdout.isatty()


def _count(total: int) -> str:
    return "1 article matches" if total == 1 else f"{total:,} articles match"


def _print_results(results: Results, color: bool) -> None:
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
            _date(hit.date) if hit.date else hit.date_text,
            hit.source,
            f"score {hit.score:.2f}" if hit.score else "",
            f"+{len(hit.similar)} similar" if hit.similar else "",
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


@main.command("query", cls=QueryCommand)
@click.argument("words", nargs=-1, required=True)
@index_option
@click.option(
    "--limit",
    type=click.IntRange(1, settings.DEFAULT.limits.max_limit),
    default=settings.DEFAULT.limits.default_limit,
    show_default=True,
    help="Hits per page.",
)
@click.option(
    "--page", type=click.IntRange(1, settings.DEFAULT.limits.max_page), default=1, show_default=True
)
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
def query_command(
    words, index_dir, limit, page, facets, sort, timeline, every_copy, per, export_path, as_json
) -> None:
    """Search the index (this is what `search WORDS…` runs)."""
    archive = _archive(index_dir)
    query = " ".join(words)
    try:
        _ensure_index(archive, index_dir)
        if export_path is not None:
            _export(archive, query, sort, export_path)
            return
        results = archive.search(
            query, limit=limit, page=page, facets=facets or as_json, sort=sort,
            timeline=timeline or as_json, per=per, collapse=not every_copy,
        )  # fmt: skip
    except SearcherError as err:
        _fail(str(err))
    if results.partial:
        click.echo(PARTIAL_WARNING, err=True)
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
        return
    _print_results(results, color=_color())
    if facets:
        titles = {"PER": "people", "LOC": "places", "ORG": "organisations"}
        for label, names in results.facets.items():
            listed = ", ".join(
                f"{name}{_forms(results.facet_aliases.get(name))} ({count:,})"
                for name, count in names
            )
            click.echo(f"{titles.get(label, label)}: {listed}")
    if timeline and results.timeline:
        _print_timeline(results)


#: Said on stderr when a shard of a cluster did not answer.
PARTIAL_WARNING = (
    "search: warning: a shard of the cluster did not answer; these results are from the others"
)


def _forms(others: list[str] | None) -> str:
    """`` [Jokowi]``: an entity's other names, after the one it is shown under."""
    return f" [{', '.join(others)}]" if others else ""


#: Widest bar of a terminal timeline, in block characters.
BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉"


def _print_timeline(results: Results) -> None:
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


def _export(archive: Archive, query: str, sort: str, path: Path) -> None:
    """Every match of ``query`` to ``path`` (CSV or JSON Lines by its suffix), streamed;
    written beside and renamed, so a failed export leaves no half file."""
    from searcher.export import write

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "jsonl"):
        _fail(f"{path}: export to a .csv or .jsonl file")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            count = write(archive.iter_hits(query, sort=sort), out, fmt)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        _fail(f"cannot write {path}: {err.strerror or err}")
    click.echo(f"wrote {count:,} article{'s' if count != 1 else ''} to {path}", err=True)


@main.command("remove")
@click.argument("ids", nargs=-1, required=True)
@index_option
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")  # fmt: skip
def remove_command(ids, index_dir, wait) -> None:
    """Delete articles by id (a takedown or a correction), in one commit."""
    try:
        removed = _archive(index_dir).remove(list(ids), wait=wait)
    except SearcherError as err:
        _fail(str(err))
    missing = [key for key in ids if key not in removed]
    click.echo(f"{len(removed):,} removed", err=True)
    if missing:
        _fail(f"not in the index: {', '.join(missing)}")


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
        archive = _archive(index_dir)
        rows = archive.top_entities(label.upper() if label else None, limit)
        aliases = archive.aliases()
    except SearcherError as err:
        _fail(str(err))
    if as_json:
        click.echo(
            json.dumps(
                [{"name": n, "label": lab, "articles": c} for n, lab, c in rows], ensure_ascii=False
            )
        )
        return
    for name, lab, count in rows:
        others = aliases.other_names(name)
        click.echo(f"{count:>7,}  {lab:<4} {name}{_forms(others)}")


@main.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True)
def serve_command(index_dir, host, port, threads) -> None:
    """Serve the search page and JSON API (waitress)."""
    import waitress

    from searcher.web import create_app

    archive = _archive(index_dir)
    _ensure_index(archive, index_dir)
    try:
        if not archive.exists():
            _fail(f"no index in {archive.location}; build one with `search index PATH`")
    except SearcherError as err:
        _fail(str(err))
    try:
        server = waitress.create_server(
            create_app(index_dir, backend=_backend() or "embedded"),
            host=host, port=port, threads=threads, ident="searcher",
        )  # fmt: skip
    except OSError as err:
        reason = "the port is in use" if err.errno == errno.EADDRINUSE else err.strerror
        _fail(f"cannot serve on {host}:{port}: {reason} (choose another with --port)")
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
@click.option("--json", "as_json", is_flag=True)
def stats_command(index_dir, as_json) -> None:
    """How many articles and terms the index holds, its size and age."""
    try:
        stats = _archive(index_dir).stats()
    except SearcherError as err:
        _fail(str(err))
    if as_json:
        click.echo(json.dumps(stats.to_json()))
        return
    click.echo(f"index:          {stats.path}")
    click.echo(f"articles:       {stats.articles:,}")
    if stats.terms >= 0:
        click.echo(f"terms:          {stats.terms:,}")
    click.echo(f"size on disk:   {stats.size_bytes / 1e6:,.1f} MB")
    if stats.schema_version:  # a cluster keeps no schema version or update time
        click.echo(f"schema version: {stats.schema_version}")
    if stats.updated:
        click.echo(f"last update:    {stats.updated}")


if __name__ == "__main__":
    main()


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
    from searcher import cluster

    try:
        url = cluster.init(folder, shards, port)
    except SearcherError as err:
        _fail(str(err))
    click.echo(f"wrote {shards} node{'s' if shards > 1 else ''} to {folder}; start them with "
               f"`search cluster start {folder}`, then use --backend {url}")  # fmt: skip


@cluster_group.command("start")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def cluster_start(folder) -> None:
    """Start the cluster's nodes (those not running)."""
    from searcher import cluster

    try:
        started = cluster.start(folder)
        url = cluster.describe(folder)["backend"]
    except SearcherError as err:
        _fail(str(err))
    for line in started:
        click.echo(f"started {line}", err=True)
    click.echo(url)


@cluster_group.command("stop")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def cluster_stop(folder) -> None:
    """Stop the cluster's nodes."""
    from searcher import cluster

    try:
        stopped = cluster.stop(folder)
    except SearcherError as err:
        _fail(str(err))
    click.echo(f"stopped {len(stopped)} node{'s' if len(stopped) != 1 else ''}", err=True)


@cluster_group.command("status")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def cluster_status(folder) -> None:
    """Which nodes answer; exit 1 when one does not."""
    from searcher import cluster

    try:
        nodes = cluster.status(folder)
        url = cluster.describe(folder)["backend"]
    except SearcherError as err:
        _fail(str(err))
    for node, up in nodes:
        click.echo(f"node {node.number}  {node.address}  {'up' if up else 'DOWN'}")
    click.echo(f"backend: {url}")
    if not all(up for _, up in nodes):
        sys.exit(1)


@main.group("warm")
def warm_group() -> None:
    """The background servers that answer repeated searches quickly (SEARCHER_WARM=0: off)."""


@warm_group.command("status")
def warm_status() -> None:
    """List this user's warm servers: index, process, queries answered, idle time."""
    from searcher import warm

    running = [s for s in map(warm.status, warm.servers()) if s]
    for s in running:
        click.echo(f"{s['index']}  pid {s['pid']}  {s['answered']:,} queries answered  "
                   f"idle {s['idle']:,.0f} s")  # fmt: skip
    if not running:
        click.echo("no warm server is running", err=True)


@warm_group.command("stop")
def warm_stop() -> None:
    """Stop every warm server of this user (they also stop by themselves when idle)."""
    from searcher import warm

    stopped = sum(warm.stop(path) for path in warm.servers())
    click.echo(f"stopped {stopped} warm server{'s' if stopped != 1 else ''}", err=True)
