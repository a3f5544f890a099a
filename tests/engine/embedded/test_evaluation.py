"""The numpy evaluator against Whoosh itself, on a real archive.

Whoosh stays the reference (``tests/oracle.py``): for plain words the evaluator must
give the same articles and the same BM25F scores Whoosh's own matchers give; for
phrases and filters the same article sets; and fast indexing must write the same
postings. Each runs with the private fast path of Whoosh's internals on and off, so
the public fallbacks are known to give the same answers.
"""

from __future__ import annotations

import json
import math

import pytest
from whoosh.fields import TEXT

from searcher.engine.embedded import store
from searcher.engine.embedded.evaluation import Evaluator
from searcher.engine.embedded.postings import IndexView
from searcher.engine.embedded.schema import build_schema
from searcher.engine.embedded.whoosh.capabilities import probed
from searcher.query.parse import parse
from searcher.settings import Ranking
from tests.conftest import indosum_records
from tests.oracle import NewsBM25F, to_whoosh

PER_FIELD = Ranking(scoring="per-field")


@pytest.fixture(params=[True, False], ids=["fast-path", "public-api"])
def fast(request):
    """The capabilities to read with: Whoosh's private block reading on, then off."""
    if request.param and not probed().block_reading:
        pytest.skip("this Whoosh has no block reading: only the public path runs")
    return probed() if request.param else probed().without("block_reading")


def _oracle(archive, caps):
    """A Whoosh searcher over the archive's current index scoring with the oracle model,
    and a fresh view reading with ``caps`` (nothing decoded by another test's path)."""
    ix, _ = store.open_current(archive.path)
    searcher = ix.searcher(weighting=NewsBM25F())
    return searcher, IndexView(searcher.reader(), key="oracle", caps=caps)


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
def test_per_field_scores_equal_whooshs_bm25f(small_index, text, fast):
    searcher, view = _oracle(small_index, fast)
    parsed = parse(text)
    tree = parsed.fallback or parsed.tree
    matches = Evaluator(view, searcher, PER_FIELD).run(tree)
    expected = _whoosh_scores(searcher, to_whoosh(tree, PER_FIELD))
    assert expected, f"{text!r} should match something in the archive"
    assert set(matches.docnums().tolist()) == set(expected)
    for docnum, score in expected.items():
        assert matches.scores[docnum] == pytest.approx(score, rel=1e-9)


def test_bm25f_scores_follow_the_formula(small_index, fast):
    # BM25F by hand from Whoosh's own statistics, for every article with "harga"
    ranking = Ranking()
    searcher, view = _oracle(small_index, fast)
    reader = searcher.reader()
    tree = parse("harga").tree
    matches = Evaluator(view, searcher, ranking).run(tree)
    query = to_whoosh(tree, ranking)
    total = reader.doc_count_all()
    holders = set(searcher.docs_for_query(query))
    idf = math.log(1 + (total - len(holders) + 0.5) / (len(holders) + 0.5))
    k1 = ranking.k1
    assert len(holders) > 5
    for docnum in holders:
        weighted = 0.0
        for term in query.subqueries:
            if (term.fieldname, term.text) not in reader:
                continue
            postings = reader.postings(term.fieldname, term.text)
            postings.skip_to(docnum)
            if not postings.is_active() or postings.id() != docnum:
                continue
            length = reader.doc_field_length(docnum, term.fieldname)
            average = reader.field_length(term.fieldname) / total
            b = ranking.b_of(term.fieldname)
            weighted += term.boost * postings.weight() / ((1 - b) + b * length / average)
        expected = idf * weighted * (k1 + 1) / (k1 + weighted)
        assert matches.scores[docnum] == pytest.approx(expected, rel=1e-9)


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
def test_phrases_and_filters_match_the_articles_whoosh_finds(small_index, text, fast):
    searcher, view = _oracle(small_index, fast)
    tree = parse(text).tree
    matches = Evaluator(view, searcher).run(tree)
    expected = set(searcher.docs_for_query(to_whoosh(tree)))
    assert expected, f"{text!r} should match something in the archive"
    assert set(matches.docnums().tolist()) == expected


def test_search_total_counts_every_match(small_index):
    # Whoosh's collector undercounts And-with-filter queries; the total must be exact
    searcher, _ = _oracle(small_index, probed())
    query = to_whoosh(parse("harga date:2017").tree)
    exact = len(set(searcher.docs_for_query(query)))
    assert exact > 0
    assert small_index.search("harga date:2017").total == exact


