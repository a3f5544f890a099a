"""How ``search`` reads its arguments: queries by default, ``-word`` as a word to leave
out, ``--index``/``--backend`` on every command, and one way to fail."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click

from searcher import Archive, SearcherError
from searcher.faces.cli.help import SHORT_HELP, SYNTAX
from searcher.vocabulary import BACKEND_ENV_VAR, DEFAULT_INDEX_DIR, INDEX_ENV_VAR


class Failure(click.ClickException):
    """What the user is told went wrong: one line, ``search: ...``, exit 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"search: {self.format_message()}", err=True)


class DefaultToQuery(click.Group):
    """A group whose unknown first word starts a query, and whose commands' errors
    (``SearcherError``) reach the user as one line, never a traceback.

    ``search Taliban`` runs ``search query Taliban``; ``search -Jokowi`` too, while the
    group's own ``--help`` and ``--version`` stay options.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:  # a bare `search`: what to type, not "Missing argument"
            click.echo(SHORT_HELP)
            ctx.exit(0)
        own = {name for param in self.get_params(ctx) for name in param.opts}
        if args[0] not in self.commands and args[0] not in own:
            args = ["query", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands, then the options of a search and the query syntax: most people
        run ``search WORDS`` and never type ``query``."""
        super().format_help(ctx, formatter)
        query = self.commands.get("query")
        if query is not None:
            records = [
                record
                for param in query.get_params(ctx)
                if isinstance(param, click.Option) and param.name != "help"
                and (record := param.get_help_record(ctx))
            ]  # fmt: skip
            with formatter.section("Search options (search WORDS... [OPTIONS])"):
                formatter.write_dl(records)
        with formatter.section("Query syntax"):
            lines = SYNTAX.splitlines()
            formatter.write("".join(f"  {line}\n" if line else "\n" for line in lines))

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SearcherError as err:
            raise Failure(str(err)) from err


class QueryCommand(click.Command):
    """A command whose unknown ``-words`` are query words, not options.

    ``search Putin -Taliban`` leaves Taliban out; ``--limit 2`` stays an option wherever
    it stands, also after ``--`` (which is accepted and dropped, for scripts). A
    ``--word`` that is no option is a mistyped one, never a word to leave out: one line
    naming the closest option, exit 2.
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
            elif arg.startswith("--"):
                raise Failure(no_such_option(name, takes_value))
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words])


def no_such_option(name: str, options: Iterable[str]) -> str:
    """``no such option --limt; did you mean --limit?``"""
    known = sorted(o for o in options if o.startswith("--"))
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else "see `search --help` for the options"
    return f"no such option {name}; {hint}"


@dataclass
class OpenArchives:
    """Archives kept open from one command to the next, by a process that runs many
    (the warm server hands one to each command as click's context object)."""

    by_place: dict[tuple[Path, str], Archive] = field(default_factory=dict)

    def get(self, index_dir: Path, backend: str) -> Archive:
        key = (index_dir.resolve(), backend)
        if key not in self.by_place:
            self.by_place[key] = Archive(index_dir, backend=backend)
        return self.by_place[key]


def _remember_backend(ctx: click.Context, _param, value: str | None) -> str | None:
    ctx.meta["searcher.backend"] = value or None
    return value


index_folder_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=INDEX_ENV_VAR,
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    help=f"Index folder (or ${INDEX_ENV_VAR}).",
)
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
    return index_folder_option(_backend_option(command))


def backend() -> str:
    """The ``--backend`` given to the running command ("" for the index folder)."""
    ctx = click.get_current_context(silent=True)
    return (ctx.meta.get("searcher.backend") if ctx else None) or ""


def archive_of(index_dir: Path) -> Archive:
    """The archive in ``index_dir`` (or the ``--backend`` cluster), kept open when the
    command runs in a process that runs many, or a one-line error."""
    chosen = backend() or "embedded"
    ctx = click.get_current_context(silent=True)
    kept = ctx.find_object(OpenArchives) if ctx is not None else None
    try:
        if kept is not None:
            return kept.get(index_dir, chosen)
        return Archive(index_dir, backend=chosen)
    except ValueError as err:
        raise Failure(str(err)) from err


def color(choice: bool | None = None) -> bool:
    """Bold headlines and marks: as ``--color``/``--no-color`` say; else never when
    ``$NO_COLOR`` is set (no-color.org); else on a terminal, or when the caller says
    (the warm server prints for a terminal it is not attached to)."""
    ctx = click.get_current_context(silent=True)
    if choice is not None:
        if ctx is not None:
            ctx.color = choice  # click.echo keeps (or strips) the styles as told, piped too
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    if ctx is not None and ctx.color is not None:
        return ctx.color
    return sys.stdout.isatty()
