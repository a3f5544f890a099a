"""The writer's spilled runs of postings, pickled a chunk at a time, against Whoosh's
own pool, on real articles: the same postings come back in the same order."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import PostingPool

from searcher import Archive
from searcher.engine.embedded import store
from searcher.engine.embedded.backend import EmbeddedBackend
from searcher.engine.embedded.whoosh import writing
from searcher.engine.embedded.whoosh.capabilities import probed
from searcher.settings import Indexing, Settings
from searcher.text.analysis import term_positions
from tests.conftest import indosum_records
from tests.engine.embedded.whoosh.test_codec import _postings

pytestmark = pytest.mark.skipif(
    not probed().chunked_runs, reason="this Whoosh's pool is not the one we chunk"
)


def _real_postings(articles: int) -> list[tuple]:
    """(field, term, docnum, weight, value) for the body words of real articles."""
    postings = []
    for docnum, record in enumerate(indosum_records(articles)):
        for term, positions in term_positions(record["body"]).items():
            value = bytes(len(positions) % 256 for _ in range(2))
            postings.append(("body", term.encode(), docnum, float(len(positions)), value))
    return postings


def test_chunked_runs_give_back_every_posting_sorted(tmp_path):
    postings = _real_postings(40)
    shuffled = random.Random(15).sample(postings, len(postings))
    pool = PostingPool(FileStorage(str(tmp_path)), segment=None, limitmb=1)
    pool.limit = 100_000  # bytes of Whoosh's estimate: a run every few hundred postings
    writing.chunking_runs(SimpleNamespace(pool=pool), probed())
    assert type(pool).__name__ == "_ChunkedRuns"
    for posting in shuffled:
        pool.add(posting)
    # more runs than a merge may open: runs are merged into runs first (reduce_to)
    assert len(pool.runs) > 6
    merged = list(pool.items(maxfiles=3))
    assert merged == sorted(postings)
    assert len(merged) > writing.RUN_CHUNK
    assert list(tmp_path.iterdir()) == []  # every run file removed once read


def test_an_index_spilled_in_chunks_holds_whoosh_s_postings(tmp_path, small_archive):
    spilling = Settings(indexing=Indexing(writer_mb=1))
    chunked = Archive(tmp_path / "chunked", settings=spilling)
    written: list[int] = []
    pool_class = writing.chunked_runs_pool()
    with pytest.MonkeyPatch.context() as patch:
        write_run = pool_class._write_run
        patch.setattr(
            pool_class,
            "_write_run",
            lambda self, f, items: written.append(1) or write_run(self, f, items),
        )
        assert chunked.index([small_archive], procs=1).added == 301
    unchunked = probed().without("chunked_runs")
    stock = Archive(engine=EmbeddedBackend(tmp_path / "stock", spilling, unchunked))
    assert stock.index([small_archive], procs=1).added == 301
    assert len(written) > 5  # the writer spilled many runs, through the chunked pool

    chunked_ix, _ = store.open_current(chunked.path)
    stock_ix, _ = store.open_current(stock.path)
    with chunked_ix.reader() as ours, stock_ix.reader() as theirs:
        terms = list(theirs.all_terms())
        assert terms == list(ours.all_terms())
        for fieldname, text in terms:
            assert _postings(ours, fieldname, text) == _postings(theirs, fieldname, text)
