"""The embedded backend: a Whoosh index in a folder, matched and ranked with numpy.

No server: the index is files (``store``), written by ``writer`` and read through
``open_index``; the query tree is compiled to array work by ``evaluation``. Whoosh
supplies the stored fields and the spelling list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from searcher.article import Article
from searcher.engine import Answer, Ranked, Request, date_of_code
from searcher.engine.embedded import store
from searcher.engine.embedded.evaluation import Evaluator, Matches, top
from searcher.engine.embedded.open_index import IndexReading
from searcher.engine.embedded.postings import IndexView
from searcher.engine.embedded.suggestions import Vocabulary, suggest
from searcher.engine.embedded.whoosh.capabilities import Capabilities, probed
from searcher.engine.related import distinctive_terms
from searcher.engine.stored import stored_article
from searcher.errors import SearcherError, damage_reported
from searcher.index_run import IndexOptions, IndexReport
from searcher.names.aliases import AliasTable
from searcher.names.facets import canonical_entities, count_facets
from searcher.query.parse import ParsedQuery, word_union
from searcher.results import Overview, Stats
from searcher.settings import Settings


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


def _copies(
    matches: Matches, codes: np.ndarray | None, docnum: int, most: int
) -> np.ndarray:
    """The other matches in ``docnum``'s story group, in index order."""
    if codes is None:
        return np.empty(0, dtype=np.int64)
    same = np.flatnonzero(matches.mask & (codes == codes[docnum]))
    return same[same != docnum][:most]