def test_phrase_positions_survive_leading_stopwords(small_index):
    # the seed's headline: "Putin ingin membangun hubungan dengan Taliban"
    results = small_index.search('"membangun hubungan" Taliban')
    assert [hit.id for hit in results.hits] == ["news/000_df906d3edab3d18d.txt"]
    assert small_index.search('"hubungan membangun" Taliban').fallback


def test_fast_text_field_indexes_what_whooshs_text_field_does():
    schema = build_schema()
    fast = schema["body"]
    plain = TEXT(analyzer=fast.analyzer)
    plain.format = fast.format  # Whoosh's token pipeline, the same positions encoding
    for record in indosum_records(150, start=500):
        body = record["body"]
        assert sorted(fast.index(body)) == sorted(plain.index(body))
    # stopwords first, hyphenated words, numbers
    for text in ["Ada yang baru dari Google", "negara-negara Jokowi-JK 1.200 orang", "yang"]:
        assert sorted(fast.index(text)) == sorted(plain.index(text))


@pytest.mark.parametrize("procs", [1, 2])
def test_updated_article_is_found_once_by_its_new_words(tmp_path, procs):
    from searcher import Archive

    records = indosum_records(30, start=900)
    source = tmp_path / "news.jsonl"

    def write() -> None:
        source.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )

    write()
    archive = Archive(tmp_path / "index")
    archive.index([source], procs=procs)
    first = archive.search(records[0]["body"].split()[5]).total
    assert first >= 1
    records[0]["body"] += " Zamrudkatulistiwa menjadi kata yang baru."
    write()
    report = archive.index([source], procs=procs)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 29)
    results = archive.search("zamrudkatulistiwa")
    assert [hit.id for hit in results.hits] == [records[0]["id"]]
    # the replaced version is deleted: the old word counts the article once
    assert archive.search(records[0]["body"].split()[5]).total == first


def test_parallel_build_answers_like_a_single_writer(tmp_path):
    from searcher import Archive

    source = tmp_path / "news.jsonl"
    records = indosum_records(240, start=1200)
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    serial, parallel = Archive(tmp_path / "one"), Archive(tmp_path / "two")
    serial.index([source], procs=1)
    report = parallel.index([source], procs=2)
    assert report.added == 240
    assert not list((tmp_path / "two").glob("*.parts")), "worker folders are removed"
    for text in ["pemerintah", "harga", '"rumah sakit"', "jakarta -banjir", "person:jokowi"]:
        one, two = serial.search(text), parallel.search(text)
        assert one.total == two.total
        assert [(h.id, round(h.score, 9)) for h in one.hits] == [
            (h.id, round(h.score, 9)) for h in two.hits
        ]
        assert one.facets == two.facets


def test_scores_equal_whooshs_after_articles_are_removed(small_archive, tmp_path, fast):
    """Deleted articles still count in Whoosh's document frequency; ours must agree."""
    from searcher import Archive

    archive = Archive(tmp_path / "index")
    archive.index([small_archive], entities=False, procs=2)
    gone = [hit.id for hit in archive.search("pemerintah", limit=5).hits]
    assert archive.remove(gone) == gone
    searcher, view = _oracle(archive, fast)
    assert searcher.reader().has_deletions()
    for text in ("pemerintah", "Jakarta banjir"):
        tree = parse(text).tree
        matches = Evaluator(view, searcher, PER_FIELD).run(tree)
        expected = _whoosh_scores(searcher, to_whoosh(tree, PER_FIELD))
        assert set(matches.docnums().tolist()) == set(expected)
        for docnum, score in expected.items():
            assert matches.scores[docnum] == pytest.approx(score, rel=1e-9)


def test_misspelt_words_and_names_inside_longer_queries_get_a_suggestion(small_index):
    """A typo anywhere in a query, answered with any word alone, is corrected too."""
    expected = {
        "Setya Novantoo": "Setya Novanto",  # a name the archive names
        "Anis Baswedan": "Anies Baswedan",  # each word alone is a word; the name is not
        "kebakran": "kebakaran",  # a surface word, though the index holds its stem
        "Jokowwi banjir": "Jokowi banjir",  # a typo beside a word that is right
    }
    for typed, meant in expected.items():
        found = small_index.search(typed)
        assert found.suggestion == meant, (typed, found.suggestion)
    assert small_index.search("Setya Novanto").suggestion is None
    assert small_index.search("Anies Baswedan").suggestion is None
