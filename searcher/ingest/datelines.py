"""The dateline that opens a wire or outlet story, and the outlet a URL names.

Leads start ``Jakarta, CNN Indonesia - -``, ``JAKARTA (Pos Kota) –``, ``Serang, Banten
(ANTARA News) -``, ``Merdeka.com -`` or ``JUARA.NET, TOKYO -``. That is metadata, not
the story: left in the body it became the headline of archives without titles, the first
words of every snippet and the top "organisations" of the facets. ``split_dateline``
takes it off and says which place and outlet it named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Outlets that write their name in datelines without a domain or brackets.
KNOWN_OUTLETS = (
    "CNN Indonesia", "CNBC Indonesia", "ANTARA News", "ANTARA", "Antaranews", "Rimanews",
    "Kompas", "KOMPAS", "Tempo", "TEMPO", "Detik", "detikcom", "detikNews", "Liputan6",
    "Okezone", "Tribunnews", "Republika", "Kontan", "Bisnis", "Sindonews", "VIVA",
    "Pos Kota", "Suara", "Merdeka", "kumparan", "Jawa Pos", "JPNN", "Bola", "Juara",
)  # fmt: skip
#: Display names of outlets whose domain says less (``cnnindonesia.com``).
OUTLET_NAMES = {
    "cnnindonesia": "CNN Indonesia", "cnbcindonesia": "CNBC Indonesia",
    "antaranews": "ANTARA News", "poskotanews": "Pos Kota", "rimanews": "Rimanews",
    "kompas": "Kompas", "tempo": "Tempo", "liputan6": "Liputan6", "okezone": "Okezone",
    "tribunnews": "Tribunnews", "republika": "Republika", "kontan": "Kontan",
    "sindonews": "Sindonews", "suara": "Suara", "merdeka": "Merdeka", "jpnn": "JPNN",
    "jawapos": "Jawa Pos", "goal": "Goal", "juara": "Juara", "bolasport": "BolaSport",
}  # fmt: skip

_OUTLET_WORDS = {name.lower() for name in KNOWN_OUTLETS}
_DOMAIN = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|id|co\.id|org)$", re.I)
#: The dateline: up to 60 characters, then one or two dashes.
_HEAD = re.compile(r"^\s*([^\n!?\"“]{2,60}?)\s*[-–—](?:\s*[-–—])?\s*")
_BRACKETED = re.compile(r"^(.*?)\s*\(([^()]{2,30})\)$")
_PLACE = re.compile(r"^[A-Z][A-Za-z'’.-]*(?: [A-Za-z][A-Za-z'’.-]*){0,3}$")
#: Detik without its name: ``Jakarta- Komedian …``, the dash glued to the place and a
#: capitalised word after (``Go - Jek`` and ``Baru - baru`` have a space before the dash).
_GLUED_DASH = re.compile(r"^\s*[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}[-–—]\s+[A-Z\"“]")


@dataclass(frozen=True)
class Dateline:
    """What a dateline said: the place written from and the outlet."""

    place: str = ""
    outlet: str = ""


def _is_outlet(part: str) -> bool:
    return bool(_DOMAIN.match(part)) or part.lower() in _OUTLET_WORDS


def _place(part: str) -> str:
    """``JAKARTA`` -> ``Jakarta``; a place keeps its own capitals otherwise."""
    return part.title() if part.isupper() else part


def split_dateline(text: str) -> tuple[Dateline | None, str]:
    """The dateline at the start of ``text`` and the text after it; ``(None, text)``
    when the text does not open with one (``Go - Jek`` and ``Baru - baru`` do not)."""
    m = _HEAD.match(text)
    if not m:
        return None, text
    head = " ".join(m.group(1).split())
    places: list[str] = []
    outlet = ""
    for part in (p.strip() for p in head.split(",")):
        bracketed = _BRACKETED.match(part)
        if bracketed:
            part, outlet = bracketed.group(1).strip(), bracketed.group(2).strip()
            if not part:
                continue
        if _is_outlet(part):
            outlet = outlet or part
        elif _PLACE.match(part):
            places.append(_place(part))
        else:
            return None, text
    alone = len(places) == 1 and (head.isupper() and len(head) >= 3 or _GLUED_DASH.match(text))
    if not outlet and not alone:
        return None, text  # a capitalised word and a dash is not enough
    return Dateline(", ".join(places), outlet), text[m.end() :]


def outlet_of_url(url: str) -> str:
    """The outlet a news URL's domain names: ``https://news.detik.com/…`` -> ``detik``,
    ``cnnindonesia.com`` -> ``CNN Indonesia``; ``""`` for no URL."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2:
        return ""
    if labels[-2] in ("co", "or", "go", "ac", "web", "my") and len(labels) >= 3:
        name = labels[-3]  # kompas.co.id
    else:
        name = labels[-2]
    return OUTLET_NAMES.get(name, name)
