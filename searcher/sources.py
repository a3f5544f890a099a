"""Read an article archive from disk: scraped ``.txt`` pages, JSON Lines, CSV, ``.gz``, folders.

``read_archive`` yields ``Article`` records and ``Problem`` records in file order; a bad
file or line becomes one ``Problem`` naming the file (and line) and reading goes on.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from searcher import settings
from searcher.article import Article, Problem
from searcher.dates import parse_date
from searcher.headlines import headline_from_slug, slug_of_url
from searcher.pages import clean_page, clean_paragraphs

PAGE_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}

#: Column names archives use for each field, English and Indonesian.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "docid", "article_id"),
    "headline": ("headline", "title", "judul"),
    "kicker": ("kicker", "overline", "rubrik"),
    "body": ("body", "content", "text", "isi", "isi_berita", "paragraphs"),
    "date": ("date", "tanggal", "published", "published_at", "date_from_id", "waktu"),
    "url": ("url", "link", "tautan"),
    "source": ("source", "sumber", "media", "outlet"),
    "slug": ("url_slug", "slug"),
}

#: Files that travel with archives but are not articles (dataset READMEs, licences).
DOCUMENTATION_FILE = re.compile(r"^(?:source-)?(?:readme|licen[cs]e|copying|changelog)\b", re.I)

ReadItem = Article | Problem

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
        return f"{root.name}/{path.relative_to(root).as_posix()}" if path != root else root.name
    except ValueError:
        return path.name


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


def read_archive(paths: Iterable[str | Path]) -> Iterator[ReadItem]:
    """Every article (and every problem) in the given files and folders, recursively."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            for item in _walk(root):
                if isinstance(item, Problem):
                    yield item
                elif not DOCUMENTATION_FILE.match(item.name):
                    # a README or licence that travels with an archive is not a problem
                    yield from read_file(item, root)
        elif path.exists():
            yield from read_file(path.resolve(), path.resolve().parent)
        else:
            yield Problem(str(given), "no such file or folder")


def read_file(path: Path, root: Path) -> Iterator[ReadItem]:
    """The articles of one file; ``root`` is the archive folder ids are relative to."""
    where = _rel(path, root)
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
        items = _page_articles(text, where)
    elif suffix in JSONL_SUFFIXES:
        items = _jsonl_articles(text, where)
    else:
        items = _csv_articles(text, where, delimiter="\t" if suffix == ".tsv" else ",")
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


def _page_articles(text: str, where: str) -> Iterator[ReadItem]:
    page = clean_page(text)
    if not page.body:
        yield Problem(where, "no article body found; skipped")
        return
    article = Article(
        id=where,
        headline=page.headline,
        headline_from_lead=page.headline_from_lead,
        kicker=page.kicker,
        body=page.body,
        url=page.url,
        path=where,
    )
    yield from _with_date(article, page.date_text, where, None)


def _with_date(
    article: Article, date_text: str, where: str, line: int | None
) -> Iterator[ReadItem]:
    if date_text:
        article.date = parse_date(date_text)
        if article.date is None:
            article.date_text = date_text
            yield Problem(where, f"unrecognised date {date_text!r}; kept as text", line, "warning")
    yield article


def _pick(record: dict, name: str) -> object:
    for alias in FIELD_ALIASES[name]:
        if alias in record and record[alias] not in (None, ""):
            return record[alias]
    return None


def _as_text(value: object, name: str) -> tuple[str, str | None]:
    """A field's value as text, with a note when it had the wrong type.

    Numbers are fine as ids and as text, but a number is no date; lists of strings
    (paragraphs) are joined; anything else is ignored with a note.
    """
    if value is None:
        return "", None
    if isinstance(value, str):
        return value, None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value), None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if name == "date":
            return "", f"date is a number ({value}), not a date; ignored"
        return str(value), None
    return "", f"{name} has the wrong type ({type(value).__name__}); ignored"


def _record_article(record: dict, where: str, line: int) -> Iterator[ReadItem]:
    fields: dict[str, str] = {}
    notes: list[str] = []
    for name in FIELD_ALIASES:
        value, note = _as_text(_pick(record, name), name)
        if note and name == "body":
            yield Problem(where, f"{note}; skipped", line)
            return
        if note:
            notes.append(note)
        fields[name] = value.strip()
    paragraphs = clean_paragraphs(fields["body"])
    if not paragraphs:
        yield Problem(where, "article has no body; skipped", line)
        return
    for note in notes:
        yield Problem(where, note, line, "warning")
    body = "\n\n".join(paragraphs)
    headline = " ".join(fields["headline"].split()) or headline_from_slug(
        fields["slug"] or slug_of_url(fields["url"]), body
    )
    article = Article(
        id=fields["id"] or f"{where}:{line}",
        headline=headline or clean_page(body).headline,
        headline_from_lead=not headline,
        kicker=fields["kicker"],
        body=body,
        source=fields["source"],
        url=fields["url"],
        path=f"{where}:{line}",
    )
    yield from _with_date(article, fields["date"], where, line)


def _jsonl_articles(text: str, where: str) -> Iterator[ReadItem]:
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(where, f"malformed JSON ({err.msg}); skipped", number)
            continue
        if not isinstance(record, dict):
            kind = type(record).__name__
            yield Problem(where, f"JSON {kind}, not an article object; skipped", number)
            continue
        yield from _record_article(record, where, number)


def _csv_articles(text: str, where: str, delimiter: str) -> Iterator[ReadItem]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = {(c or "").strip().lower() for c in reader.fieldnames or ()}
    if not columns & set(FIELD_ALIASES["body"]):
        names = ", ".join(FIELD_ALIASES["body"])
        yield Problem(where, f"CSV header has no body column (one of: {names}); skipped", 1)
        return
    line = reader.line_num + 1
    try:
        for row in reader:
            record = {(k or "").strip().lower(): v for k, v in row.items() if k is not None}
            yield from _record_article(record, where, line)
            line = reader.line_num + 1
    except csv.Error as err:
        yield Problem(where, f"malformed CSV ({err}); rest of file skipped", line)


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
        data = _gunzip(path.read_bytes())[0] if gz else path.read_bytes()
    except OSError:
        return 0
    if suffix in JSONL_SUFFIXES:
        return sum(1 for line in data.split(b"\n") if line.strip())
    text = data.decode("utf-8", errors="replace")
    try:
        rows = sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        rows = text.count("\n")
    return max(0, rows - 1)
