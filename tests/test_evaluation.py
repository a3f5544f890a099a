"""The numpy evaluator against Whoosh itself, on a real archive.

Whoosh stays the reference: for plain words the evaluator must give the same
articles and the same BM25F scores Whoosh's own matchers give; for phrases and
filters the same article sets; and fast indexing must write the same postings.
"""

from __future__ import annotations

import json

import pytest
from whoosh.fields import TEXT

from searcher import archive as archive_module
from searcher.evaluation import Evaluator
from searcher.query import parse
from searcher.schema import build_schema
from tests.conftest import indosum_records

WORD_QUERIES = [
    "pemerintah",
    "harga beras",
    "Jakarta banjir",
    "presiden jokowi",
    "sepak bola indonesia",
    "Taliban Tajikistan",
]


def _whoosh_scores(searcher, query) -> dict[int, float]:
    results = searcher.search(query, limit=None, optimize=False)
    return {hit.docnum: hit.score for hit in results}


@pytest.mark.parametrize("text", WORD_QUERIES)
def test_word_scores_equal_whooshs_bm25f(small_index, text):
    searcher = small_index._searcher()
    view = small_index._view_of(searcher)
    parsed = parse(text)
    query = parsed.any_words or parsed.all_words
    matches = Evaluator(view, searcher).run(query)
    expected = _whoosh_scores(searcher, query)
    assert expected, f"{text!r} should match something in the archive"
    assert set(matches.docnums().tolist()) == set(expected)
    for docnum, score in expected.items():
        assert matches.scores[docnum] == pytest.approx(score, rel=1e-9)


@pytest.mark.parametrize(
    "text",
    [
        '"rumah sakit"',
        '"presiden joko widodo"',
        '"bank indonesia"',
        "pemerintah -jakarta",
        "person:putin",
        "harga date:2017-01..2017-06",
        "source:kumparan",
    ],
)
def test_phrases_and_filters_match_the_articles_whoosh_finds(small_index, text):
    searcher = small_index._searcher()
    view = small_index._view_of(searcher)
    query = parse(text).all_words
    matches = Evaluator(view, searcher).run(query)
    assert set(matches.docnums().tolist()) == set(searcher.docs_for_query(query))


def test_search_total_counts_every_match(small_index):
    # Whoosh's collector undercounts And-with-filter queries; the total must be exact
    searcher = small_index._searcher()
    query = parse("harga date:2017").all_words
    exact = len(set(searcher.docs_for_query(query)))
    assert exact > 0
    assert small_index.search("harga date:2017").total == exact


def test_phrase_positions_survive_leading_stopwords(small_index):
    # the seed's headline: "Putin ingin membangun hubungan dengan Taliban"
    results = small_index.search('"membangun hubungan" Taliban')
    assert [hit.id for hit in results.hits] == ["news/000_df906d3edab3d18d.txt"]
    assert small_index.search('"hubungan membangun" Taliban').fallback


def test_facets_from_the_entity_table_equal_a_column_count(small_index, monkeypatch):
    by_column = small_index.search("pemerintah").facets
    monkeypatch.setattr(archive_module, "FACET_TABLE_FROM", 0)
    by_table = small_index.search("pemerintah").facets
    assert by_column and by_table == by_column


def test_fast_text_field_indexes_what_whooshs_text_field_does():
    schema = build_schema()
    fast = schema["body"]
    plain = TEXT(analyzer=fast.analyzer)
    for record in indosum_records(150, start=500):
        body = record["body"]
        assert sorted(fast.index(body)) == sorted(plain.index(body))
    # stopwords first, hyphenated words, numbers
    for text in ["Ada yang baru dari Google", "negara-negara Jokowi-JK 1.200 orang", "yang"]:
        assert sorted(fast.index(text)) == sorted(plain.index(text))


def test_updated_article_is_found_once_by_its_new_words(tmp_path):
    from searcher import Archive

    records = indosum_records(30, start=900)
    source = tmp_path / "news.jsonl"

    def write() -> None:
        source.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )

    write()
    archive = Archive(tmp_path / "index")
    archive.index([source])
    first = archive.search(records[0]["body"].split()[5]).total
    assert first >= 1
    records[0]["body"] += " Zamrudkatulistiwa menjadi kata yang baru."
    write()
    archive.index([source])
    results = archive.search("zamrudkatulistiwa")
    assert [hit.id for hit in results.hits] == [records[0]["id"]]
    # the replaced version is deleted: the old word counts the article once
    assert archive.search(records[0]["body"].split()[5]).total == first
