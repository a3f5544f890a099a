"""The library API: an ``Archive`` is an index folder you can fill and search.

    from searcher import Archive
    with Archive("index") as archive:
        archive.index(["seeds"])
        for hit in archive.search("Taliban Tajikistan").hits:
            print(hit.headline, hit.snippet)

``Archive`` is the facade and the search pipeline: parse (``searcher.query``), run the
tree (``searcher.evaluation``), rank and collapse copies, then build hits
(``searcher.results``), facets (``searcher.facets``), timelines and suggestions
(``searcher.suggestions``). The open index, its threads and its arrays live in
``searcher.reading``. Reading is safe from several threads.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from searcher import store
from searcher.aliases import AliasTable
from searcher.analysis import analyze
from searcher.article import Article
from searcher.errors import NotAnIndexFolder, damage_reported
from searcher.evaluation import ORDERS, Evaluator, Matches, top
from searcher.facets import FACET_SIZE, canonical_entities, count_facets
from searcher.indexer import IndexOptions, IndexReport, Progress, index_paths, remove_ids
from searcher.postings import IndexView
from searcher.query import Note, ParsedQuery, narrow, parse, word_union
from searcher.reading import IndexReading
from searcher.results import Hit, Results, Stats, names_of, stored_article
from searcher.settings import DEFAULT_INDEX_DIR, INDEX_ENV_VAR, Settings
from searcher.snippets import headline_prefix, make_snippet
from searcher.suggestions import suggest
from searcher.timeline import PERIODS, count_periods

__all__ = ["Archive", "Hit", "Results", "Stats", "MATCH_MODES"]

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
    for name in names_of(stored).values():
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

    def __init__(self, path: str | Path | None = None, settings: Settings | None = None) -> None:
        """``path`` is the index folder (default ``$SEARCHER_INDEX`` or ``index``);
        ``settings`` tune ranking, snippets, limits and indexing (default: the shipped
        values with the environment's overrides, ``Settings.from_env()``)."""
        self.path = Path(path or os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)
        if self.path.exists() and not self.path.is_dir():
            raise NotAnIndexFolder(f"{self.path} is a file, not an index folder")
        self.settings = settings or Settings.from_env()
        self._open = IndexReading(self.path, self.settings.limits)

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
            rebuild, wait, entities, procs, optimize, progress, on_wait, on_stall, prune,
            self.settings.indexing,
        )  # fmt: skip
        return index_paths(self.path, paths, options)

    def remove(self, ids: Iterable[str], wait: float = 0.0) -> list[str]:
        """Delete the articles with these ids (a takedown, a correction), committed like
        any batch; returns the ids that were in the index."""
        if isinstance(ids, str):
            raise TypeError("ids must be a list of ids, not one string")
        with self._reading():
            return remove_ids(self.path, ids, wait)

    # Reading -----------------------------------------------------------------

    def _searcher(self):
        return self._open.searcher()

    def _view_of(self, searcher) -> IndexView:
        return self._open.view(searcher)

    def _evaluator(self, searcher) -> Evaluator:
        return Evaluator(self._view_of(searcher), searcher, self.settings.ranking)

    def search(
        self,
        query: str,
        limit: int | None = None,
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
        limits = self.settings.limits
        limit = _whole_number(
            "limit", limits.default_limit if limit is None else limit, 1, limits.max_limit
        )
        page = _whole_number("page", page, 1, limits.max_page)
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
        if match == "any" and parsed.fallback is not None:
            parsed = replace(parsed, tree=parsed.fallback, fallback=None)
        return parsed

    def _answer(
        self, query: str, parsed: ParsedQuery, limit: int, page: int, facets: bool,
        sort: str, timeline: bool, per: str | None, collapse: bool = True,
    ) -> Results:  # fmt: skip
        searcher = self._searcher()
        view = self._view_of(searcher)
        matches, fallback = self._run(self._evaluator(searcher), parsed)
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
            else view.remembered(("suggest", query), lambda: self._suggest(searcher, query) or "")
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
            matches, _ = self._run(self._evaluator(searcher), parsed)
            order = _order(parsed, sort)
            ranked = top(matches, matches.total, view.dates(searcher.reader()), order)
            for docnum, score in ranked:
                yield self._hit(searcher, docnum, score, parsed)

    def _run(self, evaluator: Evaluator, parsed: ParsedQuery) -> tuple[Matches, str | None]:
        matches = evaluator.run(parsed.tree)
        if not matches.mask.any() and parsed.fallback is not None:
            any_matches = evaluator.run(parsed.fallback)
            if any_matches.mask.any():
                note = "no article has all the words; showing articles with any of them"
                return any_matches, note
        return matches, None

    def _hit(self, searcher, docnum: int, score: float, parsed: ParsedQuery, copies=()) -> Hit:
        stored = searcher.stored_fields(docnum)
        article = stored_article(stored)
        skip = headline_prefix(article.body, article.headline)
        shape = self.settings.snippets
        snippet = make_snippet(article.body, parsed.terms, shape.fragments, shape.chars, skip=skip)
        return Hit(
            id=article.id,
            headline=article.headline,
            kicker=article.kicker,
            score=score,
            date=article.date,
            source=article.source,
            url=article.url,
            entities=names_of(stored),
            snippet=snippet.text,
            snippet_html=snippet.html,
            snippet_marks=snippet.marks,
            path=article.path,
            date_text=article.date_text,
            similar=[searcher.stored_fields(int(d))["id"] for d in copies],
        )

    def _suggest(self, searcher, query: str) -> str | None:
        return suggest(searcher, self._evaluator(searcher), query, self.settings.limits)

    def _facets(
        self, searcher, view: IndexView, matches: Matches, size: int | None = FACET_SIZE
    ) -> dict[str, list[tuple[str, int]]]:
        """The most frequent entities among all matches, per label, with article counts;
        one line per entity whichever of its names an article used (``searcher.aliases``)."""
        table = view.entities(searcher.reader())
        aliases = self.aliases()
        canonical = view.remembered(
            ("canonical", self._open.alias_generation),
            lambda: canonical_entities(table, aliases),
        )
        return count_facets(table, canonical, matches.mask, size)

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Up to ``limit`` articles most like this one: the same people, places and
        organisations and the same distinctive words (tf-idf), ranked by the index's own
        BM25F. Empty for an unknown id."""
        limit = _whole_number("limit", limit, 1, self.settings.limits.max_limit)
        with self._reading():
            searcher = self._searcher()
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            terms = distinctive_terms(searcher.reader(), stored, RELATED_TERMS)
            if not terms:
                return []
            query = word_union(terms)
            matches = self._evaluator(searcher).run(query)
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
        return None if stored is None else stored_article(stored)

    def aliases(self) -> AliasTable:
        """Which names stand for one entity: the shipped seeds plus what this archive's
        articles taught (``searcher.aliases``), reloaded when an indexing run adds to it."""
        return self._open.aliases()

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
        """Let go of this thread's open index files."""
        self._open.close()
