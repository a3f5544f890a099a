"""One person, one entity: the names news uses for the same person, place or organisation.

Sources of aliases, precision first (a wrong merge is worse than a split):

1. a shipped, hand-checked seed list (``data/aliases.tsv``: ``Jokowi``, ``SBY``,
   ``Ahok``, ``Gus Dur``, outlets' acronyms) and the countries' Indonesian and English
   names (``data/country-aliases.tsv``, from pycountry's ISO 3166 translations);
2. the ways Indonesian news introduces a name, learned at index time from the articles
   (``learn``): ``Komisi Pemberantasan Korupsi (KPK)``, ``KPK (Komisi Pemberantasan
   Korupsi)`` (the acronym must spell the name's initials), ``Joko Widodo (Jokowi)``,
   ``Basuki Tjahaja Purnama alias Ahok``, ``... yang akrab disapa Ahok`` (the long form
   must be a name the tagger found in that article); ``X atau Y`` only for people, and
   only once two articles agree;
3. case variants (``JAKARTA``/``Jakarta``), merged where facets are counted.

The learned pairs live in the index folder (``aliases.json``) and are applied when
searching, so what later articles teach also holds for articles indexed before.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from searcher.names.facets import facet_line, split_facet_line

ALIASES_FILE = "aliases.json"
#: A pair learned from ``X atau Y`` (a weaker pattern) needs this many articles.
MIN_ATAU_ARTICLES = 2

_NAME = r"[A-Z][\w'.-]*(?: (?:[A-Z][\w'.-]*|bin|binti|van|de|dan|di|untuk|dari)){0,8}"
_PAREN_SHORT = re.compile(rf"({_NAME}) \(\s*([A-Z][\w.-]{{1,14}}(?: [A-Z][\w.-]*){{0,2}})\s*\)")
_PAREN_LONG = re.compile(r"\b([A-Z][A-Za-z]{1,9})\s*\(\s*([A-Z][^()]{5,80}?)\s*\)")
_INTRODUCED = re.compile(
    rf"({_NAME}),? (alias|atau|yang akrab disapa|yang biasa disapa|yang dikenal dengan "
    r"sapaan|yang akrab dipanggil) ([A-Z][\w'-]+(?: [A-Z][\w'-]+)?)"
)
_SMALL_WORDS = {"dan", "di", "untuk", "dari", "bin", "binti", "van", "de", "serta"}


def initials(name: str) -> str:
    """The letters an acronym of ``name`` is made of (``Komisi Pemberantasan Korupsi``
    -> ``KPK``), small words left out."""
    return "".join(w[0] for w in name.split() if w.lower() not in _SMALL_WORDS).upper()


#: Words an organisation's acronym may leave out (``Kementerian ESDM``, ``PT KAI``).
_GENERIC = {"kementerian", "kementrian", "pt", "partai", "universitas", "stadion"}


def _is_acronym(short: str, long: str) -> bool:
    """``KPK`` of ``Komisi Pemberantasan Korupsi``, ``ESDM`` of ``Kementerian Energi dan
    Sumber Daya Mineral`` (a generic first word may be left out)."""
    short = short.replace(".", "")
    if not (short.isupper() and len(short) >= 2):
        return False
    letters = initials(long)
    if letters == short:
        return True
    first = long.split()[0].lower()
    return first in _GENERIC and letters[1:] == short


def _is_clipping(short: str, long: str) -> bool:
    """``Kemenkeu`` of ``Kementerian Keuangan``, ``Sulsel`` of ``Sulawesi Selatan``: the
    short name is the starts of the long name's words, in order."""
    rest = short.lower()
    for word in long.lower().split():
        if not rest:
            break
        n = len(rest)
        while n >= 2 and not word.startswith(rest[:n]):
            n -= 1
        if n < 2:
            return False
        rest = rest[n:]
    return not rest


def _entity_ending(text: str, names: dict[str, str]) -> tuple[str, str] | None:
    """The longest tagged name ``text`` ends with (honorifics before it are not part of
    it: ``Presiden Joko Widodo`` -> ``Joko Widodo``), and its label."""
    found = [(n, label) for n, label in names.items() if text == n or text.endswith(" " + n)]
    return max(found, key=lambda pair: len(pair[0])) if found else None


