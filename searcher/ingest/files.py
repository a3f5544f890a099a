"""Read an article archive from disk: scraped ``.txt`` pages, JSON Lines, CSV, ``.gz``, folders.

``read_archive`` walks the folders, reads and decodes each file (gzipped or not, JSON
Lines streamed a line at a time) and yields ``Article`` records and ``Problem`` records
in file order; what one record becomes is ``searcher.ingest.records``. A bad file or
line becomes one ``Problem`` naming the file (and line) and reading goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from searcher import settings
from searcher.article import Article, Problem
from searcher.ingest.dates import slash_order
from searcher.ingest.records import (
    FIELD_ALIASES,
    ReadItem,
    csv_articles,
    jsonl_line,
    page_articles,
    printable,
)

PAGE_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}

#: Files that travel with archives but are not articles (dataset READMEs, licences).
DOCUMENTATION_FILE = re.compile(r"^(?:source-)?(?:readme|licen[cs]e|copying|changelog)\b", re.I)

csv.field_size_limit(1 << 30)  # a news body can be far longer than csv's 128 KB default


def _suffixes(path: Path) -> tuple[str, bool]:
    """The format suffix of ``path`` and whether it is gzipped."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    return os.path.splitext(name)[1], gz


def is_archive_file(path: Path) -> bool:
    suffix, _ = _suffixes(path)
    return suffix in PAGE_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES


def _walk(root: Path) -> Iterator[Path | Problem]:
    """Files below ``root`` in a stable order; folder symlinks are reported, not followed."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        dirnames.sort()
        here = Path(dirpath)
        for name in list(dirnames):
            if name.startswith("."):
                dirnames.remove(name)
            elif (here / name).is_symlink():
                dirnames.remove(name)
                yield Problem(_rel(here / name, root), "symbolic link to a folder; not followed")
        for name in sorted(filenames):
            if not name.startswith("."):
                yield here / name


def _rel(path: Path, root: Path) -> str:
    try:
        rel = f"{root.name}/{path.relative_to(root).as_posix()}" if path != root else root.name
    except ValueError:
        rel = path.name
    return printable(rel)


def _decode(data: bytes, where: str) -> tuple[str | None, Problem | None]:
    """Text of a file's bytes, trying UTF-8, then cp1252, then Latin-1 (and saying so)."""
    if b"\x00" in data[:8192]:
        return None, Problem(where, "binary file, not text; skipped")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        bad = err.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        note = f"not UTF-8 (bad byte at offset {bad}); read as {encoding}"
        return text, Problem(where, note, kind="warning")
    raise AssertionError("latin-1 decodes any bytes")


def _gunzip(raw: bytes) -> tuple[bytes, str | None]:
    """Decompress every gzip member of ``raw``; on damage, what came before it and why."""
    out: list[bytes] = []
    while raw:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out.append(inflater.decompress(raw))
        except zlib.error as err:
            return b"".join(out), str(err)
        if not inflater.eof:
            return b"".join(out), "the file ends before the end of its gzip stream"
        raw = inflater.unused_data
    return b"".join(out), None


def _read_gzip(path: Path, where: str) -> tuple[bytes | None, Problem | None]:
    """A gzip file's bytes; of a truncated or damaged one, what came before the damage."""
    data, damage = _gunzip(path.read_bytes())
    if damage is None:
        return data, None
    if not data:
        return None, Problem(where, f"corrupt or truncated gzip ({damage}); skipped")
    note = f"corrupt or truncated gzip ({damage}); read its first {len(data):,} bytes"
    return data, Problem(where, note, kind="warning")


def _read_bytes(path: Path, gz: bool, where: str) -> tuple[bytes | None, Problem | None]:
    try:
        return _read_gzip(path, where) if gz else (path.read_bytes(), None)
    except FileNotFoundError:
        return None, Problem(where, "file vanished while reading; skipped")
    except OSError as err:
        return None, Problem(where, f"cannot read ({err.strerror or err}); skipped")


