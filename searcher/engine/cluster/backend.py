"""The cluster backend: Manticore Search or Sphinx, spoken to with SphinxQL.

``sphinx://HOST:PORT[,HOST:PORT...]`` names one node per shard (the SphinxQL port).
Articles are written to the shard a stable hash of their id chooses; queries go to a
node's distributed ``articles`` table, whose agents are every shard
(``searcher.engine.cluster.nodes`` writes such a layout). Only SphinxQL that Sphinx 2.2.11 and
Manticore both understand is used (checked against Manticore 6's manual): real-time
``REPLACE``/``DELETE``, ``MATCH()`` with field limits, phrases and exclusions,
``WHERE`` on attributes and on select-list expressions, ``GROUP BY`` (``GROUPBY()``,
``WITHIN GROUP ORDER BY``), ``CALL KEYWORDS``, ``SHOW META``, ``bm25f()`` in the
expression ranker, statements batched per round trip.

What the engine sees are searcher's own terms: every text is analysed in Python
(``searcher.text.analysis``: names kept whole, reduplication, stopwords, stems) and the
terms are written space-separated, so ``Taliban`` is ``taliban`` on both backends and
Sphinx's morphology and stopwords stay off. A term with characters outside
``[0-9a-z]`` is written as ``u_`` and its UTF-8 in hex, which no plain term can be.
Entity names, outlets and dates are attributes (64-bit ids of the keys the embedded
index uses), so filters and facets are counted by the engine over every match.
The stored article is kept as JSON in a string attribute; snippets and the article
page are built from it by the same code as on the embedded backend.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np

from searcher.article import Article
from searcher.engine import Answer, Ranked, Request, date_code
from searcher.engine.cluster.shards import ClusterUnavailable, Shards
from searcher.engine.cluster.sphinxql import (
    FACET_ATTRIBUTES,
    Compiled,
    compile_tree,
    doc_id,
    in_list,
    key_id,
    quote,
    token,
)  # fmt: skip
from searcher.engine.related import distinctive_terms
from searcher.engine.stored import stored_article
from searcher.errors import SearcherError
from searcher.index_run import IndexOptions, IndexReport
from searcher.names.aliases import AliasTable, build_table
from searcher.names.facets import facet_line, split_facet_line
from searcher.query.parse import ParsedQuery, word_union
from searcher.query.tree import (
    FieldWord,
    Node,
    Phrase,
    Word,
    scored_parts,
)  # fmt: skip
from searcher.query.tree import terms as terms_of
from searcher.results import Overview, Stats
from searcher.settings import Settings
from searcher.text.analysis import analyze
from searcher.vocabulary import SEARCH_FIELDS

#: The ``kv`` row holding the learned aliases.
ALIASES_KEY = 1
#: Names asked of the engine per label before aliases are merged and the top kept.
FACET_CANDIDATES = 1000
#: Entities per label whose names are counted together again (an article naming one
#: by two names counts once).
RECOUNTED = 200
#: Seconds the archive's size and field-length totals are reused between queries (they
#: change only when an indexing run commits; reading them is a scan of every row).
STATS_SECONDS = 5.0
#: Distinct days a timeline may count (about 55 years).
MAX_DAYS = 20_000
#: Rows a query may rank (Sphinx's ``max_matches``); deeper pages are refused by
#: ``Limits`` long before this.
MAX_MATCHES = 100_000
#: Each searchable field's length in terms (``index_field_lengths`` keeps them).
_LENGTHS = ", ".join(f"{field}_len" for field in SEARCH_FIELDS)


# The backend -------------------------------------------------------------------------


class SphinxBackend(Shards):
    """A Manticore/Sphinx cluster, one SphinxQL address per shard."""

    name = "sphinx"

    def __init__(self, spec: str, settings: Settings) -> None:
        super().__init__(spec)
        self.settings = settings
        # bm25f() takes whole-number field weights: scale them (and k1 with them, which
        # keeps the saturation, and so the order, what it is with the fractional boosts)
        boosts = settings.ranking.field_boosts
        scale = next(
            n for n in range(1, 101) if all(abs(boosts[f] * n - round(boosts[f] * n)) < 1e-9
                                            for f in SEARCH_FIELDS)
        )  # fmt: skip
        weights = ",".join(f"{f}={round(boosts[f] * scale)}" for f in SEARCH_FIELDS)
        k1 = settings.ranking.k1 * scale
        self._ranker = (
            # Sphinx's bm25f() is 0.5 plus a small normalised sum: keep the sum's resolution
            f"ranker=expr('1000000000*(bm25f({k1:g},{settings.ranking.b:g},"
            f"{{{weights},every=0}})-0.5)'), "
            "idf='plain,tfidf_unnormalized'"
        )

    @property
    def location(self) -> str:
        return self.spec

    def exists(self) -> bool:
        try:
            return self.count() > 0
        except SearcherError:
            return False

    # Querying ----------------------------------------------------------------

    def _where(self, compiled: Compiled) -> tuple[str, str]:
        """``(select expressions, WHERE clause)`` for a compiled tree."""
        exprs, where = [], []
        if compiled.match:
            where.append(f"MATCH({quote(compiled.match)})")
        where.extend(compiled.filters)
        for n, condition in enumerate(compiled.conditions):
            exprs.append(f", {condition} AS f{n}")
            where.append(f"f{n} = 1")
        return "".join(exprs), (" WHERE " + " AND ".join(where)) if where else ""

    def _order(self, sort: str, ranks: bool) -> tuple[str, str]:
        if sort == "relevance" and ranks:
            return "", "ORDER BY WEIGHT() DESC, id ASC"
        direction = "ASC" if sort == "oldest" else "DESC"
        return (
            ", IF(date = 0, 1, 0) AS undated",
            f"ORDER BY undated ASC, date {direction}, WEIGHT() DESC, id ASC",
        )

    def _count_sql(self, tree: Node) -> str:
        exprs, where = self._where(compile_tree(tree))
        return f"SELECT id{exprs} FROM articles{where} LIMIT 1 OPTION ranker=none"

    def _stats_sql(self) -> str:
        sums = ", ".join(f"SUM({f}_len)" for f in SEARCH_FIELDS)
        return f"SELECT COUNT(*), {sums} FROM articles"

    def _ranked_sql(
        self, compiled: Compiled, ranks: bool, sort: str, first: int, count: int, collapse: bool
    ) -> str:
        exprs, where = self._where(compiled)
        order_expr, order = self._order(sort, ranks)
        group = f"GROUP BY grp WITHIN GROUP {order} " if collapse else ""
        return (
            f"SELECT id, grp, stored, WEIGHT() AS w, {_LENGTHS}{exprs}{order_expr} "
            f"FROM articles{where} "
            f"{group}{order} LIMIT {first}, {max(0, count - first)} "
            # the engine keeps max_matches rows in its sorter: no more than the page needs
            f"OPTION {self._ranker}, max_matches={max(1000, count)}"
        )

    def _grouped_sql(self, compiled: Compiled, attribute: str, order: str, limit: int) -> str:
        """Articles per value of ``attribute`` over the matches (each value of a
        multi-valued attribute is its own group)."""
        exprs, where = self._where(compiled)
        return (
            f"SELECT GROUPBY() AS g, COUNT(*) AS n{exprs} FROM articles{where} "
            f"GROUP BY {attribute} ORDER BY {order} LIMIT {limit} "
            f"OPTION max_matches={max(limit, 1000)}"
        )

    def sample_state(self, seeds: Path) -> str | None:
        """A cluster is never filled from the bundled sample by itself."""
        return None

    def answer(self, request: Request) -> Answer:
        parsed, facets, dates, collapse = (
            request.parsed, request.facets, request.dates, request.collapse
        )  # fmt: skip
        tree, total, fell_back, partial = self._chosen(parsed)
        compiled = compile_tree(tree)
        wanted_counts = total and (facets or dates)
        counts = []
        if wanted_counts:
            counts.append(self._grouped_sql(compiled, "day", "day ASC", MAX_DAYS))
            if facets:
                counts += [
                    self._grouped_sql(compiled, attribute, "n DESC", FACET_CANDIDATES)
                    for attribute in FACET_ATTRIBUTES.values()
                ]
        hits, rows, found = self._ranked(
            compiled, parsed.has_words, request.sort, request.first, request.end, collapse, tree,
            counts,
        )  # fmt: skip
        if collapse and rows:
            self._add_copies(compiled, hits, rows)
        found_facets: dict = {}
        all_dates = np.zeros(0, dtype=np.int64) if dates else None
        if wanted_counts:
            partial = partial or any(self._partial(meta) for _, meta in found)
            all_dates = _dates_of(found[0][0], total) if dates else None
            if facets:
                by_label = {
                    label: [(row[0], int(row[1])) for row in found[1 + i][0]]
                    for i, label in enumerate(FACET_ATTRIBUTES)
                }
                found_facets = self._merge_facets(
                    compiled, by_label, self.settings.limits.facet_size
                )
        return Answer(total, hits, fell_back, found_facets, all_dates, None, partial)

    def _chosen(self, parsed: ParsedQuery) -> tuple[Node, int, bool, bool]:
        """The tree that answers (the any-word fallback when nothing has every word), its
        total, whether it is the fallback, and whether a shard was missing."""
        trees = [parsed.tree] + ([parsed.fallback] if parsed.fallback is not None else [])
        counted = self._batch([self._count_sql(t) for t in trees])
        totals = [int(meta.get("total_found", 0)) for _, meta in counted]
        chosen = 1 if not totals[0] and len(totals) > 1 and totals[1] else 0
        return trees[chosen], totals[chosen], chosen == 1, self._partial(counted[chosen][1])

    def _ranked(
        self, compiled: Compiled, ranks: bool, sort: str, first: int, count: int,
        collapse: bool = False, tree: Node | None = None, extra: list[str] | None = None,
    ) -> tuple[list[Ranked], list, list]:  # fmt: skip
        """Hits ``first`` to ``count`` (each story once with ``collapse``), their rows,
        and the answers to ``extra`` statements sent in the same round trip. By relevance,
        a first window of the engine's ranking is scored again as the embedded backend
        scores (``tree`` is what to score)."""
        most = self.settings.ranking.rescore_window
        rescore = tree is not None and ranks and sort == "relevance" and count <= most
        window = (0, most) if rescore else (first, count)
        stats = self._cached_stats() if rescore else None
        statements = [self._ranked_sql(compiled, ranks, sort, *window, collapse), *(extra or [])]
        if rescore and stats is None:
            statements.append(self._stats_sql())
        found = self._batch(statements)
        rows = found[0][0]
        hits = [Ranked(_article(row[2]), row[3] / 1e6) for row in rows]
        if rescore:
            if stats is None:
                stats = self._remember_stats(found.pop()[0])
            hits, rows = self._rescored(tree, hits, rows, stats)
            hits, rows = hits[first:count], rows[first:count]
        return hits, rows, found[1:]

    def _cached_stats(self) -> tuple | None:
        """The archive's size and field-length totals, if read in the last few seconds."""
        cached = getattr(self, "_stats_cache", None)
        if cached is not None and time.monotonic() - cached[0] < STATS_SECONDS:
            return cached[1]
        return None

    def _remember_stats(self, rows: list) -> tuple:
        stats = tuple(int(v or 0) for v in rows[0]) if rows else (0,) * (1 + len(SEARCH_FIELDS))
        self._stats_cache = (time.monotonic(), stats)
        return stats

    def _rescored(self, tree: Node, hits: list[Ranked], rows: list, stats: tuple) -> tuple:
        """The window re-ordered by the embedded backend's scores (ties keep the
        engine's order)."""
        from searcher.engine.cluster.rescore import Candidate, Scorer

        scorer = Scorer(self.settings.ranking, self._statistics(tree, stats))
        terms = terms_of(tree)
        for hit, row in zip(hits, rows, strict=True):
            lengths = dict(zip(SEARCH_FIELDS, row[4 : 4 + len(SEARCH_FIELDS)], strict=True))
            hit.score = scorer.score(tree, Candidate.of(hit.article, lengths, terms)) or 0.0
        order = sorted(range(len(hits)), key=lambda i: -hits[i].score)
        return [hits[i] for i in order], [rows[i] for i in order]

    def _statistics(self, tree: Node, stats: tuple):
        """Archive-wide counts for rescoring: articles, mean field lengths, and each
        term's document frequency (cached until the archive changes)."""
        from searcher.engine.cluster.rescore import Statistics

        articles, *totals = stats
        cache = getattr(self._local, "df", None)
        if cache is None or cache[0] != (articles, *totals):
            cache = self._local.df = ((articles, *totals), {})
        known: dict = cache[1]
        terms = terms_of(tree)
        anywhere = {term for term in terms if (None, term) not in known}
        if anywhere:
            counts: dict[str, int] = {}
            self._frequencies(anywhere, counts, field=None)
            known.update(((None, t), counts.get(t, 0)) for t in anywhere)
        # per-field counts for phrases and field words, asked for together
        fielded = [
            (field, term)
            for node in scored_parts(tree)
            for field, term in _field_terms(node, self.settings.ranking.scoring != "bm25f")
            if (field, term) not in known
        ]
        fielded = list(dict.fromkeys(fielded))
        if fielded:
            answers = self._batch([
                f"SELECT id FROM articles WHERE MATCH({quote(f'@{f} {token(t)}')}) LIMIT 1"
                for f, t in fielded
            ])  # fmt: skip
            for key, (_, meta) in zip(fielded, answers, strict=True):
                known[key] = int(meta.get("total_found", 0))

        def df(field: str | None, term: str) -> int:
            return known.get((field, term), 0)

        averages = {f: t / max(1, articles) for f, t in zip(SEARCH_FIELDS, totals, strict=True)}
        return Statistics(max(1, articles), averages, df)

    def _add_copies(self, compiled: Compiled, hits: list[Ranked], rows: list) -> None:
        """Each hit's copies among the matches (its story group's other articles)."""
        exprs, where = self._where(compiled)
        joiner = " AND " if where else " WHERE "
        groups = in_list(sorted({row[1] for row in rows}))
        found, _ = self._read(
            f"SELECT id, grp, article_id{exprs} FROM articles{where}{joiner}grp IN {groups} "
            f"ORDER BY id ASC LIMIT 1000 OPTION max_matches=1000"
        )
        copies: dict[int, list[str]] = {}
        for _, grp, article_id, *_ in found:
            copies.setdefault(grp, []).append(article_id)
        for hit, row in zip(hits, rows, strict=True):
            others = [i for i in copies.get(row[1], []) if i != hit.article.id]
            hit.similar = others[: self.settings.limits.max_similar]

    def _names(self, ids: Iterable[int]) -> dict[int, str]:
        """The ``LABEL\\tName`` line of each facet id, a few thousand per statement."""
        ids = list(ids)
        if not ids:
            return {}
        statements = [
            f"SELECT id, name FROM names WHERE id IN {in_list(ids[i : i + 4000])} "
            f"LIMIT 4000 OPTION max_matches=4000"
            for i in range(0, len(ids), 4000)  # Sphinx takes at most 4,096 values in IN()
        ]
        return {row[0]: row[1] for rows, _ in self._batch(statements) for row in rows}

    def _merge_facets(
        self, compiled: Compiled, by_label: dict[str, list], size: int | None
    ) -> dict[str, list[tuple[str, int]]]:
        """Facet counts per raw name, merged into one line per entity (aliases, case);
        an entity met under several names is counted again exactly (in one batch), so
        an article that uses two of its names counts once, as on the embedded backend."""
        aliases = self.aliases()
        names = self._names(value for rows in by_label.values() for value, _ in rows)
        ranked_by_label: dict[str, list[dict]] = {}
        recounts: list[tuple[dict, str]] = []
        for label, rows in by_label.items():
            groups: dict[str, dict] = {}
            for value, count in rows:
                line = names.get(value)
                if line is None:
                    continue
                _, name = split_facet_line(line)
                shown = aliases.shown(name)
                group = groups.setdefault(
                    shown.casefold(), {"ids": [], "count": 0, "best": (-1, shown)}
                )
                group["ids"].append(value)
                group["count"] += count
                known = shown != name or shown in aliases.forms
                weight = count + (1 << 40 if known else 0)
                if weight > group["best"][0]:
                    group["best"] = (weight, shown)
            ranked = sorted(groups.values(), key=lambda g: -g["count"])
            if size is not None:
                ranked = ranked[: size * 2]
            for group in ranked[:RECOUNTED]:
                # every name of the entity, also those too rare to be among the candidates
                forms = aliases.all_forms(group["best"][1])
                ids = set(group["ids"]) | {key_id(facet_line(label, f)) for f in forms}
                if len(ids) > 1:
                    attribute = FACET_ATTRIBUTES[label]
                    both = replace(
                        compiled,
                        filters=[*compiled.filters, f"{attribute} IN {in_list(sorted(ids))}"],
                    )
                    exprs, where = self._where(both)
                    recounts.append((group, f"SELECT id{exprs} FROM articles{where} LIMIT 1"))
            ranked_by_label[label] = ranked
        for start in range(0, len(recounts), 50):
            chunk = recounts[start : start + 50]
            for (group, _), (_, meta) in zip(
                chunk, self._batch([sql for _, sql in chunk]), strict=True
            ):
                group["count"] = int(meta.get("total_found", group["count"]))
        found: dict[str, list[tuple[str, int]]] = {}
        for label, ranked in ranked_by_label.items():
            ranked.sort(key=lambda g: (-g["count"], g["best"][1]))
            if size is not None:
                ranked = ranked[:size]
            if ranked:
                found[label] = [(g["best"][1], g["count"]) for g in ranked]
        return found

    def iter_ranked(self, parsed: ParsedQuery, sort: str) -> Iterator[Ranked]:
        tree, total, _, _ = self._chosen(parsed)
        compiled = compile_tree(tree)
        window = min(total, self.settings.ranking.rescore_window)
        yield from self._ranked(compiled, parsed.has_words, sort, 0, window, tree=tree)[0]
        step = 500
        for first in range(window, min(total, MAX_MATCHES), step):
            yield from self._ranked(compiled, parsed.has_words, sort, first, first + step)[0]

    def related(self, article_id: str, limit: int) -> tuple[list[Ranked], set[str]]:
        article = self.article(article_id)
        if article is None:
            return [], set()
        frequencies: dict[str, int] = {}
        words = analyze(f"{article.indexed_headline} {article.body[:20_000]}")
        self._frequencies(set(words), frequencies)
        terms = distinctive_terms(
            lambda term: frequencies.get(term, 0), self.count(), article, self.settings.ranking
        )
        if not terms:
            return [], set()
        tree = word_union(terms)
        compiled = compile_tree(tree)
        compiled.filters.append(f"id <> {doc_id(article_id)}")
        return self._ranked(compiled, True, "relevance", 0, limit, tree=tree)[0], set(terms)

    def _frequencies(
        self, terms: set[str], into: dict[str, int], field: str | None = "body"
    ) -> None:
        """How many articles hold each term (in ``field``, or in any field: the
        dictionary's count), summed over the shards."""
        plain = {token(t): t for t in terms}
        text = " ".join(f"@{field} {t}" if field else t for t in plain)
        for node in range(len(self.nodes)):
            try:
                rows = self._sql(node, f"CALL KEYWORDS({quote(text)}, 'shard', 1)")
            except ClusterUnavailable:
                continue
            for row in rows:
                term = plain.get(row[1])
                if term is not None:
                    into[term] = into.get(term, 0) + int(row[3])

    def _all_names(self, limit: int) -> dict[str, list]:
        """Articles per raw entity name over the whole archive, per label."""
        everything = Compiled()
        found = self._batch([
            self._grouped_sql(everything, attribute, "n DESC", limit)
            for attribute in FACET_ATTRIBUTES.values()
        ])  # fmt: skip
        return {
            label: [(row[0], int(row[1])) for row in found[i][0]]
            for i, label in enumerate(FACET_ATTRIBUTES)
        }

    def entity_counts(self) -> dict[str, list[tuple[str, int]]]:
        return self._merge_facets(Compiled(), self._all_names(1000), size=None)

    def article(self, article_id: str) -> Article | None:
        rows, _ = self._read(f"SELECT stored FROM articles WHERE id = {doc_id(article_id)}")
        return _article(rows[0][0]) if rows else None

    def aliases(self) -> AliasTable:
        """The shipped alias seeds plus what the indexing runs learned (kept in the ``kv``
        table of every node), read once per backend object."""
        table = getattr(self, "_aliases", None)
        if table is None:
            known = self.learned_aliases()
            table = self._aliases = build_table(known["learned"], known["derived"])
        return table

    def has_aliases(self) -> bool:
        """True when an indexing run has saved what it learned."""
        rows, _ = self._read(f"SELECT id FROM kv WHERE id = {ALIASES_KEY}")
        return bool(rows)

    def learned_aliases(self) -> dict:
        """``{"learned": {...}, "derived": [...]}`` as the last indexing run left it."""
        try:
            rows, _ = self._read(f"SELECT value FROM kv WHERE id = {ALIASES_KEY}")
        except SearcherError:
            rows = []
        known = json.loads(rows[0][0]) if rows else {}
        return {"learned": known.get("learned", {}), "derived": known.get("derived", [])}

    def save_aliases(self, learned: dict[str, int], derived: list[list[str]]) -> None:
        text = quote(json.dumps({"learned": learned, "derived": derived}, ensure_ascii=False))
        for node in range(len(self.nodes)):
            row = f"({ALIASES_KEY}, 'aliases', {text})"
            self._sql(node, f"REPLACE INTO kv (id, key, value) VALUES {row}")
        self._aliases = None

    def name_counts(self) -> dict[str, int]:
        """``"LABEL\\tName"`` -> articles naming it, over the whole cluster."""
        counts = {v: n for rows in self._all_names(MAX_MATCHES).values() for v, n in rows}
        names = self._names(counts)
        return {names[v]: n for v, n in counts.items() if v in names}

    def count(self) -> int:
        _, meta = self._read("SELECT id FROM articles LIMIT 1")
        return int(meta.get("total_found", 0))

    def overview(self) -> Overview:
        """The cluster's articles; their dates and outlets are not counted here yet."""
        return Overview(self.count())

    def stats(self, terms: bool = False) -> Stats:
        articles = size = 0
        for node in range(len(self.nodes)):
            status = dict(self._sql(node, "SHOW INDEX shard STATUS"))
            articles += int(status.get("indexed_documents", 0))
            size += int(status.get("disk_bytes", 0)) + int(status.get("ram_bytes", 0))
        return Stats(
            articles=articles, terms=-1, size_bytes=size, schema_version=0,
            updated="", path=self.spec,
        )  # fmt: skip

    # Writing -----------------------------------------------------------------

    def index(self, paths: Iterable[str | Path], options: IndexOptions) -> IndexReport:
        from searcher.engine.cluster.writer import write

        return write(self, paths, options)

    def remove(self, ids: list[str], wait: float) -> list[str]:
        present = [i for i in ids if self.article(i) is not None]
        by_shard: dict[int, list[int]] = {}
        for article_id in present:
            doc = doc_id(article_id)
            by_shard.setdefault(self.shard_of(doc), []).append(doc)
        for node, doc_ids in by_shard.items():
            self._sql(node, f"DELETE FROM shard WHERE id IN {in_list(doc_ids)}")
        return present

