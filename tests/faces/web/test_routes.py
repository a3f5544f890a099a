"""Every route and bound of the web app, through Flask's test client."""

from __future__ import annotations

import csv
import io
import json
import re

from tests.faces.web.conftest import HOSTILE

SEED_LINK = "/article?id=berita/000_df906d3edab3d18d.txt"


def test_home_shows_a_search_box(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<input type="search" name="q"' in html and "person:" in html


def test_results_with_marks_entities_and_facets(client):
    html = client.get("/?q=Taliban+Tajikistan").get_data(as_text=True)
    assert "Putin ingin membangun hubungan dengan Taliban" in html
    assert "<mark>Taliban</mark>" in html and "<mark>Tajikistan</mark>" in html
    assert "Kunjungan ke Tajikistan" in html  # the kicker
    assert f'href="{SEED_LINK}&amp;q=Taliban+Tajikistan"' in html
    assert "<span>Vladimir Putin</span>" in html  # entities of the hit
    assert 'href="/?q=Taliban+Tajikistan&amp;person=Vladimir+Putin"' in html  # facet link
    assert "1 artikel untuk <strong>Taliban DAN Tajikistan</strong>" in html  # the page's words


def test_facet_filter_shows_a_removable_chip(client):
    html = client.get("/?q=Taliban&person=Vladimir+Putin").get_data(as_text=True)
    assert 'class="chip" href="/?q=Taliban"' in html
    assert "Tokoh: Vladimir Putin" in html
    assert "Putin ingin membangun" in html


def test_fallback_note_and_did_you_mean(client):
    html = client.get("/?q=Taliban+qwertyuiop").get_data(as_text=True)
    assert "yang ditampilkan memuat salah satunya" in html
    empty = client.get("/?q=Tajikistn").get_data(as_text=True)
    assert "Tidak ada artikel yang cocok" in empty
    assert 'Maksud Anda <a href="/?q=Tajikistan">Tajikistan</a>?' in empty


def test_pagination(client):
    first = client.get("/?q=Jakarta&limit=5").get_data(as_text=True)
    assert 'rel="next" href="/?q=Jakarta&amp;page=2&amp;limit=5"' in first
    second = client.get("/?q=Jakarta&limit=5&page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and 'start="6"' in second


def test_article_page_keeps_paragraphs_and_marks_query_words(client):
    page = client.get(f"{SEED_LINK}&q=pangkalan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<p>") >= 7
    assert "<mark>pangkalan</mark> militer" in html
    assert "<h1>Putin ingin membangun hubungan dengan Taliban</h1>" in html


def test_api_matches_cli_json(client, web_archive):
    data = client.get("/api/search?q=Taliban+Tajikistan&limit=3").get_json()
    expected = web_archive.search("Taliban Tajikistan", limit=3).to_json()
    assert data == json.loads(json.dumps(expected))
    assert data["hits"][0]["headline"] == "Putin ingin membangun hubungan dengan Taliban"


def test_healthz(client, web_archive):
    data = client.get("/healthz").get_json()
    assert data == {"status": "ok", "articles": web_archive.stats().articles}


def test_everything_is_escaped(client):
    results = client.get("/?q=Banjir+Kampung+Pulo").get_data(as_text=True)
    article = client.get(f"/article/{HOSTILE['id']}?q=banjir").get_data(as_text=True)
    api = client.get("/api/search?q=Kampung+Pulo")
    for html in (results, article):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html
        assert (
            "&#34;&gt;&lt;img src=x onerror=alert" in html
            or "&quot;&gt;&lt;img src=x onerror=alert" in html
        )
        assert "{{ 7*7 }}" in html and "49" not in html.split("{{ 7*7 }}")[0][-20:]
        assert "&lt;b&gt;uji&lt;/b&gt;" in html
    assert "<mark>Banjir</mark>" in article
    # the API returns the text as data (JSON, never HTML); only snippet_html is markup
    assert api.mimetype == "application/json"
    hostile = next(h for h in api.get_json()["hits"] if h["id"] == HOSTILE["id"])
    assert hostile["headline"] == " ".join(HOSTILE["title"].split())
    assert "<script>" not in hostile["snippet_html"] and "&lt;script&gt;" in hostile["snippet_html"]
    query_echo = client.get("/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in query_echo


def test_bounds_give_friendly_400s(client):
    for url in (
        "/?q=banjir&page=0",
        "/?q=banjir&page=abc",
        "/?q=banjir&page=99999",
        "/?q=banjir&limit=101",
        "/?q=banjir&limit=-1",
        "/?q=" + "a" * 501,
        "/api/search?q=banjir&limit=1000",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        body = response.get_data(as_text=True)
        assert "Traceback" not in body
    assert "page harus antara 1 dan 1.000" in client.get("/?q=x&page=0").get_data(as_text=True)
    assert client.get("/api/search?q=x&page=nol").get_json() == {
        "error": "page must be a whole number, not 'nol'"
    }


def test_unknown_article_is_a_404_page(client):
    response = client.get("/article/tidak-ada")
    assert response.status_code == 404
    assert "Tidak ada artikel atau halaman di alamat ini." in response.get_data(as_text=True)


def test_no_stack_traces_on_errors(client, monkeypatch, web_archive):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(type(web_archive), "search", explode)
    response = client.get("/?q=banjir")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body


def test_picks_up_a_new_commit_without_restart(tmp_path):
    from searcher import Archive
    from searcher.faces.web import create_app
    from tests.conftest import SEED

    archive = Archive(tmp_path / "ix")
    archive.index([SEED], entities=False)
    client = create_app(tmp_path / "ix").test_client()
    assert "Putin" in client.get("/?q=Taliban").get_data(as_text=True)
    assert "Tidak ada artikel yang cocok" in client.get("/?q=Kampung+Pulo").get_data(as_text=True)
    folder = tmp_path / "baru"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(HOSTILE) + "\n", "utf-8")
    archive.index([folder], entities=False)
    assert "Tidak ada artikel yang cocok" not in client.get("/?q=Kampung+Pulo").get_data(
        as_text=True
    )


def test_the_page_speaks_indonesian(client):
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in home and "Cari di arsip berita" in home
    html = client.get("/?q=Jakarta").get_data(as_text=True)
    assert "artikel untuk <strong>Jakarta</strong>" in html and "halaman 1 dari" in html
    for english in ("articles for", "No article", "Did you mean", "people", "Back to"):
        assert english not in html
    none = client.get("/?q=yang+dan+di").get_data(as_text=True)
    assert "Tidak ada yang dicari" in none and "terlalu umum untuk dicari: yang, dan, di" in none
    bad_date = client.get("/?q=banjir+date:garbage").get_data(as_text=True)
    assert "Filter tanggal “garbage” diabaikan" in bad_date


def test_facet_columns_in_a_fixed_order_and_the_active_one_marked(client):
    html = client.get("/?q=Jakarta&person=Joko+Widodo").get_data(as_text=True)
    order = [html.index(f"<h3>{title}</h3>") for title in ("Tokoh", "Tempat", "Organisasi")]
    assert order == sorted(order)
    assert '<li class="active"><a href="/?q=Jakarta&amp;person=Joko+Widodo" aria-current' in html
    # on a phone the facets fold into one line that comes before the results
    assert html.index('class="facet-label"') < html.index('<ol class="hits"')


def test_favicon(client):
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect.location.endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").data.startswith(b"<svg")


def test_dates_show_a_time_only_when_the_archive_gave_one(client):
    without = client.get("/article/hostile-1").get_data(as_text=True)
    assert "21 Februari 2017</time>" in without and "00.00" not in without
    with_time = client.get("/article/hostile-url").get_data(as_text=True)
    assert "22 Februari 2017, 14.30</time>" in with_time
    listing = client.get("/?q=Kampung+Pulo").get_data(as_text=True)
    assert "21 Feb 2017</time>" in listing and "00:00" not in listing


def test_a_javascript_url_is_never_a_link(client):
    html = client.get("/article/hostile-url").get_data(as_text=True)
    assert "Tautan berbahaya" in html
    assert "javascript:" not in html.lower() and "sumber asli" not in html
    normal = client.get(f"{SEED_LINK}").get_data(as_text=True)
    assert "sumber asli" not in normal  # the seed page has no URL at all


def test_facet_filters_alone_and_never_cut_with_the_query(client):
    alone = client.get("/?person=Vladimir+Putin")
    assert alone.status_code == 200
    assert "Putin ingin membangun hubungan dengan Taliban" in alone.get_data(as_text=True)
    api = client.get("/api/search?q=-banjir")
    assert api.status_code == 200 and api.get_json()["total"] > 0
    long_query = "Putin " + "x" * 488
    kept = client.get("/api/search", query_string={"q": long_query, "person": "Vladimir Putin"})
    assert 'person:"Vladimir Putin"' in kept.get_json()["understood"]
    too_long = client.get("/", query_string={"q": "Putin", "person": "x" * 201})
    assert too_long.status_code == 400


def test_page_past_the_end_links_to_the_last(client):
    html = client.get("/?q=Jakarta&page=999").get_data(as_text=True)
    assert "melewati halaman terakhir" in html and "page 999 of" not in html
    assert 'href="/?q=Jakarta&amp;page=' in html


def test_healthz_is_cheap_and_counts_articles(client, web_archive):
    assert client.get("/healthz").get_json() == {"status": "ok", "articles": 153}


def test_sort_control_and_newest_first(client):
    html = client.get("/?q=Jakarta&sort=newest").get_data(as_text=True)
    assert (
        '<a href="/?q=Jakarta&amp;sort=newest" aria-current="true" class="active">Terbaru</a>'
        in html
    )
    dates = re.findall(r'<time datetime="([\d-]+)', html)
    assert dates == sorted(dates, reverse=True) and len(dates) >= 5
    assert client.get("/?q=Jakarta&sort=acak").status_code == 400
    api = client.get("/api/search?q=Jakarta&sort=oldest").get_json()
    assert api["sort"] == "oldest" and api["timeline"]["periods"]


def test_timeline_bars_link_to_their_period_with_text(client):
    html = client.get("/?q=Jakarta").get_data(as_text=True)
    bars = re.findall(r'<a href="(/\?q=Jakarta&amp;date=[\d-]+)" aria-label="([^"]+)">'
                      r"<title>([^<]+)</title><rect", html)  # fmt: skip
    assert len(bars) >= 3
    href, label, title = bars[0]
    assert label == title and re.match(r"\w+ \d{4}: \d+ artikel", label)
    narrowed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
    assert "Tanggal: " in narrowed  # the period shows as a removable chip
    count = int(label.rsplit(": ", 1)[1].split()[0])
    assert f"{count} artikel untuk" in narrowed


def test_years_facet_and_csv_download(client):
    html = client.get("/?q=Jakarta").get_data(as_text=True)
    assert "<h3>Tahun</h3>" in html and 'href="/?q=Jakarta&amp;date=2017"' in html
    assert html.index("<h3>Tahun</h3>") < html.index("<h3>Tokoh</h3>")
    assert 'href="/export.csv?q=Jakarta"' in html
    response = client.get("/export.csv?q=Jakarta&sort=newest")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="searcher-Jakarta.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    total = client.get("/api/search?q=Jakarta").get_json()["total"]
    assert len(rows) == total > 10
    assert client.get("/export.csv").status_code == 400


def test_article_page_lists_related_stories(client):
    html = client.get(SEED_LINK).get_data(as_text=True)
    assert "<h2>Berita terkait</h2>" in html
    related = re.findall(r'<li><a href="(/article\?id=[^"]+)">', html)
    assert 1 <= len(related) <= 5
    assert client.get(related[0].replace("&amp;", "&")).status_code == 200


# Issue 33, items 11: headers, a hostile Host, a download named outside Latin-1 --------


def test_every_page_carries_a_strict_policy(client):
    for url in ("/", "/?q=Jakarta", SEED_LINK, "/api/search?q=Jakarta", "/tidak-ada"):
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy, url
        assert "script-src" not in policy  # no script is allowed at all
        assert response.headers.get("X-Frame-Options") == "DENY", url
        assert response.headers.get("Referrer-Policy") == "no-referrer", url


def test_a_host_header_no_url_can_be_built_for_is_a_bad_request(client):
    for url in ("/", "/?q=Jakarta", SEED_LINK, "/export.csv?q=Jakarta"):
        response = client.get(url, headers={"Host": "a" * 10_000})
        assert response.status_code == 400, url
        assert response.get_data(as_text=True).startswith("400 Bad Request")


def test_a_download_named_outside_latin_1_is_served(client):
    named = {"Erdoğan": "searcher-Erdogan.csv", "İstanbul": "searcher-Istanbul.csv"}
    for query, plain in named.items():
        response = client.get("/export.csv", query_string={"q": query})
        body = response.get_data(as_text=True)  # streamed: read it all
        assert response.status_code == 200 and body.startswith("id,date,headline")
        disposition = response.headers["Content-Disposition"]
        assert f'filename="{plain}"' in disposition
        assert "filename*=UTF-8''searcher-" in disposition and "%" in disposition
