"""``search``'s entry point: a query is answered by a warm server when one is running.

Starting Python and importing numpy, Whoosh and click costs a one-shot ``search`` more
than the query itself (about 0.2 s of 0.3 s), and every new process decodes the
posting lists it needs again. So the first query over an index folder starts a small
server in the background (``searcher.warm``) that keeps the archive open; the next
``search`` processes only start Python, hand their arguments over a Unix socket and
print what comes back. The server is private to the user (a 0700 folder), serves one
index folder with one version of the code and one environment, and exits after
``$SEARCHER_WARM_SECONDS`` (600) idle seconds. ``SEARCHER_WARM=0`` turns it off;
``search warm status`` and ``search warm stop`` show and stop it.

This module imports only the standard library's small modules: it runs on every call.
"""

from __future__ import annotations

import _socket  # socket's C core: the socket module's enums cost a few ms per call
import json
import os
import sys
import zlib

from searcher.locations import BACKEND_ENV_VAR, DEFAULT_INDEX_DIR, INDEX_ENV_VAR, META_FILE

#: ``0``/``off``/``no``/``false`` turns the warm server off.
WARM_ENV_VAR = "SEARCHER_WARM"
#: Seconds a warm server waits for the next query before it exits.
IDLE_ENV_VAR = "SEARCHER_WARM_SECONDS"
DEFAULT_IDLE_SECONDS = 600.0
#: First words that are not a query: the other subcommands and the group's own options.
NOT_A_QUERY = frozenset(
    {"index", "stats", "entities", "serve", "cluster", "remove", "warm", "-h", "--help",
     "--version"}
)  # fmt: skip
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def warm_enabled(environ: dict[str, str] | None = None) -> bool:
    """Whether the warm server may be used (``$SEARCHER_WARM`` is not off)."""
    value = (environ if environ is not None else os.environ).get(WARM_ENV_VAR, "1")
    return value.strip().lower() not in {"0", "off", "no", "false"}


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


def _code_stamp() -> str:
    """Which code the server runs: the package's place, its files' modification times
    and the environment it is installed in (an upgraded or edited package gets a new
    server)."""
    newest = 0
    for folder in (_PACKAGE, os.path.join(_PACKAGE, "backends")):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    newest = max(newest, entry.stat().st_mtime_ns)
    return f"{_PACKAGE}:{newest}:{sys.prefix}"


def server_folder() -> str | None:
    """This user's folder for warm servers' sockets (created 0700), or None when it is
    not safely ours."""
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    folder = os.path.join(base, f"searcher-{os.getuid()}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    if st.st_uid != os.getuid() or st.st_mode & 0o077 or not os.path.isdir(folder):
        return None
    return folder


def server_key(index: str, environ: dict[str, str]) -> str:
    """What a server must have been started with to answer for us: the index folder,
    the code and the ``SEARCHER_*`` settings."""
    settings = sorted(
        (k, v) for k, v in environ.items()
        if k.startswith("SEARCHER_") and k not in {INDEX_ENV_VAR, WARM_ENV_VAR, IDLE_ENV_VAR}
    )  # fmt: skip
    return json.dumps([index, _code_stamp(), settings])


def socket_path(key: str) -> str | None:
    """The socket of the server for ``key`` (named by a checksum of it; the server
    checks the whole key, so two keys sharing a name only cost speed)."""
    folder = server_folder()
    if folder is None:
        return None
    data = key.encode()
    return os.path.join(folder, f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}.sock")


def send(path: str, message: dict, timeout: float | None = None) -> dict | None:
    """One request to a warm server and its reply, or None when no server answered."""
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.settimeout(0.5)
        conn.connect(path)
        conn.settimeout(timeout)
        conn.sendall(json.dumps(message).encode())
        conn.shutdown(_socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(1 << 16):
            chunks.append(chunk)
        reply = json.loads(b"".join(chunks))
    except (OSError, ValueError):
        return None
    finally:
        conn.close()
    return reply if isinstance(reply, dict) and "code" in reply else None


def _terminal_columns() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 0


def ask(path: str, key: str, argv: list[str]) -> dict | None:
    """The warm server's answer to ``search ARGV`` run here (cwd, terminal), or None."""
    reply = send(
        path,
        {"key": key, "argv": argv, "cwd": os.getcwd(), "color": sys.stdout.isatty(),
         "columns": _terminal_columns()},
    )  # fmt: skip
    return None if reply is None or reply.get("retry") else reply


def start_server(path: str, key: str, index: str) -> None:
    """Start a warm server for ``index`` in the background, detached from this terminal
    (it exits by itself when idle). Failing to start it only costs speed."""
    import subprocess
    from contextlib import suppress

    with suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "searcher.warm", path, key, index],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )  # fmt: skip


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
    from searcher.cli import main as run_cli

    try:
        run_cli(prog_name="search")
    except SystemExit as done:
        if path and done.code in (0, 1, None) and os.path.exists(os.path.join(index, META_FILE)):
            start_server(path, key, index)
        raise


if __name__ == "__main__":
    main()
