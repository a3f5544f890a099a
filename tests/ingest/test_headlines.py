"""Headlines for archives without titles: the URL slug, cased from the article's body."""

from __future__ import annotations

import json

import pytest

from searcher.ingest.files import read_archive
from searcher.ingest.headlines import headline_from_slug, slug_of_url
from searcher.text.snippets import make_snippet
from tests.conftest import ROOT

SAMPLE = ROOT / "seeds" / "indosum-sample.jsonl"


def test_real_indosum_articles_get_their_slug_as_headline():
    articles = {a.id: a for a in read_archive([SAMPLE]) if hasattr(a, "headline")}
    first = articles["1490674536-mustahil-transportasi-tradisional-dan-online-bersa"]
    assert first.headline == "Ketua MPR mustahil transportasi tradisional dan online bersaing bebas"
    assert not first.headline_from_lead  # indexed as a headline, as the outlet wrote it
    with_query = next(a for a in articles.values() if "rohingya" in a.url)
    assert "utm_source" not in with_query.headline and "?" not in with_query.headline
    derived = [a for a in articles.values() if not a.headline_from_lead]
    assert len(derived) > 0.9 * len(articles)
    assert not any(a.headline.startswith(("Jakarta, CNN", "JAKARTA (")) for a in derived)


@pytest.mark.parametrize(
    ("slug", "body", "headline"),
    [
        ("gempa-5-1-magnitudo-guncang-lampung-selatan", "Gempa bermagnitudo 5,1 di Lampung Selatan",
         "Gempa 5,1 magnitudo guncang Lampung Selatan"),
        ("menang-6-0-pada-laga-debut", "Persipura menang besar.", "Menang 6-0 pada laga debut"),
        ("istana-tegaskan-presiden-jokowi-netral", "Istana menegaskan sikap netral.",
         "Istana tegaskan presiden Jokowi netral"),
        ("berita-123", "Isi.", ""),
    ],
)  # fmt: skip
def test_slug_casing_and_numbers(slug, body, headline):
    assert headline_from_slug(slug, body) == headline


def test_slug_of_a_url():
    url = "http://www.cnnindonesia.com/olahraga/20161112230644-142-172253/ronaldo-tak-kesulitan-main-hingga-usia-41/"
    assert slug_of_url(url) == "ronaldo-tak-kesulitan-main-hingga-usia-41"
    assert slug_of_url("https://www.merdeka.com/sepakbola/menang-6-0-pada-laga-debut.html") == (
        "menang-6-0-pada-laga-debut"
    )
    assert slug_of_url("https://example.com/berita/12345") == ""


def test_a_url_without_slug_column_still_gives_a_headline(tmp_path):
    record = json.loads(SAMPLE.read_text("utf-8").splitlines()[1])
    del record["url_slug"]
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    (article,) = list(read_archive([tmp_path / "a.jsonl"]))
    assert article.headline == "Menang 6-0 pada laga debut ini kata Pelatih Persipura"


def test_a_snippet_never_starts_with_an_orphan_comma():
    # IndoSum writes punctuation as separate tokens: " , "
    body = "Zulkifli menilai aturan itu " + "sangat penting bagi semua pihak " * 8
    body += ", dan ia menyebut Taliban sebagai contoh ."
    snippet = make_snippet(body, {"taliban"}).text
    assert not snippet.lstrip("… ").startswith(",")
    assert make_snippet(", lalu banjir datang", set()).text.startswith("lalu")
