"""Write every match of a query to CSV or JSON Lines, one article at a time.

CSV is for spreadsheets, which run a cell that starts with ``=``, ``+``, ``-`` or ``@``
(or their fullwidth forms) as a formula (CSV injection). A spreadsheet may split the
file on ``;`` or tab instead of ``,`` (Excel with Indonesian regional settings), so
every place such a split could start a cell gets an apostrophe before the formula
character, which spreadsheets show as text and do not display; text cells are all
quoted, and entity lists are joined with `` | ``, which splits in no convention.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from searcher.archive import Hit
from searcher.article import has_time
from searcher.errors import SearcherError

#: The columns of an export, in order.
COLUMNS = ("id", "date", "headline", "source", "url", "score", "people", "places",
           "organisations", "snippet")  # fmt: skip
FORMATS = ("csv", "jsonl")
#: A cell, or a piece a split on ``,``, ``;``, tab or a line end would make, starting
#: (after spaces) with one of these runs as a formula.
_FORMULA = re.compile(r"(^|[,;\t\r\n])(\s*)([=+\-@＝＋－＠])")
#: Between the names of an entity list: splits on neither ``,`` nor ``;``.
NAME_SEPARATOR = " | "


def row(hit: Hit) -> dict[str, object]:
    """One export row: what a researcher files about an article."""
    return {
        "id": hit.id,
        "date": _date_text(hit),
        "headline": hit.headline,
        "source": hit.source,
        "url": hit.url,
        "score": round(hit.score, 4),
        "people": NAME_SEPARATOR.join(hit.entities.get("PER", [])),
        "places": NAME_SEPARATOR.join(hit.entities.get("LOC", [])),
        "organisations": NAME_SEPARATOR.join(hit.entities.get("ORG", [])),
        "snippet": hit.snippet,
    }


def _date_text(hit: Hit) -> str:
    """``2017-03-28``, with a time only when the archive gave one."""
    if hit.date is None:
        return hit.date_text
    if not has_time(hit.date):
        return hit.date.date().isoformat()
    return hit.date.isoformat(timespec="minutes")


def safe_cell(value: object) -> object:
    """A cell no spreadsheet will run as a formula, whichever character it splits on."""
    if isinstance(value, str):
        return _FORMULA.sub(r"\1\2'\3", value)
    return value


class _Lines:
    """A file-like sink for ``csv.writer`` that hands each written line back."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines.append(text)
        return len(text)


def csv_lines(hits: Iterable[Hit]) -> Iterator[str]:
    """The CSV export, a line (header first) at a time: streams to a file or a response."""
    sink = _Lines()
    csv.writer(sink).writerow(COLUMNS)  # the header as plain words
    writer = csv.writer(sink, quoting=csv.QUOTE_NONNUMERIC)  # every text cell quoted
    yield from sink.lines
    for hit in hits:
        sink.lines.clear()
        writer.writerow([safe_cell(value) for value in row(hit).values()])
        yield from sink.lines


def jsonl_lines(hits: Iterable[Hit]) -> Iterator[str]:
    """The JSON Lines export, an article a line."""
    for hit in hits:
        yield json.dumps(row(hit), ensure_ascii=False) + "\n"


def write(hits: Iterable[Hit], out: TextIO, fmt: str) -> int:
    """Write ``hits`` to ``out`` as ``csv`` or ``jsonl``; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    written = 0

    def counted(source: Iterable[Hit]) -> Iterator[Hit]:
        nonlocal written
        for hit in source:
            written += 1
            yield hit

    lines = csv_lines(counted(hits)) if fmt == "csv" else jsonl_lines(counted(hits))
    for line in lines:
        out.write(line)
    return written


class ExportFailed(SearcherError):
    """An export that could not be written (a bad suffix, a full disk, a read-only folder)."""


def export_file(hits: Iterable[Hit], path: Path) -> int:
    """Every hit to ``path`` (CSV or JSON Lines by its suffix), streamed, written beside
    and renamed: a failed export leaves no half file. How many articles it wrote."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportFailed(f"{path}: export to a .csv or .jsonl file")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            count = write(hits, out, fmt)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ExportFailed(f"cannot write {path}: {err.strerror or err}") from err
    return count
