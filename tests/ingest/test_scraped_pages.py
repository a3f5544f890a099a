"""Cleaning scraped pages: navigation and repeated titles are not the body."""

from __future__ import annotations

import pytest

from searcher.ingest.scraped_pages import clean_page
from tests.conftest import FIXTURES, SEED

PAGES = FIXTURES / "pages"


def test_seed_headline_kicker_and_body_boundaries():
    page = clean_page(SEED.read_text("utf-8"))
    assert page.kicker == "Kunjungan ke Tajikistan"
    assert page.headline == "Putin ingin membangun hubungan dengan Taliban"
    assert page.paragraphs[0].startswith("Presiden Rusia Putin melakukan perjalanan ke luar negeri")
    assert page.paragraphs[-1].endswith("bekas Republik Soviet Turkmenistan.")
    # The subhead stays, as its own paragraph.
    assert "Rusia memiliki pangkalan militer penting di Tajikistan" in page.paragraphs
    # Navigation and the repeated page title are gone from the body.
    for line in ("Berita Utama", "Berita tentang Indonesia", "Kunjungan ke Tajikistan:"):
        assert line not in page.body
    assert len(page.paragraphs) == 7


@pytest.mark.parametrize(
    ("name", "kicker", "headline", "first", "paragraphs"),
    [
        (
            "no_kicker.txt",
            "",
            "Google Calendar untuk Web Versi Baru",
            "Ada yang baru dari Google Calendar versi web.",
            2,
        ),
        (
            "title_once.txt",
            "",
            "Seorang Pemuda di Papua Ditangkap karena Bawa Granat ke Bandara",
            "Kejadian menegangkan terjadi di Bandara Frans Kaisiepo",
            2,
        ),
        (
            "no_nav.txt",
            "",
            "IHSG Kembali Dekati Level 6.000",
            "Jakarta, CNN Indonesia - - Indeks Harga Saham Gabungan",
            3,
        ),
        (
            "one_line_body.txt",
            "",
            "Keikutsertaan Timnas Indonesia U-22 di ISG 2017 Belum Jelas",
            "Komite Olimpiade Indonesia (KOI) menyatakan",
            1,
        ),
        (
            "windows_line_ends.txt",
            "Serial Televisi",
            "Arya Stark Bocorkan Akhir Cerita Game of Thrones",
            "Serial televisi Game of Thrones (GoT) selalu menarik",
            2,
        ),
    ],
)
def test_page_shapes(name, kicker, headline, first, paragraphs):
    page = clean_page((PAGES / name).read_bytes().decode("utf-8"))
    assert page.kicker == kicker
    assert page.headline == headline
    assert page.paragraphs[0].startswith(first)
    assert len(page.paragraphs) == paragraphs
    assert "\r" not in page.body
    assert "Berita Utama" not in page.body


def test_dateline_url_and_boilerplate_become_metadata_not_body():
    title_once = clean_page((PAGES / "title_once.txt").read_text("utf-8"))
    assert title_once.date_text == "Sabtu, 2 Sep 2017 10:15 WIB"
    assert "Baca juga" not in title_once.body
    windows = clean_page((PAGES / "windows_line_ends.txt").read_text("utf-8"))
    assert windows.url == "https://www.cnnindonesia.com/hiburan/arya-stark-bocorkan-akhir-cerita"
    assert "https://" not in windows.body


def test_no_nav_subhead_is_kept_as_a_paragraph():
    page = clean_page((PAGES / "no_nav.txt").read_text("utf-8"))
    assert page.paragraphs[1] == "Pasar Valuta Asing"
