"""The engines measured side by side: searcher and its peers, behind one small interface.

Each engine indexes the same ``Doc`` list into a folder and answers a query with the
ids of its top hits, building a snippet for each (so latency includes snippets).
Peers are benchmark-only extras (``pip install -e '.[bench]'``), never runtime needs.

- SQLite FTS5 (standard library): ``unicode61`` tokenizer, no stemmer (FTS5 has no
  Indonesian one), BM25 (``bm25()``), ``snippet()``.
- Xapian: its own Indonesian Snowball stemmer (``STEM_SOME``), BM25, ``MSet.snippet``.
- tantivy: no Indonesian stemmer, so it is given text already tokenized and stemmed by
  PyStemmer's ``indonesian`` (lowercased, whitespace-split); BM25; ``SnippetGenerator``.

All peers get the query as "any of these words", ranked by BM25: with long queries
(questions, headlines) that is their best setting. searcher gets the query as a person
types it, unless ``match="any"`` is asked for.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from corpus import Doc

WORD = re.compile(r"\w+", re.UNICODE)


def read_docs(source: Path) -> Iterator[Doc]:
    with open(source, encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            yield Doc(
                r["id"], r.get("title", ""), r["body"], r.get("date", ""), r.get("source", "")
            )


class Engine:
    name = "engine"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def build(self, source: Path, procs: int = 1) -> None:
        """Index the articles of a JSON Lines file (reading it is part of the work)."""
        raise NotImplementedError

    def open(self) -> None:
        """Open the built index for querying (a warm searcher)."""

    def search(self, query: str, k: int = 10) -> list[str]:
        raise NotImplementedError

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())


class Searcher(Engine):
    """This project, through its public library API."""

    name = "searcher"

    def __init__(
        self, folder: Path, entities: bool = True, match: str = "all", settings=None
    ) -> None:
        super().__init__(folder)
        self.entities = entities
        self.match = match
        #: ``searcher.settings.Settings`` to search with (None: the defaults).
        self.settings = settings

    def build(self, source: Path, procs: int = 1) -> None:
        from searcher import Archive

        Archive(self.folder).index([source], entities=self.entities, procs=procs)

    def open(self) -> None:
        from searcher import Archive

        self.archive = Archive(self.folder, settings=self.settings)

    def search(self, query: str, k: int = 10) -> list[str]:
        # every copy: the peers do not group stories either
        results = self.archive.search(
            query, limit=k, match=self.match, facets=False, collapse=False
        )
        return [hit.id for hit in results.hits]


class SqliteFts5(Engine):
    name = "sqlite-fts5"

    def build(self, source: Path, procs: int = 1) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        docs = read_docs(source)
        con = sqlite3.connect(self.folder / "fts.db")
        con.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, headline, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        con.executemany(
            "INSERT INTO docs VALUES (?, ?, ?)", ((d.id, d.headline, d.body) for d in docs)
        )
        con.commit()
        con.close()

    def open(self) -> None:
        self.con = sqlite3.connect(self.folder / "fts.db", check_same_thread=False)

    def search(self, query: str, k: int = 10) -> list[str]:
        words = [w for w in WORD.findall(query.lower())]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = self.con.execute(
            "SELECT id, snippet(docs, 2, '<mark>', '</mark>', '…', 32) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs, 2.0, 1.0) LIMIT ?",
            (match, k),
        ).fetchall()
        return [row[0] for row in rows]


class Xapian(Engine):
    name = "xapian"

    def build(self, source: Path, procs: int = 1) -> None:
        import xapian

        docs = read_docs(source)
        db = xapian.WritableDatabase(str(self.folder), xapian.DB_CREATE_OR_OVERWRITE)
        generator = xapian.TermGenerator()
        generator.set_stemmer(xapian.Stem("indonesian"))
        generator.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
        for d in docs:
            doc = xapian.Document()
            generator.set_document(doc)
            generator.index_text(d.headline, 2, "S")
            generator.index_text(d.headline, 2)
            generator.increase_termpos()
            generator.index_text(d.body)
            doc.set_data(d.body)
            doc.add_value(0, d.id)
            doc.add_boolean_term("Q" + d.id)
            db.replace_document("Q" + d.id, doc)
        db.commit()
        db.close()

    def open(self) -> None:
        import xapian

        self.xapian = xapian
        self.db = xapian.Database(str(self.folder))
        self.stemmer = xapian.Stem("indonesian")
        parser = xapian.QueryParser()
        parser.set_stemmer(self.stemmer)
        parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        parser.set_default_op(xapian.Query.OP_OR)
        parser.set_database(self.db)
        self.parser = parser

    def search(self, query: str, k: int = 10) -> list[str]:
        xq = self.parser.parse_query(" ".join(WORD.findall(query)))
        enquire = self.xapian.Enquire(self.db)
        enquire.set_query(xq)
        enquire.set_weighting_scheme(self.xapian.BM25Weight())
        mset = enquire.get_mset(0, k)
        ids = []
        for match in mset:
            document = match.document
            mset.snippet(document.get_data(), 200, self.stemmer)
            ids.append(document.get_value(0).decode())
        return ids


class Tantivy(Engine):
    name = "tantivy"

    def _stem(self, text: str) -> str:
        return " ".join(self.stemmer.stemWords(WORD.findall(text.lower())))

    def _prepare(self) -> None:
        import Stemmer

        self.stemmer = Stemmer.Stemmer("indonesian")
        self.stemmer.maxCacheSize = 0

    def build(self, source: Path, procs: int = 1) -> None:
        import tantivy

        docs = read_docs(source)
        self._prepare()
        self.folder.mkdir(parents=True, exist_ok=True)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("headline", stored=False, tokenizer_name="whitespace")
        builder.add_text_field("body", stored=True, tokenizer_name="whitespace")
        index = tantivy.Index(builder.build(), path=str(self.folder))
        writer = index.writer(heap_size=200_000_000, num_threads=procs)
        for d in docs:
            writer.add_document(
                tantivy.Document(id=d.id, headline=self._stem(d.headline), body=self._stem(d.body))
            )
        writer.commit()
        writer.wait_merging_threads()

    def open(self) -> None:
        import tantivy

        self._prepare()
        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(self.folder))
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: str, k: int = 10) -> list[str]:
        stems = self._stem(query).split()
        if not stems:
            return []
        text = " OR ".join(f'"{s}"' for s in stems)
        parsed = self.index.parse_query(text, ["headline", "body"], {"headline": 2.0})
        result = self.searcher.search(parsed, k)
        snippets = self.tantivy.SnippetGenerator.create(
            self.searcher, parsed, self.index.schema, "body"
        )
        ids = []
        for _, address in result.hits:
            doc = self.searcher.doc(address)
            snippets.snippet_from_doc(doc)
            ids.append(doc["id"][0])
        return ids


class SearcherCluster(Searcher):
    """This project on its cluster backend: a local Sphinx cluster of ``shards`` searchd
    nodes (``search cluster init``), indexed and queried through the same library API.
    Its memory figure is searcher's own process; searchd's is not counted."""

    shards = 1

    def _url(self) -> str:
        from searcher.engine.cluster import nodes as cluster

        return cluster.describe(self.folder / "nodes")["backend"]

    def build(self, source: Path, procs: int = 1) -> None:
        from searcher import Archive
        from searcher.engine.cluster import nodes as cluster

        nodes = self.folder / "nodes"
        cluster.init(nodes, self.shards, cluster.free_port_base(2 * self.shards))
        cluster.start(nodes)
        Archive(backend=self._url()).index([source], entities=self.entities, procs=procs)

    def open(self) -> None:
        from searcher import Archive

        self.archive = Archive(backend=self._url(), settings=self.settings)

    def release(self) -> None:
        from searcher.engine.cluster import nodes as cluster

        if (self.folder / "nodes" / cluster.CLUSTER_FILE).exists():
            cluster.stop(self.folder / "nodes")


class SearcherCluster1(SearcherCluster):
    name = "searcher-sphinx-1"
    shards = 1


class SearcherCluster2(SearcherCluster):
    name = "searcher-sphinx-2"
    shards = 2


PEERS = {"sqlite-fts5": SqliteFts5, "xapian": Xapian, "tantivy": Tantivy}
OURS = {
    "searcher": Searcher,
    "searcher-sphinx-1": SearcherCluster1,
    "searcher-sphinx-2": SearcherCluster2,
}


def make(name: str, folder: Path, **options) -> Engine:
    release(make_existing(name, folder, **options))
    if folder.exists():
        shutil.rmtree(folder)
    return make_existing(name, folder, **options)


def make_existing(name: str, folder: Path, **options) -> Engine:
    """An engine over an index already built in ``folder``."""
    if name in OURS:
        return OURS[name](folder, **options)
    return PEERS[name](folder)


def release(engine: Engine) -> None:
    """Stop what an engine runs besides its files (a cluster's searchd nodes)."""
    stop = getattr(engine, "release", None)
    if stop is not None:
        stop()
