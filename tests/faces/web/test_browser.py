"""End to end in headless Chromium (Debian's package), driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager

import pytest

from tests.conftest import SEARCH

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser test (tests/run.sh)")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(web_archive):
    port = free_port()
    proc = subprocess.Popen(
        [SEARCH, "serve", "--index", str(web_archive.path), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "search serve did not start"
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@contextmanager
def browser_page(tmp_path, width: int, height: int):
    """A page in Debian's Chromium with a fresh, empty profile and a window of that size."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_search_facet_and_article_in_chromium(server, tmp_path):
    from playwright.sync_api import expect

    with browser_page(tmp_path, 1200, 900) as page:
        page.goto(server + "/")
        box = page.get_by_role("searchbox", name="Kata pencarian")
        box.fill("Taliban Tajikistan")
        box.press("Enter")
        first = page.locator("li.hit").first
        expect(first.locator("h2")).to_have_text("Putin ingin membangun hubungan dengan Taliban")
        marks = first.locator(".snippet mark").all_inner_texts()
        assert "Taliban" in marks and "Tajikistan" in marks
        page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

        page.locator("aside.facets").get_by_role("link", name="Vladimir Putin").click()
        expect(page.locator("a.chip")).to_contain_text("Tokoh: Vladimir Putin")
        expect(page.locator("li.hit").first.locator("h2")).to_have_text(
            "Putin ingin membangun hubungan dengan Taliban"
        )

        page.locator("li.hit h2 a").first.click()
        expect(page.locator("article h1")).to_have_text(
            "Putin ingin membangun hubungan dengan Taliban"
        )
        assert page.locator("article mark").count() >= 2
        page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    assert (tmp_path / "results.png").stat().st_size > 10_000
    assert (tmp_path / "article.png").stat().st_size > 10_000


def test_phone_sized_window_reaches_facets_without_scrolling(server, tmp_path):
    from playwright.sync_api import expect

    with browser_page(tmp_path, 390, 844) as page:
        page.goto(server + "/?q=Jakarta")
        label = page.locator("label.facet-label")
        expect(label).to_be_visible()
        first_hit = page.locator("li.hit").first
        assert label.bounding_box()["y"] < first_hit.bounding_box()["y"]
        assert label.bounding_box()["y"] < 844  # on the first screen
        people = page.locator("aside.facets h3", has_text="Tokoh")
        expect(people).to_be_hidden()  # folded until asked for
        label.click()
        expect(people).to_be_visible()
        page.locator("aside.facets h3:has-text('Tokoh') + ul a").first.click()
        expect(page.locator("a.chip")).to_contain_text("Tokoh: ")
        expect(page.locator("aside.facets li.active")).to_have_count(1)
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
    assert (tmp_path / "phone.png").stat().st_size > 10_000


def test_click_a_timeline_bar_to_narrow_to_its_period(server, tmp_path):
    from playwright.sync_api import expect

    with browser_page(tmp_path, 1200, 900) as page:
        page.goto(server + "/?q=Jakarta")
        bars = page.locator("figure.timeline svg a")
        assert bars.count() >= 3
        tallest = max(range(bars.count()),
                      key=lambda i: int(bars.nth(i).get_attribute("aria-label").split(": ")[1]
                                        .split()[0]))  # fmt: skip
        label = bars.nth(tallest).get_attribute("aria-label")
        count = int(label.split(": ")[1].split()[0])
        page.screenshot(path=str(tmp_path / "timeline.png"), full_page=False)
        bars.nth(tallest).click()
        expect(page.locator("a.chip")).to_contain_text("Tanggal: ")
        expect(page.locator("p.summary")).to_contain_text(f"{count} artikel untuk")
        shown = page.locator("li.hit time").all_inner_texts()
        assert shown and len(set(t.split()[-1] for t in shown)) == 1  # one year
    assert (tmp_path / "timeline.png").stat().st_size > 10_000


def test_sort_years_export_and_related_in_chromium(server, tmp_path):
    from playwright.sync_api import expect

    with browser_page(tmp_path, 1200, 900) as page:
        page.goto(server + "/?q=Jakarta")
        page.get_by_role("link", name="Terbaru").click()
        expect(page.locator("nav.tools a.active")).to_have_text("Terbaru")
        stamps = [t.get_attribute("datetime") for t in page.locator("li.hit time").all()]
        assert len(stamps) >= 5 and stamps == sorted(stamps, reverse=True)
        # the years of all matches: one click keeps that year
        page.locator("aside.facets h3:has-text('Tahun') + ul a").first.click()
        expect(page.locator("a.chip")).to_contain_text("Tanggal: ")
        year = page.locator("a.chip").inner_text().split(": ")[1][:4]
        shown = page.locator("li.hit time").all_inner_texts()
        assert shown and all(t.endswith(year) for t in shown)
        # the download link streams every match of what is on screen as CSV
        href = page.get_by_role("link", name="Unduh CSV").get_attribute("href")
        response = page.request.get(server + href)
        assert response.ok and response.headers["content-type"].startswith("text/csv")
        rows = response.text().strip().splitlines()
        total = int(page.locator("p.summary").inner_text().split()[0].replace(".", ""))
        assert rows[0].startswith("id,date,headline") and len(rows) - 1 >= total
        # an article page lists related stories that open
        page.locator("li.hit h2 a").first.click()
        related = page.locator("section.related li a")
        expect(related.first).to_be_visible()
        title = related.first.inner_text()
        related.first.click()
        expect(page.locator("article h1")).to_have_text(title)


@pytest.mark.parametrize(("width", "height", "labels"), [(1280, 900, 5), (390, 844, 3)])
def test_the_page_says_what_it_holds_in_indonesian_with_a_readable_timeline(
    server, tmp_path, width, height, labels
):
    from playwright.sync_api import expect

    with browser_page(tmp_path, width, height) as page:
        page.goto(server + "/")
        holds = page.locator("p.holds")
        expect(holds).to_contain_text("Arsip ini memuat 153 artikel, terbit 3 Sep 2016 sampai ")
        examples = page.locator("p.examples a")
        assert examples.count() >= 3
        example = examples.first.inner_text()
        examples.first.click()
        expect(page.locator("p.summary")).to_contain_text(" artikel untuk ")
        assert page.locator("li.hit").count() >= 1, example

        page.goto(server + "/?q=Jakarta+OR+banjir+-kebakaran")
        summary = page.locator("p.summary strong").inner_text()
        assert "ATAU" in summary and "TANPA" in summary and " OR " not in summary
        shown = [s for s in page.locator(".timeline .axis span").all() if s.is_visible()]
        assert len(shown) >= labels
        for span in shown:
            size = span.evaluate("s => parseFloat(getComputedStyle(s).fontSize)")
            assert size >= 12, (span.inner_text(), size)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0  # no horizontal scroll
        page.screenshot(path=str(tmp_path / f"timeline-{width}.png"), full_page=False)
    assert (tmp_path / f"timeline-{width}.png").stat().st_size > 10_000
