"""searcher: full-text search for Indonesian news archives.

The names below are imported on first use (PEP 562), so that ``search``'s entry point
(``searcher.faces.launch``) can start without loading the engine: a query answered by the warm
server never imports numpy or Whoosh.
"""

from __future__ import annotations

from importlib import import_module

#: Where each public name lives.
_EXPORTS = {
    "Archive": "searcher.archive",
    "Hit": "searcher.results",
    "Overview": "searcher.results",
    "Results": "searcher.results",
    "Stats": "searcher.results",
    "Article": "searcher.article",
    "Problem": "searcher.article",
    "IndexLocked": "searcher.errors",
    "IndexMissing": "searcher.errors",
    "SearcherError": "searcher.errors",
    "WorkerDied": "searcher.errors",
    "IndexReport": "searcher.index_run",
    "Settings": "searcher.settings",
}

__all__ = [
    "Archive",
    "Article",
    "Hit",
    "IndexLocked",
    "IndexMissing",
    "IndexReport",
    "Overview",
    "Problem",
    "Results",
    "SearcherError",
    "Settings",
    "Stats",
    "WorkerDied",
]

#: ``typing.TYPE_CHECKING`` without importing typing (type checkers read it the same way).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from searcher.archive import Archive
    from searcher.article import Article, Problem
    from searcher.errors import IndexLocked, IndexMissing, SearcherError, WorkerDied
    from searcher.index_run import IndexReport
    from searcher.results import Hit, Overview, Results, Stats
    from searcher.settings import Settings


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'searcher' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