def learn(text: str, entities: dict[str, list[str]]) -> list[tuple[str, str, str, str]]:
    """``(label, long name, short name, pattern)`` for each name the article introduces
    by another, from the patterns in the module docstring."""
    names = {name: label for label, found in entities.items() for name in found}
    pairs = []
    for m in _PAREN_SHORT.finditer(text):
        long, short = m.group(1), m.group(2)
        tagged = _entity_ending(long, names)
        if _is_acronym(short, long):
            pairs.append((names.get(long, "ORG"), long, short, "acronym"))
        elif tagged and _is_acronym(short, tagged[0]):
            pairs.append((tagged[1], tagged[0], short, "acronym"))
        elif tagged and " " not in short and _is_clipping(short, tagged[0]):
            pairs.append((tagged[1], tagged[0], short, "clipping"))
        elif tagged and tagged[1] == "PER" and names.get(short) == "PER":
            # a person's other name, when the tagger calls both a person: Joko Widodo (Jokowi)
            pairs.append(("PER", tagged[0], short, "brackets"))
    for m in _PAREN_LONG.finditer(text):
        short, long = m.group(1), m.group(2)
        if _is_acronym(short, long):
            pairs.append((names.get(long, "ORG"), long, short, "acronym"))
    for m in _INTRODUCED.finditer(text):
        long, how, short = m.group(1), m.group(2), m.group(3)
        tagged = _entity_ending(long, names)
        if tagged and tagged[1] == "PER" and short not in tagged[0]:
            pairs.append(("PER", tagged[0], short, "atau" if how == "atau" else "alias"))
    return pairs


def _fold(name: str) -> str:
    """How names are compared: case folded, except short acronyms (``MA`` is not ``Ma``)."""
    name = " ".join(name.split())
    return name if name.isupper() and len(name) <= 6 else name.casefold()


@lru_cache(maxsize=1)
def seed_groups() -> tuple[tuple[str, ...], ...]:
    """Hand-checked groups of names (first: the name shown), seeds and countries."""
    groups = []
    for data in ("aliases.tsv", "country-aliases.tsv"):
        text = resources.files("searcher").joinpath(f"data/{data}").read_text("utf-8")
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                groups.append(tuple(n.strip() for n in line.split("\t") if n.strip()))
    return tuple(groups)


@dataclass
class AliasTable:
    """Which names stand for one entity, and the name each is shown under."""

    canonical: dict[str, str] = field(default_factory=dict)  # folded name -> shown name
    forms: dict[str, list[str]] = field(default_factory=dict)  # shown name -> all names

    def add_group(self, names: Iterable[str]) -> None:
        """Merge ``names`` (the first is shown) with any group one of them is in."""
        names = [n for n in names if n]
        if not names:
            return
        shown = next((self.canonical[_fold(n)] for n in names if _fold(n) in self.canonical),
                     names[0])  # fmt: skip
        merged = list(dict.fromkeys([shown, *self.forms.get(shown, []), *names]))
        for name in list(merged):
            old = self.canonical.get(_fold(name))
            if old and old != shown:
                merged.extend(f for f in self.forms.pop(old, []) if f not in merged)
        for name in merged:
            self.canonical[_fold(name)] = shown
        self.forms[shown] = merged

    def shown(self, name: str) -> str:
        """The name an entity is shown and counted under."""
        return self.canonical.get(_fold(name), name)

    def all_forms(self, name: str) -> list[str]:
        """Every name of the entity ``name`` names (``name`` alone when it has no other)."""
        return self.forms.get(self.shown(name), [name])

    def other_names(self, name: str, most: int = 3) -> list[str]:
        """The entity's names besides ``name``, for showing (not ``Joko Widodo (Jokowi)``,
        a form the tagger sometimes gives, which only repeats them)."""
        shown = self.shown(name)
        return [f for f in self.all_forms(name) if f != name and not f.startswith(f"{shown} (")][
            :most
        ]

    def label(self, name: str) -> str:
        """``Joko Widodo (Jokowi)``: the shown name with its other forms."""
        others = [f for f in self.all_forms(name) if _fold(f) != _fold(self.shown(name))]
        return f"{self.shown(name)} ({', '.join(others[:3])})" if others else self.shown(name)


def build_table(learned: dict[str, int], derived: Iterable[list[str]] = ()) -> AliasTable:
    """The seed groups plus the learned pairs (``"LABEL\\tlong\\tshort\\tpattern"`` ->
    articles): a short name claimed by two long names of comparable support is dropped;
    then ``derived``, what the archive's own names say (``from_names``)."""
    table = AliasTable()
    for group in seed_groups():
        table.add_group(group)
    claims: dict[str, Counter] = {}
    #: each folded short name as first written (``learned`` keeps insertion order)
    written: dict[str, str] = {}
    for key, count in learned.items():
        _, long, short, pattern = key.split("\t")
        folded = _fold(short)
        written.setdefault(folded, short)
        if pattern == "atau" and count < MIN_ATAU_ARTICLES:
            continue
        claims.setdefault(folded, Counter())[long] += count
    for short, longs in claims.items():
        (best, support), *rest = longs.most_common()
        if rest and rest[0][1] * 2 > support:
            continue  # ambiguous: two names claim it
        table.add_group([best, written[short]])
    for group in derived:
        if _fold(group[1]) not in table.canonical:  # a known alias is not taken over
            table.add_group(group)
    return table


