"""Talking to a warm server (``searcher.faces.warm``): where its socket is, which server
may answer for us, one request and its reply.

Shared by ``search``'s entry point (``searcher.faces.launch``), which runs on every
call and so imports only the standard library's small modules, and by ``search warm``.
"""

from __future__ import annotations

import _socket  # socket's C core: the socket module's enums cost a few ms per call
import json
import os
import sys
import zlib

from searcher.vocabulary import INDEX_ENV_VAR

#: ``0``/``off``/``no``/``false`` turns the warm server off.
WARM_ENV_VAR = "SEARCHER_WARM"
#: Seconds a warm server waits for the next query before it exits.
IDLE_ENV_VAR = "SEARCHER_WARM_SECONDS"
DEFAULT_IDLE_SECONDS = 600.0
#: The ``searcher`` package folder (this module is ``searcher/faces/warm_client.py``).
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def warm_enabled(environ: dict[str, str] | None = None) -> bool:
    """Whether the warm server may be used (``$SEARCHER_WARM`` is not off)."""
    value = (environ if environ is not None else os.environ).get(WARM_ENV_VAR, "1")
    return value.strip().lower() not in {"0", "off", "no", "false"}


def _code_stamp() -> str:
    """Which code the server runs: the package's place, its files' modification times
    and the environment it is installed in (an upgraded or edited package gets a new
    server)."""
    newest = 0
    for folder, subfolders, files in os.walk(_PACKAGE):
        subfolders[:] = [name for name in subfolders if name not in ("__pycache__", "data")]
        for name in files:
            if name.endswith(".py"):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
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
        {"key": key, "argv": argv, "cwd": os.getcwd(),
         "color": sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
         "columns": _terminal_columns()},
    )  # fmt: skip
    return None if reply is None or reply.get("retry") else reply


def servers() -> list[str]:
    """The sockets of this user's running warm servers."""
    folder = server_folder()
    if folder is None:
        return []
    with os.scandir(folder) as entries:
        return sorted(e.path for e in entries if e.name.endswith(".sock"))


def status(path: str) -> dict | None:
    """What a warm server says about itself, or None when it does not answer."""
    reply = send(path, {"status": True}, timeout=5.0)
    return reply.get("status") if reply else None


def stop(path: str) -> bool:
    """Ask a warm server to exit; True when it said it would."""
    return send(path, {"stop": True}, timeout=30.0) is not None


def start_server(path: str, key: str, index: str) -> None:
    """Start a warm server for ``index`` in the background, detached from this terminal
    (it exits by itself when idle). Failing to start it only costs speed."""
    import subprocess
    from contextlib import suppress

    with suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "searcher.faces.warm", path, key, index],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
