"""One person, one entity: aliases merged in filters, facets, `search entities` and queries."""

from __future__ import annotations

import json

import pytest

from searcher import Archive
from searcher.names.aliases import AliasTable, build_table, from_names, initials, learn
from searcher.names.tagger import article_entities
from tests.conftest import run

JOKOWI = {
    "id": "jokowi",
    "title": "Jokowi tinjau banjir",
    "body": "Presiden Jokowi meninjau banjir di Bekasi bersama warga pada Senin pagi.",
}
WIDODO = {
    "id": "widodo",
    "title": "Presiden tinjau banjir di Karawang",
    "body": "Presiden Joko Widodo meninjau banjir di Karawang dan menemui para pengungsi.",
}
KPK = {
    "id": "kpk",
    "title": "Komisi periksa pejabat",
    "body": "Komisi Pemberantasan Korupsi (KPK) memeriksa pejabat Kementerian Keuangan "
    "(Kemenkeu) di Jakarta. Juru bicara KPK Febri Diansyah menjelaskan pemeriksaan.",
}
RUSIA = {
    "id": "rusia",
    "title": "Kunjungan ke Moskow",
    "body": "Menteri Luar Negeri berkunjung ke Rusia untuk membahas kerja sama energi.",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alias")
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r) for r in (JOKOWI, WIDODO, KPK, RUSIA)))
    archive = Archive(folder / "ix")
    archive.index([folder / "a.jsonl"])
    return archive


def ids(results) -> set[str]:
    return {h.id for h in results.hits}


def test_filters_by_any_name_give_the_same_articles(archive):
    assert ids(archive.search("person:Jokowi")) == ids(archive.search('person:"Joko Widodo"'))
    assert ids(archive.search("person:Jokowi")) == {"jokowi", "widodo"}
    assert ids(archive.search("org:KPK")) == {"kpk"}
    assert ids(archive.search('org:"Komisi Pemberantasan Korupsi"')) == {"kpk"}
    assert ids(archive.search("place:Russia")) == {"rusia"}  # English name, Indonesian text


def test_a_query_word_that_is_an_alias_finds_the_other_name_ranked_below(archive):
    results = archive.search("Jokowi banjir")
    assert [h.id for h in results.hits] == ["jokowi", "widodo"]  # the exact name first
    assert "<mark>Joko</mark> <mark>Widodo</mark>" in results.hits[1].snippet_html


def test_facets_count_one_line_per_entity_with_its_names(archive):
    results = archive.search("banjir")
    people = dict(results.facets["PER"])
    assert people == {"Joko Widodo": 2}
    assert results.facet_aliases["Joko Widodo"][0] == "Jokowi"
    out = run("entities", "--type", "PER", "--index", str(archive.path)).stdout
    assert "      2  PER  Joko Widodo [Jokowi]" in out


def test_learned_from_the_article_and_kept_in_the_index(archive):
    learned = json.loads((archive.path / "aliases.json").read_text("utf-8"))["learned"]
    assert "ORG\tKementerian Keuangan\tKemenkeu\tclipping" in learned
    assert archive.aliases().shown("Kemenkeu") == "Kementerian Keuangan"
    assert ids(archive.search("org:Kemenkeu")) == ids(archive.search('org:"Kementerian Keuangan"'))


def test_patterns_news_uses_to_introduce_a_name():
    text = (
        "Mantan Gubernur DKI Jakarta Basuki Tjahaja Purnama alias Ahok bebas. Komisi "
        "Pemilihan Umum (KPU) menetapkan hasil. BPK (Badan Pemeriksa Keuangan) memeriksa."
    )
    entities = {"PER": ["Basuki Tjahaja Purnama"], "ORG": ["Komisi Pemilihan Umum", "BPK"]}
    pairs = {(long, short) for _, long, short, _ in learn(text, entities)}
    assert ("Basuki Tjahaja Purnama", "Ahok") in pairs
    assert ("Komisi Pemilihan Umum", "KPU") in pairs
    assert ("Badan Pemeriksa Keuangan", "BPK") in pairs
    assert initials("Dewan Perwakilan Rakyat") == "DPR"


def test_precision_first():
    # a bracket that is not a name (a company form, a place) teaches nothing
    text = "PT Pertamina (Persero) dan Presiden Republik Indonesia (Prabowo) hadir."
    entities = {"ORG": ["PT Pertamina"], "LOC": ["Indonesia"], "PER": ["Prabowo"]}
    assert learn(text, entities) == []
    # a short name two long names claim about equally is left alone
    table = build_table({"ORG\tPartai Amanat Nasional\tPAN\tacronym": 3,
                         "ORG\tPekan Apresiasi Nasional\tPAN\tacronym": 2})  # fmt: skip
    assert table.shown("PAN") == "PAN"
    # short acronyms are case-sensitive: Ma is not MA
    assert AliasTable().shown("Ma") == "Ma" and build_table({}).shown("Ma") == "Ma"


def test_the_tagger_resolves_a_short_mention_only_within_an_article():
    entities = article_entities("Presiden Joko Widodo hadir. Widodo lalu pergi.")
    assert entities["PER"] == ["Joko Widodo"]


def test_the_archive_s_own_names_group_back():
    names = {"PER\tSri Mulyani Indrawati": 5, "PER\tSri Mulyani": 9,
             "PER\tSusilo Bambang Yudhoyono": 3, "PER\tSBY": 4,
             "PER\tPrabowo Subianto Bidang": 4, "PER\tPrabowo Subianto": 20,
             "PER\tKabid Humas Polda": 6, "PER\tKabid Humas": 2}  # fmt: skip
    groups = {short: long for long, short in from_names(names)}
    assert groups == {"Sri Mulyani": "Sri Mulyani Indrawati", "SBY": "Susilo Bambang Yudhoyono"}
