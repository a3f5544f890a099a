"""The project's own errors: one family, each message written for a person to read."""

from __future__ import annotations

import pickle
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: What reading a damaged index raises wherever it is read: a truncated file (EOFError,
#: struct.error), bytes that no longer decompress or unpickle, a missing segment
#: (FileNotFoundError) or another failed read.
DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)


def from_whoosh(err: BaseException) -> bool:
    """Whether ``err`` was raised while decoding Whoosh's files: inside Whoosh (its
    readers raise a bare ``Exception``, ``Block tag error``, or a ``KeyError`` on
    flipped bytes) or inside our own readers of its layout
    (``searcher/engine/embedded/whoosh/``). Anything else raised elsewhere, a
    ``KeyError`` of ours included, is a bug, not damage."""
    frame = err.__traceback__
    last = None
    while frame is not None:
        last = frame
        frame = frame.tb_next
    return last is not None and "/whoosh/" in last.tb_frame.f_code.co_filename.replace("\\", "/")


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


class IndexDamaged(IndexError_):
    """The folder's index cannot be read as it is; ``search index --rebuild`` starts over."""


class NotAnIndexFolder(IndexError_):
    """The path given as an index folder is something else (a file, say)."""


class IndexWriteFailed(IndexError_):
    """The system refused a write (disk full, read-only folder); committed batches stay."""


class WorkerDied(SearcherError):
    """An indexing worker process ended abruptly."""


class BadSetting(SearcherError, ValueError):
    """A setting from the environment that makes no sense (``$SEARCHER_COMMIT_BATCH=x``)."""


@contextmanager
def damage_reported(index_dir: str | Path) -> Iterator[None]:
    """Turn what a damaged index raises from deep in Whoosh into one ``IndexDamaged``
    that says how to recover; our own errors and bugs pass through unchanged."""
    try:
        yield
    except SearcherError:
        raise
    except Exception as err:
        if not (isinstance(err, DAMAGE) or from_whoosh(err)):
            raise
        raise IndexDamaged(
            f"the index in {index_dir} is damaged ({type(err).__name__}: {err}); "
            "rebuild it with `search index --rebuild ARCHIVE`"
        ) from err
