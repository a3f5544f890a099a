"""The page's views: a Flask blueprint over the app's ``Archive``.

Jinja's autoescaping does the HTML safety: article and query text is always escaped,
and the only markup added is the ``<mark>`` the library puts around matched words,
built from escaped text (``Archive.marked``).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from markupsafe import Markup
from werkzeug.exceptions import BadHost, HTTPException

from searcher.archive import Archive
from searcher.article import has_time
from searcher.errors import SearcherError
from searcher.export import csv_lines
from searcher.faces.web import chart
from searcher.faces.web.i18n import (
    CHIP_LABELS,
    FACET_LABELS,
    FIELDS_ID,
    FILTERS,
    SORTS_ID,
    BadRequest,
    catatan,
    indonesian_date,
    understood_id,
)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(
            f"{name} must be a whole number, not {raw[:20]!r}",
            f"{name} harus bilangan bulat, bukan {raw[:20]!r}",
        ) from None
    if not low <= value <= high:
        raise BadRequest(
            f"{name} must be between {low:,} and {high:,}",
            f"{name} harus antara {low:,} dan {high:,}".replace(",", "."),
        )
    return value


def _sort_arg() -> str:
    value = request.args.get("sort", "") or "relevance"
    if value not in SORTS_ID:
        raise BadRequest(
            f"sort must be one of {', '.join(SORTS_ID)}",
            f"urutan harus salah satu dari {', '.join(SORTS_ID)}",
        )
    return value


def _request_query() -> tuple[str, dict[str, str], int, int]:
    """The typed query, the filters (facets and a date; never cut with the query), page
    and limit."""
    limits = _archive().settings.limits
    typed = request.args.get("q", "").strip()
    if len(typed) > limits.max_query_chars:
        raise BadRequest(
            f"the query is longer than {limits.max_query_chars} characters",
            f"kueri lebih dari {limits.max_query_chars} karakter",
        )
    filters = {}
    for name in (*FILTERS, "source", "date"):
        value = request.args.get(name, "").strip()
        if len(value) > limits.max_filter_chars:
            raise BadRequest(
                f"the {name} filter is longer than {limits.max_filter_chars} characters",
                f"filter {name} lebih dari {limits.max_filter_chars} karakter",
            )
        if value:
            filters[name] = value
    page = _int_arg("page", 1, 1, limits.max_page)
    limit = _int_arg("limit", limits.default_limit, 1, limits.max_limit)
    return typed, filters, page, limit


def _search(
    archive: Archive, typed: str, filters: dict[str, str], page: int, limit: int, sort: str,
):  # fmt: skip
    if not typed and not filters:
        return None
    every_copy = request.args.get("similar") == "all"
    try:
        return archive.search(typed, limit=limit, page=page, filters=filters, sort=sort,
                              timeline=True, collapse=not every_copy)  # fmt: skip
    except ValueError as err:  # a date filter that makes no sense, say
        raise BadRequest(str(err), f"filter tidak dapat dipakai: {err}") from None


#: Where the app keeps its ``Archive`` (``app.extensions``).
ARCHIVE_KEY = "searcher.archive"
pages = Blueprint("pages", __name__)


def _archive() -> Archive:
    return current_app.extensions[ARCHIVE_KEY]


#: What the page may load: its own stylesheet and icon, nothing else; no script at all,
#: no framing by another site, forms only to itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@pages.after_app_request
def harden(response):
    """No MIME sniffing, no framing, no referrer, no script (the page needs none: a
    strict policy), and redirects that stay on this site whatever Host says."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.scheme or parts.netloc:
            path = parts.path if parts.path.startswith("/") else "/" + parts.path
            response.headers["Location"] = path.replace("//", "/") + (
                f"?{parts.query}" if parts.query else ""
            )
    return response


def link(**params) -> str:
    """A link to the search page with these parameters (empty ones and page 1 left out)."""
    clean = {k: v for k, v in params.items() if v not in (None, "", 1) or k == "q"}
    return url_for("pages.search_page", **clean)


