"""Write articles into the embedded index: incremental by default, committed in batches.

What to write comes from the one indexing pipeline (``searcher.indexing``): each
article is keyed by its stable id and a checksum of its content, so indexing the same
archive again updates changed articles, skips unchanged ones and never duplicates.
This module turns its ``Prepared`` records into Whoosh documents. Commits come every
``settings.Indexing.commit_batch`` articles: a killed run loses at most the batch in
flight, and the next run picks up where it stopped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from searcher.article import Article, Problem
from searcher.engine.embedded import store
from searcher.engine.embedded.postings import entity_lines
from searcher.engine.embedded.segments import write_parallel
from searcher.engine.embedded.whoosh import writing
from searcher.engine.embedded.whoosh.capabilities import Capabilities, probed
from searcher.engine.stored import clean_names, entity_text, stored_fields
from searcher.errors import IndexWriteFailed, SearcherError, damage_reported
from searcher.index_run import IndexOptions, IndexReport
from searcher.indexing.pipeline import Job, Known, Pipeline, Prepared, prepare
from searcher.indexing.tally import Tally
from searcher.ingest.files import Scope, read_archive
from searcher.ingest.stories import Grouper, from_bytes
from searcher.names.aliases import from_names, read_learned, write_aliases
from searcher.names.facets import facet_line
from searcher.settings import Indexing
from searcher.vocabulary import ENTITY_FIELDS


def to_document(prepared: Prepared) -> dict:
    """The Whoosh document for a prepared article: what both engines store, plus the
    columns only this index keeps (the story group, the MinHash, the ``facets`` lines)."""
    article = prepared.article
    names = clean_names(prepared.names)
    doc = stored_fields(article, names, prepared.digest)
    doc["group"] = (article.group or article.id).encode("utf-8")
    doc["minhash"] = article.minhash
    doc["entities"] = entity_text(names)
    lines = [facet_line(label, name) for label in ENTITY_FIELDS for name in names[label]]
    doc["facets"] = "\n".join(lines).encode("utf-8")
    return doc


def prepare_document(job: Job) -> tuple[Prepared, dict | None]:
    """A job prepared and made a Whoosh document (None when it could not be); runs in a
    worker process when procs > 1."""
    prepared = prepare(job)
    if prepared.error:
        return prepared, None
    try:
        return prepared, to_document(prepared)
    except Exception as err:  # one bad article never stops the rest
        prepared.error = f"could not analyse ({type(err).__name__}: {err}); skipped"
        return prepared, None


def _existing(ix, grouper: Grouper | None = None) -> dict[str, Known]:
    """What the index holds of each stored article; ``grouper`` learns every stored
    article's story group."""
    stored = {}
    with ix.searcher() as searcher:
        for fields in searcher.reader().all_stored_fields():
            key = fields["id"]
            stored[key] = Known(
                fields.get("checksum", ""), fields.get("path", ""), fields.get("url", "")
            )
            if grouper is not None and fields.get("minhash"):
                grouper.add(key, fields.get("group_id") or key, from_bytes(fields["minhash"]))
    return stored


def _entity_names(ix) -> dict[str, int]:
    """``"LABEL\tName"`` -> how many articles of the index name it (its facets column)."""
    counts: Counter = Counter()
    with ix.searcher() as searcher:
        for _, names in entity_lines(searcher.reader()):
            counts.update(names)
    return dict(counts)


def _delete(ix, ids: Iterable[str], caps: Capabilities) -> int:
    """Delete articles by id in one commit; how many there were."""
    ids = list(ids)
    if not ids:
        return 0
    writer = writing.writer(ix, caps)
    try:
        removed = sum(writer.delete_by_term("id", key) for key in ids)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return removed


def remove_ids(
    index_dir: str | Path, ids: Iterable[str], wait: float = 0.0, caps: Capabilities | None = None
) -> list[str]:
    """Delete the articles with these ids (a takedown, a correction) in one commit, under
    the write lock; returns the ids that were in the index."""
    index_dir = Path(index_dir)
    with store.write_lock(index_dir, wait):
        ix, meta, stored = _open_for_update(index_dir)
        present = [key for key in dict.fromkeys(ids) if key in stored]
        if present:
            _delete(ix, present, caps or probed())
            store.write_meta(index_dir, meta)
    return present


