"""Turn what a person types into a query tree (``searcher.query.tree``).

The syntax, kept small and forgiving:

- words: every word must match (in the headline, kicker, body or entities);
- ``"a phrase"``: the words in that order;
- ``-word``, ``-"a phrase"``, ``NOT word``: leave out articles that have it;
- ``a OR b``: either;
- ``headline:word``, ``kicker:``, ``body:``: a word or phrase in that field only;
- ``entity:"Vladimir Putin"``, ``person:``, ``place:``, ``org:``: articles naming it;
- ``source:kumparan``; ``date:2022-06..2022-07``, ``date:2022``, ``date:..2021-12-31``.

Nothing here raises on odd input: an unknown field prefix is read as plain words, a
date that makes no sense is dropped with a note, stray quotes and brackets are text.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import cache

from searcher.query.tree import (
    NOTHING,
    All,
    DateRange,
    FieldWord,
    Keyword,
    Node,
    Not,
    Phrase,
    Word,
    all_of,
    any_of,
    ranks,
    render,
)  # fmt: skip
from searcher.settings import DEFAULT, Limits, Settings
from searcher.vocabulary import ENTITY_FIELDS

FIELD_ALIASES = {
    "headline": "headline", "title": "headline", "judul": "headline",
    "kicker": "kicker", "body": "body", "isi": "body",
    "entity": "entity", "entitas": "entity",
    "person": "person", "orang": "person", "tokoh": "person",
    "place": "place", "tempat": "place", "lokasi": "place",
    "org": "org", "organisasi": "org",
    "source": "source", "sumber": "source",
    "date": "date", "tanggal": "date",
}  # fmt: skip
TEXT_FIELDS = {"headline", "kicker", "body"}
NAME_FIELDS = {"entity", "person", "place", "org"}




@cache
def _analysers():
    """The Indonesian analyser, the names analyser and the source-word analyser, built on
    the first parse: they are Whoosh pipelines, and importing the parser (or a record
    that names its types) should not load Whoosh."""
    from whoosh.analysis import SimpleAnalyzer

    from searcher.text.analysis import analyze, names_analyzer

    return analyze, names_analyzer(), SimpleAnalyzer()


def analyze(text: str) -> list[str]:
    """``searcher.text.analysis.analyze``, loaded on first use."""
    return _analysers()[0](text)
_TOKEN = re.compile(r'(-?)(?:(\w+):)?("([^"]*)"?|\S+)')


@dataclass
class ParsedQuery:
    """A query ready to run: the strict tree, the forgiving fallback, and what to mark."""

    text: str
    #: Every word (and filter) must match.
    tree: Node
    #: Any of the word groups (with every filter), tried when nothing matches ``tree``;
    #: None when the query has fewer than two word groups.
    fallback: Node | None = None
    #: Index terms (stems) whose occurrences snippets mark.
    terms: set[str] = field(default_factory=set)
    notes: list[Note] = field(default_factory=list)

    @property
    def has_words(self) -> bool:
        """True when the query has words to rank by, not only filters."""
        return ranks(self.tree)

    @property
    def understood(self) -> str:
        """How the query reads: ``a AND b NOT c`` ("" when nothing was searched for)."""
        return render(self.tree)

    @property
    def understood_any(self) -> str:
        """How the any-word fallback reads: ``a OR b NOT c``."""
        return "" if self.fallback is None else render(self.fallback)




def _word_query(terms: list[str], weight: float = 1.0, label: str = "") -> Node:
    """A word (or phrase) looked up across the searchable fields."""
    if len(terms) == 1:
        return Word(terms[0], weight, label)
    return Phrase(tuple(terms), None, weight, label)


def _with_aliases(clause: Node, typed: str, aliases, marked: set[str], weight: float) -> Node:
    """``clause`` or any other name of the entity ``typed`` names, weighted a little less."""
    if aliases is None:
        return clause
    others = [f for f in aliases.all_forms(typed) if f.casefold() != typed.casefold()]
    alternatives = []
    for form in others:
        terms = analyze(form)
        if terms:
            marked.update(terms)
            alternatives.append(_word_query(terms, weight))
    return any_of(clause, *alternatives, label=clause.label) if alternatives else clause


def word_union(terms: list[str]) -> Node:
    """Articles with any of these index terms (stems), each looked up in every searchable
    field and ranked with BM25F: what a related-stories query is."""
    return any_of(*(Word(term) for term in terms))


def source_words(value: str) -> list[str]:
    """An outlet's name as the ``source`` field indexes it (``detik.com`` stays one word)."""
    return [t.text for t in _analysers()[2](value)]