@pages.app_template_filter("tanggal")
def tanggal(moment, long: bool = False) -> str:
    return indonesian_date(moment, long)


@pages.app_template_filter("iso")
def iso(moment) -> str:
    """The ``datetime`` attribute: a date alone when the archive gave no time."""
    if not has_time(moment):
        return moment.date().isoformat()
    return moment.isoformat()


pages.add_app_template_filter(catatan, "catatan")


@pages.get("/")
def search_page():
    typed, filters, page, limit = _request_query()
    sort = _sort_arg()
    results = _search(_archive(), typed, filters, page, limit, sort)
    base = {"q": typed, **filters, "sort": sort if sort != "relevance" else None}
    shown_limit = limit if limit != _archive().settings.limits.default_limit else None
    chips = [
        {"label": CHIP_LABELS[name], "value": value,
         "remove": link(**{k: v for k, v in base.items() if k != name})}
        for name, value in filters.items()
    ]  # fmt: skip
    sorts = [
        {"name": name, "title": title, "active": name == (results.sort if results else sort),
         "href": link(**{**base, "sort": name if name != "relevance" else None})}
        for name, title in SORTS_ID.items()
    ]  # fmt: skip
    years = []
    if results and len(results.years) > 1:
        years = [{"name": p.label, "count": p.count, "active": filters.get("date") == p.label,
                  "href": link(**{**base, "date": p.label})}
                 for p in results.years if p.count]  # fmt: skip
    timeline, ticks = [], []
    if results and len(results.timeline) > 1:
        drawn = chart.bars(results.timeline, results.per)
        timeline = [{"bar": bar, "href": link(**{**base, "date": bar.date})} for bar in drawn]
        ticks = chart.ticks(drawn)
    copies = {
        other: _archive().article(other)
        for hit in (results.hits if results else [])
        for other in hit.similar
    }
    facets = []
    if results:
        for label, field in FACET_LABELS.items():
            names = results.facets.get(label)
            if not names:
                continue
            facets.append({
                "title": FILTERS[field],
                "names": [{"name": n, "count": c, "href": link(**{**base, field: n}),
                           "active": filters.get(field) == n} for n, c in names],
            })  # fmt: skip
    pages = {}
    if results and results.total:
        if page > 1:
            previous = min(page - 1, results.pages)
            pages["previous"] = link(**base, page=previous, limit=shown_limit)
        if page < results.pages:
            pages["next"] = link(**base, page=page + 1, limit=shown_limit)
        pages["last"] = link(**base, page=results.pages, limit=shown_limit)
    suggestion = None
    if results and results.suggestion:
        suggestion = {
            "text": results.suggestion,
            "href": link(**{**base, "q": results.suggestion}),
        }
    export = url_for("pages.export_csv", **{k: v for k, v in base.items() if v})
    return render_template(
        "search.html", q=typed, results=results, chips=chips, facets=facets, pages=pages,
        suggestion=suggestion, page=page, sorts=sorts, years=years, timeline=timeline,
        chart_size=(chart.WIDTH, chart.HEIGHT), export=export, ticks=ticks, copies=copies,
        overview=_home() if results is None else None,
        understood=understood_id(results.understood) if results else "",
    )  # fmt: skip


#: Example searches the home page offers: the most named people, places and
#: organisations of the archive (so each finds something), one of each kind first.
EXAMPLES = 6


def _home() -> dict:
    """What the archive holds and searches that work on it, for the empty page."""
    archive = _archive()
    overview = archive.overview()
    named = archive.top_entities(None, 1000)  # every label, most named first: one count
    by_kind = [[n for n, lab, _ in named if lab == label][:2] for label in FACET_LABELS]
    fields = list(FACET_LABELS.values())
    # one of each kind first, then the second of each
    ordered = [(fields[k], found[rank]) for rank in (0, 1)
               for k, found in enumerate(by_kind) if len(found) > rank]  # fmt: skip
    return {
        "overview": overview,
        "examples": [
            {"text": query, "href": link(q=query)}
            for query in (f'{FIELDS_ID[field]}:"{name}"' for field, name in ordered[:EXAMPLES])
        ],
        "sources": overview.sources[:8],
    }


