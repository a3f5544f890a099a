"""Indexing into the cluster: the one indexing pipeline's ``Prepared`` records
(``searcher.indexing``: the same reading, cleaning, tagging and checksums as the
embedded index) written as rows to the shard each article's id hashes to.

A batch is written only when every shard answers; each shard's part of a batch is
one transaction (``BEGIN`` ... ``COMMIT``). A shard that dies mid-batch stops the run
with a clear message; rows are ``REPLACE``d by id, so running the same command again
completes it without duplicates.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Protocol

from searcher.engine import date_code
from searcher.engine.cluster.nodes import ATTRIBUTES, FIELDS
from searcher.engine.cluster.shards import ClusterUnavailable
from searcher.engine.cluster.sphinxql import (
    EVERY,
    FACET_ATTRIBUTES,
    doc_id,
    in_list,
    key_id,
    quote,
    token,
)  # fmt: skip
from searcher.engine.stored import clean_names, entity_text, stored_fields
from searcher.errors import SearcherError
from searcher.index_run import IndexOptions, IndexReport
from searcher.indexing.pipeline import Job, Known, Pipeline, Prepared, prepare
from searcher.indexing.tally import Tally
from searcher.ingest.files import Scope, read_archive
from searcher.ingest.stories import Grouper, from_bytes
from searcher.names.aliases import from_names
from searcher.names.facets import facet_line
from searcher.query.parse import source_words
from searcher.text.analysis import analyze, names_analyzer
from searcher.vocabulary import ENTITY_FIELDS, SEARCH_FIELDS

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


def _existing(backend: Cluster, grouper: Grouper) -> dict[str, Known]:
    """What each shard holds of every stored article (its checksum), read a page at a
    time; the grouper learns every stored MinHash, so copies across runs are grouped."""
    found: dict[str, Known] = {}
    for node in range(len(backend.nodes)):
        last = 0
        while True:
            rows = backend._sql(
                node,
                "SELECT id, article_id, checksum, group_id, minhash FROM shard "
                f"WHERE id > {last} ORDER BY id ASC LIMIT 5000 OPTION max_matches=5000",
            )
            for _, article_id, digest, group_id, minhash in rows:
                found[article_id] = Known(digest)
                if minhash:
                    grouper.add(
                        article_id, group_id or article_id, from_bytes(bytes.fromhex(minhash))
                    )
            if len(rows) < 5000:
                break
            last = rows[-1][0]
    return found


def _truncate(backend: Cluster, node: int, table: str) -> None:
    """Empty a table: Sphinx 2.2 says ``TRUNCATE RTINDEX``, Manticore ``TRUNCATE TABLE``."""
    try:
        backend._sql(node, f"TRUNCATE RTINDEX {table}")
    except ClusterUnavailable:
        raise
    except SearcherError:
        backend._sql(node, f"TRUNCATE TABLE {table}")


def _check_every_shard(backend: Cluster) -> None:
    for node in range(len(backend.nodes)):
        try:
            backend._sql(node, "SHOW INDEX shard STATUS")
        except ClusterUnavailable as err:
            raise ClusterUnavailable(
                f"{err}; nothing of this batch was written: start the shard and run the same "
                "command again"
            ) from None


def _write_batch(backend: Cluster, rows: list[dict]) -> None:
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


class Cluster(Protocol):
    """What writing needs of the cluster backend: its shards and its alias table."""

    nodes: list[tuple[str, int]]

    def _sql(self, node: int, sql: str, sets: bool = False): ...

    def shard_of(self, doc: int) -> int: ...

    def has_aliases(self) -> bool: ...

    def learned_aliases(self) -> dict: ...

    def save_aliases(self, learned: dict[str, int], derived: list[list[str]]) -> None: ...

    def name_counts(self) -> dict[str, int]: ...


def write(backend: Cluster, paths: Iterable[str | Path], options: IndexOptions) -> IndexReport:
    """Index every article under ``paths`` into the cluster."""
    if options.prune:
        raise SearcherError("--prune is not available on the cluster backend yet")
    tally = Tally(options.progress)
    report = tally.report
    _check_every_shard(backend)
    if options.rebuild:
        for node in range(len(backend.nodes)):
            for table in ("shard", "shard_names"):
                _truncate(backend, node, table)
    grouper = Grouper()
    known = {} if options.rebuild else _existing(backend, grouper)
    # the cluster keeps no file or URL per id yet, so ids are not kept apart across files
    pipeline = Pipeline(known, tally, options.entities, grouper, keep_apart=False)
    jobs = pipeline.jobs(read_archive(paths, Scope()))
    batch = options.indexing.commit_batch
    pool = ProcessPoolExecutor(options.procs) if options.procs > 1 else None
    try:
        pending: list[Job] = []

        def flush() -> None:
            prepared_all = (
                list(pool.map(prepare, pending, chunksize=16))
                if pool
                else [prepare(job) for job in pending]
            )
            rows = []
            for prepared in prepared_all:
                tally.prepared_here()
                outcome = prepared.outcome()
                tally.written(outcome)
                if not outcome.error:
                    rows.append(row_of(prepared))
            if rows:
                _write_batch(backend, rows)
            pending.clear()
            tally.tick()

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
    return tally.finish()


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


def row_of(prepared: Prepared) -> dict:
    """The values of one article's row."""
    article = prepared.article
    names = clean_names(prepared.names)
    fields = stored_fields(article, names, prepared.digest)
    date = article.date
    keys = {field: _name_keys(fields[field]) for field in ENTITY_FIELDS.values()}
    keys["entity"] = list(
        dict.fromkeys(key for field in ENTITY_FIELDS.values() for key in keys[field])
    )
    facets = {
        attribute: [key_id(facet_line(label, n)) for n in names[label] if n]
        for label, attribute in FACET_ATTRIBUTES.items()
    }
    stored = {k: fields.get(k, "") for k in STORED}
    stored["date"] = date.isoformat() if date else ""
    texts = {**fields, "entities": entity_text(names)}
    return {
        "id": doc_id(article.id),
        **{field: " ".join(token(t) for t in analyze(texts[field])) for field in SEARCH_FIELDS},
        "every": EVERY,
        "date": date_code(date) if date else 0,
        "day": _day(date),
        "grp": key_id("group\x00" + fields["group_id"]),
        **{f: [key_id(k) for k in keys[f]] for f in keys},
        "source": [key_id(w) for w in source_words(fields["source"])],
        **facets,
        "article_id": article.id,
        "checksum": prepared.digest,
        "group_id": fields["group_id"],
        "minhash": (article.minhash or b"").hex(),
        "stored": json.dumps(stored, ensure_ascii=False),
        "_names": {
            key_id(facet_line(label, n)): facet_line(label, n)
            for label in ENTITY_FIELDS
            for n in names[label]
            if n
        },
    }