def _read(index_dir: Path) -> dict:
    try:
        data = json.loads((index_dir / ALIASES_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_learned(index_dir: Path) -> dict[str, int]:
    """The pairs learned so far in this index folder (empty when none)."""
    return {k: int(v) for k, v in _read(index_dir).get("learned", {}).items()}


def read_derived(index_dir: Path) -> list[list[str]]:
    """The groups the archive's own names gave at its last indexing run."""
    return [g for g in _read(index_dir).get("derived", []) if isinstance(g, list)]


def write_aliases(index_dir: Path, learned: dict[str, int], derived: list[list[str]]) -> None:
    """Replace ``aliases.json`` atomically."""
    tmp = index_dir / f".{ALIASES_FILE}.{os.getpid()}.tmp"
    data = {"learned": learned, "derived": derived}
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")
    os.replace(tmp, index_dir / ALIASES_FILE)


#: A shorter name or an acronym is merged with a longer one the archive names this often.
MIN_LONG_ARTICLES = 2
#: A word that completes a name is written capitalised mid-sentence at least this often
#: (``Indrawati`` always; ``Bidang``, ``Sport`` and ``Jakarta`` complete no person).
NAME_WORD_SHARE = 0.95


#: Words of offices and forms of address that open a span the tagger took for a name.
_OFFICE_WORDS = {"kabid", "kabag", "kasat", "kasubag", "humas", "kang", "mas", "bung", "cak"}


def _plain_name(name: str) -> bool:
    """A person's name as the tagger should give it: Title-case words of two letters or
    more, no codes (``ESP Ducati Team``), digits, dashes, titles (``Kabid Humas``) or
    words only ever seen in places' names (``Ogan Komering``)."""
    from searcher.names.tagger import TITLES, _gazetteer

    words = name.split()
    if not all(len(w) >= 2 and w[0].isupper() and not w.isupper() and w.isalpha() for w in words):
        return False
    gazetteer = _gazetteer()

    def not_a_name_word(word: str) -> bool:
        labels = gazetteer.get(word.lower(), ())
        place = "LOC" in labels and "PER" not in labels
        return word.lower() in TITLES or word.lower() in _OFFICE_WORDS or place

    return not any(map(not_a_name_word, words))


def _name_like(word: str) -> bool:
    from searcher.names.tagger import _gazetteer
    from searcher.text.wordlists import capitalised_shares

    lower = word.lower()
    share = capitalised_shares().get(lower)
    return (
        share is not None and share >= NAME_WORD_SHARE and "LOC" not in _gazetteer().get(lower, ())
    )


def from_names(names: dict[str, int]) -> list[list[str]]:
    """Groups the archive's own names back (``"PER\\tName"`` -> articles naming it): a
    person's name of two or more words that only ever begins one longer name
    (``Sri Mulyani`` -> ``Sri Mulyani Indrawati``), and a person's initials that spell
    only one name (``SBY`` -> ``Susilo Bambang Yudhoyono``); the longer name must be
    named by ``MIN_LONG_ARTICLES`` articles."""
    people = [name for label, name in map(split_facet_line, names) if label == "PER"]
    long_names = [
        n for n in people if names[facet_line("PER", n)] >= MIN_LONG_ARTICLES and _plain_name(n)
    ]
    by_prefix: dict[str, list[str]] = {}
    by_initials: dict[str, list[str]] = {}
    for name in long_names:
        words = name.split()
        if len(words) == 3 and _name_like(words[2]):  # Sri Mulyani + Indrawati
            by_prefix.setdefault(" ".join(words[:2]), []).append(name)
        if len(words) >= 3:
            by_initials.setdefault(initials(name), []).append(name)
    groups = []
    for name in people:
        longer = by_prefix.get(name, [])
        if len(longer) == 1 and _plain_name(name):
            groups.append([longer[0], name])
        elif name.isupper() and 2 <= len(name) <= 4 and len(by_initials.get(name, [])) == 1:
            groups.append([by_initials[name][0], name])
    return groups
