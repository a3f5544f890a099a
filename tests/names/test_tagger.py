"""Named entities: the shipped model, the seed's names, facets and filters over a real archive."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from searcher.faces.cli import main
from searcher.ingest.scraped_pages import clean_page
from searcher.names import tagger as entities
from searcher.names.tagger import article_entities, extract
from tests.conftest import SEED, indosum_records


def names(text: str) -> set[tuple[str, str]]:
    return {(e.text, e.label) for e in extract(text)}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Presiden Joko Widodo meresmikan jalan tol di Semarang, Jawa Tengah.",
         {("Joko Widodo", "PER"), ("Semarang", "LOC"), ("Jawa Tengah", "LOC")}),
        ("Menteri Keuangan Sri Mulyani Indrawati mengatakan Bank Indonesia akan menahan suku "
         "bunga.", {("Sri Mulyani Indrawati", "PER"), ("Bank Indonesia", "ORG")}),
        ("Ketua KPK Agus Rahardjo menyatakan penyidik sudah memeriksa saksi.",
         {("KPK", "ORG"), ("Agus Rahardjo", "PER")}),
        ("Presiden AS Donald Trump bertemu Perdana Menteri Jepang Shinzo Abe di Tokyo.",
         {("AS", "LOC"), ("Donald Trump", "PER"), ("Jepang", "LOC"), ("Shinzo Abe", "PER"),
          ("Tokyo", "LOC")}),
        ("Kemarin hujan deras mengguyur Bandung sejak sore.", {("Bandung", "LOC")}),
    ],
)  # fmt: skip
def test_tags_real_news_sentences(sentence, expected):
    assert names(sentence) == expected


def test_tagging_drops_only_features_the_model_never_weighs():
    """Tagging hands crfsuite only attributes the model knows (cheaper); the tags must
    be those of every feature the model was trained on, on real sentences."""
    tagger = entities._tagger()
    sentences = [
        [word for word, _, _ in sentence]
        for record in indosum_records(40)
        for sentence in entities.tokenize(record["body"])
    ]
    handed, trained = 0, 0
    for words in sentences:
        assert entities.tag_words(words) == list(tagger.tag(entities.sentence_features(words)))
        trained += sum(map(len, entities.sentence_features(words)))
        handed += sum(map(len, entities._assemble(words, entities._tagging_parts, (), ())))
    assert len(sentences) > 500
    assert handed < 0.9 * trained  # some are dropped, or this test shows nothing


def test_offsets_point_into_the_text():
    text = "Di Jakarta, Gubernur Anies Baswedan meninjau banjir."
    for entity in extract(text):
        assert text[entity.start : entity.end] == entity.text


def test_seed_article_entities_with_short_mentions_resolved():
    page = clean_page(SEED.read_text("utf-8"))
    found = article_entities(f"{page.headline}.\n{page.body}")
    assert "Vladimir Putin" in found["PER"]
    assert "Putin" not in found["PER"]  # resolved to the full name
    assert found["PER"][0] == "Vladimir Putin"  # the most mentioned person
    assert "Tajikistan" in found["LOC"]
    assert "Afghanistan" in found["LOC"]
    assert "Taliban" in found["ORG"]
    assert not any(name.startswith(("Presiden", "Kepala")) for name in found["PER"])


@pytest.mark.parametrize("text", ["", "   \n\n", "... !!! ??? ,,, ---", "ab" * 500_000])
def test_text_without_names_gives_no_entities(text):
    assert extract(text) == []


def test_one_megabyte_line_of_words_is_tagged():
    text = "Warga Jakarta menonton pertandingan Persija di Gelora Bung Karno " * 16_000
    assert len(text) > 1_000_000 and "\n" not in text
    found = extract(text)
    assert any(e.text == "Jakarta" for e in found)


def test_seed_entities_are_in_the_index(small_index):
    hit = small_index.search("Taliban Tajikistan").hits[0]
    assert "Vladimir Putin" in hit.entities["PER"]
    assert "Tajikistan" in hit.entities["LOC"]
    assert "Taliban" in hit.entities["ORG"]


def test_entity_filters_narrow_results(small_index):
    everything = small_index.search("Presiden", limit=100).total
    putin = small_index.search('Presiden person:"Vladimir Putin"', limit=100)
    assert 0 < putin.total < everything
    assert all("Vladimir Putin" in h.entities["PER"] for h in putin.hits)
    by_word = small_index.search("person:putin", limit=100)
    assert {h.id for h in by_word.hits} >= {h.id for h in putin.hits}
    anywhere = small_index.search('entity:"Vladimir Putin"', limit=100)
    assert anywhere.total == small_index.search('person:"Vladimir Putin"', limit=100).total
    assert anywhere.total >= putin.total
    taliban = small_index.search("org:Taliban")
    assert taliban.total >= 1 and all("Taliban" in h.entities["ORG"] for h in taliban.hits)


def test_entity_filter_is_any_of_the_three_labels(small_index):
    """``entity:`` has no field of its own: it finds what person:, place: and org: find."""

    def ids(query: str) -> set[str]:
        results = small_index.search(query, limit=100, collapse=False)
        assert results.total <= 100, query  # every match is on the page
        return {h.id for h in results.hits}

    for name in ("Vladimir Putin", "Taliban", "Jakarta", "Rusia"):
        union = set().union(*(ids(f'{label}:"{name}"') for label in ("person", "place", "org")))
        assert union, name
        assert ids(f'entity:"{name}"') == union, name


def test_facets_count_entities_over_all_matches(small_index):
    results = small_index.search("Jakarta", limit=5)
    assert results.total > 5
    # recount by hand over every match, not just the page shown
    every = small_index.search("Jakarta", limit=100, facets=False, collapse=False)
    pages = [every]
    page = 2
    while sum(len(p.hits) for p in pages) < every.total:
        pages.append(
            small_index.search("Jakarta", limit=100, page=page, facets=False, collapse=False)
        )
        page += 1
    counted = Counter()
    aliases = small_index.aliases()
    for p in pages:
        for hit in p.hits:  # one count per article and entity, whichever name it used
            counted.update({aliases.shown(name) for name in hit.entities["LOC"]})
    top_name, top_count = results.facets["LOC"][0]
    assert counted[top_name] == top_count == max(counted.values())


def test_top_entities_and_cli(small_index):
    rows = small_index.top_entities("PER", limit=5)
    assert len(rows) == 5 and all(label == "PER" for _, label, _ in rows)
    assert [n for *_, n in rows] == sorted((n for *_, n in rows), reverse=True)
    runner = CliRunner()
    out = runner.invoke(
        main,
        ["entities", "--type", "PER", "--limit", "5", "--json", "--index", str(small_index.path)],
    )
    assert out.exit_code == 0
    assert [r["name"] for r in json.loads(out.output)] == [name for name, _, _ in rows]
    facets = runner.invoke(main, ["Taliban", "--facets", "--index", str(small_index.path)])
    assert "people: Vladimir Putin (1)" in facets.output
    as_json = json.loads(
        runner.invoke(main, ["Taliban", "--json", "--index", str(small_index.path)]).output
    )
    assert ["Taliban", 1] in as_json["facets"]["ORG"]


@pytest.mark.parametrize(
    ("text", "people", "organisations"),
    [
        ("Jokowi Ungkap Alasan Reshuffle Kabinet.", ["Jokowi"], []),
        ("Tajik Emomali Rahmon bertemu Putin di Moskow kemarin.", ["Emomali Rahmon"], []),
        ("Menurut RAM dan MA, harga naik. SBY datang.", ["SBY"], []),
        ("Laporan CNN Indonesia menyebut hal itu.", [], ["CNN Indonesia"]),
    ],
)
def test_news_style_tagging_errors_are_fixed(text, people, organisations):
    found = article_entities(text)
    assert found["PER"] == people
    assert found["ORG"] == organisations
