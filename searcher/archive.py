"""The library API: an ``Archive`` is an index folder you can fill and search.

    from searcher import Archive
    with Archive("index") as archive:
        archive.index(["seeds"])
        for hit in archive.search("Taliban Tajikistan").hits:
            print(hit.headline, hit.snippet)

``Archive`` is the facade and the search pipeline: parse (``searcher.query.parse``), run the
tree (``searcher.engine.embedded.evaluation``), rank and collapse copies, then build hits
(``searcher.results``), facets (``searcher.names.facets``), timelines and suggestions
(``searcher.engine.embedded.suggestions``). The open index, its threads and its arrays live in
``searcher.engine.embedded.open_index``. Reading is safe from several threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

from searcher.article import Article
from searcher.engine import BACKEND_ENV_VAR, Backend, Ranked, Request, is_cluster
from searcher.errors import NotAnIndexFolder
from searcher.index_run import IndexOptions, IndexReport, Progress
from searcher.names.aliases import AliasTable
from searcher.query.parse import Note, ParsedQuery, narrow, parse
from searcher.research.timeline import count_periods
from searcher.results import Hit, Overview, Results, Stats
from searcher.settings import DEFAULT_INDEX_DIR, INDEX_ENV_VAR, Settings
from searcher.text.snippets import headline_prefix, highlight, make_snippet
from searcher.text.spans import find_spans
from searcher.vocabulary import MATCH_MODES, ORDERS, PERIODS

__all__ = ["Archive", "Hit", "Results", "Stats", "MATCH_MODES"]



def _whole_number(name: str, value: object, low: int, high: int) -> int:
    """``value`` if it is a whole number from ``low`` to ``high``; a clear error if not."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low:,} to {high:,}, not {value:,}")
    return int(value)


#: What ``Results.fallback`` says when the any-word fallback answered.
FALLBACK_NOTE = "no article has all the words; showing articles with any of them"


def _order(parsed: ParsedQuery, sort: str) -> str:
    """The order hits come in: a query of filters alone has nothing to rank by, so its
    relevance order is newest first."""
    return "newest" if sort == "relevance" and not parsed.has_words else sort


