"""The library API: an ``Archive`` is an index folder you can fill and search.

    from searcher import Archive
    archive = Archive("index")
    archive.index(["seeds"])
    for hit in archive.search("Taliban Tajikistan").hits:
        print(hit.headline, hit.snippet)

Reading is safe from several threads: each thread keeps its own Whoosh searcher and
refreshes it when a writer has committed since. Matching and ranking run on arrays
decoded from the index (``searcher.postings``, ``searcher.evaluation``), shared by all
threads and rebuilt for each new index generation; Whoosh supplies the stored fields.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from searcher import ranking, settings, store
from searcher.aliases import ALIASES_FILE, AliasTable, build_table, read_derived, read_learned
from searcher.analysis import analyze
from searcher.article import Article
from searcher.errors import NotAnIndexFolder, damage_reported
from searcher.evaluation import ORDERS, Evaluator, Matches, top
from searcher.indexer import IndexOptions, IndexReport, Progress, index_paths, remove_ids
from searcher.postings import IndexView
from searcher.query import Note, ParsedQuery, narrow, parse, word_union
from searcher.schema import ENTITY_FIELDS
from searcher.snippets import headline_prefix, make_snippet
from searcher.timeline import PERIODS, Period, count_periods

#: Words (stems) an article's related-stories query is made of.
RELATED_TERMS = 15
#: How much a word of one of the article's entity names counts against a word that is
#: merely frequent in it: the people and places of a story say most about what it is.
ENTITY_WORD_WEIGHT = 3.0


def distinctive_terms(reader, stored: dict, count: int) -> list[str]:
    """The stems that say most about an article: frequent in it, rare in the archive
    (tf-idf over its headline and body), words of its entity names weighted up."""
    weights: Counter = Counter(
        analyze(f"{stored.get('headline', '')} {stored.get('body', '')[:20_000]}")
    )
    for name in _names(stored).values():
        for term in analyze(" ".join(name)):
            weights[term] += ENTITY_WORD_WEIGHT
    total = max(1, reader.doc_count())
    scored = []
    for term, weight in weights.items():
        holders = reader.doc_frequency("body", term)
        if 1 < holders < total / 2:  # in at least one other article, and not everywhere
            scored.append((weight * math.log(total / holders), term))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [term for _, term in scored[:count]]


#: What ``Archive.search(match=...)`` accepts.
MATCH_MODES = ("all", "any")

#: Names shown per label in the facets of a result list.
FACET_SIZE = 10


@dataclass
class Hit:
    """One ranked article with its snippet."""

    id: str
    headline: str
    kicker: str
    score: float
    date: datetime | None
    source: str
    url: str
    entities: dict[str, list[str]]
    snippet: str
    snippet_html: str
    path: str = ""
    date_text: str = ""
    #: ``(start, end)`` of each marked word in ``snippet``, for terminals and other renderers.
    snippet_marks: list[tuple[int, int]] = field(default_factory=list)
    #: Ids of the other matching articles that tell the same story (syndicated copies,
    #: repeats), shown once under this hit; empty with ``collapse=False``.
    similar: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["score"] = round(self.score, 4)
        return data


@dataclass
class Results:
    """One page of ranked hits, with how the query was understood."""

    query: str
    understood: str
    total: int
    hits: list[Hit]
    page: int = 1
    limit: int = settings.DEFAULT_LIMIT
    #: Set when no article had every word and the results match any word instead.
    fallback: str | None = None
    notes: list[str] = field(default_factory=list)
    #: Most frequent entities among the matches: label -> [(name, count)].
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: When nothing matched and a word looks misspelt: the query with it corrected.
    suggestion: str | None = None
    #: How the hits are ordered: ``relevance``, ``newest`` or ``oldest``.
    sort: str = "relevance"
    #: Matches per period (asked with ``timeline=True``), and the period: day, month, year.
    timeline: list[Period] = field(default_factory=list)
    per: str = ""
    #: Other names of the entities in ``facets`` (``Joko Widodo`` -> ``["Jokowi"]``).
    facet_aliases: dict[str, list[str]] = field(default_factory=dict)
    #: Matches per year, beside the entity facets (asked with ``facets=True``).
    years: list[Period] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def searched(self) -> bool:
        """False when the query left nothing to search for (only stopwords, or empty)."""
        return bool(self.understood)

    @property
    def past_the_end(self) -> bool:
        """True when articles match but this page lies beyond the last one."""
        return self.total > 0 and not self.hits

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "understood": self.understood,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "fallback": self.fallback,
            "notes": self.notes,
            "facets": {k: [[n, c] for n, c in v] for k, v in self.facets.items()},
            "facet_aliases": self.facet_aliases,
            "suggestion": self.suggestion,
            "sort": self.sort,
            "timeline": {"per": self.per, "periods": [p.to_json() for p in self.timeline]}
            if self.timeline
            else None,
            "years": [p.to_json() for p in self.years],
            "hits": [hit.to_json() for hit in self.hits],
        }


@dataclass
class Stats:
    articles: int
    terms: int
    size_bytes: int
    schema_version: int
    updated: str
    path: str

    def to_json(self) -> dict:
        return asdict(self)


def _names(stored: dict) -> dict[str, list[str]]:
    return {
        label: [n for n in (stored.get(name) or "").split(",") if n]
        for label, name in ENTITY_FIELDS.items()
    }


def _stored_article(stored: dict) -> Article:
    """The article as the index stored it (a lead-derived headline shown as the headline)."""
    names = _names(stored)
    return Article(
        id=stored["id"],
        headline=stored.get("headline") or stored.get("lead_headline", ""),
        headline_from_lead=not stored.get("headline"),
        body=stored.get("body", ""),
        kicker=stored.get("kicker", ""),
        date=stored.get("date"),
        date_text=stored.get("date_text", ""),
        source=stored.get("source", ""),
        url=stored.get("url", ""),
        path=stored.get("path", ""),
        dateline=stored.get("dateline", ""),
        entities=[(n, label) for label, ns in names.items() for n in ns],
    )


_PLAIN_WORD = re.compile(r"(?<![\w:\"-])([^\W\d_]{3,})(?![\w:])")


def suggest(searcher, query: str) -> str | None:
    """``query`` with each word the index has never seen replaced by its nearest known word.

    Uses Whoosh's spelling corrector over the body's terms (edit distance up to 2, same
    first letter), only on plain words (not field prefixes or quoted phrases).
    """
    reader = searcher.reader()
    corrector = None
    changed = False
    tries = 0
    deadline = time.monotonic() + settings.SUGGEST_SECONDS

    def fix(match: re.Match) -> str:
        nonlocal corrector, changed, tries
        word = match.group(1)
        terms = analyze(word)
        if not terms or any(reader.doc_frequency("body", t) for t in terms):
            return word
        # bounded: a query of many unknown words must not cost more than a few searches
        if tries >= settings.SUGGEST_WORDS or time.monotonic() > deadline:
            return word
        tries += 1
        corrector = corrector or searcher.corrector("body")
        # sharing the first letter: most typos keep it, and it spares a scan of every term
        options = corrector.suggest(
            word.lower(), limit=1, maxdist=1 if len(word) <= 5 else 2, prefix=1
        )
        if not options:
            return word
        changed = True
        best = options[0]
        if word.isupper():
            return best.upper()
        return best.capitalize() if word[:1].isupper() else best

    fixed = _PLAIN_WORD.sub(fix, query) if '"' not in query else query
    if not changed:
        return None
    parsed = parse(fixed)
    found = searcher.search(parsed.any_words or parsed.all_words, limit=1)
    return fixed if found.scored_length() else None


def _whole_number(name: str, value: object, low: int, high: int) -> int:
    """``value`` if it is a whole number from ``low`` to ``high``; a clear error if not."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low:,} to {high:,}, not {value:,}")
    return int(value)