def index_paths(
    index_dir: str | Path,
    paths: Iterable[str | Path],
    options: IndexOptions | None = None,
    caps: Capabilities | None = None,
) -> IndexReport:
    """Index every article under ``paths`` into ``index_dir``."""
    scope = Scope()  # its roots are filled from the index's metadata before reading starts
    return index_items(index_dir, read_archive(paths, scope), options, scope, caps)


def index_items(
    index_dir: str | Path,
    items: Iterable[Article | Problem],
    options: IndexOptions | None = None,
    scope: Scope | None = None,
    caps: Capabilities | None = None,
) -> IndexReport:
    """Index already-read articles (and count the problems met reading them); ``caps``
    are the ways into Whoosh to write with (default: what the installed Whoosh offers)."""
    opts = options or IndexOptions()
    index_dir = Path(index_dir)
    tally = Tally(opts.progress)
    try:
        _index_locked(index_dir, items, opts, tally, scope or Scope(), caps or probed())
    except SearcherError:
        raise
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        raise IndexWriteFailed(
            f"cannot write the index in {index_dir}: {err.strerror or err}{where}; every batch "
            "committed before stays searchable: fix that and run the same command again"
        ) from err
    return tally.report


def _open_for_update(index_dir: Path, grouper: Grouper | None = None):
    """The current index and what it holds, or one clear error when it is damaged."""
    with damage_reported(index_dir):
        ix, meta = store.open_current(index_dir)
        return ix, meta, _existing(ix, grouper)


def _index_locked(
    index_dir: Path, items, opts: IndexOptions, tally: Tally, scope: Scope, caps: Capabilities
) -> None:
    roots = scope.roots
    report = tally.report
    with store.write_lock(index_dir, opts.wait, opts.on_wait) as lock_fd:
        meta = store.read_meta(index_dir, for_rebuild=opts.rebuild)
        if meta is None and not opts.rebuild:
            store.refuse_orphaned_index(index_dir)
        store.remove_stale(index_dir, meta.indexname if meta else None)
        stored: dict[str, Known] = {}
        grouper = Grouper()
        if meta is not None and not opts.rebuild:
            ix, meta, stored = _open_for_update(index_dir, grouper)
            roots[:0] = [Path(r) for r in meta.roots]
            pending_name = None
        else:
            ix, pending_name = store.create_new(index_dir, meta)
            if meta is None:
                # A first build is current from the start, so each batch it commits
                # is visible (and kept) even if the run is killed later.
                store.make_current(index_dir, pending_name, None)
                meta, pending_name = store.read_meta(index_dir), None
        pipeline = Pipeline(stored, tally, opts.entities, grouper)
        jobs = pipeline.jobs(items)
        if opts.procs > 1 and caps.parallel_writing:  # else one process: same index, slower
            write_parallel(ix, index_dir, jobs, prepare_document, opts, tally, lock_fd, caps)
        else:
            _write_serial(ix, jobs, tally, opts.indexing, caps)
        if opts.prune and stored:
            report.removed += _delete(ix, pipeline.gone(scope.prefixes), caps)
        if opts.optimize:
            writing.writer(ix, caps).commit(optimize=True)
        if report.indexed or report.removed:
            learned = Counter() if opts.rebuild else Counter(read_learned(index_dir))
            learned.update(report.learned)
            write_aliases(index_dir, dict(learned), from_names(_entity_names(ix)))
        known_roots = [str(root) for root in roots]
        if pending_name:
            store.make_current(index_dir, pending_name, meta, roots=known_roots)
        elif report.indexed or report.removed or opts.optimize:
            # records the time of this update, and the folders ids are relative to
            store.write_meta(index_dir, replace(meta, roots=tuple(known_roots)))
    tally.finish()


def _write_serial(
    ix, jobs: Iterator[Job], tally: Tally, indexing: Indexing, caps: Capabilities
) -> None:
    """One process: prepare and add each article, committing every ``commit_batch``."""
    batch = indexing.commit_batch
    writer = None
    in_batch = 0
    try:
        for prepared, doc in map(prepare_document, jobs):
            tally.prepared_here()
            tally.written(prepared.outcome())
            if doc is None:
                tally.tick()
                continue
            if writer is None:
                writer = writing.writer(ix, caps, limitmb=indexing.writer_mb)
            if prepared.is_new:
                writer.add_document(**doc)
            else:
                writer.update_document(**doc)
            in_batch += 1
            if in_batch >= batch:
                writer.commit()
                writer, in_batch = None, 0
            tally.tick()
        if writer is not None:
            writer.commit()
            writer = None
    finally:
        if writer is not None:
            writer.cancel()
