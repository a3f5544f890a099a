"""Write articles into the index: incremental by default, committed in batches.

Each article is keyed by its stable id and a checksum of its content, so indexing the
same archive again updates changed articles, skips unchanged ones and never
duplicates. Commits come every ``settings.Indexing.commit_batch`` articles: a killed run
loses at most the batch in flight, and the next run picks up where it stopped.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from searcher import settings, store, whoosh_internals
from searcher.aliases import from_names, learn, read_learned, write_aliases
from searcher.article import Article, Problem
from searcher.duplicates import Grouper, canonical_url, from_bytes
from searcher.errors import IndexWriteFailed, SearcherError, damage_reported
from searcher.facets import facet_line
from searcher.index_run import IndexOptions, IndexReport, Progress  # noqa: F401 (also imported from here)
from searcher.postings import entity_lines
from searcher.schema import ENTITY_FIELDS
from searcher.segments import write_parallel
from searcher.settings import Indexing
from searcher.sources import Scope, read_archive
from searcher.whoosh_internals import PARALLEL_WRITING


def checksum(article: Article) -> str:
    """Fingerprint of everything the index stores about an article."""
    parts = [
        article.headline,
        str(article.headline_from_lead),
        article.kicker,
        article.body,
        article.source,
        article.url,
        article.date.isoformat() if article.date else article.date_text,
    ]
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def to_document(article: Article, names: dict[str, list[str]], digest: str) -> dict:
    """The Whoosh document for an article and its entity names (label -> names)."""
    doc = {
        "id": article.id,
        "headline": "" if article.headline_from_lead else article.headline,
        "lead_headline": article.headline if article.headline_from_lead else "",
        "kicker": article.kicker,
        "body": article.body,
        "source": article.source.replace(",", " "),
        "url": article.url,
        "dateline": article.dateline,
        "group": (article.group or article.id).encode("utf-8"),
        "group_id": article.group or article.id,
        "minhash": article.minhash,
        "path": article.path,
        "date_text": article.date_text,
        "checksum": digest,
    }
    if article.date:
        doc["date"] = article.date
    every = []
    lines = []
    for label, field_name in ENTITY_FIELDS.items():
        clean = [" ".join(name.replace(",", " ").split()) for name in names.get(label, [])]
        doc[field_name] = ",".join(clean)
        every.extend(clean)
        lines.extend(facet_line(label, name) for name in clean)
    doc["entities"] = " ; ".join(every)
    doc["facets"] = "\n".join(lines).encode("utf-8")
    return doc


def find_entities(article: Article) -> dict[str, list[str]]:
    """Entity names of one article, per label (headline and body together)."""
    from searcher.entities import article_entities

    return article_entities(f"{article.headline}.\n{article.body[: settings.MAX_ENTITY_CHARS]}")


def _existing(ix, grouper: Grouper | None = None) -> dict[str, tuple[str, str, str]]:
    """Each stored article's id -> (checksum, path in the archive, URL); ``grouper``
    learns every stored article's story group."""
    stored = {}
    with ix.searcher() as searcher:
        for fields in searcher.reader().all_stored_fields():
            key = fields["id"]
            stored[key] = (
                fields.get("checksum", ""),
                fields.get("path", ""),
                fields.get("url", ""),
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


def _file_of(path: str) -> str:
    """The file part of an article's ``path`` (``arsip/a.csv:3`` -> ``arsip/a.csv``)."""
    file, _, line = path.rpartition(":")
    return file if line.isdigit() else path


def _owned(
    items: Iterable[Article | Problem], owners: dict[str, tuple[str, str]], report: IndexReport
) -> Iterator[Article | Problem]:
    """``items`` with ids made distinct across files: exports that number rows 1..N
    must not overwrite each other. An id first indexed from another file is another
    article (kept apart as ``FILE#ID``) unless both name the same URL; the same file
    read again keeps its ids and updates in place."""
    by_url = {canonical_url(url): (key, "") for key, (_, url) in owners.items() if url}
    for item in items:
        if isinstance(item, Article):
            file = _file_of(item.path)
            url = canonical_url(item.url)
            first_id, first_path = by_url.get(url, (item.id, ""))
            if url and first_path and first_path != item.path:
                message = f"same URL as an earlier row ({first_path}); the first is kept"
                item = Problem.about(item.path, message)  # a repeat within this run
            elif url and first_id != item.id:
                item.id = first_id  # the same story under another id: it updates that one
                report.same_url += 1
        if isinstance(item, Article):
            owner = owners.setdefault(item.id, (file, item.url))
            if owner[0] != file and not (url and url == canonical_url(owner[1])):
                item.id = f"{file}#{item.id}"
                report.kept_apart += 1
            if url and not by_url.get(url, ("", ""))[1]:
                by_url[url] = (item.id, item.path)  # read in this run: a repeat is skipped
        yield item


def _noting(items: Iterable[Article | Problem], seen: set[str], unreadable: set[str]):
    """``items`` unchanged, noting the ids read and the files that could not be read."""
    for item in items:
        if isinstance(item, Article):
            seen.add(item.id)
        elif item.line is None and item.kind == "skipped":
            unreadable.add(item.path)
        yield item


def _gone(
    stored: dict[str, tuple[str, str, str]],
    seen: set[str],
    unreadable: set[str],
    prefixes: list[str],
) -> list[str]:
    """Ids of stored articles under the paths read whose file or line is no longer there
    (never those of a file that could not be read this time: it may come back)."""
    gone = []
    for key, (_, path, _) in stored.items():
        file = _file_of(path)
        inside = any(file == p or file.startswith(p + "/") for p in prefixes)
        if inside and key not in seen and file not in unreadable:
            gone.append(key)
    return gone


def _delete(ix, ids: Iterable[str]) -> int:
    """Delete articles by id in one commit; how many there were."""
    ids = list(ids)
    if not ids:
        return 0
    writer = whoosh_internals.writer(ix)
    try:
        removed = sum(writer.delete_by_term("id", key) for key in ids)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return removed


def remove_ids(index_dir: str | Path, ids: Iterable[str], wait: float = 0.0) -> list[str]:
    """Delete the articles with these ids (a takedown, a correction) in one commit, under
    the write lock; returns the ids that were in the index."""
    index_dir = Path(index_dir)
    with store.write_lock(index_dir, wait):
        ix, meta, stored = _open_for_update(index_dir)
        present = [key for key in dict.fromkeys(ids) if key in stored]
        if present:
            _delete(ix, present)
            store.write_meta(index_dir, meta)
    return present


def index_paths(
    index_dir: str | Path, paths: Iterable[str | Path], options: IndexOptions | None = None
) -> IndexReport:
    """Index every article under ``paths`` into ``index_dir``."""
    scope = Scope()  # its roots are filled from the index's metadata before reading starts
    return index_items(index_dir, read_archive(paths, scope), options, scope)


def index_items(
    index_dir: str | Path,
    items: Iterable[Article | Problem],
    options: IndexOptions | None = None,
    scope: Scope | None = None,
) -> IndexReport:
    """Index already-read articles (and count the problems met reading them)."""
    opts = options or IndexOptions()
    index_dir = Path(index_dir)
    report = IndexReport()
    try:
        _index_locked(index_dir, items, opts, report, scope or Scope())
    except SearcherError:
        raise
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        raise IndexWriteFailed(
            f"cannot write the index in {index_dir}: {err.strerror or err}{where}; every batch "
            "committed before stays searchable: fix that and run the same command again"
        ) from err
    return report


def _open_for_update(index_dir: Path, grouper: Grouper | None = None):
    """The current index and what it holds, or one clear error when it is damaged."""
    with damage_reported(index_dir):
        ix, meta = store.open_current(index_dir)
        return ix, meta, _existing(ix, grouper)


def _index_locked(
    index_dir: Path, items, opts: IndexOptions, report: IndexReport, scope: Scope
) -> None:
    roots = scope.roots
    began = time.perf_counter()
    with store.write_lock(index_dir, opts.wait, opts.on_wait) as lock_fd:
        meta = store.read_meta(index_dir, for_rebuild=opts.rebuild)
        if meta is None and not opts.rebuild:
            store.refuse_orphaned_index(index_dir)
        store.remove_stale(index_dir, meta.get("indexname") if meta else None)
        stored: dict[str, tuple[str, str, str]] = {}
        grouper = Grouper()
        if meta is not None and not opts.rebuild:
            ix, meta, stored = _open_for_update(index_dir, grouper)
            existing = {key: digest for key, (digest, _, _) in stored.items()}
            roots[:0] = [Path(r) for r in meta.get("roots", []) if isinstance(r, str)]
            pending_name = None
        else:
            ix, pending_name = store.create_new(index_dir, meta)
            existing = {}
            if meta is None:
                # A first build is current from the start, so each batch it commits
                # is visible (and kept) even if the run is killed later.
                store.make_current(index_dir, pending_name, None)
                meta, pending_name = store.read_meta(index_dir), None
        seen: set[str] = set()
        unreadable: set[str] = set()
        owners = {key: (_file_of(path), url) for key, (_, path, url) in stored.items()}
        items = _noting(_owned(items, owners, report), seen, unreadable)
        _write(ix, index_dir, items, existing, opts, report, began, lock_fd, grouper)
        if opts.prune and stored:
            gone = _gone(stored, seen, unreadable, scope.prefixes)
            report.removed += _delete(ix, gone)
        if opts.optimize:
            whoosh_internals.writer(ix).commit(optimize=True)
        if report.indexed or report.removed:
            learned = Counter() if opts.rebuild else Counter(read_learned(index_dir))
            learned.update(report.learned)
            write_aliases(index_dir, dict(learned), from_names(_entity_names(ix)))
        known_roots = [str(root) for root in roots]
        if pending_name:
            store.make_current(index_dir, pending_name, meta, roots=known_roots)
        elif report.indexed or report.removed or opts.optimize:
            # records the time of this update, and the folders ids are relative to
            store.write_meta(index_dir, {**meta, "roots": known_roots})
    report.seconds = time.perf_counter() - began


def _articles(items: Iterable[Article | Problem], report: IndexReport) -> Iterator[Article]:
    """Articles of ``items``, counting problems and refusing a second article with one id."""
    first_seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Problem):
            report.problems.append(item)
            if item.kind == "skipped":
                report.skipped += 1
            else:
                report.warnings += 1
            continue
        if item.id in first_seen:
            message = f"duplicate id {item.id!r} (first in {first_seen[item.id]}); skipped"
            report.problems.append(Problem.about(item.path, message))
            report.skipped += 1
            continue
        first_seen[item.id] = item.path
        yield item


