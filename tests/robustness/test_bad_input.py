"""A real folder mixing good and bad files: every good article is indexed, every bad one
is reported once with its file (and line), nothing crashes, the summary adds up."""

from __future__ import annotations

import functools
import gzip
import json
import os
from pathlib import Path

import pytest

from searcher import Archive
from searcher.engine.embedded.writer import index_items
from searcher.index_run import IndexOptions
from searcher.ingest.files import read_archive
from tests.conftest import SEED, indosum_records


@functools.cache
def good_records() -> list[dict]:
    """Six real IndoSum articles (read when a test first asks, so collection never
    needs ../shared/data)."""
    return indosum_records(6, start=400)


def write_jsonl(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture
def mixed_archive(tmp_path) -> Path:
    root = tmp_path / "arsip"
    (root / "baik").mkdir(parents=True)
    (root / "buruk").mkdir()
    r = good_records()
    # good files
    (root / "baik" / "seed.txt").write_bytes(SEED.read_bytes())
    write_jsonl(root / "baik" / "dua.jsonl", [json.dumps(r[0]), json.dumps(r[1])])
    with gzip.open(root / "baik" / "tiga.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps(r[2]) + "\n")
    body = (
        "Harga gabah di tingkat petani Karawang turun menjelang panen raya, kata Dinas Pertanian."
    )
    (root / "baik" / "latin1.txt").write_bytes(
        f"Harga Gabah Turun\n\n{body} Café petani tutup.\n".encode("latin-1")
    )
    (root / "baik" / "cp1252.txt").write_bytes(
        f"Harga Beras Naik\n\n{body} Kata petani: \u201cberas mahal\u201d.\n".encode("cp1252")
    )
    (root / "baik" / "bom.txt").write_bytes(
        b"\xef\xbb\xbf" + f"Panen Raya Karawang\n\n{body}\n".encode()
    )
    # bad files
    (root / "buruk" / "kosong.txt").write_bytes(b"")
    (root / "buruk" / "gambar.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (root / "buruk" / "gambar.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100))
    # A truncated gzip: the complete lines before the cut are still read.
    lines = [
        json.dumps(
            {
                **r[3],
                "id": f"potong-{n}",
                "body": f"{n} {r[3]['body']}",
                "url": f"{r[3]['url']}?bagian={n}",
            }
        )  # other articles: other URLs
        for n in range(40)
    ]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    (root / "buruk" / "terpotong.jsonl.gz").write_bytes(whole[: len(whole) * 3 // 4])
    write_jsonl(root / "buruk" / "campur.jsonl", [
        json.dumps(r[4]),                                               # line 1: good
        '{"id": "rusak", "body": "tidak ditutup',                       # line 2: malformed
        '["bukan", "objek"]',                                           # line 3: not an object
        json.dumps({**r[5], "date": 12}),                               # line 4: wrong type
        json.dumps({"id": "mustahil", "title": "Tanggal Mustahil", "body": body,
                    "date": "2021-02-30"}),                             # line 5: impossible date
        json.dumps({**r[0], "source": "salinan"}),                      # line 6: a repeat
    ])  # fmt: skip
    big = "Berita Sangat Panjang\n\n" + ("Petani Karawang memanen padi di sawah. " * 1_300_000)
    (root / "buruk" / "raksasa.txt").write_text(big, "utf-8")
    os.symlink(root / "buruk", root / "buruk" / "putaran")  # a symlink loop
    return root


def test_every_good_article_indexed_every_bad_one_reported_once(mixed_archive, tmp_path):
    assert (mixed_archive / "buruk" / "raksasa.txt").stat().st_size > 50_000_000
    archive = Archive(tmp_path / "ix")
    report = archive.index([mixed_archive])
    messages = [str(p) for p in report.problems]

    def one(prefix: str, words: str) -> None:
        found = [m for m in messages if m.startswith(prefix) and words in m]
        assert len(found) == 1, (prefix, words, messages)

    one("arsip/baik/latin1.txt:", "read as cp1252")
    one("arsip/baik/cp1252.txt:", "read as cp1252")
    one("arsip/buruk/kosong.txt:", "empty file")
    one("arsip/buruk/gambar.png:", "not an article file")
    one("arsip/buruk/gambar.txt:", "binary file")
    one("arsip/buruk/terpotong.jsonl.gz:", "corrupt or truncated gzip")
    salvaged = sum(1 for n in range(40) if archive.article(f"potong-{n}") is not None)
    assert 0 < salvaged < 40
    cut = [
        m
        for m in messages
        if m.startswith("arsip/buruk/terpotong.jsonl.gz:") and "malformed JSON" in m
    ]
    assert len(cut) <= 1  # the line the cut went through, if it fell inside one
    one("arsip/buruk/campur.jsonl:2:", "malformed JSON")
    one("arsip/buruk/campur.jsonl:3:", "not an article object")
    one("arsip/buruk/campur.jsonl:4:", "date is a number (12)")
    one("arsip/buruk/campur.jsonl:5:", "unrecognised date '2021-02-30'")
    one("arsip/buruk/campur.jsonl:6:", "same URL as an earlier row")
    one("arsip/buruk/raksasa.txt:", "only the first 1,000,000 are indexed")
    one("arsip/buruk/putaran:", "symbolic link to a folder")
    assert len(messages) == 13 + len(cut), messages

    good = 1 + 2 + 1 + 3 + 1  # seed, dua, tiga, three encodings, campur line 1
    extra = 3  # campur lines 4 and 5 (indexed with a warning) and the giant article
    assert report.added == good + extra + salvaged
    # skipped: empty, png, binary, malformed, not an object, duplicate, symlink (+ cut line)
    assert report.skipped == 7 + len(cut)
    # warnings: two encodings, truncated gzip, number date, impossible date, giant article
    assert report.warnings == 6
    assert archive.stats().articles == report.added
    for record in good_records()[:3] + good_records()[4:]:
        assert archive.article(record["id"]) is not None
    assert archive.article(good_records()[0]["id"]).source != "salinan"  # first copy kept
    assert archive.search("Taliban Tajikistan").total == 1
    assert archive.search('"beras mahal"').total == 1  # cp1252 quotes decoded
    assert archive.search("headline:gabah").total == 1
    assert archive.search("café").total == 1
    assert archive.search("Panen Raya Karawang").hits[0].headline == "Panen Raya Karawang"  # BOM
    assert archive.search("Tanggal Mustahil").hits[0].date_text == "2021-02-30"
    giant = archive.search("headline:panjang").hits[0]
    assert len(archive.article(giant.id).body) == 1_000_000


def test_path_vanishing_mid_run_is_reported_and_the_rest_indexed(tmp_path):
    root = tmp_path / "arsip"
    root.mkdir()
    for n, record in enumerate(good_records()[:4]):
        (root / f"{n}.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    items = []
    for item in read_archive([root]):
        items.append(item)
        if len(items) == 1:
            (root / "2.jsonl").unlink()  # disappears after the walk listed it
    report = index_items(tmp_path / "ix", items, IndexOptions(entities=False))
    assert [str(p) for p in report.problems] == [
        "arsip/2.jsonl: file vanished while reading; skipped"
    ]
    assert report.added == 3


def test_missing_path_is_reported(tmp_path):
    report = Archive(tmp_path / "ix").index([tmp_path / "nowhere", SEED], entities=False)
    assert report.added == 1
    assert [p.message for p in report.problems] == ["no such file or folder"]