@pages.get("/export.csv")
def export_csv():
    """Every match of the query as CSV, streamed a row at a time."""
    typed, filters, _, _ = _request_query()
    sort = _sort_arg()
    if not typed and not filters:
        raise BadRequest("nothing to export: give q or a filter",
                         "tidak ada yang diekspor: isi kueri atau filter")  # fmt: skip
    hits = _archive().iter_hits(typed, filters=filters, sort=sort)
    name = re.sub(r"[^\w-]+", "-", typed or "-".join(filters.values())).strip("-")[:60]
    return Response(
        stream_with_context(csv_lines(hits)),
        mimetype="text/csv",
        headers={"Content-Disposition": _attachment(f"searcher-{name or 'ekspor'}.csv")},
    )


def _attachment(filename: str) -> str:
    """A download's header for any name: an ASCII one for every browser, and the real
    one (``Erdoğan``, ``İstanbul``) as RFC 6266's ``filename*``. Headers are Latin-1: a
    name outside it made the page's own download link fail with a 500."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^\w.-]+", "-", plain) or "searcher.csv"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


@pages.get("/article")
def article_by_id():
    """The canonical article link: any id survives a query string unchanged (a path
    would have ``/``, ``..`` and newlines normalised away by browsers)."""
    return article_page(request.args.get("id", ""))


@pages.get("/article/<path:article_id>")
def article_page(article_id: str):
    article = _archive().article(article_id)
    if article is None:
        abort(404)
    archive = _archive()
    q = request.args.get("q", "")[: archive.settings.limits.max_query_chars]
    paragraphs = [Markup(html) for html in archive.marked(article.body.split("\n\n"), q) if html]
    return render_template(
        "article.html", article=article, paragraphs=paragraphs, q=q,
        headline=Markup(archive.marked([article.headline], q)[0]), original=web_link(article.url),
        related=_archive().related(article.id),
    )  # fmt: skip


@pages.get("/api/search")
def api_search():
    typed, filters, page, limit = _request_query()
    results = _search(_archive(), typed, filters, page, limit, _sort_arg())
    if results is None:
        results = _archive().search("", limit=limit, page=page)
    return jsonify(results.to_json())


@pages.get("/healthz")
def healthz():
    return jsonify({"status": "ok", "articles": _archive().count()})


@pages.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@pages.app_errorhandler(BadRequest)
def bad_request(err: BadRequest):
    return _error(400, "Permintaan itu tidak bisa dijawab", err.pesan, str(err))


@pages.app_errorhandler(SearcherError)
def no_index(err: SearcherError):
    return _error(503, "Arsip belum siap", str(err), str(err))


@pages.app_errorhandler(HTTPException)
def http_error(err: HTTPException):
    if err.code == 404:
        return _error(404, "Tidak ditemukan", "Tidak ada artikel atau halaman di alamat ini.",
                      "No article or page lives at this address.")  # fmt: skip
    return _error(err.code or 500, err.name, err.description or "", err.description or "")


@pages.app_errorhandler(Exception)
def unexpected(err: Exception):
    current_app.logger.exception("unexpected error")
    return _error(500, "Terjadi kesalahan", "Kesalahan sudah dicatat; silakan coba lagi.",
                  "The error was logged; please try again.")  # fmt: skip


def web_link(url: str) -> str | None:
    """``url`` when it is safe to link to (``http``/``https``), else None: a stored
    ``javascript:`` URL must never become a link."""
    cleaned = "".join(url.split())  # browsers drop whitespace and control characters
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    return cleaned if scheme in ("http", "https") else None


def _error(code: int, title: str, pesan: str, message: str):
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify({"error": message or title}), code
    if isinstance(request.routing_exception, BadHost):
        # a Host header no URL can be built for (10,000 characters, say): no page links
        return Response(f"{code} {title}\n", status=code, mimetype="text/plain")
    return render_template("error.html", code=code, title=title, message=pesan), code
