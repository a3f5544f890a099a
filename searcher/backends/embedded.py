"""The embedded backend: a Whoosh index in a folder, matched and ranked with numpy.

No server: the index is files (``searcher.store``), written by ``searcher.indexer``
and read through ``searcher.reading``; the query tree is compiled to array work by
``searcher.evaluation``. Whoosh supplies the stored fields and the spelling list.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from searcher import store
from searcher.aliases import AliasTable
from searcher.analysis import analyze
from searcher.backends import Answer, Ranked
from searcher.errors import damage_reported
from searcher.evaluation import Evaluator, Matches, top
from searcher.facets import FACET_SIZE, canonical_entities, count_facets
from searcher.index_run import IndexOptions, IndexReport
from searcher.postings import IndexView
from searcher.query import ParsedQuery, word_union
from searcher.reading import IndexReading
from searcher.results import Stats, names_of
from searcher.settings import Settings
from searcher.suggestions import suggest

#: Words (stems) an article's related-stories query is made of.
RELATED_TERMS = 15
#: How much a word of one of the article's entity names counts against a word that is
#: merely frequent in it: the people and places of a story say most about what it is.
ENTITY_WORD_WEIGHT = 3.0
#: At most this many copies are listed under one hit (the rest are counted in the group).
MAX_SIMILAR = 20


def distinctive_terms(doc_frequency, total: int, stored: dict, count: int) -> list[str]:
    """The stems that say most about an article: frequent in it, rare in the archive
    (tf-idf over its headline and body), words of its entity names weighted up.
    ``doc_frequency(term)`` is how many articles hold a term in their body."""
    weights: Counter = Counter(
        analyze(f"{stored.get('headline', '')} {stored.get('body', '')[:20_000]}")
    )
    for name in names_of(stored).values():
        for term in analyze(" ".join(name)):
            weights[term] += ENTITY_WORD_WEIGHT
    total = max(1, total)
    scored = []
    for term, weight in weights.items():
        holders = doc_frequency(term)
        if 1 < holders < total / 2:  # in at least one other article, and not everywhere
            scored.append((weight * math.log(total / holders), term))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [term for _, term in scored[:count]]


def first_of_each_story(
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


def _copies(matches: Matches, codes: np.ndarray | None, docnum: int) -> np.ndarray:
    """The other matches in ``docnum``'s story group, in index order."""
    if codes is None:
        return np.empty(0, dtype=np.int64)
    same = np.flatnonzero(matches.mask & (codes == codes[docnum]))
    return same[same != docnum][:MAX_SIMILAR]


class EmbeddedBackend:
    """An index folder on this machine."""

    name = "embedded"

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self._open = IndexReading(path, settings.limits)

    @property
    def location(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return (self.path / store.META_FILE).exists()

    # Writing -----------------------------------------------------------------

    def index(self, paths: Iterable[str | Path], options: IndexOptions) -> IndexReport:
        from searcher.indexer import index_paths  # the tagger and readers: not for searching

        return index_paths(self.path, paths, options)

    def remove(self, ids: list[str], wait: float) -> list[str]:
        from searcher.indexer import remove_ids

        with self._reading():
            return remove_ids(self.path, ids, wait)

    # Reading -----------------------------------------------------------------

    def _searcher(self):
        return self._open.searcher()

    def _view_of(self, searcher) -> IndexView:
        return self._open.view(searcher)

    def _evaluator(self, searcher) -> Evaluator:
        return Evaluator(self._view_of(searcher), searcher, self.settings.ranking)

    def _run(self, evaluator: Evaluator, parsed: ParsedQuery) -> tuple[Matches, bool]:
        matches = evaluator.run(parsed.tree)
        if not matches.mask.any() and parsed.fallback is not None:
            any_matches = evaluator.run(parsed.fallback)
            if any_matches.mask.any():
                return any_matches, True
        return matches, False

    def answer(
        self, parsed: ParsedQuery, query: str, first: int, count: int, sort: str,
        facets: bool, dates: bool, collapse: bool,
    ) -> Answer:  # fmt: skip
        """Hits ``first`` to ``count`` (0-based, exclusive) of the ranking, and counts
        over every match."""
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            reader = searcher.reader()
            evaluator = self._evaluator(searcher)
            matches, fell_back = self._run(evaluator, parsed)
            all_dates = view.dates(reader)
            codes = view.groups(reader) if collapse else None
            ranked = first_of_each_story(matches, count, all_dates, sort, codes)
            hits = [
                Ranked(
                    searcher.stored_fields(docnum),
                    score,
                    [searcher.stored_fields(int(d))["id"] for d in _copies(matches, codes, docnum)],
                )
                for docnum, score in ranked[first:]
            ]
            total = matches.total
            suggestion = None
            if not total:
                limits = self.settings.limits
                found = view.remembered(
                    ("suggest", query), lambda: suggest(searcher, evaluator, query, limits) or ""
                )
                suggestion = found or None
            return Answer(
                total=total,
                ranked=hits,
                fell_back=fell_back,
                facets=self._facets(searcher, view, matches) if facets else {},
                dates=all_dates[matches.mask] if dates else None,
                suggestion=suggestion,
            )

    def iter_ranked(self, parsed: ParsedQuery, sort: str) -> Iterator[Ranked]:
        """Every match in order, the stored fields read one at a time."""
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            matches, _ = self._run(self._evaluator(searcher), parsed)
            ranked = top(matches, matches.total, view.dates(searcher.reader()), sort)
            for docnum, score in ranked:
                yield Ranked(searcher.stored_fields(docnum), score)

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

    def related(self, article_id: str, limit: int) -> tuple[list[Ranked], set[str]]:
        """Articles most like this one, and the terms that made them so."""
        with self._reading():
            searcher = self._searcher()
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return [], set()
            stored = searcher.stored_fields(docnum)
            reader = searcher.reader()
            terms = distinctive_terms(
                lambda term: reader.doc_frequency("body", term), reader.doc_count(), stored,
                RELATED_TERMS,
            )  # fmt: skip
            if not terms:
                return [], set()
            matches = self._evaluator(searcher).run(word_union(terms))
            matches.mask[docnum] = False
            ranked = top(matches, limit)
            return [Ranked(searcher.stored_fields(d), s) for d, s in ranked], set(terms)

    def entity_counts(self) -> dict[str, list[tuple[str, int]]]:
        """Every entity of the archive with how many articles name it, per label."""
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            return self._facets(searcher, view, Matches(view.live.copy()), size=None)

    def article(self, article_id: str) -> dict | None:
        with self._reading():
            return self._searcher().document(id=article_id)

    def aliases(self) -> AliasTable:
        return self._open.aliases()

    def count(self) -> int:
        with self._reading():
            return self._searcher().doc_count()

    def stats(self) -> Stats:
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

    def close(self) -> None:
        self._open.close()