def _field_terms(node: Node, per_field: bool) -> list[tuple[str, str]]:
    """``(field, term)`` pairs whose per-field document frequency scoring ``node`` needs."""
    if isinstance(node, FieldWord):
        return [(node.field, node.term)]
    if isinstance(node, Phrase):
        fields = [node.field] if node.field else SEARCH_FIELDS
        return [(f, t) for f in fields for t in node.terms]
    if isinstance(node, Word) and per_field:
        return [(f, node.term) for f in SEARCH_FIELDS]
    return []


def _dates_of(days: list, total: int) -> np.ndarray:
    """Each match's date code from articles-per-day counts (undated ones as 0)."""
    dated = [(date_code(_from_day(row[0])), int(row[1])) for row in days if row[0]]
    undated = max(0, total - sum(n for _, n in dated))
    parts = [np.repeat(np.int64(code), n) for code, n in dated]
    parts.append(np.zeros(undated, dtype=np.int64))
    return np.concatenate(parts)


def _from_day(day: int) -> datetime:
    return datetime(day // 10_000, day // 100 % 100, day % 100)


def _article(text: str) -> Article:
    """The article a row's ``stored`` JSON attribute holds."""
    stored = json.loads(text)
    if stored.get("date"):
        stored["date"] = datetime.fromisoformat(stored["date"])
    else:
        stored.pop("date", None)
    return stored_article(stored)


__all__ = ["ClusterUnavailable", "SphinxBackend"]
