"""searcher: full-text search for Indonesian news archives."""

from searcher.archive import Archive, Hit, Results, Stats
from searcher.article import Article, Problem
from searcher.errors import IndexLocked, IndexMissing, SearcherError, WorkerDied
from searcher.indexer import IndexReport
from searcher.settings import Settings

__all__ = [
    "Archive",
    "Article",
    "Hit",
    "IndexLocked",
    "IndexMissing",
    "IndexReport",
    "Problem",
    "Results",
    "SearcherError",
    "Settings",
    "Stats",
    "WorkerDied",
]
