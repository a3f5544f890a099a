"""A compound segment's parts are read in place from the mapped file, not copied: the
same bytes, through the same file interface Whoosh's readers use."""

from __future__ import annotations

import io

from whoosh.filedb import compound

from searcher import store, whoosh_internals
from searcher.whoosh_internals import _ViewReader


def test_the_installed_whoosh_reads_compound_parts_in_place(seed_archive):
    assert whoosh_internals.MAPPED_PARTS
    assert compound.BufferFile.__name__ == "MappedPart"
    ix, _ = store.open_current(seed_archive.path)
    [segment] = ix._segments()
    assert segment.is_compound()
    storage = segment.open_compound_file(ix.storage)
    for name in storage.list():
        part = storage.open_file(name)
        assert isinstance(part.file, _ViewReader)
        data = bytes(part._buf)
        assert part.read() == data and part.get(3, 10) == data[3:13]
    assert seed_archive.search("Taliban Tajikistan").hits[0].headline.startswith("Putin")


def test_the_view_reader_behaves_like_bytesio():
    data = b"first line\nsecond line\nno newline at the end"
    ours, theirs = _ViewReader(memoryview(data)), io.BytesIO(data)
    for step in ("read:5", "readline", "tell", "seek:3", "read:-1", "seek:0",
                 "readline:4", "seek:-5:2", "read", "seek:100", "read:3"):  # fmt: skip
        name, *args = step.split(":")
        args = [int(a) for a in args]
        assert getattr(ours, name)(*args) == getattr(theirs, name)(*args), step
    buffer, other = bytearray(4), bytearray(4)
    ours.seek(6), theirs.seek(6)
    assert ours.readinto(buffer) == theirs.readinto(other) and buffer == other