class Archive:
    """An archive you can fill and search: an index folder on this machine (the default)
    or a search cluster (``backend="sphinx://HOST:PORT,..."``)."""

    def __init__(
        self,
        path: str | Path | None = None,
        settings: Settings | None = None,
        backend: str | None = None,
        *,
        engine: Backend | None = None,
    ) -> None:
        """``path`` is the index folder (default ``$SEARCHER_INDEX`` or ``index``);
        ``settings`` tune ranking, snippets, limits and indexing (default: the shipped
        values with the environment's overrides, ``Settings.from_env()``); ``backend``
        (default ``$SEARCHER_BACKEND``) names a cluster to use instead of the folder:
        ``sphinx://127.0.0.1:9306,127.0.0.1:9308`` (one address per shard). ``engine``
        is an engine already made (its own ``settings`` apply), for code that builds one
        itself: an embedded engine reading with chosen Whoosh capabilities, say."""
        if engine is not None:
            self.settings = engine.settings
            self.path = Path(getattr(engine, "path", None) or DEFAULT_INDEX_DIR)
            self._backend = engine
            return
        self.settings = settings or Settings.from_env()
        spec = backend if backend is not None else os.environ.get(BACKEND_ENV_VAR, "")
        if spec and spec != "embedded" and not is_cluster(spec):
            raise ValueError(
                f"backend must be 'embedded' or 'sphinx://HOST:PORT[,HOST:PORT...]', not {spec!r}"
            )
        self.path = Path(path or os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)
        self._backend: Backend
        if is_cluster(spec):
            from searcher.engine.cluster.backend import SphinxBackend

            self._backend = SphinxBackend(spec, self.settings)
        else:
            from searcher.engine.embedded.backend import EmbeddedBackend

            if self.path.exists() and not self.path.is_dir():
                raise NotAnIndexFolder(f"{self.path} is a file, not an index folder")
            self._backend = EmbeddedBackend(self.path, self.settings)

    @property
    def backend(self) -> str:
        """Which engine answers: ``embedded`` or ``sphinx``."""
        return self._backend.name

    @property
    def location(self) -> str:
        """Where the articles are: the index folder, or the cluster's addresses."""
        return self._backend.location

    def exists(self) -> bool:
        """True when the archive holds a committed index."""
        return self._backend.exists()

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
        return self._backend.index(paths, options)

    def build_sample(
        self, seeds: str | Path, announce: Callable[[str], None] | None = None
    ) -> IndexReport | None:
        """Index the bundled sample archive ``seeds`` when this archive has no index yet,
        or rebuild it when an upgrade left it built from ``seeds`` alone by an older
        searcher (nothing of the user's is lost). ``announce`` hears what is about to
        happen; None when nothing needed doing (a cluster never does)."""
        seeds = Path(seeds)
        state = self._backend.sample_state(seeds)
        tell = announce or (lambda line: None)
        if state is None:
            return None
        if state == "missing":
            tell(f"No index in {self.path}/ yet: indexing {seeds}/ first …")
            return self.index([seeds])
        tell(f"The sample index in {self.path}/ {state}: rebuilding it from {seeds}/ …")
        return self.index([seeds], rebuild=True)

    def remove(self, ids: Iterable[str], wait: float = 0.0) -> list[str]:
        """Delete the articles with these ids (a takedown, a correction), committed like
        any batch; returns the ids that were in the index."""
        if isinstance(ids, str):
            raise TypeError("ids must be a list of ids, not one string")
        return self._backend.remove(list(ids), wait)

    # Reading -----------------------------------------------------------------

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
        """Ranked articles for ``query`` (see ``searcher.query.parse`` for the syntax).

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
        notes = list(parsed.notes)
        order = _order(parsed, sort)
        if order != sort and parsed.understood:
            notes.append(Note("newest", "", "no words to rank by: newest first"))
        found = self._backend.answer(
            Request(
                parsed, query, first=(page - 1) * limit, end=page * limit, sort=order,
                facets=facets, dates=timeline or facets, collapse=collapse,
            )
        )  # fmt: skip
        used_per, periods = count_periods(found.dates, per) if timeline else (per or "", [])
        aliases = self.aliases() if found.facets else None
        return Results(
            query=query,
            understood=parsed.understood_any if found.fell_back else parsed.understood,
            total=found.total,
            hits=[self._hit(item, parsed.terms) for item in found.ranked],
            page=page,
            limit=limit,
            fallback=FALLBACK_NOTE if found.fell_back else None,
            notes=notes,
            facets=found.facets,
            facet_aliases={
                name: others
                for names in found.facets.values()
                for name, _ in names
                if (others := aliases.other_names(name))
            }
            if aliases
            else {},
            suggestion=found.suggestion,
            sort=order,
            timeline=periods,
            per=used_per,
            years=count_periods(found.dates, "year")[1] if facets else [],
            partial=found.partial,
        )

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
        parsed = parse(query, aliases if match == "all" else None, self.settings)
        if filters:
            parsed = narrow(parsed, filters, aliases, self.settings.limits)
        if match == "any" and parsed.fallback is not None:
            parsed = replace(parsed, tree=parsed.fallback, fallback=None)
        return parsed

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
        for item in self._backend.iter_ranked(parsed, _order(parsed, sort)):
            yield self._hit(item, parsed.terms)

    def _hit(self, item: Ranked, terms: set[str]) -> Hit:
        article = item.article
        skip = headline_prefix(article.body, article.headline)
        shape = self.settings.snippets
        snippet = make_snippet(article.body, terms, shape.fragments, shape.chars, skip=skip)
        return Hit(
            id=article.id,
            headline=article.headline,
            kicker=article.kicker,
            score=item.score,
            date=article.date,
            source=article.source,
            url=article.url,
            entities=article.names(),
            snippet=snippet.text,
            snippet_html=snippet.html,
            snippet_marks=snippet.marks,
            path=article.path,
            date_text=article.date_text,
            similar=item.similar,
        )

    def marked(self, texts: Iterable[str], query: str) -> list[str]:
        """Each of ``texts`` as escaped HTML, the words ``query`` matches (every form
        and alias it searches for) in ``<mark>``: an article's headline and paragraphs
        on a page."""
        terms = self._terms(query)
        return [highlight(text, terms) for text in texts]

    def marks(self, text: str, query: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every word of ``text`` that ``query`` matches (every form
        and alias it searches for): for a terminal to mark as the page does."""
        terms = self._terms(query)
        return [(start, end) for _, start, end in find_spans(text, terms)] if terms else []

    def _terms(self, query: str) -> set[str]:
        """The index terms ``query`` searches for (none for an empty query)."""
        return parse(query, settings=self.settings).terms if query else set()

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Up to ``limit`` articles most like this one: the same people, places and
        organisations and the same distinctive words (tf-idf), ranked by the index's own
        BM25F. Empty for an unknown id."""
        limit = _whole_number("limit", limit, 1, self.settings.limits.max_limit)
        ranked, terms = self._backend.related(article_id, limit)
        return [self._hit(item, terms) for item in ranked]

    def top_entities(self, label: str | None = None, limit: int = 20) -> list[tuple[str, str, int]]:
        """The entities named by the most articles: ``(name, label, articles)``."""
        counts = self._backend.entity_counts()
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
        return self._backend.article(article_id)

    def aliases(self) -> AliasTable:
        """Which names stand for one entity: the shipped seeds plus what this archive's
        articles taught (``searcher.names.aliases``), reloaded when an indexing run adds to it."""
        return self._backend.aliases()

    def count(self) -> int:
        """How many articles the archive holds (cheap: no term is read)."""
        return self._backend.count()

    def stats(self, terms: bool = False) -> Stats:
        """Size and freshness of the index (its current files only); ``terms`` also counts
        its distinct terms (``Stats.terms``, -1 when not counted), which reads every one."""
        return self._backend.stats(terms)

    def overview(self) -> Overview:
        """What the archive holds: how many articles, from when to when, which outlets."""
        return self._backend.overview()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of this thread's open index files (or cluster connections)."""
        self._backend.close()


