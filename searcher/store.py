"""The index folder on disk: which Whoosh index in it is current, its version, the write lock.

A folder holds one or more Whoosh indexes side by side (Whoosh's ``indexname``) and a
small ``searcher.json`` naming the current one. A rebuild writes a new index next to
the old and then swaps the name in ``searcher.json`` with an atomic rename, so a
rebuild that dies half-way leaves the previous index answering queries.
``searcher.lock`` (``flock``) lets one writer at a time into the folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index

from searcher.errors import IndexError_, IndexLocked, IndexMissing, IndexVersionMismatch
from searcher.schema import SCHEMA_VERSION, build_schema

__all__ = ["IndexError_", "IndexLocked", "IndexMissing", "IndexVersionMismatch"]

META_FILE = "searcher.json"
LOCK_FILE = "searcher.lock"


def read_meta(index_dir: Path) -> dict | None:
    """The folder's ``searcher.json``, or None when no index was ever committed there."""
    try:
        return json.loads((index_dir / META_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise IndexError_(
            f"{index_dir / META_FILE}: unreadable ({err}); rebuild with `search index --rebuild`"
        ) from err


def write_meta(index_dir: Path, meta: dict) -> None:
    """Replace ``searcher.json`` atomically (write a temporary file, then rename)."""
    meta = {**meta, "updated": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    tmp = index_dir / f".{META_FILE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(meta, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / META_FILE)


def open_current(index_dir: Path) -> tuple[whoosh_index.Index, dict]:
    """The current Whoosh index of ``index_dir`` and its metadata."""
    meta = read_meta(index_dir)
    if meta is None:
        raise IndexMissing(
            f"no index in {index_dir}; build one with `search index PATH` (or `--index DIR`)"
        )
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexVersionMismatch(
            f"the index in {index_dir} has schema version {meta.get('schema_version')}, "
            f"this searcher needs {SCHEMA_VERSION}: rebuild with `search index --rebuild`"
        )
    try:
        ix = whoosh_index.open_dir(str(index_dir), indexname=meta["indexname"])
    except (whoosh_index.EmptyIndexError, KeyError) as err:
        raise IndexError_(
            f"the index in {index_dir} is damaged ({err}); rebuild with `search index --rebuild`"
        ) from err
    return ix, meta


def create_new(index_dir: Path, previous: dict | None) -> tuple[whoosh_index.Index, str]:
    """A new, empty Whoosh index beside the current one (not yet made current)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = (previous or {}).get("generation", 0) + 1
    name = f"articles{generation}"
    return whoosh_index.create_in(str(index_dir), build_schema(), indexname=name), name


def make_current(index_dir: Path, name: str, previous: dict | None) -> None:
    """Point ``searcher.json`` at ``name`` and delete the index it replaced."""
    generation = (previous or {}).get("generation", 0) + 1
    write_meta(
        index_dir, {"schema_version": SCHEMA_VERSION, "indexname": name, "generation": generation}
    )
    old = (previous or {}).get("indexname")
    if old and old != name:
        prefixes = (f"_{old}_", f"{old}_")
        for entry in index_dir.iterdir():
            if entry.name.startswith(prefixes):
                entry.unlink(missing_ok=True)


@contextmanager
def write_lock(index_dir: Path, wait: float = 0.0, on_wait=None):
    """Hold the folder's write lock; wait up to ``wait`` seconds for another writer.

    Yields the lock file's descriptor: forked workers must close it, or the lock would
    outlive this process while they do.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_FILE, "a+") as handle:
        _acquire(handle, index_dir, wait, on_wait)
        yield handle.fileno()


def _acquire(handle, index_dir: Path, wait: float, on_wait) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise IndexLocked(
                    f"another `search index` is writing to {index_dir}; "
                    "try again later or pass --wait SECONDS"
                ) from None
            if on_wait and not told:
                on_wait()
                told = True
            time.sleep(0.2)
