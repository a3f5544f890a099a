"""``search``'s entry point: a query is answered by a warm server when one is running.

Starting Python and importing numpy, Whoosh and click costs a one-shot ``search`` more
than the query itself (about 0.2 s of 0.3 s), and every new process decodes the
posting lists it needs again. So the first query over an index folder starts a small
server in the background (``searcher.faces.warm``) that keeps the archive open; the next
``search`` processes only start Python, hand their arguments over a Unix socket and
print what comes back. The server is private to the user (a 0700 folder), serves one
index folder with one version of the code and one environment, and exits after
``$SEARCHER_WARM_SECONDS`` (600) idle seconds. ``SEARCHER_WARM=0`` turns it off;
``search warm status`` and ``search warm stop`` show and stop it.

This module imports only the standard library's small modules: it runs on every call.
"""

from __future__ import annotations

import os
import sys

from searcher.faces.warm_client import ask, server_key, socket_path, start_server, warm_enabled
from searcher.vocabulary import BACKEND_ENV_VAR, DEFAULT_INDEX_DIR, INDEX_ENV_VAR, META_FILE

#: First words that are not a query: the other subcommands and the group's own options.
NOT_A_QUERY = frozenset(
    {"index", "stats", "entities", "serve", "cluster", "remove", "warm", "show", "related",
     "-h", "--help", "--version"}
)  # fmt: skip


def wants_server(argv: list[str], environ: dict[str, str]) -> bool:
    """Whether these arguments are a query the warm server can answer: a query over an
    index folder (not a cluster), not a request for help."""
    if not argv or argv[0] in NOT_A_QUERY or not warm_enabled(environ):
        return False
    if environ.get(BACKEND_ENV_VAR) or any(a.split("=", 1)[0] == "--backend" for a in argv):
        return False
    return not any(a in {"-h", "--help"} for a in argv)


def index_folder(argv: list[str], environ: dict[str, str], cwd: str) -> str:
    """The index folder the command will read: ``--index DIR`` (or ``--index=DIR``),
    else ``$SEARCHER_INDEX``, else ``index``; absolute, symlinks resolved."""
    folder = environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR
    for n, arg in enumerate(argv):
        if arg == "--index" and n + 1 < len(argv):
            folder = argv[n + 1]
        elif arg.startswith("--index="):
            folder = arg.split("=", 1)[1]
    return os.path.realpath(os.path.join(cwd, folder))


def main() -> None:
    """Run ``search`` with this process's arguments."""
    argv = sys.argv[1:]
    environ = dict(os.environ)
    path = None
    if wants_server(argv, environ):
        index = index_folder(argv, environ, os.getcwd())
        key = server_key(index, environ)
        path = socket_path(key)
        reply = ask(path, key, argv) if path else None
        if reply is not None:
            try:
                sys.stdout.write(reply.get("out", ""))
                sys.stdout.flush()
            except BrokenPipeError:  # `search ... | head`: the reader has what it wanted
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.stderr.write(reply.get("err", ""))
            sys.exit(reply["code"])
    from searcher.faces.cli import main as run_cli

    try:
        run_cli(prog_name="search")
    except SystemExit as done:
        if path and done.code in (0, 1, None) and os.path.exists(os.path.join(index, META_FILE)):
            start_server(path, key, index)
        raise


if __name__ == "__main__":
    main()
