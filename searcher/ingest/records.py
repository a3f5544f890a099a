"""One record of an archive becomes an ``Article``: a scraped page, a JSON object or a
CSV row, its fields found under the names archives use (English and Indonesian), its
date parsed, its dateline taken off the lead. A record that cannot be one is a
``Problem`` naming its file and line."""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator

from searcher import settings
from searcher.article import Article, Problem
from searcher.ingest.datelines import Dateline, outlet_of_url, split_dateline
from searcher.ingest.dates import parse_date, slash_order
from searcher.ingest.headlines import headline_from_slug, slug_of_url
from searcher.ingest.scraped_pages import clean_page, clean_paragraphs, first_sentence

ReadItem = Article | Problem

_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe to store and show: a file name's undecodable bytes (which Python keeps
    as lone surrogates) written as ``\\xe9``, so ``café`` in Latin-1 is ``caf\\xe9.txt``."""
    if not _SURROGATE.search(text):
        return text
    raw = (
        os.fsencode(text)
        if all(0xDC80 <= ord(c) <= 0xDCFF for c in _SURROGATE.findall(text))
        else None
    )
    if raw is not None:
        return raw.decode("utf-8", "backslashreplace")
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def without_surrogates(text: str) -> tuple[str, bool]:
    """``text`` with lone surrogates (invalid in UTF-8) replaced by U+FFFD, and whether any were."""
    cleaned, count = _SURROGATE.subn("\ufffd", text)
    return cleaned, bool(count)


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


def page_articles(text: str, where: str) -> Iterator[ReadItem]:
    """The article of one scraped page (``searcher.ingest.scraped_pages``)."""
    page = clean_page(text)
    dateline, paragraphs = _without_dateline(page.paragraphs)
    if not paragraphs:
        yield Problem(where, "no article body found; skipped")
        return
    headline = page.headline
    if page.headline_from_lead and dateline.place + dateline.outlet:
        headline = first_sentence(paragraphs[0])  # the lead's, without its dateline
    article = Article(
        id=where,
        headline=headline,
        headline_from_lead=page.headline_from_lead,
        kicker=page.kicker,
        body="\n\n".join(paragraphs),
        url=page.url,
        path=where,
        source=dateline.outlet or outlet_of_url(page.url),
        dateline=dateline.place,
    )
    yield from _with_date(article, page.date_text, where, None)


def _with_date(
    article: Article, date_text: str, where: str, line: int | None, order: str | None = None
) -> Iterator[ReadItem]:
    if date_text:
        article.date = parse_date(date_text, order)
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


def _without_dateline(paragraphs: list[str]) -> tuple[Dateline, list[str]]:
    """The lead's dateline taken off (``Jakarta, CNN Indonesia - -``): it is neither the
    story nor its headline, and it must not feed the entity facets."""
    if not paragraphs:
        return Dateline(), paragraphs
    dateline, rest = split_dateline(paragraphs[0])
    if dateline is None:
        return Dateline(), paragraphs
    rest = rest.strip()
    return dateline, ([rest] if rest else []) + paragraphs[1:]


def _record_article(
    record: dict, where: str, line: int, order: str | None = None
) -> Iterator[ReadItem]:
    """The article of one JSON object or CSV row; ``order`` is how the file writes
    slashed dates (``slash_order``)."""
    fields: dict[str, str] = {}
    notes: list[str] = []
    for name in FIELD_ALIASES:
        value, note = _as_text(_pick(record, name), name)
        if note and name == "body":
            yield Problem(where, f"{note}; skipped", line)
            return
        if note:
            notes.append(note)
        if name == "body" and len(value) > settings.MAX_BODY_CHARS:
            value = value[: settings.MAX_BODY_CHARS + 1]  # cut before cleaning, not after
        if name == "id":
            value = printable(value)
        else:
            value, replaced = without_surrogates(value)
            if replaced:
                notes.append(f"{name} has invalid characters (lone surrogates); replaced with �")
        fields[name] = value.strip()
    paragraphs = clean_paragraphs(fields["body"])
    dateline, paragraphs = _without_dateline(paragraphs)
    if not paragraphs:
        yield Problem(where, "article has no body; skipped", line)
        return
    for note in notes:
        yield Problem(where, note, line, "warning")
    body = "\n\n".join(paragraphs)
    headline = (
        " ".join(fields["headline"].split())
        or headline_from_slug(fields["slug"], body)
        or headline_from_slug(slug_of_url(fields["url"]), body)
    )
    article = Article(
        id=fields["id"] or f"{where}:{line}",
        headline=headline or clean_page(body).headline,
        headline_from_lead=not headline,
        kicker=fields["kicker"],
        body=body,
        source=fields["source"] or dateline.outlet or outlet_of_url(fields["url"]),
        url=fields["url"],
        path=f"{where}:{line}",
        dateline=dateline.place,
    )
    yield from _with_date(article, fields["date"], where, line, order)


def jsonl_line(line: str, where: str, number: int, order: str | None = None) -> Iterator[ReadItem]:
    """The article of one JSON line, or the problem with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        yield Problem(where, f"malformed JSON ({err.msg}); skipped", number)
        return
    except RecursionError:
        yield Problem(where, "JSON nested too deep to read; skipped", number)
        return
    except ValueError as err:  # a number of thousands of digits, say
        yield Problem(where, f"JSON value out of range ({str(err)[:80]}); skipped", number)
        return
    if not isinstance(record, dict):
        kind = type(record).__name__
        yield Problem(where, f"JSON {kind}, not an article object; skipped", number)
        return
    yield from _record_article(record, where, number, order)


def csv_articles(text: str, where: str, delimiter: str) -> Iterator[ReadItem]:
    """Rows of a CSV file with a header. A row csv cannot read (a quote opened and never
    closed, say) is one problem; reading goes on from the line after it starts."""
    lines = text.splitlines(keepends=True)
    try:
        header = next(csv.reader(lines[:1], delimiter=delimiter), [])
    except csv.Error as err:
        yield Problem(where, f"malformed CSV header ({err}); skipped", 1)
        return
    columns = [(c or "").strip().lower() for c in header]
    if not set(columns) & set(FIELD_ALIASES["body"]):
        names = ", ".join(FIELD_ALIASES["body"])
        yield Problem(where, f"CSV header has no body column (one of: {names}); skipped", 1)
        return
    for name in sorted({c for c in columns if c and columns.count(c) > 1}):
        places = ", ".join(str(i + 1) for i, c in enumerate(columns) if c == name)
        note = f"column {name!r} appears more than once (columns {places}); the first is used"
        yield Problem(where, note, 1, "warning")
    rows: list[tuple[dict[str, str], int] | Problem] = []
    start = 1  # index into ``lines`` of the first line not yet read
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter, strict=True)
        row_line = start + 1
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    record: dict[str, str] = {}
                    for name, value in zip(columns, row, strict=False):
                        record.setdefault(name, value)
                    rows.append((record, row_line))
                row_line = start + reader.line_num + 1
            break
        except csv.Error as err:
            rows.append(Problem(where, f"malformed CSV row ({err}); skipped", row_line))
            start = row_line  # the line after the bad row's first line
    # one way of reading slashed dates for the whole file, from all its dates
    dates = (str(_pick(r[0], "date") or "") for r in rows if not isinstance(r, Problem))
    order, note = slash_order(dates)
    if note:
        yield Problem(where, note, kind="warning")
    for item in rows:
        if isinstance(item, Problem):
            yield item
        else:
            yield from _record_article(item[0], where, item[1], order)
