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
import re
import resource
import shlex
import shutil
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from searcher.engine.embedded.schema import SCHEMA_VERSION, build_schema
from searcher.errors import (
    IndexDamaged,
    IndexError_,
    IndexLocked,
    IndexMissing,
    IndexVersionMismatch,
)
from searcher.text.analysis import analysis_fingerprint
from searcher.vocabulary import DEFAULT_INDEX_DIR, INDEX_ENV_VAR, META_FILE

__all__ = [
    "IndexDamaged", "IndexError_", "IndexLocked", "IndexMeta", "IndexMissing",
    "IndexVersionMismatch",
]  # fmt: skip

LOCK_FILE = "searcher.lock"


@dataclass(frozen=True)
class IndexMeta:
    """What ``searcher.json`` says of the folder's current index."""

    #: The Whoosh index in the folder that answers (``articlesN``).
    indexname: str
    #: The schema it was built with (``schema.SCHEMA_VERSION``).
    schema_version: int = 0
    #: A digest of the analysis it was built with; None for an index from before digests.
    analysis: str | None = None
    #: Bumped by every rebuild: names the next index's files.
    generation: int = 0
    #: The archive folders its articles' ids are relative to.
    roots: tuple[str, ...] = ()
    #: When it last changed (UTC, ISO 8601).
    updated: str = ""

    @classmethod
    def from_json(cls, data: object) -> IndexMeta:
        """The record of a parsed ``searcher.json``; ``ValueError`` when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("indexname"), str):
            raise ValueError("not an index description")
        roots = data.get("roots") or []
        return cls(
            indexname=data["indexname"],
            schema_version=data.get("schema_version", 0),
            analysis=data.get("analysis"),
            generation=int(data.get("generation", 0) or 0),
            roots=tuple(r for r in roots if isinstance(r, str)) if isinstance(roots, list) else (),
            updated=str(data.get("updated", "")),
        )

    def to_json(self) -> dict:
        return {
            "schema_version": self.schema_version, "analysis": self.analysis,
            "indexname": self.indexname, "generation": self.generation,
            "roots": list(self.roots), "updated": self.updated,
        }  # fmt: skip


def read_meta(index_dir: Path, for_rebuild: bool = False) -> IndexMeta | None:
    """The folder's ``searcher.json``, or None when no index was ever committed there.

    Unreadable or malformed metadata is an error, except ``for_rebuild``: a rebuild
    starts over and must work whatever state the folder is in.
    """
    try:
        return IndexMeta.from_json(json.loads((index_dir / META_FILE).read_text("utf-8")))
    except FileNotFoundError:
        return None
    except IsADirectoryError as err:
        raise IndexDamaged(f"{index_dir / META_FILE} is a folder, not a file") from err
    except (OSError, ValueError) as err:
        if for_rebuild:
            return None
        raise IndexDamaged(
            f"{index_dir / META_FILE} is unreadable ({err}); the index is damaged: "
            "rebuild it with `search index --rebuild ARCHIVE`"
        ) from err


def current_files(index_dir: Path) -> list[Path]:
    """The files of the folder's current index and its metadata (what ``stats`` counts)."""
    meta = read_meta(index_dir)
    name = meta.indexname if meta else None
    return [
        entry
        for entry in index_dir.iterdir()
        if entry.is_file()
        and (
            entry.name in (META_FILE, LOCK_FILE)
            or (name and entry.name.startswith((f"_{name}_", f"{name}_")))
        )
    ]


def refuse_orphaned_index(index_dir: Path) -> None:
    """Stop an incremental run from replacing index files whose ``searcher.json`` is gone.

    Without it the run would start a new, nearly empty index over the old articles.
    """
    if index_dir.is_dir() and any(index_dir.glob("*.toc")):
        raise IndexDamaged(
            f"{index_dir} holds index files but no {META_FILE}: the index is damaged. "
            f"Nothing was changed; to start over from your archive, run "
            f"`search index --rebuild ARCHIVE --index {index_dir}`"
        )


