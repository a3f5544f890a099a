"""The index is read through the page cache, not memory-mapped: a server's threads do
not each count the whole index in their resident memory."""

from __future__ import annotations

import resource
from pathlib import Path


def test_an_open_archive_maps_no_index_file(small_index):
    for query in ("pemerintah", '"rumah sakit"', "Jakarta banjir", "person:jokowi"):
        assert small_index.search(query, facets=True, timeline=True).total > 0
    mapped = [
        line.split()[-1]
        for line in Path("/proc/self/maps").read_text().splitlines()
        if str(small_index.path) in line
    ]
    assert mapped == []


def test_the_open_file_limit_allows_a_file_per_segment_per_thread(small_index):
    small_index.search("pemerintah")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert soft == hard or soft >= 65536