def _first_of_each_story(
    matches: Matches, count: int, dates: np.ndarray, sort: str, codes: np.ndarray | None
) -> list[tuple[int, float]]:
    """The best ``count`` matches, each story once at its best rank (all of them when
    ``codes`` is None): ranks a few more than asked, and more again when copies crowd
    the top."""
    if codes is None:
        return top(matches, count, dates, sort)
    wanted = count * 2
    while True:
        ranked = top(matches, wanted, dates, sort)
        seen: set[int] = set()
        firsts = []
        for docnum, score in ranked:
            if codes[docnum] not in seen:
                seen.add(codes[docnum])
                firsts.append((docnum, score))
                if len(firsts) == count:
                    return firsts
        if len(ranked) < wanted:
            return firsts  # every match ranked
        wanted *= 4


def _order(parsed: ParsedQuery, sort: str) -> str:
    """The order hits come in: a query of filters alone has nothing to rank by, so its
    relevance order is newest first."""
    return "newest" if sort == "relevance" and not parsed.has_words else sort


#: At most this many copies are listed under one hit (the rest are counted in the group).
MAX_SIMILAR = 20


def _copies(matches: Matches, codes: np.ndarray | None, docnum: int) -> np.ndarray:
    """The other matches in ``docnum``'s story group, in index order."""
    if codes is None:
        return np.empty(0, dtype=np.int64)
    same = np.flatnonzero(matches.mask & (codes == codes[docnum]))
    return same[same != docnum][:MAX_SIMILAR]


