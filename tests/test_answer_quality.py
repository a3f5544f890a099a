"""Results people can trust on real archives: stems, headlines, sources, dates, ids."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from searcher import Archive
from searcher.article import Article
from searcher.ingest.datelines import outlet_of_url, split_dateline
from searcher.ingest.dates import parse_date, slash_order
from searcher.ingest.files import read_archive
from searcher.text.stemming import stem
from tests.conftest import INDOSUM, SHARED_DATA, run

DETIK = SHARED_DATA / "detik-1k" / "data_berita.csv"
needs_data = pytest.mark.skipif(not INDOSUM.exists(), reason="../shared/data is not here")


# Stems ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "family",
    [
        "nista penistaan menistakan",
        "tembak menembak penembakan",
        "nilai menilai penilaian",
        "periksa pemeriksaan",
        "pakai pemakaian",
        "teroris terorisme",
        "sapu menyapu",
        "kirim pengirim",
    ],
)
def test_word_families_the_issue_named_share_a_stem(family):
    assert len({stem(word) for word in family.split()}) == 1, family


@pytest.mark.parametrize(
    ("word", "other"),
    [("pengacara", "acara"), ("perempuan", "empu"), ("pemilu", "pilu"),
     ("pegawai", "gawa"), ("pesawat", "sawat"), ("berita", "rita")],
)  # fmt: skip
def test_unrelated_words_are_not_merged(word, other):
    assert stem(word) == word and stem(word) != stem(other)


def test_a_query_finds_other_forms_of_its_word(seed_archive, tmp_path):
    body = "Polisi menyelidiki penembakan di pasar. Pelaku menembak dua kali."
    record = {"id": "tembak", "title": "Polisi selidiki penembakan", "body": body}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    seed_archive.index([tmp_path / "a.jsonl"])
    assert seed_archive.search("tembak").total == 1
    assert "<mark>penembakan</mark>" in seed_archive.search("tembak").hits[0].snippet_html


# Headlines, datelines, promotional lines ---------------------------------------------------


@needs_data
def test_indosum_leads_lose_their_datelines():
    articles = [a for a in read_archive([INDOSUM]) if isinstance(a, Article)]
    assert len(articles) == 3463
    openings = ("Jakarta, CNN Indonesia", "JAKARTA (Pos Kota)", "Merdeka.com -", "Suara.com -")
    assert not [a for a in articles if a.body.startswith(openings)]
    assert not [a for a in articles if a.headline.startswith(openings)]
    places = Counter(a.dateline for a in articles if a.dateline)
    assert places["Jakarta"] > 1000
    wamena = next(
        a
        for a in articles
        if a.url.endswith("jayawijaya-datangkan-arkeolog-untuk-konservasi-empat-mumi")
    )
    assert wamena.dateline == "Wamena" and wamena.body.startswith("Pemerintah Kabupaten Jayawijaya")


def test_datelines_of_each_outlet():
    cases = {
        "Jakarta, CNN Indonesia - - Pelatih fisik": ("Jakarta", "CNN Indonesia", "Pelatih"),
        "Serang, Banten (ANTARA News) - Presiden": ("Serang, Banten", "ANTARA News", "Presiden"),
        "JAKARTA (Pos Kota) –Presiden Joko": ("Jakarta", "Pos Kota", "Presiden"),
        "Merdeka.com - Wanderley": ("", "Merdeka.com", "Wanderley"),
        "JUARA.NET, KUALA LUMPUR - Tim": ("Kuala Lumpur", "JUARA.NET", "Tim"),
        "INGGRIS - Tottenham": ("Inggris", "", "Tottenham"),
    }
    for text, (place, outlet, rest) in cases.items():
        dateline, after = split_dateline(text)
        assert (dateline.place, dateline.outlet) == (place, outlet), text
        assert after.startswith(rest)
    for text in ("Baru - baru ini, rapper", "Go - Jek resmikan layanan",
                 "Presiden Joko Widodo - yang akrab disapa Jokowi"):  # fmt: skip
        assert split_dateline(text)[0] is None


def test_dateline_outlet_fills_a_missing_source_and_feeds_no_facet(tmp_path):
    body = ("Jakarta, CNN Indonesia - - Gubernur DKI Jakarta Anies Baswedan meninjau banjir di "
            "Kampung Pulo bersama petugas BPBD.")  # fmt: skip
    records = [{"id": str(n), "body": body + f" Catatan {n}."} for n in range(3)]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    archive = Archive(tmp_path / "ix")
    archive.index([tmp_path / "a.jsonl"])
    results = archive.search("banjir")
    hit = results.hits[0]
    assert hit.source == "CNN Indonesia" and hit.headline.startswith("Gubernur DKI Jakarta")
    assert "CNN Indonesia" not in [name for name, _ in results.facets.get("ORG", [])]
    assert archive.article(hit.id).dateline == "Jakarta"


@pytest.mark.skipif(not DETIK.exists(), reason="the Detik export is local only")
def test_detik_bodies_lose_promotional_video_lines():
    articles = [a for a in read_archive([DETIK]) if isinstance(a, Article)]
    promos = re.compile(r"^(?:simak|tonton|saksikan)\b.*video|^saksikan live", re.I | re.M)
    assert not [a.id for a in articles if promos.search(a.body)]
    assert {a.source for a in articles} == {"detik"}  # from the URL: the export has no source


# Sources ------------------------------------------------------------------------------------


def test_source_from_the_url_domain():
    assert outlet_of_url("https://news.detik.com/berita/d-8170000/x") == "detik"
    assert outlet_of_url("http://www.cnnindonesia.com/nasional/x") == "CNN Indonesia"
    assert outlet_of_url("https://regional.kompas.co.id/read/x") == "Kompas"
    assert outlet_of_url("bukan url") == ""


def test_source_filters_match_by_word(small_index):
    cnn = small_index.search("source:cnn", limit=5)
    assert cnn.total > 50 and {h.source for h in cnn.hits} == {"cnn indonesia"}
    assert small_index.search('source:"cnn indonesia"').total == cnn.total
    assert small_index.search("source:CNN").total == cnn.total
    assert small_index.search("source:kumparan").total > 0


# Dates --------------------------------------------------------------------------------------


def test_slashed_dates_are_read_one_way_per_file():
    assert slash_order(["05/06/2025", "13/06/2025"]) == ("dmy", None)
    assert slash_order(["05/06/2025", "10/21/2025 20:43"]) == ("mdy", None)
    order, note = slash_order(["05/06/2025", "07/08/2025"])
    assert order == "dmy" and "could be either order" in note
    assert parse_date("05/06/2025", "dmy").month == 6
    assert parse_date("05/06/2025", "mdy").month == 5
    assert parse_date("13/06/2025", "mdy") is None  # never flipped within a file


@pytest.mark.parametrize(
    ("rows", "expected", "warned"),
    [
        (["05/06/2025", "13/06/2025"], ["2025-06-05", "2025-06-13"], False),
        (["05/06/2025", "10/21/2025 20:43"], ["2025-05-06", "2025-10-21T20:43"], False),
        (["05/06/2025"], ["2025-06-05"], True),
    ],
)
def test_a_csv_file_decides_its_date_order(tmp_path, rows, expected, warned):
    lines = ["id,judul,isi_berita,tanggal"] + [
        f"{n},Judul {n},Isi berita nomor {n} yang cukup panjang.,{day}"
        for n, day in enumerate(rows)
    ]
    (tmp_path / "a.csv").write_text("\n".join(lines) + "\n", "utf-8")
    items = list(read_archive([tmp_path / "a.csv"]))
    dates = [a.date.isoformat(timespec="minutes") for a in items if isinstance(a, Article)]
    assert [d.removesuffix("T00:00") for d in dates] == expected
    assert any("either order" in str(p) for p in items if not isinstance(p, Article)) == warned


def test_a_jsonl_file_decides_its_date_order(tmp_path):
    body = "Isi berita yang cukup panjang."
    records = [{"id": "a", "body": body, "tanggal": "05/06/2025"},
               {"id": "b", "body": body, "tanggal": "10/21/2025"}]  # fmt: skip
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    dates = [a.date.date().isoformat() for a in read_archive([tmp_path / "a.jsonl"])]
    assert dates == ["2025-05-06", "2025-10-21"]


# Nothing silently replaced ------------------------------------------------------------------


def test_exports_numbering_rows_from_one_never_overwrite_each_other(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.csv").write_text(
            "id,judul,isi_berita,tautan\n"
            + "".join(f"{n},Judul {name}{n},Isi berita {name} nomor {n} yang panjang.,"
                      f"https://contoh.id/{name}/{n}\n" for n in (1, 2, 3)),
            "utf-8",
        )  # fmt: skip
    index_dir = str(tmp_path / "ix")
    assert "3 added" in run("index", str(tmp_path / "a.csv"), "--index", index_dir).stderr
    second = run("index", str(tmp_path / "b.csv"), "--index", index_dir).stderr
    assert "3 added, 0 updated" in second and "3 kept apart" in second
    again = run("index", str(tmp_path / "b.csv"), "--index", index_dir).stderr
    assert again.startswith("nothing changed: 3 articles unchanged")
    archive = Archive(index_dir)
    assert archive.count() == 6
    assert archive.article(f"{tmp_path.name}/b.csv#1").headline == "Judul b1"
    assert archive.article("1").headline == "Judul a1"


def test_the_same_url_under_another_file_updates_the_article(tmp_path):
    row = (
        "id,judul,isi_berita,tautan\n1,{title},Isi berita yang cukup panjang.,https://contoh.id/x\n"
    )
    (tmp_path / "a.csv").write_text(row.format(title="Judul lama"), "utf-8")
    (tmp_path / "b.csv").write_text(row.format(title="Judul baru"), "utf-8")
    archive = Archive(tmp_path / "ix")
    archive.index([tmp_path / "a.csv"])
    report = archive.index([tmp_path / "b.csv"])
    assert (report.updated, report.kept_apart) == (1, 0)
    assert archive.count() == 1 and archive.article("1").headline == "Judul baru"
