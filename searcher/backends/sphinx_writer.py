"""Indexing into the cluster: the same reading, cleaning, tagging and checksums as the
embedded index (``searcher.indexer``), written as rows to the shard each article's id
hashes to.

A batch is written only when every shard answers; each shard's part of a batch is
one transaction (``BEGIN`` ... ``COMMIT``). A shard that dies mid-batch stops the run
with a clear message; rows are ``REPLACE``d by id, so running the same command again
completes it without duplicates.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from searcher.aliases import from_names
from searcher.analysis import analyze, names_analyzer
from searcher.article import Problem
from searcher.backends.sphinx import ClusterUnavailable, SphinxBackend
from searcher.backends.sphinxql import (
    EVERY,
    FACET_ATTRIBUTES,
    doc_id,
    in_list,
    key_id,
    quote,
    token,
)  # fmt: skip
from searcher.cluster import ATTRIBUTES, FIELDS
from searcher.duplicates import Grouper, from_bytes
from searcher.errors import SearcherError
from searcher.facets import facet_line
from searcher.index_run import IndexOptions, IndexReport
from searcher.indexer import jobs_to_write, prepare_article
from searcher.postings import date_code
from searcher.query import source_words
from searcher.schema import ENTITY_FIELDS, SEARCH_FIELDS
from searcher.sources import Scope, read_archive

_MVA = {name for kind, name in ATTRIBUTES if kind == "rt_attr_multi_64"}
_COLUMNS = ("id", *FIELDS, *(name for _, name in ATTRIBUTES))
#: Rows per ``REPLACE`` statement (keeps one statement well under ``max_packet_size``).
ROWS_PER_STATEMENT = 200


def _value(name: str, value) -> str:
    if name in _MVA:
        return in_list(value)
    if isinstance(value, int):
        return str(value)
    return quote(str(value))


def _existing(backend: SphinxBackend, grouper: Grouper) -> dict[str, str]:
    """Every stored article's id -> checksum, read from each shard a page at a time; the
    grouper learns every stored MinHash, so copies across runs are grouped."""
    found: dict[str, str] = {}
    for node in range(len(backend.nodes)):
        last = 0
        while True:
            rows = backend._sql(
                node,
                "SELECT id, article_id, checksum, group_id, minhash FROM shard "
                f"WHERE id > {last} ORDER BY id ASC LIMIT 5000 OPTION max_matches=5000",
            )
            for _, article_id, digest, group_id, minhash in rows:
                found[article_id] = digest
                if minhash:
                    grouper.add(
                        article_id, group_id or article_id, from_bytes(bytes.fromhex(minhash))
                    )
            if len(rows) < 5000:
                break
            last = rows[-1][0]
    return found


def _truncate(backend: SphinxBackend, node: int, table: str) -> None:
    """Empty a table: Sphinx 2.2 says ``TRUNCATE RTINDEX``, Manticore ``TRUNCATE TABLE``."""
    try:
        backend._sql(node, f"TRUNCATE RTINDEX {table}")
    except ClusterUnavailable:
        raise
    except SearcherError:
        backend._sql(node, f"TRUNCATE TABLE {table}")


def _check_every_shard(backend: SphinxBackend) -> None:
    for node in range(len(backend.nodes)):
        try:
            backend._sql(node, "SHOW INDEX shard STATUS")
        except ClusterUnavailable as err:
            raise ClusterUnavailable(
                f"{err}; nothing of this batch was written: start the shard and run the same "
                "command again"
            ) from None


def _write_batch(backend: SphinxBackend, rows: list[dict]) -> None:
    """Each shard's rows in one transaction, after checking every shard answers."""
    _check_every_shard(backend)
    by_shard: dict[int, list[dict]] = {}
    for row in rows:
        by_shard.setdefault(backend.shard_of(row["id"]), []).append(row)
    for node, shard_rows in by_shard.items():
        try:
            backend._sql(node, "BEGIN")
            for i in range(0, len(shard_rows), ROWS_PER_STATEMENT):
                chunk = shard_rows[i : i + ROWS_PER_STATEMENT]
                values = ",".join(
                    "(" + ",".join(_value(c, row[c]) for c in _COLUMNS) + ")" for row in chunk
                )
                backend._sql(node, f"REPLACE INTO shard ({','.join(_COLUMNS)}) VALUES {values}")
            backend._sql(node, "COMMIT")
            # a transaction holds one table: the names go after (harmless if repeated)
            names = {k: v for row in shard_rows for k, v in row["_names"].items()}
            if names:
                values = ",".join(f"({k},{quote(v)},{quote(v)})" for k, v in names.items())
                backend._sql(node, f"REPLACE INTO shard_names (id, line, name) VALUES {values}")
        except ClusterUnavailable as err:
            raise ClusterUnavailable(
                f"{err} while writing a batch; shards written before it keep their rows: run "
                "the same command again to finish (rows are replaced by id, never doubled)"
            ) from None