def _name_key(value: str) -> str:
    """A name as the entity fields index it (the names analyzer's first token)."""
    return next((t.text for t in _analysers()[1](value.replace(",", " "))), "")


def _filter_query(name: str, value: str, aliases, label: str) -> Node | None:
    """An entity (by every one of its names) or an outlet (by every word of its name)."""
    if name in NAME_FIELDS:
        shown = re.match(r"^(.+?) \(([^()]+)\)$", value.strip())  # a facet's "Name (Alias)"
        if shown and aliases is not None and aliases.all_forms(shown.group(1)) != [shown.group(1)]:
            value = shown.group(1)
        forms = aliases.all_forms(value.strip()) if aliases is not None else [value]
        keys = list(dict.fromkeys(k for k in map(_name_key, [value, *forms]) if k))
        if not keys:
            return None
        # every name of the entity: person:Jokowi finds articles that say Joko Widodo;
        # entity: is any of the three labels
        fields = ENTITY_FIELDS.values() if name == "entity" else (name,)
        return any_of(*(Keyword(f, key) for key in keys for f in fields), label=label)
    # every word of the outlet's name: source:cnn, source:"CNN Indonesia", source:detik.com
    words = source_words(value)
    if not words:
        return None
    return all_of(*(Keyword(name, w) for w in words), label=label)


def _text_field_query(
    name: str, value: str, quoted: bool, label: str
) -> tuple[Node | None, list[str]]:
    """A word or phrase in one text field (``headline:``, ``body:``)."""
    terms = analyze(value)
    if not terms:
        return None, []
    if len(terms) == 1:
        return FieldWord(name, terms[0], label), terms
    if quoted:
        return Phrase(tuple(terms), name, 1.0, label), terms
    return All(tuple(FieldWord(name, t) for t in terms), label), terms


_DATE_PART = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _date_bound(text: str, end: bool) -> datetime | None:
    """The first (or last) moment of a year, month or day written ``YYYY[-MM[-DD]]``."""
    m = _DATE_PART.match(text)
    if not m:
        raise ValueError(text)
    year = int(m.group(1))
    month = int(m.group(2) or (12 if end else 1))
    if m.group(3):
        day = int(m.group(3))
    else:
        day = calendar.monthrange(year, month)[1] if end and 1 <= month <= 12 else 1
    if end:
        return datetime(year, month, day, 23, 59, 59)
    return datetime(year, month, day)


class Note(str):
    """Something the parser did that the person should know: English text, plus a
    ``kind`` and ``value`` so a page can say it in its own language."""

    kind: str
    value: str

    def __new__(cls, kind: str, value: str, text: str) -> Note:
        note = super().__new__(cls, text)
        note.kind, note.value = kind, value
        return note


def date_range(value: str) -> tuple[datetime | None, datetime | None, Note | None]:
    """The bounds of ``YYYY[-MM[-DD]]`` or ``start..end`` (either side open), or a note
    saying why the filter is ignored."""
    low, sep, high = value.partition("..")
    try:
        start = _date_bound(low, end=False) if low else None
        stop = _date_bound(high if sep else low, end=True) if (high or not sep) else None
    except ValueError:
        text = f"ignored date filter {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD, ranges with .."
        return None, None, Note("bad_date", value, text)
    if start is None and stop is None:
        return None, None, Note("bad_date", value, f"ignored empty date filter {value!r}")
    if start and stop and start > stop:
        text = f"ignored date filter {value!r}: it ends before it starts"
        return None, None, Note("date_order", value, text)
    return start, stop, None


