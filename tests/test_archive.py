"""Searching a real archive: ranking, phrases, exclusions, fallback, snippets."""

from __future__ import annotations

import threading

import pytest

from searcher import Archive
from searcher.text.analysis import analyze
from searcher.text.snippets import make_snippet
from tests.conftest import SEED, SEED_ID


def test_taliban_tajikistan_finds_the_seed_with_both_words_marked(small_index):
    results = small_index.search("Taliban Tajikistan")
    assert results.hits[0].id == "news/000_df906d3edab3d18d.txt"
    first = results.hits[0]
    assert first.headline == "Putin ingin membangun hubungan dengan Taliban"
    assert first.kicker == "Kunjungan ke Tajikistan"
    assert "<mark>Taliban</mark>" in first.snippet_html
    assert "<mark>Tajikistan</mark>" in first.snippet_html
    assert results.fallback is None
    assert results.understood == "Taliban AND Tajikistan"


def test_lowercase_query_finds_capitalised_name_but_not_talib(small_index):
    assert small_index.search("taliban").hits[0].headline.endswith("dengan Taliban")
    assert small_index.search("talib").total == 0


def test_stemmed_words_match_and_are_marked(small_index):
    results = small_index.search("hubungan Taliban")
    seed = results.hits[0]
    assert "<mark>hubungan</mark>" in seed.snippet_html
    # stem-aware: a query for the affixed form marks the other forms of the root
    snippet = make_snippet("Mereka berhubungan baik.", set(analyze("hubungan")))
    assert snippet.html == "Mereka <mark>berhubungan</mark> baik."


def test_phrase_query_needs_the_words_in_order(small_index):
    assert small_index.search('"pangkalan militer"').hits[0].headline.endswith("Taliban")
    assert small_index.search('"militer pangkalan"').total == 0


def test_excluded_word_removes_articles(small_index):
    with_word = {h.id for h in small_index.search("Afghanistan", limit=50).hits}
    without = {h.id for h in small_index.search("Afghanistan -Taliban", limit=50).hits}
    assert "news/000_df906d3edab3d18d.txt" in with_word
    assert "news/000_df906d3edab3d18d.txt" not in without
    assert without < with_word


def test_or_widens_and_all_words_narrow(small_index):
    both = small_index.search("transportasi online").total
    either = small_index.search("transportasi OR online").total
    transport = small_index.search("transportasi").total
    assert 0 < both <= transport <= either


def test_fallback_to_any_word_says_so(small_index):
    results = small_index.search("Taliban qwertyuiop")
    assert results.total >= 1
    assert results.fallback and "any" in results.fallback
    assert results.hits[0].headline.endswith("Taliban")


def test_field_filters_headline_source_and_date(small_index):
    assert small_index.search("headline:Taliban").hits[0].id.endswith("df906d3edab3d18d.txt")
    kumparan = small_index.search("source:kumparan transportasi", limit=50)
    assert kumparan.total > 0 and all(h.source == "kumparan" for h in kumparan.hits)
    in_march = small_index.search("date:2017-03 transportasi", limit=50)
    assert in_march.total > 0
    assert all(h.date.year == 2017 and h.date.month == 3 for h in in_march.hits)
    assert small_index.search("date:1999 transportasi").total == 0


@pytest.mark.parametrize(
    ("text", "understood", "note"),
    [
        ('"Taliban', "Taliban", None),  # an unclosed quote closes at the end
        ("-", "", None),
        ("OR", "", None),
        ("((", "", None),
        ("", "", None),
        ("date:2022-13", "", "bad_date"),
        ("foo:bar Taliban", "foo bar OR Taliban", "field"),  # no article has all: any
    ],
)
def test_bad_syntax_is_read_as_it_says(small_index, text, understood, note):
    results = small_index.search(text)
    assert results.understood == understood
    assert results.searched == bool(understood)
    assert (results.total > 0) == bool(understood)  # every kept word is in the archive
    assert [n.kind for n in results.notes] == ([note] if note else [])


def test_paging(small_index):
    first = small_index.search("Jakarta", limit=5, page=1)
    second = small_index.search("Jakarta", limit=5, page=2)
    assert first.total == second.total > 10
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_snippets_are_short_body_text(small_index):
    for hit in small_index.search("pemerintah", limit=20).hits:
        assert 0 < len(hit.snippet) <= 3 * 260
        assert hit.headline not in hit.snippet or len(hit.headline) < 30
        assert "Berita Utama" not in hit.snippet


def test_long_article_gets_its_snippet():
    body = "Kalimat pembuka tentang cuaca hari ini. " * 2000 + "Taliban menguasai Kabul kembali."
    assert len(body) > 32_768
    snippet = make_snippet(body, set(analyze("Taliban")))
    assert "<mark>Taliban</mark> menguasai Kabul" in snippet.html


def test_reindexing_twice_leaves_one_copy(tmp_path):
    archive = Archive(tmp_path / "ix")
    first = archive.index([SEED])
    second = archive.index([SEED])
    assert (first.added, second.added, second.unchanged) == (1, 0, 1)
    assert archive.search("Taliban").total == 1
    assert archive.stats().articles == 1
    rebuilt = archive.index([SEED], rebuild=True)
    assert rebuilt.added == 1 and archive.search("Taliban").total == 1


def test_changed_article_is_updated_not_duplicated(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    page = folder / "a.txt"
    page.write_text(
        "Banjir Jakarta\n\nBanjir melanda Jakarta Timur sejak pagi hari ini, "
        "ratusan warga mengungsi ke masjid terdekat.\n",
        "utf-8",
    )
    archive = Archive(tmp_path / "ix")
    archive.index([folder])
    page.write_text(
        "Banjir Jakarta Surut\n\nBanjir di Jakarta Timur mulai surut sore ini, "
        "warga kembali ke rumah masing-masing.\n",
        "utf-8",
    )
    report = archive.index([folder])
    assert (report.added, report.updated) == (0, 1)
    results = archive.search("banjir")
    assert results.total == 1 and results.hits[0].headline == "Banjir Jakarta Surut"


def test_library_reads_from_several_threads(small_index):
    expected = [h.id for h in small_index.search("Jakarta banjir").hits]
    seen, errors = [], []

    def worker():
        try:
            for _ in range(5):
                seen.append([h.id for h in small_index.search("Jakarta banjir").hits])
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(ids == expected for ids in seen) and len(seen) == 20


def test_seed_archive_id(seed_archive):
    assert seed_archive.search("Taliban").hits[0].id == SEED_ID
