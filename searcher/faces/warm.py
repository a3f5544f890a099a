"""The warm server behind ``search`` (started by ``searcher.faces.launch``).

One process per index folder keeps the archive open (imports done, searcher open,
posting lists decoded and cached) and runs the queries that ``search`` processes hand
it over a Unix socket, one at a time, through the same click command a ``search``
process runs, so the output is the same byte for byte. It exits after
``$SEARCHER_WARM_SECONDS`` idle seconds, when its index folder is gone, or when told
(``search warm stop``). An index updated or rebuilt meanwhile is reopened by the
archive itself, as the page's server does.

    python -m searcher.faces.warm SOCKET KEY INDEX_FOLDER
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import socket
import sys
import time
import traceback

from searcher.faces import warm_client
from searcher.faces.cli import main as cli_main
from searcher.faces.cli.args import OpenArchives
from searcher.vocabulary import META_FILE


def idle_seconds() -> float:
    """``$SEARCHER_WARM_SECONDS``, or the default when unset or not a positive number."""
    try:
        value = float(os.environ.get(warm_client.IDLE_ENV_VAR, warm_client.DEFAULT_IDLE_SECONDS))
    except ValueError:
        return warm_client.DEFAULT_IDLE_SECONDS
    return value if value > 0 else warm_client.DEFAULT_IDLE_SECONDS


def run_command(
    argv: list[str], cwd: str, color: bool, columns: int, kept: OpenArchives | None = None
) -> dict:
    """``search ARGV`` as if run in ``cwd``: its exit code, stdout and stderr; ``kept``
    holds the archives the command may reuse (and keep open for the next one)."""
    os.chdir(cwd)
    if columns:
        os.environ["COLUMNS"] = str(columns)
    else:
        os.environ.pop("COLUMNS", None)
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli_main.main(
                args=argv, prog_name="search", standalone_mode=True, color=color, obj=kept
            )
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else int(done.code is not None)
        except Exception:  # what a search process would have printed before dying
            traceback.print_exc()
            code = 1
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


class WarmServer:
    """Answers ``search`` processes for one index folder until idle, stopped or orphaned."""

    def __init__(self, path: str, key: str, index: str) -> None:
        self.path = path
        self.key = key
        self.index = index
        self.started = time.time()
        self.last = self.started
        self.answered = 0
        #: What stays open from one query to the next: the reason this server exists.
        self.kept = OpenArchives()

    def _lock(self):
        """The server's lock file, held for its whole life (None: another server has
        it, so this one has nothing to do)."""
        handle = open(self.path + ".lock", "a+")  # noqa: SIM115 (held until exit)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return None
        return handle

    def _warm_up(self) -> None:
        """Import, open and decode before the first query arrives."""
        run_command(["query", "--index", self.index, "indonesia"], "/", False, 0, self.kept)

    def _reply(self, request: dict) -> tuple[dict, bool]:
        """The reply to one request, and whether to keep serving."""
        if request.get("stop"):
            return {"code": 0, "out": "", "err": ""}, False
        if request.get("status"):
            status = {"pid": os.getpid(), "index": self.index, "answered": self.answered,
                      "started": self.started, "idle": time.time() - self.last}  # fmt: skip
            return {"code": 0, "status": status}, True
        if request.get("key") != self.key:
            return {"code": 1, "retry": True}, True  # another index or code with our name
        if not os.path.exists(os.path.join(self.index, META_FILE)):
            return {"code": 1, "retry": True}, False  # the folder is gone: let them run it
        reply = run_command(
            list(request["argv"]), str(request["cwd"]), bool(request.get("color")),
            int(request.get("columns") or 0), self.kept,
        )  # fmt: skip
        self.answered += 1
        return reply, True

    def _serve_one(self, conn: socket.socket) -> bool:
        with conn:
            conn.settimeout(5.0)
            chunks = []
            while chunk := conn.recv(1 << 16):
                chunks.append(chunk)
            try:
                request = json.loads(b"".join(chunks))
                reply, keep = self._reply(request)
            except (ValueError, KeyError, TypeError):
                reply, keep = {"code": 1, "retry": True}, True
            conn.settimeout(None)
            with contextlib.suppress(OSError):  # the client gave up (Ctrl-C)
                conn.sendall(json.dumps(reply).encode())
        self.last = time.time()
        return keep

    def serve(self) -> None:
        """Bind the socket (unless another server holds it) and answer until done."""
        lock = self._lock()
        if lock is None:
            return
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            listener.bind(self.path)
            os.chmod(self.path, 0o600)
            self._warm_up()
            listener.listen(16)
            listener.settimeout(idle_seconds())
            keep = True
            while keep:
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    break
                try:
                    keep = self._serve_one(conn)
                except OSError:
                    keep = True
        finally:
            listener.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            lock.close()


if __name__ == "__main__":
    sys.stdin.close()
    WarmServer(*sys.argv[1:4]).serve()
