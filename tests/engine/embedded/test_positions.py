"""Positions stored as packed 16-bit deltas (``searcher.engine.embedded.positions``), on real
articles: they read back as the analyzer gave them, through searcher's numpy path and
through Whoosh's own matcher alike, a word 65,535 positions after its last occurrence
included, and an index written with Whoosh's own ``Positions`` still matches phrases."""

from __future__ import annotations

import json

import numpy as np
import pytest
from whoosh.formats import Positions

from searcher import Archive
from searcher.engine.embedded import schema, store
from searcher.engine.embedded.backend import EmbeddedBackend
from searcher.engine.embedded.positions import WIDE, PackedPositions, packed_deltas
from searcher.engine.embedded.whoosh.capabilities import PUBLIC_ONLY, probed
from searcher.engine.embedded.whoosh.reading import leaf_positions
from searcher.settings import DEFAULT
from searcher.text.analysis import term_positions
from tests.conftest import indosum_records

PHRASES = ['"Joko Widodo"', '"Bank Indonesia"', '"Korea Utara"', '"sepak bola"', '"DKI Jakarta"']


def test_positions_round_trip_and_count_in_16_or_32_bits():
    packed = PackedPositions()
    body = indosum_records(1)[0]["body"]
    for positions in [*term_positions(body).values(), [65_534], [65_535], [3, 70_000, 70_001]]:
        value = packed.encode(positions)
        assert packed.decode_positions(value) == positions
        assert packed.decode_frequency(value) == len(positions)
        assert value.startswith(WIDE) == (max(np.diff(positions, prepend=0)) >= 0xFFFF)
    narrow = [packed.encode([2, 9]), packed.encode([0])]
    deltas, counts = packed_deltas(narrow)
    assert deltas.tolist() == [2, 7, 0] and counts.tolist() == [2, 1]
    assert packed_deltas([*narrow, packed.encode([1, 70_000])]) is None  # decoded one by one


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """60 real articles and one of 70,000 words whose last words repeat its first."""
    records = indosum_records(60)
    filler = " ".join(f"kata{n % 5000}" for n in range(70_000))
    records.append(
        {
            "id": "panjang",
            "title": "Arsip panjang",
            "body": f"Joko Widodo membuka. {filler}. Joko Widodo menutup.",
        }
    )
    source = tmp_path_factory.mktemp("news") / "news.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    archive = Archive(tmp_path_factory.mktemp("packed"))
    archive.index([source], procs=1, entities=False)
    return archive, source


def _article_positions(archive: Archive):
    """Per article: its body's terms with positions from the analyzer, and from the
    index through the fast path and through Whoosh's matcher."""
    ix, _ = store.open_current(archive.path)
    with ix.reader() as reader:
        [(leaf, _)] = reader.leaf_readers()
        assert type(leaf.schema["body"].format) is PackedPositions
        for docnum in range(leaf.doc_count_all()):
            expected = term_positions(leaf.stored_fields(docnum)["body"])
            for term, positions in expected.items():
                text = term.encode("utf-8")
                wanted = np.array([docnum], dtype=np.int32)
                fast = leaf_positions(leaf, "body", text, wanted, probed())
                slow = leaf_positions(leaf, "body", text, wanted, PUBLIC_ONLY)
                yield term, positions, (fast & 0xFFFFFFFF).tolist(), (slow & 0xFFFFFFFF).tolist()


def test_every_article_s_positions_read_back_as_the_analyzer_gave_them(indexed):
    archive, _ = indexed
    wide = set()
    for term, positions, fast, slow in _article_positions(archive):
        assert fast == positions == slow, term
        if max(np.diff(positions, prepend=0)) >= 0xFFFF:
            wide.add(term)
    assert {"joko", "widodo"} <= wide, wide  # the long article's first and last words


def test_a_phrase_after_a_32_bit_gap_is_found(indexed):
    archive, _ = indexed
    found = archive.search('"Widodo menutup"')
    assert [hit.id for hit in found.hits] == ["panjang"]
    assert "<mark>Widodo</mark> <mark>menutup</mark>" in found.hits[0].snippet_html


def test_an_index_with_whoosh_s_own_positions_matches_the_same_phrases(
    indexed, tmp_path, monkeypatch
):
    archive, source = indexed
    monkeypatch.setattr(schema, "PackedPositions", Positions)  # what indexes held before
    older = Archive(tmp_path / "older")
    older.index([source], procs=1, entities=False)
    ix, _ = store.open_current(older.path)
    assert type(ix.schema["body"].format) is Positions
    for phrase in [*PHRASES, '"Widodo menutup"']:
        expected = archive.search(phrase, limit=100)
        for caps in (probed(), PUBLIC_ONLY):
            engine = EmbeddedBackend(older.path, DEFAULT, caps)
            found = Archive(engine=engine).search(phrase, limit=100)
            assert [h.id for h in found.hits] == [h.id for h in expected.hits], phrase
            assert found.total == expected.total
    assert sum(archive.search(phrase).total for phrase in PHRASES) >= 10
