"""Reading archives: formats, column names, dates, ids, and bad input that must not stop a run."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import pytest

from searcher import Archive
from searcher.article import Article, Problem
from searcher.ingest.dates import parse_date
from searcher.ingest.files import read_archive
from tests.conftest import SEED, SHARED_DATA, indosum_records, needs_shared_data

GOOD_BODY = (
    "Harga cabai rawit di Pasar Induk Kramat Jati kembali naik menjelang akhir tahun, "
    "pedagang menyebut pasokan dari Jawa Tengah berkurang karena hujan."
)


def split(items):
    articles = [i for i in items if isinstance(i, Article)]
    problems = [i for i in items if isinstance(i, Problem)]
    return articles, problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-06-28", datetime(2022, 6, 28)),
        ("2022-06-28T10:05:00+07:00", datetime(2022, 6, 28, 10, 5)),
        ("10/21/2025 20:43", datetime(2025, 10, 21, 20, 43)),
        ("Selasa, 21 Okt 2025 20:43 WIB", datetime(2025, 10, 21, 20, 43)),
        ("Rabu, 29 Juni 2022", datetime(2022, 6, 29)),
        ("3 Agustus 2017 pukul 14.30", datetime(2017, 8, 3, 14, 30)),
        ("Jumat, 1 Desember 2017 | 08:00", datetime(2017, 12, 1)),
        ("Senin (27/3)", None),
        ("31/02/2020", None),
    ],
)
def test_dates_as_archives_write_them(text, expected):
    assert parse_date(text) == expected


def test_jsonl_csv_gz_and_folders_recursively(tmp_path):
    root = tmp_path / "arsip"
    (root / "2017" / "maret").mkdir(parents=True)
    records = indosum_records(3)
    (root / "2017" / "maret" / "a.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records[:2]), "utf-8"
    )
    with gzip.open(root / "2017" / "b.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps(records[2], ensure_ascii=False) + "\n")
    (root / "berita.csv").write_text(
        "judul,isi_berita,tanggal,tautan,sumber\n"
        f'"Harga Cabai Naik","{GOOD_BODY}","Selasa, 21 Okt 2025 20:43 WIB",'
        "https://example.id/cabai,detik\n",
        "utf-8",
    )
    (root / "seed.txt.gz").write_bytes(gzip.compress(SEED.read_bytes()))
    articles, problems = split(list(read_archive([root])))
    assert not problems
    assert len(articles) == 5
    by_headline = {a.headline: a for a in articles}
    cabai = by_headline["Harga Cabai Naik"]
    assert cabai.date == datetime(2025, 10, 21, 20, 43)
    assert (cabai.url, cabai.source, cabai.path) == (
        "https://example.id/cabai",
        "detik",
        "arsip/berita.csv:2",
    )
    assert by_headline["Putin ingin membangun hubungan dengan Taliban"].id == "arsip/seed.txt.gz"
    assert {a.id for a in articles} >= {r["id"] for r in records}


@needs_shared_data
def test_real_detik_csv_reads_with_indonesian_columns():
    csv_path = SHARED_DATA / "detik-1k" / "data_berita.csv"
    articles, problems = split(list(read_archive([csv_path])))
    assert len(articles) == 1000 and not [p for p in problems if p.kind == "skipped"]
    first = articles[0]
    assert first.headline.startswith("Presiden Banggakan Inflasi 2%")
    assert first.date == datetime(2025, 10, 21, 20, 43)
    assert first.url.startswith("https://news.detik.com/")
    assert "SCROLL TO CONTINUE WITH CONTENT" not in first.body


def test_bad_inputs_each_warn_once_and_the_rest_is_indexed(tmp_path):
    root = tmp_path / "campur"
    root.mkdir()
    (root / "baik.txt").write_bytes(SEED.read_bytes())
    (root / "kosong.txt").write_bytes(b"")
    (root / "gambar.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (root / "lama.txt").write_bytes(
        f"Harga Cabai Naik\n\n{GOOD_BODY} Kata pedagang: \u201cmahal\u201d.\n".encode("cp1252")
    )
    (root / "ekspor.jsonl").write_text(
        json.dumps({"id": "j1", "title": "Cabai Mahal", "body": GOOD_BODY})
        + "\n"
        + '{"id": "j2", "title": "Rusak", "body": \n'
        + json.dumps({"id": "j3", "title": "Tanpa Isi", "body": ""})
        + "\n"
        + json.dumps(
            {"id": "j4", "title": "Bawang Naik", "body": GOOD_BODY.replace("cabai", "bawang")}
        )
        + "\n",
        "utf-8",
    )
    archive = Archive(tmp_path / "ix")
    report = archive.index([root])
    messages = [str(p) for p in report.problems]
    assert any(m.startswith("campur/kosong.txt: empty file") for m in messages), messages
    assert any(m.startswith("campur/gambar.txt: binary file") for m in messages)
    assert any(m.startswith("campur/lama.txt: not UTF-8") and "cp1252" in m for m in messages)
    assert any(m.startswith("campur/ekspor.jsonl:2: malformed JSON") for m in messages)
    assert any(m.startswith("campur/ekspor.jsonl:3: article has no body") for m in messages)
    assert len(messages) == 5
    assert (report.added, report.skipped, report.warnings) == (4, 4, 1)
    assert archive.search("Taliban").total == 1
    assert archive.search("cabai").total == 2  # the cp1252 page and j1
    assert archive.search("bawang").total == 1
    lama = archive.search("headline:cabai mahal", collapse=False).hits
    assert any("\u201cmahal\u201d" in archive.article(h.id).body for h in lama)


def test_unparseable_date_is_kept_as_text_with_a_warning(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"id": "d1", "title": "Cabai", "body": GOOD_BODY, "tanggal": "Senin (27/3)"})
        + "\n",
        "utf-8",
    )
    articles, problems = split(list(read_archive([path])))
    assert articles[0].date is None and articles[0].date_text == "Senin (27/3)"
    assert len(problems) == 1 and problems[0].kind == "warning"
    assert str(problems[0]) == (
        f"{tmp_path.name}/x.jsonl:1: unrecognised date 'Senin (27/3)'; kept as text"
    )


def test_nothing_indexable_is_an_error_for_the_cli_only(tmp_path):
    (tmp_path / "kosong.txt").write_bytes(b"")
    report = Archive(tmp_path / "ix").index([tmp_path / "kosong.txt"])
    assert report.indexed == 0 and report.skipped == 1


def test_a_dash_is_a_dateline_only_when_it_reads_as_one():
    from searcher.ingest.datelines import split_dateline

    assert split_dateline("Jakarta- Komedian Bedu mengajukan cerai.")[0].place == "Jakarta"
    for text in ("Go - Jek tumbuh pesat.", "Baru - baru ini hujan.", "Anak-anak bermain."):
        assert split_dateline(text) == (None, text)