@dataclass
class _Prepared:
    """An article turned into a Whoosh document (or the error that stopped it)."""

    article_id: str
    path: str
    digest: str
    is_new: bool
    doc: dict | None = None
    error: str = ""
    #: Names this article introduces by another (``searcher.aliases.learn``), as keys.
    aliases: list[str] = field(default_factory=list)


def prepare_article(job: tuple[Article, str, bool, bool]) -> _Prepared:
    """Entities and the document for one article; runs in a worker process when procs > 1."""
    article, digest, is_new, entities = job
    prepared = _Prepared(article.id, article.path, digest, is_new)
    try:
        names = find_entities(article) if entities else {}
        if names:
            text = f"{article.headline}.\n{article.body[: settings.MAX_ENTITY_CHARS]}"
            prepared.aliases = sorted({"\t".join(pair) for pair in learn(text, names)})
        prepared.doc = to_document(article, names, digest)
    except Exception as err:  # one bad article never stops the rest
        prepared.error = f"could not analyse ({type(err).__name__}: {err}); skipped"
    return prepared


def jobs_to_write(
    items, existing, entities, report, progress: Callable[[], None], grouper: Grouper
) -> Iterator[tuple[Article, str, bool, bool]]:
    for article in _articles(items, report):
        try:
            digest = checksum(article)
        except Exception as err:  # one bad article never stops the rest
            message = f"could not read ({type(err).__name__}: {err}); skipped"
            report.problems.append(Problem.about(article.path, message))
            report.skipped += 1
            continue
        old = existing.get(article.id)
        if old == digest:
            report.unchanged += 1
            progress()
            continue
        existing[article.id] = digest
        # grouped here, in archive order in the parent: workers never see each other's
        article.group, article.minhash = grouper.assign(article.id, article.body)
        yield article, digest, old is None, entities


