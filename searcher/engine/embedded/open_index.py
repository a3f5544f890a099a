"""The open index of one folder, shared by every thread that reads it.

Each thread keeps its own Whoosh searcher and refreshes it when a writer has
committed since; the decoded arrays (``searcher.engine.embedded.postings.IndexView``) and the alias
table are shared and rebuilt when the index generation (or ``aliases.json``) changes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from searcher.engine.embedded import store
from searcher.engine.embedded.postings import IndexView
from searcher.engine.embedded.whoosh.capabilities import Capabilities
from searcher.names.aliases import ALIASES_FILE, AliasTable, build_table, read_derived, read_learned
from searcher.settings import Limits


def _stamp(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ino, st.st_size)


class IndexReading:
    """Searchers, arrays and aliases for one index folder, safe from several threads."""

    def __init__(self, path: Path, limits: Limits, caps: Capabilities) -> None:
        self.path = path
        self.limits = limits
        self.caps = caps
        self._local = threading.local()
        self._lock = threading.Lock()
        self._ix = None
        self._meta_stamp: tuple | None = None
        self._view: IndexView | None = None
        self._alias_table: AliasTable | None = None
        self._alias_stamp: tuple | None = None
        #: Bumped whenever the alias table is reloaded: what was counted with the old
        #: table (canonical facets) is stale.
        self.alias_generation = 0

    def _current_index(self):
        """The current Whoosh index, reopened when a rebuild swapped it."""
        stamp = _stamp(self.path / store.META_FILE)
        with self._lock:
            if self._ix is None or stamp != self._meta_stamp:
                self._ix, _ = store.open_current(self.path)
                self._meta_stamp = stamp
            return self._ix

    def searcher(self):
        """This thread's Whoosh searcher over the current index generation."""
        ix = self._current_index()
        local = self._local
        searcher = getattr(local, "searcher", None)
        if searcher is None or getattr(local, "ix", None) is not ix:
            if searcher is not None:
                searcher.close()
            searcher = ix.searcher()
            local.searcher, local.ix = searcher, ix
        elif not searcher.up_to_date():
            # A fresh searcher, not ``searcher.refresh()``: refresh reuses segment
            # readers and, caught during a merge, was seen counting merged documents
            # twice (5,252 documents in a 3,464-article index).
            searcher.close()
            searcher = ix.searcher()
            local.searcher = searcher
        return searcher

    def view(self, searcher) -> IndexView:
        """The arrays of the searcher's index generation, shared by all threads."""
        reader = searcher.reader()
        # the thread's searcher was opened on ``self._local.ix``: name it, not its id()
        indexname = self._local.ix.indexname
        key = (indexname, reader.generation(), reader.doc_count_all(), reader.doc_count())
        view = self._view
        if view is None or view.key != key:
            with self._lock:
                view = self._view
                if view is None or view.key != key:
                    view = IndexView(reader, key, self.limits.cached_postings, self.caps)
                    self._view = view
        return view

    def aliases(self) -> AliasTable:
        """The shipped alias seeds plus what this archive taught, reloaded when an
        indexing run rewrites ``aliases.json``."""
        stamp = _stamp(self.path / ALIASES_FILE)
        with self._lock:
            if self._alias_table is None or stamp != self._alias_stamp:
                self._alias_table = build_table(read_learned(self.path), read_derived(self.path))
                self._alias_stamp = stamp
                self.alias_generation += 1
            return self._alias_table

    def close(self) -> None:
        """Close this thread's searcher."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