def parse(text: str, aliases=None, settings: Settings = DEFAULT) -> ParsedQuery:
    """Parse a person's query; never raises. ``aliases`` (a ``searcher.names.aliases.AliasTable``)
    lets a name find the entity's other names too, weighted ``settings.ranking.alias_weight``;
    a query longer than ``settings.limits.max_query_chars`` is cut, with a note."""
    notes: list[Note] = []
    most = settings.limits.max_query_chars
    alias_weight = settings.ranking.alias_weight
    if len(text) > most:
        cut = text[: most + 1].rsplit(None, 1)[0] if " " in text else ""
        text = cut if len(cut) > most // 2 else text[:most]
        notes.append(Note("cut", f"{len(text)}", f"query cut to its first {len(text)} characters"))
    groups: list[list[Node]] = []  # OR-groups of positive clauses
    filters: list[Node] = []
    excluded: list[Node] = []
    marked: set[str] = set()
    skipped_words: list[str] = []
    join_next = negate_next = False
    for m in _TOKEN.finditer(text):
        minus, prefix, raw, quoted_text = m.group(1), m.group(2), m.group(3), m.group(4)
        quoted = quoted_text is not None
        value = quoted_text if quoted else raw
        if not prefix and not quoted and not minus:
            if raw == "OR":
                join_next = bool(groups)
                continue
            if raw == "AND":
                continue
            if raw == "NOT":
                negate_next = True
                continue
        if prefix and not quoted and value.startswith("-") and len(value) > 1:
            minus, value = "-", value[1:]  # ``isi:-jakarta`` leaves jakarta out of the body
        negate = bool(minus) or negate_next
        negate_next = False
        name = FIELD_ALIASES.get(prefix.lower()) if prefix else None
        if prefix and name is None:
            value = f"{prefix} {value}"  # an unknown prefix is just more words
            notes.append(Note("field", prefix, f"no field {prefix!r}; searched as words"))
        if name == "date":
            start, stop, note = date_range(value)
            if note is not None:
                notes.append(note)
            else:
                (excluded if negate else filters).append(DateRange(start, stop, f"date:{value}"))
            continue
        if name in NAME_FIELDS or name == "source":
            label = f'{name}:"{value.strip()}"' if quoted else f"{name}:{value.strip()}"
            clause = _filter_query(name, value, aliases, label)
            if clause is not None:
                (excluded if negate else filters).append(clause)
            continue
        typed = " ".join(value.split())
        if name in TEXT_FIELDS:
            label = f"{name}:" + (f'"{typed}"' if quoted else typed)
            clause, terms = _text_field_query(name, value, quoted, label)
        else:
            terms = analyze(value)
            if not terms:
                if re.search(r"[^\W\d_]", typed):  # words, not punctuation alone
                    skipped_words.append(typed)
                continue  # only stopwords or punctuation
            if quoted and len(terms) > 1:
                phrase = _word_query(terms, label=f'"{typed}"')
                clause = _with_aliases(phrase, typed, aliases, marked, alias_weight)
            elif len(terms) == 1:
                clause = _with_aliases(
                    Word(terms[0], label=typed), typed, aliases, marked, alias_weight
                )
            else:
                clause = All(tuple(Word(term) for term in terms), typed)
        if clause is None:
            continue
        if negate:
            excluded.append(clause)
            join_next = False
            continue
        marked.update(terms)
        if join_next and groups:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        join_next = False

    positives = [any_of(*group) for group in groups]
    banned = tuple(Not(clause) for clause in excluded)
    if not positives and not filters:
        tree = All(banned) if banned else NOTHING
        if not banned and skipped_words:
            words = ", ".join(dict.fromkeys(w.lower() for w in skipped_words))
            text = f"only words too common to search for: {words}"
            notes.append(Note("stopwords", words, text))
    else:
        tree = all_of(*positives, *filters, *banned)
    fallback = None
    if len(positives) > 1:
        fallback = all_of(any_of(*positives), *filters, *banned)
    return ParsedQuery(text, tree, fallback, marked, notes)


#: Structured filters ``Archive.search(filters=...)`` takes besides ``date``.
FILTER_FIELDS = ("person", "place", "org", "entity", "source")


