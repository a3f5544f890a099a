"""Dates as news archives write them: ISO 8601, ``10/21/2025 20:43``, Indonesian prose.

A hand-written parser rather than ``dateparser``: archives use a handful of shapes,
and this is a few dozen lines that run in microseconds with no data files to load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "pebruari": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agus": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip

_TIME = r"(?:\s*(?:pukul\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME)
_WORDY = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})" + _TIME)
_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME)


def _build(year: str, month: int, day: str, hh: str | None, mm: str | None, ss: str | None):
    try:
        return datetime(int(year), month, int(day), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None


#: Orders a slashed date (``05/06/2025``) can be read in: day first, month first.
SLASH_ORDERS = ("dmy", "mdy")


def slash_order(values: Iterable[str]) -> tuple[str, str | None]:
    """How one file writes slashed dates, decided from all its values, and a note when
    that is a guess.

    A first number above 12 means day first (``13/06/2025``); a second above 12 means
    month first (Detik's ``10/21/2025 20:43``); with no such value, Indonesian day
    first. A file that shows both is read the way most of its values say.
    """
    day_first = month_first = seen = 0
    for value in values:
        m = _SLASHED.match((value or "").strip())
        if not m:
            continue
        seen += 1
        a, b = int(m.group(1)), int(m.group(2))
        day_first += a > 12
        month_first += b > 12
    if not seen:
        return "dmy", None
    if day_first and month_first:
        order = "mdy" if month_first > day_first else "dmy"
        note = (
            f"dates are written both day first ({day_first:,}) and month first "
            f"({month_first:,}); read as {'month' if order == 'mdy' else 'day'} first, "
            "the others kept as text"
        )
        return order, note
    if month_first:
        return "mdy", None
    if day_first:
        return "dmy", None
    return "dmy", f"{seen:,} dates like 05/06/2025 could be either order; read day first"


def parse_date(text: str, order: str | None = None) -> datetime | None:
    """A naive datetime (the archive's local time) for ``text``, or None when unparseable.

    A slashed date is read in ``order`` (``dmy`` or ``mdy``, decided once per file by
    ``slash_order``); with no order given, day first unless the second number cannot be
    a month (``10/21/2025``).
    """
    text = (text or "").strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(iso)
        return parsed.replace(tzinfo=None)
    except ValueError:
        pass
    m = _SLASHED.match(text)
    if m:
        a, b, year, hh, mm, ss = m.groups()
        if order is None:
            order = "mdy" if int(b) > 12 else "dmy"
        month, day = (int(a), b) if order == "mdy" else (int(b), a)
        return _build(year, month, day, hh, mm, ss)
    m = _WORDY.search(text)
    if m and m.group(2).lower() in MONTHS:
        day, month, year, hh, mm, ss = m.groups()
        return _build(year, MONTHS[month.lower()], day, hh, mm, ss)
    m = _MONTH_FIRST.search(text)
    if m and m.group(1).lower() in MONTHS:
        month, day, year, hh, mm, ss = m.groups()
        return _build(year, MONTHS[month.lower()], day, hh, mm, ss)
    return None


_DATE_LINE = re.compile(
    r"^(?:(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\s*,?\s*)?"
    r"(?:\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*pukul)?[\sT0-9:.,+\-]*(?:wib|wita|wit|utc|gmt)?\s*$",
    re.IGNORECASE,
)


def looks_like_date_line(line: str) -> bool:
    """True for a line of a scraped page that holds only a dateline."""
    return bool(_DATE_LINE.match(line.strip())) and parse_date(line) is not None