def _write(
    ix, index_dir: Path, items, existing, opts: IndexOptions, report, began, lock_fd: int,
    grouper: Grouper,
) -> None:  # fmt: skip
    def progress() -> None:
        if opts.progress:
            report.seconds = time.perf_counter() - began
            opts.progress(report)

    def workers_prepared(count: int) -> None:
        report.prepared = count
        progress()

    jobs = jobs_to_write(items, existing, opts.entities, report, progress, grouper)
    if opts.procs > 1 and PARALLEL_WRITING:  # else one process: same index, slower
        write_parallel(
            ix, index_dir, jobs, prepare_article, opts.procs, opts.indexing, report, progress,
            lock_fd, workers_prepared, opts.on_stall,
        )  # fmt: skip
    else:
        _write_serial(ix, jobs, report, progress, opts.indexing)


def _write_serial(
    ix, jobs: Iterator, report: IndexReport, progress: Callable[[], None], indexing: Indexing
) -> None:
    """One process: prepare and add each article, committing every ``commit_batch``."""
    batch = indexing.commit_batch
    writer = None
    in_batch = 0
    try:
        for prepared in map(prepare_article, jobs):
            report.prepared += 1
            report.learned.update(prepared.aliases)
            if prepared.doc is None:
                report.problems.append(Problem.about(prepared.path, prepared.error))
                report.skipped += 1
                progress()
                continue
            if writer is None:
                writer = whoosh_internals.writer(ix, limitmb=indexing.writer_mb)
            if prepared.is_new:
                writer.add_document(**prepared.doc)
                report.added += 1
            else:
                writer.update_document(**prepared.doc)
                report.updated += 1
            in_batch += 1
            if in_batch >= batch:
                writer.commit()
                writer, in_batch = None, 0
            progress()
        if writer is not None:
            writer.commit()
            writer = None
    finally:
        if writer is not None:
            writer.cancel()