def _as_bound(value: object, end: bool) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.max if end else time.min)
    if isinstance(value, str):
        try:
            return _date_bound(value.strip(), end)
        except ValueError:
            pass
    raise ValueError(f"date filter bounds must be dates or 'YYYY[-MM[-DD]]', not {value!r}")


#: Filters an article has one value of: a list of values means any of them.
SINGLE_VALUED = frozenset({"source", "date"})


def _bounded_list(name: str, values, limits: Limits) -> list:
    if len(values) > limits.max_filter_values:
        raise ValueError(f"at most {limits.max_filter_values} values for the {name} filter")
    return list(values)


def _date_clause(value: object) -> Node | None:
    """One period of a list of dates (``2017``, ``2017-03..2017-05``), or a clear error."""
    if not isinstance(value, str):
        raise TypeError("a list of dates holds 'YYYY[-MM[-DD]][..YYYY[-MM[-DD]]]' strings")
    start, stop, note = date_range(value.strip())
    if note is not None:
        raise ValueError(f"date filter: {note}")
    if not (start or stop):
        return None
    shown = [bound.date().isoformat() if bound else "" for bound in (start, stop)]
    return DateRange(start, stop, f"date:{shown[0]}..{shown[1]}")


def narrow(
    parsed: ParsedQuery,
    filters: Mapping[str, object],
    aliases=None,
    limits: Limits = DEFAULT.limits,
) -> ParsedQuery:
    """``parsed`` with structured filters added: ``{"person": ["Joko Widodo"],
    "source": "kumparan", "date": ("2017-01", "2017-03")}``. Every filter must match.
    An article has one source and one date, so a list of sources (``["kumparan",
    "cnn"]``) or of periods (``["2016", "2018-05"]``; a tuple is a pair of bounds) means
    any of them; it names many entities, so a list of names means all of them (any of
    them is the query ``person:"A" OR person:"B"``).

    Filters are not query text: they are bounded on their own and never cut with it.
    Raises ``ValueError``/``TypeError`` naming a filter that makes no sense.
    """
    clauses: list[Node] = []
    for name, value in filters.items():
        if name == "date" and isinstance(value, list):
            periods = [_date_clause(period) for period in _bounded_list(name, value, limits)]
            if periods := [p for p in periods if p is not None]:
                clauses.append(any_of(*periods, label=" OR ".join(p.label for p in periods)))
            continue
        if name == "date":
            if isinstance(value, str):
                start, stop, note = date_range(value.strip())
                if note is not None:
                    raise ValueError(f"date filter: {note}")
            elif isinstance(value, (tuple, list)) and len(value) == 2:
                start, stop = _as_bound(value[0], False), _as_bound(value[1], True)
            else:
                raise TypeError("the date filter is 'YYYY[-MM[-DD]][..YYYY[-MM[-DD]]]' or a pair")
            if start or stop:
                shown = [bound.date().isoformat() if bound else "" for bound in (start, stop)]
                clauses.append(DateRange(start, stop, f"date:{shown[0]}..{shown[1]}"))
            continue
        if name not in FILTER_FIELDS:
            known = ", ".join((*FILTER_FIELDS, "date"))
            raise ValueError(f"no filter {name!r}; filters are {known}")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise TypeError(f"the {name} filter takes a name or a list of names")
        found = []
        for text in _bounded_list(name, values, limits):
            text = text.strip()[: limits.max_filter_chars]
            clause = _filter_query(name, text, aliases, f'{name}:"{text}"')
            if clause is not None:
                found.append(clause)
        if name in SINGLE_VALUED and len(found) > 1:
            found = [any_of(*found, label=" OR ".join(c.label for c in found))]
        clauses.extend(found)
    if not clauses:
        return parsed

    def with_filters(tree: Node | None) -> Node | None:
        if tree is None:
            return None
        if tree == NOTHING:
            return all_of(*clauses)
        parts = tree.children if isinstance(tree, All) and not tree.label else (tree,)
        positive = [p for p in parts if not isinstance(p, Not)]
        banned = [p for p in parts if isinstance(p, Not)]
        return all_of(*positive, *clauses, *banned)

    return replace(parsed, tree=with_filters(parsed.tree), fallback=with_filters(parsed.fallback))
