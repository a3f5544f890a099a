"""The search page and JSON API: a Flask blueprint over one ``Archive``.

``create_app(index_dir)`` builds the app (Flask's app-factory pattern) and registers the
``pages`` blueprint, whose views read the app's ``Archive``; ``search serve`` runs it
under waitress. Jinja's autoescaping does the HTML safety: article and query
text is always escaped, and the only markup added is the ``<mark>`` of snippets, which
``searcher.snippets`` builds from escaped text.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
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
from werkzeug.exceptions import HTTPException

from searcher.archive import Archive
from searcher.dates import has_time
from searcher.errors import SearcherError
from searcher.export import csv_lines
from searcher.query import MAX_FILTER_CHARS, MAX_QUERY_CHARS, parse
from searcher.snippets import highlight
from searcher.web import chart

#: Facet filters the page adds as URL parameters, in the order the page shows them,
#: with the Indonesian title of each column.
FILTERS = {"person": "Tokoh", "place": "Tempat", "org": "Organisasi"}
FACET_LABELS = {"PER": "person", "LOC": "place", "ORG": "org"}
#: What a filter's chip says.
CHIP_LABELS = {**FILTERS, "source": "Sumber", "date": "Tanggal"}
#: The page's own words for what the parser noted (``searcher.query.Note.kind``).
NOTES_ID = {
    "cut": "Kueri dipotong menjadi {value} karakter pertamanya.",
    "field": "Tidak ada kolom “{value}:”; dicari sebagai kata biasa.",
    "bad_date": "Filter tanggal “{value}” diabaikan: tulis TTTT, TTTT-BB atau TTTT-BB-HH, "
    "rentang dengan “..”.",
    "date_order": "Filter tanggal “{value}” diabaikan: tanggal akhirnya sebelum tanggal awal.",
    "stopwords": "Hanya kata yang terlalu umum untuk dicari: {value}.",
}


class BadRequest(ValueError):
    """A request parameter out of bounds: English for the API, Indonesian for the page."""

    def __init__(self, message: str, pesan: str) -> None:
        super().__init__(message)
        self.pesan = pesan


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


#: Orders the page offers, with their Indonesian names.
SORTS_ID = {"relevance": "Relevansi", "newest": "Terbaru", "oldest": "Terlama"}


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
    typed = request.args.get("q", "").strip()
    if len(typed) > MAX_QUERY_CHARS:
        raise BadRequest(
            f"the query is longer than {MAX_QUERY_CHARS} characters",
            f"kueri lebih dari {MAX_QUERY_CHARS} karakter",
        )
    filters = {}
    for name in (*FILTERS, "source", "date"):
        value = request.args.get(name, "").strip()
        if len(value) > MAX_FILTER_CHARS:
            raise BadRequest(
                f"the {name} filter is longer than {MAX_FILTER_CHARS} characters",
                f"filter {name} lebih dari {MAX_FILTER_CHARS} karakter",
            )
        if value:
            filters[name] = value
    limits = _archive().settings.limits
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


@pages.after_app_request
def harden(response):
    """No MIME sniffing, and redirects that stay on this site whatever Host says."""
    response.headers["X-Content-Type-Options"] = "nosniff"
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


@pages.app_template_filter("catatan")
def catatan(note) -> str:
    template = NOTES_ID.get(getattr(note, "kind", ""))
    return template.format(value=note.value) if template else str(note)


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
    timeline = []
    if results and len(results.timeline) > 1:
        timeline = [{"bar": bar, "href": link(**{**base, "date": bar.date})}
                    for bar in chart.bars(results.timeline, results.per)]  # fmt: skip
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
        chart_size=(chart.WIDTH, chart.HEIGHT), export=export,
    )  # fmt: skip


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
        headers={"Content-Disposition": f'attachment; filename="searcher-{name or "ekspor"}.csv"'},
    )


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
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    terms = parse(q).terms if q else set()
    paragraphs = [Markup(highlight(p, terms)) for p in article.body.split("\n\n") if p]
    return render_template(
        "article.html", article=article, paragraphs=paragraphs, q=q,
        headline=Markup(highlight(article.headline, terms)), original=web_link(article.url),
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


def create_app(index_dir: str | Path | None = None, backend: str | None = None) -> Flask:
    """The web app over the index in ``index_dir`` (default: ``$SEARCHER_INDEX`` or ./index),
    or over the cluster ``backend`` names (``sphinx://...``)."""
    app = Flask(__name__)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # ``//`` is not merged with a redirect: ids may hold it, and a redirect built from the
    # request's Host header would point wherever that header says
    app.url_map.merge_slashes = False
    app.extensions[ARCHIVE_KEY] = Archive(index_dir, backend=backend)
    app.register_blueprint(pages)
    return app


#: Indonesian month names, for dates on the page.
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")  # fmt: skip


def indonesian_date(moment, long: bool = False) -> str:
    """``28 Mar 2017`` (``28 Maret 2017, 14.30`` long), with no time the archive did not give."""
    month = BULAN[moment.month - 1]
    text = f"{moment.day} {month if long else month[:3]} {moment.year}"
    if long and has_time(moment):
        text += f", {moment.hour:02d}.{moment.minute:02d}"
    return text


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
    return render_template("error.html", code=code, title=title, message=pesan), code
