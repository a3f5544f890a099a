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
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import query as q

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
_TOKEN = re.compile(r'(-?)(?:(\w+):)?("([^"]*)"?|\S+)')


@dataclass
class ParsedQuery:
    """A query ready to run: the strict form, the forgiving fallback, and what to mark."""

    text: str
    all_words: q.Query
    any_words: q.Query | None
    #: Index terms (stems) whose occurrences snippets mark.
    terms: set[str] = field(default_factory=set)
    understood: str = ""
    notes: list[str] = field(default_factory=list)
    #: True when the query has words to rank by, not only filters.
    has_words: bool = True


def _word_query(terms: list[str]) -> q.Query:
    """A word (or phrase) looked up across the searchable fields, each with its boost."""
    if len(terms) == 1:
        return AnyField(
            [q.Term(name, terms[0], boost=settings.FIELD_BOOSTS[name]) for name in SEARCH_FIELDS]
        )
    return Union(
        [q.Phrase(name, terms, boost=settings.FIELD_BOOSTS[name]) for name in SEARCH_FIELDS]
    )


def _field_query(name: str, value: str, quoted: bool) -> tuple[q.Query | None, list[str]]:
    if name in NAME_FIELDS:
        # the first token of the names analyzer is the whole name, folded as indexed
        key = next((t.text for t in _NAMES(value.replace(",", " "))), "")
        return (q.Term(name, key) if key else None), []
    if name == "source":
        key = " ".join(value.lower().replace(",", " ").split())
        return (q.Term(name, key) if key else None), []
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


def _date_query(value: str) -> tuple[q.Query | None, str | None]:
    low, sep, high = value.partition("..")
    try:
        start = _date_bound(low, end=False) if low else None
        stop = _date_bound(high if sep else low, end=True) if (high or not sep) else None
    except ValueError:
        return (
            None,
            f"ignored date filter {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD, ranges with ..",
        )
    if start is None and stop is None:
        return None, f"ignored empty date filter {value!r}"
    if start and stop and start > stop:
        return None, f"ignored date filter {value!r}: it ends before it starts"
    return q.DateRange("date", start, stop), None


def parse(text: str) -> ParsedQuery:
    """Parse a person's query; never raises."""
    notes: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
    groups: list[list[q.Query]] = []  # OR-groups of positive clauses
    filters: list[q.Query] = []
    excluded: list[q.Query] = []
    marked: set[str] = set()
    shown: list[str] = []
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
        negate = bool(minus) or negate_next
        negate_next = False
        clause: q.Query | None = None
        label = ""
        name = FIELD_ALIASES.get(prefix.lower()) if prefix else None
        if prefix and name is None:
            value = f"{prefix} {value}"  # an unknown prefix is just more words
            notes.append(f"no field {prefix!r}; searched as words")
        if name == "date":
            clause, note = _date_query(value)
            if note:
                notes.append(note)
            if clause is not None:
                (excluded if negate else filters).append(clause)
                shown.append(f"{'NOT ' if negate else ''}date:{value}")
            continue
        if name in NAME_FIELDS or name == "source":
            clause, _ = _field_query(name, value, quoted)
            if clause is not None:
                (excluded if negate else filters).append(clause)
                shown.append(f'{"NOT " if negate else ""}{name}:"{value.strip()}"')
            continue
        if name in TEXT_FIELDS:
            clause, terms = _field_query(name, value, quoted)
            label = f"{name}:" + (f'"{" ".join(terms)}"' if quoted else " ".join(terms))
        else:
            terms = analyze(value)
            if not terms:
                continue  # only stopwords or punctuation
            if quoted and len(terms) > 1:
                clause, label = _word_query(terms), f'"{" ".join(terms)}"'
            else:
                words = [_word_query([term]) for term in terms]
                clause = q.And(words) if len(words) > 1 else words[0]
                label = " ".join(terms)
        if clause is None:
            continue
        if negate:
            excluded.append(clause)
            shown.append(f"NOT {label}")
            join_next = False
            continue
        marked.update(terms)
        if join_next and groups:
            groups[-1].append(clause)
            shown[-1] = f"({shown[-1].strip('()')} OR {label})"
        else:
            groups.append([clause])
            shown.append(label)
        join_next = False

    positives = [g[0] if len(g) == 1 else Union(g) for g in groups]
    has_words = bool(positives)
    if not positives and not filters:
        base: q.Query = q.Every() if excluded else q.NullQuery
        if not excluded:
            notes.append("nothing to search for")
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
    understood = " AND ".join(s for s in shown if not s.startswith("NOT ")) or "everything"
    understood += "".join(f" {s}" for s in shown if s.startswith("NOT "))
    return ParsedQuery(text, base, any_words, marked, understood, notes, has_words)