@dataclass
class Scope:
    """What one run reads, beyond its articles.

    ``roots`` are the folders ids are relative to (an index remembers them, and a folder
    given for the first time joins them); ``prefixes`` the ids' prefixes of the paths
    given (``arsip/2017``: what ``--prune`` may remove from).
    """

    roots: list[Path] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)


def read_archive(paths: Iterable[str | Path], scope: Scope | None = None) -> Iterator[ReadItem]:
    """Every article (and every problem) in the given files and folders, recursively.

    A file inside one of ``scope.roots`` keeps the id it had, whether it is reached
    through that folder, its parent or a subfolder (``arsip/2017/a.txt`` stays
    ``arsip/2017/a.txt``).
    """
    scope = scope or Scope()
    roots = scope.roots
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            _remember(roots, root)
            scope.prefixes.append(_rel(root, _id_root(root, roots, root)))
            for item in _walk(root):
                if isinstance(item, Problem):
                    yield item
                elif not DOCUMENTATION_FILE.match(item.name):
                    # a README or licence that travels with an archive is not a problem
                    yield from read_file(item, root, _id_root(item, roots, root))
        elif path.exists():
            file = path.resolve()
            _remember(roots, file.parent)
            id_root = _id_root(file, roots, file.parent)
            scope.prefixes.append(_rel(file, id_root))
            yield from read_file(file, file.parent, id_root)
        else:
            yield Problem(str(given), "no such file or folder")


def _remember(roots: list[Path], root: Path) -> None:
    if not any(root == known or root.is_relative_to(known) for known in roots):
        roots.append(root)


def _id_root(file: Path, roots: list[Path], given: Path) -> Path:
    """The first remembered root that holds ``file`` (else the folder it was found in)."""
    return next((root for root in roots if file.is_relative_to(root)), given)


def read_file(path: Path, root: Path, id_root: Path | None = None) -> Iterator[ReadItem]:
    """The articles of one file: ``root`` is the archive folder it was found in (links
    never lead out of it), ``id_root`` the folder its id is relative to (``root``)."""
    where = _rel(path, id_root or root)
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            yield Problem(where, "symbolic link out of the archive folder; not followed")
            return
    suffix, gz = _suffixes(path)
    if DOCUMENTATION_FILE.match(path.name):
        yield Problem(where, "documentation, not an article (README/LICENSE); skipped")
        return
    if not is_archive_file(path):
        yield Problem(where, f"not an article file ({path.suffix or 'no suffix'}); skipped")
        return
    if suffix in JSONL_SUFFIXES:
        # streamed line by line: a 100 MB export never sits in memory whole
        yield from _capped(_streamed_jsonl(path, gz, where))
        return
    data, problem = _read_bytes(path, gz, where)
    if problem:
        yield problem
    if data is None:
        return
    if not data.strip():
        yield Problem(where, "empty file; skipped")
        return
    text, problem = _decode(data, where)
    if problem:
        yield problem
    if text is None:
        return
    if suffix in PAGE_SUFFIXES:
        # a page's header is at its start: what lies past the body cap is never needed
        items = page_articles(text[: settings.MAX_BODY_CHARS + 100_000], where)
    else:
        items = csv_articles(text, where, delimiter="\t" if suffix == ".tsv" else ",")
    yield from _capped(items)


def _capped(items: Iterable[ReadItem]) -> Iterator[ReadItem]:
    """``items`` with bodies longer than ``settings.MAX_BODY_CHARS`` cut, and said so."""
    for item in items:
        if isinstance(item, Article) and len(item.body) > settings.MAX_BODY_CHARS:
            size = len(item.body)
            item.body = item.body[: settings.MAX_BODY_CHARS]
            message = (
                f"article body is {size / 1e6:.1f} million characters; only the first "
                f"{settings.MAX_BODY_CHARS:,} are indexed"
            )
            yield Problem.about(item.path, message, "warning")
        yield item