class Archive:
    """An index folder: build it with ``index``, query it with ``search``."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(
            path or os.environ.get(settings.INDEX_ENV_VAR) or settings.DEFAULT_INDEX_DIR
        )
        if self.path.exists() and not self.path.is_dir():
            raise NotAnIndexFolder(f"{self.path} is a file, not an index folder")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._ix = None
        self._meta_stamp: tuple | None = None
        self._view: IndexView | None = None
        self._alias_table: AliasTable | None = None
        self._alias_stamp: tuple | None = None
        self._alias_generation = 0

    def exists(self) -> bool:
        """True when the folder holds a committed index."""
        return (self.path / store.META_FILE).exists()

    def index(
        self,
        paths: Iterable[str | Path],
        *,
        rebuild: bool = False,
        wait: float = 0.0,
        entities: bool = True,
        procs: int = 1,
        optimize: bool = False,
        progress: Progress | None = None,
        on_wait: Callable[[], None] | None = None,
        on_stall: Callable[[float], None] | None = None,
        prune: bool = False,
    ) -> IndexReport:
        """Add or update every article under ``paths`` (files or folders, recursively).

        ``rebuild`` starts over (the old index answers until the new one is done);
        ``wait`` is how long to wait for another writer; ``entities`` tags names;
        ``procs`` > 1 has that many worker processes tag, analyse and write segments in
        parallel; ``optimize`` merges the index into one segment at the end (slower
        indexing; smaller on disk, faster first queries); ``progress`` is called after
        each article (after each batch with ``procs`` > 1), ``on_wait`` once if another
        writer holds the lock, ``on_stall`` when worker processes stop making progress;
        ``prune`` removes articles under ``paths`` whose file or line is gone.
        """
        options = IndexOptions(
            rebuild, wait, entities, procs, optimize, progress, on_wait, on_stall, prune
        )
        return index_paths(self.path, paths, options)

    def remove(self, ids: Iterable[str], wait: float = 0.0) -> list[str]:
        """Delete the articles with these ids (a takedown, a correction), committed like
        any batch; returns the ids that were in the index."""
        if isinstance(ids, str):
            raise TypeError("ids must be a list of ids, not one string")
        with self._reading():
            return remove_ids(self.path, ids, wait)

    # Reading -----------------------------------------------------------------

    def _current_index(self):
        """The current Whoosh index, reopened when a rebuild swapped it."""
        meta_path = self.path / store.META_FILE
        try:
            st = meta_path.stat()
            stamp = (st.st_mtime_ns, st.st_ino, st.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if self._ix is None or stamp != self._meta_stamp:
                self._ix, _ = store.open_current(self.path)
                self._meta_stamp = stamp
            return self._ix

    def _searcher(self):
        ix = self._current_index()
        local = self._local
        searcher = getattr(local, "searcher", None)
        if searcher is None or getattr(local, "ix", None) is not ix:
            if searcher is not None:
                searcher.close()
            searcher = ix.searcher(weighting=ranking.weighting())
            local.searcher, local.ix = searcher, ix
        elif not searcher.up_to_date():
            # A fresh searcher, not ``searcher.refresh()``: refresh reuses segment
            # readers and, caught during a merge, was seen counting merged documents
            # twice (5,252 documents in a 3,464-article index).
            searcher.close()
            searcher = ix.searcher(weighting=searcher.weighting)
            local.searcher = searcher
        return searcher

    def _view_of(self, searcher) -> IndexView:
        """The arrays of the searcher's index generation, shared by all threads."""
        reader = searcher.reader()
        # the thread's searcher was opened on ``self._local.ix``: name it, not its id()
        indexname = self._local.ix.indexname
        key = (indexname, reader.generation(), reader.doc_count_all(), reader.doc_count())
        view = self._view
        if view is None or view.key != key:
            with self._lock:
                view = self._view
                if view is None or view.key != key:
                    view = self._view = IndexView(reader, key)
        return view

    def search(
        self,
        query: str,
        limit: int = settings.DEFAULT_LIMIT,
        page: int = 1,
        facets: bool = True,
        match: str = "all",
        filters: Mapping[str, object] | None = None,
        sort: str = "relevance",
        timeline: bool = False,
        per: str | None = None,
        collapse: bool = True,
    ) -> Results:
        """Ranked articles for ``query`` (see ``searcher.query`` for the syntax).

        ``match="all"`` (the default) wants every word and falls back to any word when
        no article has them all; ``match="any"`` ranks articles with any of the words,
        which suits long queries such as a question or a headline. ``filters`` narrow
        the matches without being query text: ``{"person": ["Joko Widodo"], "place": …,
        "org": …, "entity": …, "source": "kumparan", "date": ("2017-01", "2017-03")}``
        (every value must match; either date bound may be None). ``sort`` is
        ``relevance``, ``newest`` or ``oldest`` (undated articles last); a query of
        filters alone is newest first. ``timeline`` counts every match per ``per``
        (``day``, ``month``, ``year``; by default chosen from the span of the matches).
        ``collapse`` shows each story once, at its best rank, with its copies' ids in
        ``Hit.similar``; ``collapse=False`` lists every copy.
        """
        limit = _whole_number("limit", limit, 1, settings.MAX_LIMIT)
        page = _whole_number("page", page, 1, settings.MAX_PAGE)
        parsed = self._parsed(query, match, filters, sort)
        if per is not None and per not in PERIODS:
            raise ValueError(f"per must be one of {', '.join(PERIODS)}, not {per!r}")
        with self._reading():
            return self._answer(query, parsed, limit, page, facets, sort, timeline, per, collapse)

    def _parsed(
        self, query: object, match: str, filters: Mapping[str, object] | None, sort: str
    ) -> ParsedQuery:
        """The checked, parsed query (with ``match`` applied), or a clear error."""
        if isinstance(query, bytes):
            raise TypeError("query must be text (str), not bytes: decode it first")
        if not isinstance(query, str):
            raise TypeError(f"query must be text (str), not {type(query).__name__}")
        if match not in MATCH_MODES:
            raise ValueError(f"match must be one of {', '.join(MATCH_MODES)}, not {match!r}")
        if sort not in ORDERS:
            raise ValueError(f"sort must be one of {', '.join(ORDERS)}, not {sort!r}")
        aliases = self.aliases()
        # a long any-word query (a question, a pasted headline) has words enough: other
        # names of its entities only add noise there (Detik headlines MRR 0.873 -> 0.854)
        parsed = parse(query, aliases if match == "all" else None)
        if filters:
            parsed = narrow(parsed, filters, aliases)
        if match == "any" and parsed.any_words is not None:
            parsed.all_words, parsed.any_words = parsed.any_words, None
        return parsed

    def _answer(
        self, query: str, parsed: ParsedQuery, limit: int, page: int, facets: bool,
        sort: str, timeline: bool, per: str | None, collapse: bool = True,
    ) -> Results:  # fmt: skip
        searcher = self._searcher()
        view = self._view_of(searcher)
        matches, fallback = self._run(Evaluator(view, searcher), parsed)
        understood = parsed.understood_any if fallback else parsed.understood
        notes = list(parsed.notes)
        order = _order(parsed, sort)
        if order != sort and parsed.understood:
            notes.append(Note("newest", "", "no words to rank by: newest first"))
        sort = order
        dates = view.dates(searcher.reader())
        codes = view.groups(searcher.reader()) if collapse else None
        ranked = _first_of_each_story(matches, page * limit, dates, sort, codes)
        hits = [
            self._hit(searcher, docnum, score, parsed, _copies(matches, codes, docnum))
            for docnum, score in ranked[(page - 1) * limit :]
        ]
        total = matches.total
        matched_dates = dates[matches.mask] if (timeline or facets) else None
        used_per, periods = count_periods(matched_dates, per) if timeline else (per or "", [])
        found_facets = self._facets(searcher, view, matches) if facets else {}
        aliases = self.aliases()
        return Results(
            query=query,
            understood=understood,
            total=total,
            hits=hits,
            page=page,
            limit=limit,
            fallback=fallback,
            notes=notes,
            facets=found_facets,
            facet_aliases={
                name: others
                for names in found_facets.values()
                for name, _ in names
                if (others := aliases.other_names(name))
            },
            suggestion=None
            if total
            else view.remembered(("suggest", query), lambda: suggest(searcher, query) or "")
            or None,
            sort=sort,
            timeline=periods,
            per=used_per,
            years=count_periods(matched_dates, "year")[1] if facets else [],
        )

    def iter_hits(
        self,
        query: str,
        *,
        match: str = "all",
        filters: Mapping[str, object] | None = None,
        sort: str = "relevance",
    ) -> Iterator[Hit]:
        """Every match of ``query`` in order, one ``Hit`` (with its snippet) at a time:
        for exports of any size, nothing but the ranking sits in memory."""
        parsed = self._parsed(query, match, filters, sort)
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            matches, _ = self._run(Evaluator(view, searcher), parsed)
            order = _order(parsed, sort)
            ranked = top(matches, matches.total, view.dates(searcher.reader()), order)
            for docnum, score in ranked:
                yield self._hit(searcher, docnum, score, parsed)

    def _run(self, evaluator: Evaluator, parsed: ParsedQuery) -> tuple[Matches, str | None]:
        matches = evaluator.run(parsed.all_words)
        if not matches.mask.any() and parsed.any_words is not None:
            any_matches = evaluator.run(parsed.any_words)
            if any_matches.mask.any():
                note = "no article has all the words; showing articles with any of them"
                return any_matches, note
        return matches, None

    def _hit(self, searcher, docnum: int, score: float, parsed: ParsedQuery, copies=()) -> Hit:
        stored = searcher.stored_fields(docnum)
        article = _stored_article(stored)
        skip = headline_prefix(article.body, article.headline)
        snippet = make_snippet(article.body, parsed.terms, skip=skip)
        return Hit(
            id=article.id,
            headline=article.headline,
            kicker=article.kicker,
            score=score,
            date=article.date,
            source=article.source,
            url=article.url,
            entities=_names(stored),
            snippet=snippet.text,
            snippet_html=snippet.html,
            snippet_marks=snippet.marks,
            path=article.path,
            date_text=article.date_text,
            similar=[searcher.stored_fields(int(d))["id"] for d in copies],
        )

    def _facets(
        self, searcher, view: IndexView, matches: Matches, size: int | None = FACET_SIZE
    ) -> dict[str, list[tuple[str, int]]]:
        """The most frequent entities among all matches, per label, with article counts;
        one line per entity whichever of its names an article used (``searcher.aliases``);
        ``size`` names per label at most (None: all)."""
        table = view.entities(searcher.reader())
        canon_of_key, canon_names = self._canonical(view, table)
        picked = matches.mask[table.docs]
        docs, keys = table.docs[picked].astype(np.int64), canon_of_key[table.keys[picked]]
        width = max(1, len(canon_names))
        pairs = np.unique(docs * width + keys)  # an article naming both forms counts once
        counts = np.bincount(pairs % width, minlength=width)
        # ties keep the order the names are first met among the matches
        present, first_seen = np.unique(keys, return_index=True)
        order = np.full(width, len(keys), dtype=np.int64)
        order[present] = first_seen
        ranked = np.lexsort((order, -counts))
        found: dict[str, list[tuple[str, int]]] = {}
        for key in ranked:
            if counts[key] == 0:
                break
            label, _, name = canon_names[key].partition("\t")
            names = found.setdefault(label, [])
            if size is None or len(names) < size:
                names.append((name, int(counts[key])))
        return found

    def _canonical(self, view: IndexView, table) -> tuple[np.ndarray, list[str]]:
        """Each entity name's canonical entity (``LABEL\tshown name``): aliases merged,
        and case variants (``JAKARTA``) shown in their most used spelling."""
        aliases = self.aliases()

        def compute() -> tuple[np.ndarray, list[str]]:
            uses = np.bincount(table.keys, minlength=len(table.names))
            groups: dict[str, int] = {}
            spelling: dict[int, tuple[int, str]] = {}
            canon = np.zeros(len(table.names), dtype=np.int64)
            for key, full in enumerate(table.names):
                label, _, name = full.partition("\t")
                shown = aliases.shown(name)
                group = groups.setdefault(f"{label}\t{shown.casefold()}", len(groups))
                canon[key] = group
                known = shown != name or shown in aliases.forms
                best = spelling.get(group)
                weight = int(uses[key]) + (1 << 40 if known else 0)
                if best is None or weight > best[0]:
                    spelling[group] = (weight, f"{label}\t{shown}")
            return canon, [spelling[g][1] for g in range(len(groups))]

        return view.remembered(("canonical", self._alias_generation), compute)

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Up to ``limit`` articles most like this one: the same people, places and
        organisations and the same distinctive words (tf-idf), ranked by the index's own
        BM25F. Empty for an unknown id."""
        limit = _whole_number("limit", limit, 1, settings.MAX_LIMIT)
        with self._reading():
            searcher = self._searcher()
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            view = self._view_of(searcher)
            terms = distinctive_terms(searcher.reader(), stored, RELATED_TERMS)
            if not terms:
                return []
            query = word_union(terms)
            matches = Evaluator(view, searcher).run(query)
            matches.mask[docnum] = False
            parsed = ParsedQuery("", query, None, set(terms))
            ranked = top(matches, limit)
            return [self._hit(searcher, doc, score, parsed) for doc, score in ranked]

    def top_entities(self, label: str | None = None, limit: int = 20) -> list[tuple[str, str, int]]:
        """The entities named by the most articles: ``(name, label, articles)``."""
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            counts = self._facets(searcher, view, Matches(view.live.copy()), size=None)
        rows = [
            (name, lab, n)
            for lab, names in counts.items()
            if label in (None, lab)
            for name, n in names
        ]
        rows.sort(key=lambda row: (-row[2], row[0]))
        return rows[:limit]

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        with self._reading():
            stored = self._searcher().document(id=article_id)
        return None if stored is None else _stored_article(stored)

    def aliases(self) -> AliasTable:
        """Which names stand for one entity: the shipped seeds plus what this archive's
        articles taught (``searcher.aliases``), reloaded when an indexing run adds to it."""
        path = self.path / ALIASES_FILE
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if self._alias_table is None or stamp != self._alias_stamp:
                self._alias_table = build_table(read_learned(self.path), read_derived(self.path))
                self._alias_stamp = stamp
                self._alias_generation += 1  # what was counted with the old table is stale
            return self._alias_table

    def count(self) -> int:
        """How many articles the index holds (cheap: no term is read)."""
        with self._reading():
            return self._searcher().doc_count()

    def stats(self) -> Stats:
        """Size and freshness of the index (its current files only)."""
        with self._reading():
            searcher = self._searcher()
            reader = searcher.reader()
            terms = sum(1 for _ in reader.all_terms())
        size = sum(f.stat().st_size for f in store.current_files(self.path))
        meta = store.read_meta(self.path) or {}
        return Stats(
            articles=searcher.doc_count(),
            terms=terms,
            size_bytes=size,
            schema_version=meta.get("schema_version", 0),
            updated=meta.get("updated", ""),
            path=str(self.path),
        )

    def _reading(self):
        """Damage deep in Whoosh surfaces as one clear ``IndexDamaged``."""
        return damage_reported(self.path)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
