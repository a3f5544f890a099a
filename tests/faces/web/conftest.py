"""A small real archive (the seed, IndoSum articles) plus one hostile article, indexed once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from searcher import Archive
from tests.conftest import SEED, indosum_records

HOSTILE = {
    "id": "hostile-1",
    "title": '<script>alert("judul")</script> Banjir "><img src=x onerror=alert(1)> {{ 7*7 }}',
    "body": (
        'Banjir melanda Kampung Pulo. <script>alert("isi")</script> Warga menulis '
        '"><img src=x onerror=alert(2)> di dinding, dan {{ 7*7 }} serta {% raw %} muncul di '
        "spanduk. Petugas BPBD DKI Jakarta mengevakuasi warga ke masjid terdekat."
    ),
    "source": "<b>uji</b>",
    "date": "2017-02-21",
}
#: A stored ``javascript:`` URL (mixed case, leading spaces) that must never become a link.
SCRIPT_URL = {
    "id": "hostile-url",
    "title": "Tautan berbahaya di arsip",
    "body": "Artikel ini menyimpan tautan javascript yang tidak boleh menjadi tautan di halaman.",
    "url": "  JaVaScRiPt:alert(document.domain)",
    "date": "2017-02-22 14:30",
}


@pytest.fixture(scope="session")
def web_archive(tmp_path_factory) -> Archive:
    folder = tmp_path_factory.mktemp("web") / "berita"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    records = indosum_records(150) + [HOSTILE, SCRIPT_URL]
    (folder / "arsip.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8"
    )
    archive = Archive(tmp_path_factory.mktemp("web-index") / "ix")
    archive.index([folder])
    return archive


@pytest.fixture
def client(web_archive):
    from searcher.faces.web import create_app

    app = create_app(web_archive.path)
    app.testing = True
    return app.test_client()


def index_path(archive: Archive) -> Path:
    return archive.path
