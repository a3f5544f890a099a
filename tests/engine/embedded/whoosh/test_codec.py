"""The compact posting lists against what stock Whoosh writes, on real articles.

The compact codec (``searcher.engine.embedded.whoosh.codec``) changes how Whoosh 3
pickles posting lists and inlines short ones; it must not change a single posting,
and Whoosh's own reader must read it.
"""

from __future__ import annotations

import array
import json
import subprocess
import sys
from pathlib import Path

import pytest

from searcher import Archive
from searcher.engine.embedded import store
from searcher.engine.embedded.backend import EmbeddedBackend
from searcher.engine.embedded.whoosh import codec, reading
from searcher.engine.embedded.whoosh.capabilities import probed
from searcher.settings import DEFAULT
from tests.conftest import indosum_records

pytestmark = pytest.mark.skipif(
    not probed().compact_postings, reason="this Whoosh's writer is not the one we fix"
)


@pytest.fixture(scope="module")
def both_indexes(small_archive, tmp_path_factory):
    """The small archive indexed twice by one process: with the compact codec, then
    with Whoosh's own (the same articles in the same order, so the same docnums)."""
    compact = Archive(tmp_path_factory.mktemp("compact"))
    compact.index([small_archive], procs=1)
    stock = _index_as_whoosh_writes(tmp_path_factory.mktemp("stock"), [small_archive])
    return compact, stock


def _index_as_whoosh_writes(folder, paths, **options) -> Archive:
    """An archive indexed by one process with Whoosh's own codec."""
    stock = probed().without("compact_postings")
    archive = Archive(engine=EmbeddedBackend(Path(folder), DEFAULT, stock))
    archive.index(paths, procs=1, **options)
    return archive


def _postings(reader, fieldname: str, text: bytes) -> list:
    """Every posting as Whoosh's own matcher reads it: docnum, weight, value bytes."""
    matcher = reader.postings(fieldname, text)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), float(matcher.weight()), matcher.value() or b""))
        matcher.next()
    return found


def _matcher_keys(leaf, fieldname: str, text: bytes, wanted) -> list[int]:
    """``doc << 32 | position`` of the wanted articles, read through Whoosh's matcher."""
    matcher = leaf.postings(fieldname, text)
    keys, wanted = [], set(wanted.tolist())
    while matcher.is_active():
        if matcher.id() in wanted:
            keys.extend(matcher.id() << 32 | p for p in matcher.value_as("positions"))
        matcher.next()
    return keys


