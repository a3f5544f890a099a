"""The project's own errors: one family, each message written for a person to read."""

from __future__ import annotations


class SearcherError(Exception):
    """Base of every error searcher raises on purpose; ``str(err)`` is the one-line message."""


class IndexError_(SearcherError):
    """A problem opening or writing an index folder (missing, damaged, locked, not a folder)."""


class IndexMissing(IndexError_):
    """No index has been built in the folder yet."""


class IndexVersionMismatch(IndexError_):
    """The folder's index was built by a searcher with another schema."""


class IndexLocked(IndexError_):
    """Another process is writing to the folder."""


class NotAnIndexFolder(IndexError_):
    """The path given as an index folder is something else (a file, say)."""


class WorkerDied(SearcherError):
    """An indexing worker process ended abruptly."""
