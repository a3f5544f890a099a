"""The engine-neutral side of an indexing run: what to write, and what it becomes.

``Pipeline.jobs`` reads articles in archive order and decides, for each, whether it
is new, changed or unchanged (by its id and a checksum of its content), keeps ids of
different files apart, refuses a second article with one id, and assigns each changed
article its story group; ``prepare`` turns one job into a ``Prepared`` record (its
entity names and the aliases it introduces), in a worker process when there are
several. An engine's writer stores ``Prepared`` records its own way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from searcher import settings
from searcher.article import Article, Problem
from searcher.indexing.tally import Tally
from searcher.ingest.stories import Grouper, canonical_url
from searcher.names.aliases import learn


@dataclass(frozen=True)
class Known:
    """What an engine already holds of one article: enough to tell a changed article
    from an unchanged one, and whose file and URL an id belongs to."""

    digest: str
    path: str = ""
    url: str = ""


@dataclass
class Job:
    """One new or changed article to prepare (pickled to a worker process)."""

    article: Article
    digest: str
    is_new: bool
    entities: bool


@dataclass
class Prepared:
    """A job done: the article with its entity names (label -> names), the aliases it
    introduces, or the error that stopped it."""

    article: Article
    digest: str
    is_new: bool
    names: dict[str, list[str]] = field(default_factory=dict)
    #: Names this article introduces by another (``searcher.names.aliases.learn``), as keys.
    aliases: list[str] = field(default_factory=list)
    error: str = ""


    def outcome(self) -> Outcome:
        """What the writer reports back of this article (its text let go)."""
        return Outcome(self.article.id, self.article.path, self.is_new, self.aliases, self.error)


@dataclass
class Outcome:
    """What a writer reports of one prepared article: enough to count it, and to delete
    the copy it replaces."""

    article_id: str
    path: str
    is_new: bool
    aliases: list[str] = field(default_factory=list)
    error: str = ""


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


def tagged_text(article: Article) -> str:
    """What the tagger reads of an article: its headline and the start of its body."""
    return f"{article.headline}.\n{article.body[: settings.MAX_ENTITY_CHARS]}"


def find_entities(article: Article) -> dict[str, list[str]]:
    """Entity names of one article, per label (headline and body together)."""
    from searcher.names.tagger import article_entities  # the model: only where tagging runs

    return article_entities(tagged_text(article))


def prepare(job: Job) -> Prepared:
    """Entities and aliases for one article; runs in a worker process when procs > 1.
    One bad article never stops the rest: its error is its record."""
    prepared = Prepared(job.article, job.digest, job.is_new)
    try:
        names = find_entities(job.article) if job.entities else {}
        if names:
            found = learn(tagged_text(job.article), names)
            prepared.aliases = sorted({"\t".join(pair) for pair in found})
        prepared.names = names
    except Exception as err:  # one bad article never stops the rest
        prepared.error = f"could not analyse ({type(err).__name__}: {err}); skipped"
    return prepared


def file_of(path: str) -> str:
    """The file part of an article's ``path`` (``arsip/a.csv:3`` -> ``arsip/a.csv``)."""
    file, _, line = path.rpartition(":")
    return file if line.isdigit() else path


class Pipeline:
    """One run's reading side over what an engine already ``known`` holds.

    ``keep_apart`` (an engine that knows each id's file and URL) makes ids distinct
    across files: exports that number rows 1..N must not overwrite each other.
    """

    def __init__(
        self, known: Mapping[str, Known], tally: Tally, entities: bool, grouper: Grouper,
        keep_apart: bool = True,
    ) -> None:  # fmt: skip
        self.known = known
        self.tally = tally
        self.entities = entities
        self.grouper = grouper
        self.keep_apart = keep_apart
        #: Ids read this run, and files that could not be read (for ``gone``).
        self.seen: set[str] = set()
        self.unreadable: set[str] = set()

    def jobs(self, items: Iterable[Article | Problem]) -> Iterator[Job]:
        """The new and changed articles of ``items``, in archive order; problems and
        unchanged articles are counted on the way."""
        if self.keep_apart:
            items = self._owned(items)
        digests = {key: known.digest for key, known in self.known.items()}
        for article in self._articles(self._noting(items)):
            try:
                digest = checksum(article)
            except Exception as err:  # one bad article never stops the rest
                message = f"could not read ({type(err).__name__}: {err}); skipped"
                self.tally.problem(Problem.about(article.path, message))
                continue
            old = digests.get(article.id)
            if old == digest:
                self.tally.unchanged()
                continue
            digests[article.id] = digest
            # grouped here, in archive order in the parent: workers never see each other's
            article.group, article.minhash = self.grouper.assign(article.id, article.body)
            yield Job(article, digest, old is None, self.entities)

    def gone(self, prefixes: list[str]) -> list[str]:
        """Ids of known articles under the paths read whose file or line is no longer
        there (never those of a file that could not be read this time: it may come back)."""
        gone = []
        for key, known in self.known.items():
            file = file_of(known.path)
            inside = any(file == p or file.startswith(p + "/") for p in prefixes)
            if inside and key not in self.seen and file not in self.unreadable:
                gone.append(key)
        return gone

    def _articles(self, items: Iterable[Article | Problem]) -> Iterator[Article]:
        """Articles of ``items``, counting problems and refusing a second article with one id."""
        first_seen: dict[str, str] = {}
        for item in items:
            if isinstance(item, Problem):
                self.tally.problem(item)
                continue
            if item.id in first_seen:
                message = f"duplicate id {item.id!r} (first in {first_seen[item.id]}); skipped"
                self.tally.problem(Problem.about(item.path, message))
                continue
            first_seen[item.id] = item.path
            yield item

    def _noting(self, items: Iterable[Article | Problem]) -> Iterator[Article | Problem]:
        """``items`` unchanged, noting the ids read and the files that could not be read."""
        for item in items:
            if isinstance(item, Article):
                self.seen.add(item.id)
            elif item.line is None and item.kind == "skipped":
                self.unreadable.add(item.path)
            yield item

    def _owned(self, items: Iterable[Article | Problem]) -> Iterator[Article | Problem]:
        """``items`` with ids made distinct across files. An id first indexed from
        another file is another article (kept apart as ``FILE#ID``) unless both name the
        same URL; the same file read again keeps its ids and updates in place."""
        report = self.tally.report
        owners = {key: (file_of(k.path), k.url) for key, k in self.known.items()}
        by_url = {canonical_url(url): (key, "") for key, (_, url) in owners.items() if url}
        for item in items:
            if isinstance(item, Article):
                file = file_of(item.path)
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
