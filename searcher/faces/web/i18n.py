"""The page's Indonesian: its words for orders, filters and the parser's notes, and
Indonesian dates."""

from __future__ import annotations

import re
from datetime import date

from searcher.article import has_time
from searcher.results import Period

#: Facet filters the page adds as URL parameters, in the order the page shows them,
#: with the Indonesian title of each column.
FILTERS = {"person": "Tokoh", "place": "Tempat", "org": "Organisasi"}
FACET_LABELS = {"PER": "person", "LOC": "place", "ORG": "org"}
#: What a filter's chip says.
CHIP_LABELS = {**FILTERS, "source": "Sumber", "date": "Tanggal"}
#: The page's own words for what the parser noted (``searcher.query.parse.Note.kind``).
NOTES_ID = {
    "cut": "Kueri dipotong menjadi {value} karakter pertamanya.",
    "field": "Tidak ada kolom “{value}:”; dicari sebagai kata biasa.",
    "bad_date": "Filter tanggal “{value}” diabaikan: tulis TTTT, TTTT-BB atau TTTT-BB-HH, "
    "rentang dengan “..”.",
    "date_order": "Filter tanggal “{value}” diabaikan: tanggal akhirnya sebelum tanggal awal.",
    "stopwords": "Hanya kata yang terlalu umum untuk dicari: {value}.",
}
#: Orders the page offers, with their Indonesian names.
SORTS_ID = {"relevance": "Relevansi", "newest": "Terbaru", "oldest": "Terlama"}

#: Indonesian month names, for dates on the page.
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")  # fmt: skip
#: Their short forms, for a chart's labels.
MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


class BadRequest(ValueError):
    """A request parameter out of bounds: English for the API, Indonesian for the page."""

    def __init__(self, message: str, pesan: str) -> None:
        super().__init__(message)
        self.pesan = pesan


def indonesian_date(moment, long: bool = False) -> str:
    """``28 Mar 2017`` (``28 Maret 2017, 14.30`` long), with no time the archive did not give."""
    month = BULAN[moment.month - 1]
    text = f"{moment.day} {month if long else month[:3]} {moment.year}"
    if long and has_time(moment):
        text += f", {moment.hour:02d}.{moment.minute:02d}"
    return text


def catatan(note) -> str:
    """What the parser noted, in Indonesian (its English when the page has no words)."""
    template = NOTES_ID.get(getattr(note, "kind", ""))
    return template.format(value=note.value) if template else str(note)


def short_label(period: Period, per: str) -> str:
    """``28 Mar``, ``Mar 2017`` or ``2017``: what a bar is called on the page."""
    if per == "day":
        return f"{period.start.day} {MONTHS_ID[period.start.month - 1]}"
    if per == "month":
        return f"{MONTHS_ID[period.start.month - 1]} {period.start.year}"
    return str(period.start.year)


#: The parser's words, as the page says them (``searcher.query.parse`` renders English).
OPERATORS_ID = {"AND": "DAN", "OR": "ATAU", "NOT": "TANPA"}
FIELDS_ID = {
    "person": "tokoh", "place": "tempat", "org": "organisasi", "entity": "entitas",
    "source": "sumber", "headline": "judul", "kicker": "kicker", "body": "isi",
}  # fmt: skip
_UNDERSTOOD = re.compile(
    r'(?P<quoted>"[^"]*")|(?P<date>date:(?P<start>[\d-]*)\.\.(?P<stop>[\d-]*))'
    r"|(?P<field>\b(?:" + "|".join(FIELDS_ID) + r"):)|(?P<op>\b(?:AND|OR|NOT)\b)"
)


def _day(text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def understood_id(understood: str) -> str:
    """How a query was understood, in the page's Indonesian: ``Jokowi DAN tokoh:"Prabowo"
    TANPA banjir``, ``tanggal: 1 Jan 2025 – 31 Des 2025``; quoted names stay as typed."""

    def say(match: re.Match) -> str:
        if match.group("quoted"):
            return match.group("quoted")
        if match.group("date"):
            start, stop = _day(match.group("start")), _day(match.group("stop"))
            if start and stop:
                return f"tanggal: {start} – {stop}"
            return f"tanggal: sejak {start}" if start else f"tanggal: sampai {stop}"
        if match.group("field"):
            return FIELDS_ID[match.group("field")[:-1]] + ":"
        return OPERATORS_ID[match.group("op")]

    return _UNDERSTOOD.sub(say, understood)
