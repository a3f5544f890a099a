"""searcher: full-text search for Indonesian news archives."""

from searcher.archive import Archive, Hit, Results
from searcher.article import Article

__all__ = ["Archive", "Article", "Hit", "Results"]