def articles_in(paths: Iterable[str | Path]) -> int:
    """How many articles the files under ``paths`` hold, from a quick pass that parses
    nothing (for a progress bar's total)."""
    from searcher.ingest.files import count_articles

    return count_articles(paths)


def archive_formats() -> list[str]:
    """What ``Archive.index`` reads, as lines for a person: the file kinds, and the
    field names it looks for in JSON Lines and CSV (the first found is used)."""
    from searcher.ingest.files import CSV_SUFFIXES, JSONL_SUFFIXES, PAGE_SUFFIXES
    from searcher.ingest.records import FIELD_ALIASES

    def suffixes(found: set[str]) -> str:
        return " ".join(sorted(found))

    return [
        f"{suffixes(PAGE_SUFFIXES):<12} a page as saved from a browser (navigation, title, body)",
        f"{suffixes(JSONL_SUFFIXES):<12} JSON Lines: an article a line",
        f"{suffixes(CSV_SUFFIXES):<12} CSV or TSV: an article a row, under a header row",
        "any of them gzipped (.gz); folders are read recursively",
        "",
        "Fields (JSON keys or CSV columns, any of these names):",
        *(f"  {field:<9} {', '.join(names)}" for field, names in FIELD_ALIASES.items()),
        "Only body is needed; an id is made from the file and line when there is none.",
    ]