def write(
    backend: SphinxBackend, paths: Iterable[str | Path], options: IndexOptions
) -> IndexReport:
    """Index every article under ``paths`` into the cluster."""
    if options.prune:
        raise SearcherError("--prune is not available on the cluster backend yet")
    report = IndexReport()
    began = time.perf_counter()
    _check_every_shard(backend)
    if options.rebuild:
        for node in range(len(backend.nodes)):
            for table in ("shard", "shard_names"):
                _truncate(backend, node, table)
    grouper = Grouper()
    existing = {} if options.rebuild else _existing(backend, grouper)

    def progress() -> None:
        if options.progress:
            report.seconds = time.perf_counter() - began
            options.progress(report)

    items = read_archive(paths, Scope())
    jobs = jobs_to_write(items, existing, options.entities, report, progress, grouper)
    batch = options.indexing.commit_batch
    pool = ProcessPoolExecutor(options.procs) if options.procs > 1 else None
    try:
        pending: list = []

        def flush() -> None:
            prepared_all = (
                list(pool.map(prepare_article, pending, chunksize=16))
                if pool
                else [prepare_article(job) for job in pending]
            )
            rows = []
            for prepared in prepared_all:
                report.prepared += 1
                report.learned.update(prepared.aliases)
                if prepared.doc is None:
                    report.problems.append(Problem.about(prepared.path, prepared.error))
                    report.skipped += 1
                    continue
                rows.append(row_of(prepared.doc))
                if prepared.is_new:
                    report.added += 1
                else:
                    report.updated += 1
            if rows:
                _write_batch(backend, rows)
            pending.clear()
            progress()

        for job in jobs:
            pending.append(job)
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if report.indexed or not backend.has_aliases():
        learned = Counter() if options.rebuild else Counter(backend.learned_aliases()["learned"])
        learned.update(report.learned)
        backend.save_aliases(dict(learned), from_names(backend.name_counts()))
    report.seconds = time.perf_counter() - began
    return report


#: Stored fields kept in the ``stored`` JSON attribute.
STORED = (
    "id", "headline", "lead_headline", "kicker", "body", "source", "url", "dateline",
    "group_id", "path", "date_text", "checksum", "date", "person", "place", "org",
)  # fmt: skip
_NAMES = names_analyzer()


def _name_keys(names: str) -> list[str]:
    return list(dict.fromkeys(t.text for t in _NAMES(names.replace(";", ","))))


def _day(when: datetime | None) -> int:
    return when.year * 10_000 + when.month * 100 + when.day if when else 0


def row_of(doc: dict) -> dict:
    """The values of one article's row (``doc`` is ``searcher.indexer.to_document``'s)."""
    date = doc.get("date")
    keys = {field: _name_keys(doc.get(field, "")) for field in ENTITY_FIELDS.values()}
    keys["entity"] = list(
        dict.fromkeys(key for field in ENTITY_FIELDS.values() for key in keys[field])
    )
    facets = {
        attribute: [
            key_id(facet_line(label, n)) for n in doc.get(ENTITY_FIELDS[label], "").split(",") if n
        ]
        for label, attribute in FACET_ATTRIBUTES.items()
    }
    stored = {k: doc.get(k, "") for k in STORED}
    stored["date"] = date.isoformat() if date else ""
    texts = {field: analyze(doc.get(field) or "") for field in SEARCH_FIELDS}
    return {
        "id": doc_id(doc["id"]),
        **{field: " ".join(token(t) for t in terms) for field, terms in texts.items()},
        "every": EVERY,
        "date": date_code(date) if date else 0,
        "day": _day(date),
        "grp": key_id("group\x00" + (doc.get("group_id") or doc["id"])),
        **{f: [key_id(k) for k in keys[f]] for f in keys},
        "source": [key_id(w) for w in source_words(doc.get("source", ""))],
        **facets,
        "article_id": doc["id"],
        "checksum": doc.get("checksum", ""),
        "group_id": doc.get("group_id") or doc["id"],
        "minhash": (doc.get("minhash") or b"").hex(),
        "stored": json.dumps(stored, ensure_ascii=False),
        "_names": {
            key_id(facet_line(label, n)): facet_line(label, n)
            for label, field in ENTITY_FIELDS.items()
            for n in doc.get(field, "").split(",")
            if n
        },
    }
