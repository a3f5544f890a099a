"""Turn what a person types into Whoosh queries.

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

from whoosh import query as q
from whoosh.analysis import SimpleAnalyzer

from searcher import settings
from searcher.analysis import analyze, names_analyzer
from searcher.schema import SEARCH_FIELDS

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
MAX_QUERY_CHARS = 500


class Union(q.Or):
    """``Or`` that always unions sub-matchers as a tree.

    Ranking runs in ``searcher.evaluation``, which reads only the clauses; this
    matters where Whoosh itself runs the query (checking a spelling suggestion).
    Whoosh's automatic choice preloads every match of every clause into an array
    when a segment holds under 5,000 documents; the tree skips to the best ones.
    """

    matcher_type = q.Or.DEFAULT_MATCHER


class AnyField(Union):
    """One word looked up in every searchable field: ``searcher.evaluation`` scores it
    with BM25F (the field frequencies weighted and summed, then saturated once)."""


_NAMES = names_analyzer()
_SOURCE_WORDS = SimpleAnalyzer()
_TOKEN = re.compile(r'(-?)(?:(\w+):)?("([^"]*)"?|\S+)')


@dataclass
class ParsedQuery:
    """A query ready to run: the strict form, the forgiving fallback, and what to mark."""

    text: str
    all_words: q.Query
    any_words: q.Query | None
    #: Index terms (stems) whose occurrences snippets mark.
    terms: set[str] = field(default_factory=set)
    notes: list[Note] = field(default_factory=list)
    #: True when the query has words to rank by, not only filters.
    has_words: bool = True
    #: What the query keeps and leaves out, as a person typed it (``Jokowi``,
    #: ``person:"Joko Widodo"``); ``any_kept`` is what the any-word fallback keeps (the
    #: words joined by OR, then the filters), None when there is no fallback.
    kept: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    any_kept: list[str] | None = None

    @property
    def understood(self) -> str:
        """How the query reads: ``a AND b NOT c`` ("" when nothing was searched for)."""
        return _render(" AND ", self.kept, self.left_out)

    @property
    def understood_any(self) -> str:
        """How the any-word fallback reads: ``a OR b NOT c``."""
        return "" if self.any_kept is None else _render(" AND ", self.any_kept, self.left_out)


#: How much an article that names an entity only by another of its names (``Joko
#: Widodo`` for the query ``Jokowi``) counts against one that uses the name typed: a
#: little below an exact match.
ALIAS_WEIGHT = 0.8


def _word_query(terms: list[str], weight: float = 1.0) -> q.Query:
    """A word (or phrase) looked up across the searchable fields, each with its boost."""
    boosts = {name: settings.FIELD_BOOSTS[name] * weight for name in SEARCH_FIELDS}
    if len(terms) == 1:
        return AnyField([q.Term(name, terms[0], boost=boosts[name]) for name in SEARCH_FIELDS])
    return Union([q.Phrase(name, terms, boost=boosts[name]) for name in SEARCH_FIELDS])


def _with_aliases(clause: q.Query, typed: str, aliases, marked: set[str]) -> q.Query:
    """``clause`` or any other name of the entity ``typed`` names, weighted a little less."""
    if aliases is None:
        return clause
    others = [f for f in aliases.all_forms(typed) if f.casefold() != typed.casefold()]
    alternatives = []
    for form in others:
        terms = analyze(form)
        if terms:
            marked.update(terms)
            alternatives.append(_word_query(terms, ALIAS_WEIGHT))
    return Union([clause, *alternatives]) if alternatives else clause


def word_union(terms: list[str]) -> q.Query:
    """Articles with any of these index terms (stems), each looked up in every searchable
    field and ranked with BM25F: what a related-stories query is."""
    words = [_word_query([term]) for term in terms]
    return words[0] if len(words) == 1 else Union(words)


def _name_key(value: str) -> str:
    """A name as the entity fields index it (the names analyzer's first token)."""
    return next((t.text for t in _NAMES(value.replace(",", " "))), "")


def _field_query(
    name: str, value: str, quoted: bool, aliases=None
) -> tuple[q.Query | None, list[str]]:
    if name in NAME_FIELDS:
        shown = re.match(r"^(.+?) \(([^()]+)\)$", value.strip())  # a facet's "Name (Alias)"
        if shown and aliases is not None and aliases.all_forms(shown.group(1)) != [shown.group(1)]:
            value = shown.group(1)
        forms = aliases.all_forms(value.strip()) if aliases is not None else [value]
        keys = list(dict.fromkeys(k for k in map(_name_key, [value, *forms]) if k))
        if not keys:
            return None, []
        # every name of the entity: person:Jokowi finds articles that say Joko Widodo
        terms = [q.Term(name, key) for key in keys]
        return (terms[0] if len(terms) == 1 else q.Or(terms)), []
    if name == "source":
        # every word of the outlet's name: source:cnn, source:"CNN Indonesia", source:detik.com
        words = [t.text for t in _SOURCE_WORDS(value)]
        if not words:
            return None, []
        return (
            q.And([q.Term(name, w) for w in words]) if len(words) > 1 else q.Term(name, words[0])
        ), []
    terms = analyze(value)
    if not terms:
        return None, []
    if len(terms) == 1:
        return q.Term(name, terms[0]), terms
    if quoted:
        return q.Phrase(name, terms), terms
    return q.And([q.Term(name, t) for t in terms]), terms


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


def _date_query(value: str) -> tuple[q.Query | None, Note | None]:
    start, stop, note = date_range(value)
    if note is not None:
        return None, note
    return q.DateRange("date", start, stop), None


def parse(text: str, aliases=None) -> ParsedQuery:
    """Parse a person's query; never raises. ``aliases`` (a ``searcher.aliases.AliasTable``)
    lets a name find the entity's other names too."""
    notes: list[Note] = []
    if len(text) > MAX_QUERY_CHARS:
        cut = text[: MAX_QUERY_CHARS + 1].rsplit(None, 1)[0] if " " in text else ""
        text = cut if len(cut) > MAX_QUERY_CHARS // 2 else text[:MAX_QUERY_CHARS]
        notes.append(Note("cut", f"{len(text)}", f"query cut to its first {len(text)} characters"))
    groups: list[list[q.Query]] = []  # OR-groups of positive clauses
    filters: list[q.Query] = []
    excluded: list[q.Query] = []
    marked: set[str] = set()
    group_labels: list[list[str]] = []  # beside ``groups``
    filter_labels: list[str] = []
    not_labels: list[str] = []
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
        clause: q.Query | None = None
        label = ""
        name = FIELD_ALIASES.get(prefix.lower()) if prefix else None
        if prefix and name is None:
            value = f"{prefix} {value}"  # an unknown prefix is just more words
            notes.append(Note("field", prefix, f"no field {prefix!r}; searched as words"))
        if name == "date":
            clause, note = _date_query(value)
            if note:
                notes.append(note)
            if clause is not None:
                (excluded if negate else filters).append(clause)
                (not_labels if negate else filter_labels).append(f"date:{value}")
            continue
        if name in NAME_FIELDS or name == "source":
            clause, _ = _field_query(name, value, quoted, aliases)
            if clause is not None:
                (excluded if negate else filters).append(clause)
                label = f'{name}:"{value.strip()}"' if quoted else f"{name}:{value.strip()}"
                (not_labels if negate else filter_labels).append(label)
            continue
        typed = " ".join(value.split())
        if name in TEXT_FIELDS:
            clause, terms = _field_query(name, value, quoted)
            label = f"{name}:" + (f'"{typed}"' if quoted else typed)
        else:
            terms = analyze(value)
            if not terms:
                if re.search(r"[^\W\d_]", typed):  # words, not punctuation alone
                    skipped_words.append(typed)
                continue  # only stopwords or punctuation
            if quoted and len(terms) > 1:
                clause, label = _word_query(terms), f'"{typed}"'
                clause = _with_aliases(clause, typed, aliases, marked)
            else:
                words = [_word_query([term]) for term in terms]
                clause = q.And(words) if len(words) > 1 else words[0]
                label = typed
                if len(terms) == 1:
                    clause = _with_aliases(clause, typed, aliases, marked)
        if clause is None:
            continue
        if negate:
            excluded.append(clause)
            not_labels.append(label)
            join_next = False
            continue
        marked.update(terms)
        if join_next and groups:
            groups[-1].append(clause)
            group_labels[-1].append(label)
        else:
            groups.append([clause])
            group_labels.append([label])
        join_next = False

    positives = [g[0] if len(g) == 1 else Union(g) for g in groups]
    has_words = bool(positives)
    if not positives and not filters:
        base: q.Query = q.Every() if excluded else q.NullQuery
        if not excluded and skipped_words:
            words = ", ".join(dict.fromkeys(w.lower() for w in skipped_words))
            text = f"only words too common to search for: {words}"
            notes.append(Note("stopwords", words, text))
    else:
        base = (
            q.And(positives + filters)
            if len(positives) + len(filters) > 1
            else (positives + filters)[0]
        )
    any_words = None
    if len(positives) > 1:
        any_words = Union(positives)
        if filters:
            any_words = q.And([any_words, *filters])
    if excluded:
        banned = Union(excluded) if len(excluded) > 1 else excluded[0]
        base = q.AndNot(base, banned)
        if any_words is not None:
            any_words = q.AndNot(any_words, banned)
    shown = [
        labels[0] if len(labels) == 1 else f"({' OR '.join(dict.fromkeys(labels))})"
        for labels in group_labels
    ]
    any_kept = None
    if any_words is not None:
        any_kept = [" OR ".join(dict.fromkeys(shown)), *filter_labels]
    return ParsedQuery(
        text, base, any_words, marked, notes, has_words,
        kept=shown + filter_labels, left_out=not_labels, any_kept=any_kept,
    )  # fmt: skip


def _render(joiner: str, kept: list[str], left_out: list[str]) -> str:
    """The clauses as a person reads them, each once: ``a AND b NOT c``."""
    text = joiner.join(dict.fromkeys(kept)) or ("everything" if left_out else "")
    return (text + "".join(f" NOT {s}" for s in dict.fromkeys(left_out))).strip()


#: Structured filters ``Archive.search(filters=...)`` takes besides ``date``.
FILTER_FIELDS = ("person", "place", "org", "entity", "source")
#: Bounds on structured filters, apart from the query's own length cap.
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 200


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


def narrow(parsed: ParsedQuery, filters: Mapping[str, object], aliases=None) -> ParsedQuery:
    """``parsed`` with structured filters added: ``{"person": ["Joko Widodo"],
    "source": "kumparan", "date": ("2017-01", "2017-03")}`` (every value must match).

    Filters are not query text: they are bounded on their own and never cut with it.
    Raises ``ValueError``/``TypeError`` naming a filter that makes no sense.
    """
    clauses: list[q.Query] = []
    labels: list[str] = []
    for name, value in filters.items():
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
                clauses.append(q.DateRange("date", start, stop))
                shown = [bound.date().isoformat() if bound else "" for bound in (start, stop)]
                labels.append(f"date:{shown[0]}..{shown[1]}")
            continue
        if name not in FILTER_FIELDS:
            known = ", ".join((*FILTER_FIELDS, "date"))
            raise ValueError(f"no filter {name!r}; filters are {known}")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise TypeError(f"the {name} filter takes a name or a list of names")
        if len(values) > MAX_FILTER_VALUES:
            raise ValueError(f"at most {MAX_FILTER_VALUES} values for the {name} filter")
        for text in values:
            text = text.strip()[:MAX_FILTER_CHARS]
            clause, _ = _field_query(name, text, quoted=True, aliases=aliases)
            if clause is not None:
                clauses.append(clause)
                labels.append(f'{name}:"{text}"')
    if not clauses:
        return parsed

    def with_filters(base: q.Query | None) -> q.Query | None:
        if base is None:
            return None
        if base is q.NullQuery:
            return q.And(clauses) if len(clauses) > 1 else clauses[0]
        return q.And([base, *clauses])

    return replace(
        parsed,
        all_words=with_filters(parsed.all_words),
        any_words=with_filters(parsed.any_words),
        kept=parsed.kept + labels,
        any_kept=None if parsed.any_kept is None else parsed.any_kept + labels,
    )