def _streamed_jsonl(path: Path, gz: bool, where: str) -> Iterator[ReadItem]:
    """The articles of a JSON Lines file (gzipped or not), read one line at a time."""
    encoding_noted = False
    seen_any = False
    try:
        order, note = slash_order(_date_values(path, gz, where))
        if note:
            yield Problem(where, note, kind="warning")
        for number, raw in _lines(path, gz, where):
            if isinstance(raw, Problem):
                yield raw
                continue
            if number == 1 and b"\x00" in raw[:8192]:
                yield Problem(where, "binary file, not text; skipped")
                return
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                line = raw.decode("cp1252", errors="replace")
                if not encoding_noted:
                    note = (
                        f"not UTF-8 (bad byte at offset {err.start} of line {number}); "
                        "read as cp1252"
                    )
                    yield Problem(where, note, kind="warning")
                    encoding_noted = True
            if line.strip():
                seen_any = True
                yield from jsonl_line(line, where, number, order)
    except FileNotFoundError:
        yield Problem(where, "file vanished while reading; skipped")
        return
    except OSError as err:
        yield Problem(where, f"cannot read ({err.strerror or err}); skipped")
        return
    if not seen_any:
        yield Problem(where, "empty file; skipped")


def _lines(path: Path, gz: bool, where: str) -> Iterator[tuple[int, bytes | Problem]]:
    """Numbered lines of a file; of a damaged gzip, its complete lines and then a problem."""
    if not gz:
        with open(path, "rb") as handle:
            yield from enumerate(handle, start=1)
        return
    number = 0
    pending: bytes | None = None
    try:
        with gzip.open(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if pending is not None:
                    yield number - 1, pending
                pending = line
        if pending is not None:
            yield number, pending
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        # the line cut by the damage is not whole: only the lines before it are read
        if number <= 1:
            yield 1, Problem(where, f"corrupt or truncated gzip ({err}); skipped")
        else:
            note = f"corrupt or truncated gzip ({err}); read its first {number - 1:,} lines"
            yield number, Problem(where, note, kind="warning")


_DATE_VALUE = re.compile(
    rb'"(?:' + "|".join(FIELD_ALIASES["date"]).encode() + rb')"\s*:\s*"(\d{1,2}/\d{1,2}/\d{4})'
)


def _date_values(path: Path, gz: bool, where: str) -> Iterator[str]:
    """The slashed dates of a JSON Lines file, found by a quick pass before reading it:
    the file's date order is decided from all of them."""
    for _, raw in _lines(path, gz, where):
        if isinstance(raw, bytes) and b"/" in raw:
            for match in _DATE_VALUE.finditer(raw):
                yield match.group(1).decode("ascii")


def count_articles(paths: Iterable[str | Path]) -> int:
    """About how many articles ``paths`` hold, for a progress bar: a page per text file,
    a record per non-blank JSON line or CSV row. Reads the files but parses no article."""
    total = 0
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            files = [
                item
                for item in _walk(root)
                if isinstance(item, Path) and not DOCUMENTATION_FILE.match(item.name)
            ]
        else:
            files = [path]
        for file in files:
            total += _count_file(file)
    return total


def _count_file(path: Path) -> int:
    suffix, gz = _suffixes(path)
    if suffix in PAGE_SUFFIXES:
        return 1
    if suffix not in JSONL_SUFFIXES | CSV_SUFFIXES:
        return 0
    try:
        if suffix in JSONL_SUFFIXES:  # streamed, as the reader does
            return sum(
                1 for _, line in _lines(path, gz, "") if isinstance(line, bytes) and line.strip()
            )
        data = _gunzip(path.read_bytes())[0] if gz else path.read_bytes()
    except OSError:
        return 0
    text = data.decode("utf-8", errors="replace")
    try:
        rows = sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        rows = text.count("\n")
    return max(0, rows - 1)