def write_meta(index_dir: Path, meta: IndexMeta) -> None:
    """Replace ``searcher.json`` atomically (write a temporary file, then rename), stamped
    with the time; an index from before fingerprints gets the one it is being updated with."""
    meta = replace(
        meta,
        analysis=meta.analysis or analysis_fingerprint(),
        updated=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    tmp = index_dir / f".{META_FILE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(meta.to_json(), handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / META_FILE)


def storage(folder: Path) -> FileStorage:
    """The folder as Whoosh storage, read with ``pread`` rather than memory-mapped.

    Whoosh maps each segment file into every reader that opens it, and a mapped page
    counts in each mapping's resident memory: ``search serve`` over 50,000 articles
    (four threads, a searcher each) showed 1,282 MB resident, 1,177 MB of it the same
    index pages mapped four times, and Whoosh's ``BufferFile`` copied a mapped part
    whole into memory. Read through the page cache instead, the same server holds
    about 100 MB, and queries take as long.
    """
    _allow_open_files()
    return FileStorage(str(folder), supports_mmap=False)


@cache
def _allow_open_files() -> None:
    """Unmapped, a reader keeps one file open per segment (a thread each in ``search
    serve``): raise this process's soft limit on open files to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def stale_reason(meta: IndexMeta) -> str | None:
    """Why this searcher cannot use the index as it was built (another schema, or other
    analysis data, so its words would not match a query's), or None when it can."""
    if meta.schema_version != SCHEMA_VERSION:
        return f"has schema version {meta.schema_version}, this searcher needs {SCHEMA_VERSION}"
    built_with = meta.analysis
    if built_with is not None and built_with != analysis_fingerprint():
        return (
            "was built with other analysis data (names list, stopwords, root words or "
            f"stemmer version: {built_with}, this searcher has {analysis_fingerprint()}); "
            "its words would not match the queries'"
        )
    return None


def open_current(index_dir: Path) -> tuple[whoosh_index.Index, IndexMeta]:
    """The current Whoosh index of ``index_dir`` and its metadata."""
    meta = read_meta(index_dir)
    if meta is None:
        raise IndexMissing(
            f"no index in {Path(index_dir).absolute()}; build one there with `search index "
            f"ARCHIVE`, or point at another with `--index DIR` or ${INDEX_ENV_VAR}"
        )
    reason = stale_reason(meta)
    if reason is not None:
        command = ["search", "index", "--rebuild", "ARCHIVE"]
        if Path(index_dir) != Path(DEFAULT_INDEX_DIR):
            command += ["--index", str(index_dir)]
        where = f" (it holds articles from {', '.join(meta.roots)})" if meta.roots else ""
        raise IndexVersionMismatch(
            f"the index in {index_dir} {reason}: rebuild it with `{shlex.join(command)}`{where}"
        )
    try:
        ix = storage(index_dir).open_index(meta.indexname)
    except Exception as err:  # whatever Whoosh raises on a damaged table of contents
        raise IndexDamaged(
            f"the index in {index_dir} is damaged ({type(err).__name__}: {err}); "
            "rebuild it with `search index --rebuild ARCHIVE`"
        ) from err
    return ix, meta


def create_new(index_dir: Path, previous: IndexMeta | None) -> tuple[whoosh_index.Index, str]:
    """A new, empty Whoosh index beside the current one (not yet made current)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    used = [int(m.group(1)) for e in index_dir.iterdir() if (m := _INDEX_FILE.match(e.name))]
    generation = max([previous.generation if previous else 0, *used]) + 1
    name = f"articles{generation}"
    return storage(index_dir).create_index(build_schema(), indexname=name), name


#: Files of one Whoosh index in the folder: ``_articles3_1.toc``, ``articles3_x1y2.seg``.
_INDEX_FILE = re.compile(r"^_?articles(\d+)_")
#: A table of contents left half-written by a run killed while committing.
_TEMP_TOC = re.compile(r"\.toc\.[\d.]+$")


def remove_stale(index_dir: Path, current: str | None) -> int:
    """Delete what a killed run left behind: the files of indexes other than ``current``
    (a half-built rebuild), temporary tables of contents and worker folders. Called with
    the write lock held; readers always reopen the current index. Returns bytes freed."""
    if not index_dir.is_dir():
        return 0
    freed = 0
    for entry in index_dir.iterdir():
        match = _INDEX_FILE.match(entry.name)
        stale_index = match is not None and f"articles{match.group(1)}" != current
        try:
            if entry.is_dir() and entry.name.endswith(".parts"):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_file() and (stale_index or _TEMP_TOC.search(entry.name)):
                freed += entry.stat().st_size
                entry.unlink()
        except OSError:
            continue  # gone already, or not ours to delete: the next run tries again
    return freed


def make_current(
    index_dir: Path, name: str, previous: IndexMeta | None, roots: list[str] | None = None
) -> None:
    """Point ``searcher.json`` at ``name`` and delete the index it replaced.

    ``roots`` are the archive folders the new index's ids are relative to.
    """
    meta = IndexMeta(
        indexname=name, schema_version=SCHEMA_VERSION, analysis=analysis_fingerprint(),
        generation=(previous.generation if previous else 0) + 1, roots=tuple(roots or ()),
    )  # fmt: skip
    write_meta(index_dir, meta)
    old = previous.indexname if previous else None
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
    if (index_dir / LOCK_FILE).is_dir():
        raise IndexDamaged(
            f"{index_dir / LOCK_FILE} is a folder; remove it (no `search index` may be "
            "running) and run the command again"
        )
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