class EmbeddedBackend:
    """An index folder on this machine."""

    name = "embedded"

    def __init__(self, path: Path, settings: Settings, caps: Capabilities | None = None) -> None:
        """``caps``: the ways into Whoosh to use (default: what the installed Whoosh offers)."""
        self.path = path
        self.settings = settings
        self.caps = caps or probed()
        self._open = IndexReading(path, settings.limits, self.caps)

    @property
    def location(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return (self.path / store.META_FILE).exists()

    def sample_state(self, seeds: Path) -> str | None:
        """``"missing"`` when the folder holds no index yet; what is stale when an older
        searcher built it from ``seeds`` alone; None otherwise (a damaged folder too:
        opening it reports that, with what to do)."""
        try:
            meta = store.read_meta(self.path)
        except SearcherError:
            return None
        if meta is None:
            return "missing"
        stale = store.stale_reason(meta)
        if stale is not None and meta.roots == (str(seeds.resolve()),):
            return stale
        return None

    # Writing -----------------------------------------------------------------

    def index(self, paths: Iterable[str | Path], options: IndexOptions) -> IndexReport:
        from searcher.engine.embedded.writer import (
            index_paths,  # the tagger and readers: not for searching
        )

        return index_paths(self.path, paths, options, self.caps)

    def remove(self, ids: list[str], wait: float) -> list[str]:
        from searcher.engine.embedded.writer import remove_ids

        with self._reading():
            return remove_ids(self.path, ids, wait, self.caps)

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

    def answer(self, request: Request) -> Answer:
        """One page of the ranking, and counts over every match."""
        limits = self.settings.limits
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            reader = searcher.reader()
            evaluator = self._evaluator(searcher)
            matches, fell_back = self._run(evaluator, request.parsed)
            all_dates = view.dates(reader)
            codes = view.groups(reader) if request.collapse else None
            ranked = first_of_each_story(matches, request.end, all_dates, request.sort, codes)
            hits = [
                Ranked(
                    self._article(searcher, docnum),
                    score,
                    [
                        searcher.stored_fields(int(d))["id"]
                        for d in _copies(matches, codes, docnum, limits.max_similar)
                    ],
                )
                for docnum, score in ranked[request.first :]
            ]
            total = matches.total
            suggestion = None
            if not total or fell_back:  # a word no article has, or not with the others
                found = view.remembered(
                    ("suggest", request.query),
                    lambda: suggest(
                        searcher, evaluator, request.query, limits,
                        lambda: self._vocabulary(searcher, view),
                    ) or "",
                )  # fmt: skip
                suggestion = found or None
            return Answer(
                total=total,
                ranked=hits,
                fell_back=fell_back,
                facets=self._facets(searcher, view, matches, limits.facet_size)
                if request.facets
                else {},
                dates=all_dates[matches.mask] if request.dates else None,
                suggestion=suggestion,
            )

    @staticmethod
    def _article(searcher, docnum: int) -> Article:
        return stored_article(searcher.stored_fields(docnum))

    def iter_ranked(self, parsed: ParsedQuery, sort: str) -> Iterator[Ranked]:
        """Every match in order, the stored fields read one at a time."""
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            matches, _ = self._run(self._evaluator(searcher), parsed)
            ranked = top(matches, matches.total, view.dates(searcher.reader()), sort)
            for docnum, score in ranked:
                yield Ranked(self._article(searcher, docnum), score)

    def _facets(
        self, searcher, view: IndexView, matches: Matches, size: int | None
    ) -> dict[str, list[tuple[str, int]]]:
        """The most frequent entities among all matches, per label, with article counts;
        one line per entity whichever of its names an article used (``searcher.names.aliases``)."""
        table = view.entities(searcher.reader())
        aliases = self.aliases()
        canonical = view.remembered(
            ("canonical", self._open.alias_generation),
            lambda: canonical_entities(table, aliases),
        )
        return count_facets(table, canonical, matches.mask, size)

    def _vocabulary(self, searcher, view: IndexView) -> Vocabulary:
        """Spelling suggestions' words and names for this index generation."""

        def made() -> Vocabulary:
            everything = self._facets(searcher, view, Matches(view.live.copy()), None)
            names = {name: n for found in everything.values() for name, n in found}
            return Vocabulary(searcher.reader(), names)

        return view.remembered(("vocabulary", self._open.alias_generation), made)

    def related(self, article_id: str, limit: int) -> tuple[list[Ranked], set[str]]:
        """Articles most like this one, and the terms that made them so."""
        with self._reading():
            searcher = self._searcher()
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return [], set()
            reader = searcher.reader()
            terms = distinctive_terms(
                lambda term: reader.doc_frequency("body", term), reader.doc_count(),
                self._article(searcher, docnum), self.settings.ranking,
            )  # fmt: skip
            if not terms:
                return [], set()
            matches = self._evaluator(searcher).run(word_union(terms))
            matches.mask[docnum] = False
            ranked = top(matches, limit)
            return [Ranked(self._article(searcher, d), s) for d, s in ranked], set(terms)

    def entity_counts(self) -> dict[str, list[tuple[str, int]]]:
        """Every entity of the archive with how many articles name it, per label."""
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            return self._facets(searcher, view, Matches(view.live.copy()), size=None)

    def article(self, article_id: str) -> Article | None:
        with self._reading():
            stored = self._searcher().document(id=article_id)
        return None if stored is None else stored_article(stored)

    def aliases(self) -> AliasTable:
        return self._open.aliases()

    def count(self) -> int:
        with self._reading():
            return self._searcher().doc_count()

    def overview(self) -> Overview:
        """Counted once per index generation: the dates column, and the stored outlets."""
        with self._reading():
            searcher = self._searcher()
            view = self._view_of(searcher)
            return view.remembered(("overview",), lambda: self._overview(searcher, view))

    @staticmethod
    def _overview(searcher, view: IndexView) -> Overview:
        reader = searcher.reader()
        dates = view.dates(reader)[view.live]
        dated = dates[dates > 0]
        first = last = None
        if len(dated):
            first, last = (date_of_code(int(f(dated))) for f in (np.min, np.max))
        sources: Counter = Counter(
            stored.get("source") or "" for stored in reader.all_stored_fields()
        )
        sources.pop("", None)
        return Overview(view.article_count, first, last, sources.most_common())

    def stats(self, terms: bool = False) -> Stats:
        with self._reading():
            searcher = self._searcher()
            reader = searcher.reader()
            # every term of every segment merged: a second over a few thousand articles
            counted = sum(1 for _ in reader.all_terms()) if terms else -1
        size = sum(f.stat().st_size for f in store.current_files(self.path))
        meta = store.read_meta(self.path)
        return Stats(
            articles=searcher.doc_count(),
            terms=counted,
            size_bytes=size,
            schema_version=meta.schema_version if meta else 0,
            updated=meta.updated if meta else "",
            path=str(self.path),
        )

    def _reading(self):
        """Damage deep in Whoosh surfaces as one clear ``IndexDamaged``."""
        return damage_reported(self.path)

    def close(self) -> None:
        self._open.close()
