"""The search page and JSON API: a Flask app over one ``Archive``.

``create_app(index_dir)`` builds the app (Flask's app-factory pattern); ``search serve``
runs it under waitress. Jinja's autoescaping does the HTML safety: article and query
text is always escaped, and the only markup added is the ``<mark>`` of snippets, which
``searcher.snippets`` builds from escaped text.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from searcher.archive import Archive
from searcher.query import MAX_QUERY_CHARS, parse
from searcher.snippets import highlight
from searcher.store import IndexError_

#: Largest page size the page and the API accept.
MAX_LIMIT = 50
#: Deepest page number accepted; deeper paging is almost always a crawler.
MAX_PAGE = 1000
#: Facet filters the page adds as URL parameters, and the query field each becomes.
FILTERS = {"person": "people", "place": "places", "org": "organisations"}
FACET_LABELS = {"PER": "person", "LOC": "place", "ORG": "org"}


class BadRequest(ValueError):
    """A request parameter out of bounds; the message is shown to the person."""


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {raw[:20]!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return value


def _request_query() -> tuple[str, str, dict[str, str], int, int]:
    """The typed query, the full query with facet filters, the filters, page and limit."""
    typed = request.args.get("q", "").strip()
    if len(typed) > MAX_QUERY_CHARS:
        raise BadRequest(f"the query is longer than {MAX_QUERY_CHARS} characters")
    filters = {
        name: request.args[name].strip()[:200]
        for name in FILTERS
        if request.args.get(name, "").strip()
    }
    full = " ".join(
        [typed] + [f'{name}:"{value.replace(chr(34), "")}"' for name, value in filters.items()]
    ).strip()
    page = _int_arg("page", 1, 1, MAX_PAGE)
    limit = _int_arg("limit", 10, 1, MAX_LIMIT)
    return typed, full, filters, page, limit


def create_app(index_dir: str | Path | None = None) -> Flask:
    """The web app over the index in ``index_dir`` (default: ``$SEARCHER_INDEX`` or ./index)."""
    app = Flask(__name__)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    archive = Archive(index_dir)
    app.config["ARCHIVE"] = archive

    def link(**params) -> str:
        clean = {k: v for k, v in params.items() if v not in (None, "", 1) or k == "q"}
        return "/?" + urlencode(clean)

    @app.get("/")
    def search_page():
        typed, full, filters, page, limit = _request_query()
        results = archive.search(full, limit=limit, page=page) if full else None
        base = {"q": typed, **filters}
        chips = [
            {"label": FILTERS[name], "value": value,
             "remove": link(**{k: v for k, v in base.items() if k != name})}
            for name, value in filters.items()
        ]  # fmt: skip
        facets = []
        if results:
            for label, names in results.facets.items():
                field = FACET_LABELS.get(label)
                if not field:
                    continue
                facets.append({
                    "title": FILTERS[field],
                    "names": [{"name": n, "count": c, "href": link(**{**base, field: n}),
                               "active": filters.get(field) == n} for n, c in names],
                })  # fmt: skip
        pages = {}
        if results and results.total:
            if page > 1:
                pages["previous"] = link(
                    **base, page=page - 1, limit=limit if limit != 10 else None
                )
            if page < results.pages:
                pages["next"] = link(**base, page=page + 1, limit=limit if limit != 10 else None)
        suggestion = None
        if results and results.suggestion:
            suggestion = {
                "text": results.suggestion,
                "href": link(**{**base, "q": results.suggestion}),
            }
        return render_template(
            "search.html", q=typed, results=results, chips=chips, facets=facets, pages=pages,
            suggestion=suggestion, page=page,
        )  # fmt: skip

    @app.get("/article/<path:article_id>")
    def article_page(article_id: str):
        article = archive.article(article_id)
        if article is None:
            abort(404)
        q = request.args.get("q", "")[:MAX_QUERY_CHARS]
        terms = parse(q).terms if q else set()
        paragraphs = [Markup(highlight(p, terms)) for p in article.body.split("\n\n") if p]
        return render_template(
            "article.html", article=article, paragraphs=paragraphs, q=q,
            headline=Markup(highlight(article.headline, terms)),
        )  # fmt: skip

    @app.get("/api/search")
    def api_search():
        _, full, _, page, limit = _request_query()
        return jsonify(archive.search(full, limit=limit, page=page).to_json())

    @app.get("/healthz")
    def healthz():
        stats = archive.stats()
        return jsonify({"status": "ok", "articles": stats.articles})

    @app.errorhandler(BadRequest)
    def bad_request(err: BadRequest):
        return _error(400, "That request does not make sense", str(err))

    @app.errorhandler(IndexError_)
    def no_index(err: IndexError_):
        return _error(503, "The archive is not ready", str(err))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code == 404:
            return _error(404, "Not found", "No article or page lives at this address.")
        return _error(err.code or 500, err.name, err.description or "")

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        app.logger.exception("unexpected error")
        return _error(500, "Something went wrong", "The error was logged; please try again.")

    return app


def _error(code: int, title: str, message: str):
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify({"error": message or title}), code
    return render_template("error.html", code=code, title=title, message=message), code
