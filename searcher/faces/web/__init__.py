"""The search page and JSON API: ``create_app`` (Flask's app factory) over one ``Archive``.

The views are the ``pages`` blueprint (``views``), the page's Indonesian is ``i18n``
and the timeline chart ``chart``; ``search serve`` runs the app under waitress.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from searcher.archive import Archive
from searcher.faces.web.views import ARCHIVE_KEY, pages


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