def _stats(info) -> tuple:
    return (
        info.doc_frequency(),
        info.weight(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
    )


def test_every_posting_and_term_statistic_is_whoosh_s(both_indexes):
    compact_ix, _ = store.open_current(both_indexes[0].path)
    stock_ix, _ = store.open_current(both_indexes[1].path)
    with compact_ix.reader() as compact, stock_ix.reader() as stock:
        terms = list(stock.all_terms())
        assert terms == list(compact.all_terms())
        inlined = 0
        for fieldname, text in terms:
            assert _postings(compact, fieldname, text) == _postings(stock, fieldname, text)
            info = compact.term_info(fieldname, text)
            assert _stats(info) == _stats(stock.term_info(fieldname, text))
            inlined += any(
                leaf._terms.term_info(fieldname, text).is_inlined()
                for leaf, _ in compact.leaf_readers()
                if (fieldname, text) in leaf
            )
    # about half of a vocabulary is held by one article: those lists are inlined
    assert inlined > len(terms) / 3


def test_the_fast_path_reads_inlined_and_plain_lists_alike(both_indexes):
    compact_ix, _ = store.open_current(both_indexes[0].path)
    stock_ix, _ = store.open_current(both_indexes[1].path)
    with compact_ix.reader() as compact, stock_ix.reader() as stock:
        [(compact_leaf, _)] = compact.leaf_readers()
        [(stock_leaf, _)] = stock.leaf_readers()
        seen = {True: 0, False: 0}
        for fieldname, text in stock.all_terms():
            if fieldname != "body":
                continue
            mine = reading.leaf_postings(compact_leaf, fieldname, text, probed())
            theirs = reading.leaf_postings(stock_leaf, fieldname, text, probed())
            assert mine[0].tolist() == theirs[0].tolist()
            assert mine[1].tolist() == theirs[1].tolist()
            wanted = theirs[0][::2]
            keys = reading.leaf_positions(compact_leaf, fieldname, text, wanted, probed())
            assert keys.tolist() == _matcher_keys(stock_leaf, fieldname, text, wanted)
            seen[compact_leaf._terms.term_info(fieldname, text).is_inlined()] += 1
    assert seen[True] and seen[False]


def test_stock_whoosh_reads_it_without_the_compact_codec(both_indexes):
    path = both_indexes[0].path
    _, meta = store.open_current(path)
    toc = b"".join(p.read_bytes() for p in path.glob("_*.toc"))
    assert b"W3Codec" in toc and b"Compact" not in toc  # segments name Whoosh's codec
    script = (
        # the schema's analyzers are searcher's; the codec must not be
        "import sys; sys.modules['searcher.engine.embedded.whoosh.codec'] = None\n"
        "from whoosh import index\n"
        "from whoosh.query import Term\n"
        f"ix = index.open_dir({str(path)!r}, indexname={meta.indexname!r})\n"
        "with ix.searcher() as s:\n"
        "    print(len(s.search(Term('body', 'jakarta'), limit=None)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    ix, _ = store.open_current(path)
    with ix.searcher() as searcher:
        from whoosh.query import Term

        assert int(done.stdout) == len(searcher.search(Term("body", "jakarta"), limit=None)) > 0


def test_compact_lists_take_far_less_disk(both_indexes):
    def postings_bytes(archive) -> int:
        ix, _ = store.open_current(archive.path)
        total = 0
        for segment in ix._segments():
            files = segment.open_compound_file(ix.storage)
            total += sum(files.file_length(n) for n in files.list() if n.endswith((".pst", ".trm")))
        return total

    compact, stock = (postings_bytes(archive) for archive in both_indexes)
    assert compact < 0.7 * stock, (compact, stock)


def test_merging_compact_segments_keeps_every_posting(tmp_path):
    """Whoosh's merge (``--optimize``, and a one-process writer's merge of small segments)
    reads compact segments through its matchers and writes them again."""
    records = indosum_records(120)
    parts = tmp_path / "news"
    parts.mkdir()
    for name, chunk in (("a.jsonl", records[:60]), ("b.jsonl", records[60:])):
        (parts / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk), "utf-8"
        )
    merged = Archive(tmp_path / "merged")
    merged.index([parts / "a.jsonl"], procs=1, entities=False)
    merged.index([parts / "b.jsonl"], procs=1, entities=False, optimize=True)
    stock = _index_as_whoosh_writes(
        tmp_path / "stock", [parts / "a.jsonl", parts / "b.jsonl"], entities=False
    )

    merged_ix, _ = store.open_current(merged.path)
    stock_ix, _ = store.open_current(stock.path)
    with merged_ix.reader() as mine, stock_ix.reader() as theirs:
        assert len(mine.leaf_readers()) == 1
        ids = {n: mine.stored_fields(n)["id"] for n in mine.all_doc_ids()}
        assert ids == {n: theirs.stored_fields(n)["id"] for n in theirs.all_doc_ids()}
        terms = list(theirs.all_terms())
        assert terms == list(mine.all_terms())
        for fieldname, text in terms:
            assert _postings(mine, fieldname, text) == _postings(theirs, fieldname, text)


@pytest.fixture(scope="module")
def small_blocks(small_archive, tmp_path_factory):
    """The small archive in compact blocks of 24 postings, so that common words' lists
    run to many blocks, those of 8 or more packing gaps and weights as arrays: a list's
    last block is often shorter, a tuple after arrays."""
    archive = Archive(tmp_path_factory.mktemp("small-blocks"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(codec, "BLOCK_POSTINGS", 24)
        patch.setattr(codec, "PACK_FROM", 8)
        archive.index([small_archive], procs=1, entities=False)
    ix, _ = store.open_current(archive.path)
    with ix.reader() as reader:
        [(leaf, _)] = reader.leaf_readers()
        yield leaf


def _body_terms(leaf) -> list[bytes]:
    return [text for fieldname, text in leaf.all_terms() if fieldname == "body"]


def test_blocks_say_where_their_values_start(small_blocks):
    """A reader wanting docnums and weights stops where the header says the values
    start, and gets what unpickling the whole block gives."""
    many = 0
    packed = {array.array: 0, tuple: 0}
    for text in _body_terms(small_blocks):
        blocks = reading._blocks(small_blocks, "body", text, probed())
        many += len(blocks) > 3
        for _last, compression, data, values_at in blocks:
            if compression is None:
                continue  # inlined in the term entry
            assert values_at is not None
            whole = reading._block_postings(compression, data)
            assert reading._block_gaps_and_weights(compression, data, values_at) == (
                whole[0],
                whole[1],
            )
            packed[type(whole[0])] += 1
    assert many >= 10
    assert packed[array.array] >= 100 and packed[tuple] >= 100


def test_the_fast_path_reads_many_block_lists_as_whoosh_does(small_blocks):
    for text in _body_terms(small_blocks):
        docs, freqs = reading.leaf_postings(small_blocks, "body", text, probed())
        public = probed().without("block_reading")
        slow_docs, slow_freqs = reading.leaf_postings(small_blocks, "body", text, public)
        assert docs.tolist() == slow_docs.tolist()
        assert freqs.tolist() == slow_freqs.tolist()
        for wanted in (docs, docs[1::3]):
            keys = reading.leaf_positions(small_blocks, "body", text, wanted, probed())
            assert keys.tolist() == _matcher_keys(small_blocks, "body", text, wanted)


@pytest.mark.skipif(not probed().direct_reads, reason="read through Whoosh's files")
def test_term_entries_read_directly_are_whoosh_s(small_blocks):
    from whoosh.reading import TermNotFound

    terms = small_blocks._terms
    for fieldname, text in small_blocks.all_terms():
        key = terms._keycoder(fieldname, text)
        assert reading._term_entry(terms, fieldname, text) == terms._tindex[key]
    for fieldname, text in (("body", b"tidakadakatasepertiini"), ("person", b"jakarta")):
        assert (fieldname, text) not in small_blocks
        with pytest.raises(TermNotFound):
            reading._term_entry(terms, fieldname, text)
