"""The library refuses arguments that make no sense, with a sentence naming the argument."""

from __future__ import annotations

import pytest

from searcher import Archive, SearcherError


@pytest.mark.parametrize(
    ("kwargs", "error", "named"),
    [
        ({"limit": 0}, ValueError, "limit"),
        ({"limit": -5}, ValueError, "limit"),
        ({"limit": True}, TypeError, "limit"),
        ({"limit": 1.5}, TypeError, "limit"),
        ({"limit": 10**6}, ValueError, "limit"),
        ({"page": -1}, ValueError, "page"),
        ({"page": "2"}, TypeError, "page"),
        ({"match": "bogus"}, ValueError, "match"),
        ({"filters": {"colour": "red"}}, ValueError, "colour"),
        ({"filters": {"person": 7}}, TypeError, "person"),
        ({"filters": {"date": "2017-13"}}, ValueError, "date"),
    ],
)
def test_wrong_arguments_raise_with_the_argument_named(seed_archive, kwargs, error, named):
    with pytest.raises(error, match=named):
        seed_archive.search("Taliban", **kwargs)


@pytest.mark.parametrize("query", [None, b"Taliban", 42])
def test_query_must_be_text(seed_archive, query):
    with pytest.raises(TypeError, match="query must be text"):
        seed_archive.search(query)


def test_edges_of_the_ranges_are_accepted(seed_archive):
    assert seed_archive.search("Taliban", limit=100, page=1000).total == 1
    assert seed_archive.search("Taliban", limit=1).hits[0].headline.startswith("Putin")


def test_a_file_is_not_an_index_folder(tmp_path):
    a_file = tmp_path / "catatan.txt"
    a_file.write_text("bukan indeks", "utf-8")
    with pytest.raises(SearcherError, match="is a file, not an index folder"):
        Archive(a_file)


def test_missing_index_is_a_searcher_error(tmp_path):
    with pytest.raises(SearcherError, match="no index in"):
        Archive(tmp_path / "kosong").search("banjir")


def test_structured_filters_narrow_like_the_query_syntax(small_index):
    by_text = small_index.search("Jakarta source:kumparan date:2017-01..2017-06", limit=50)
    by_filter = small_index.search(
        "Jakarta", limit=50, filters={"source": "kumparan", "date": ("2017-01", "2017-06")}
    )
    assert by_text.total == by_filter.total > 0
    assert [h.id for h in by_text.hits] == [h.id for h in by_filter.hits]
    assert by_filter.understood == 'Jakarta AND source:"kumparan" AND date:2017-01-01..2017-06-30'


def test_filters_alone_and_a_long_query_do_not_cut_filters(small_index):
    alone = small_index.search("", filters={"person": "Vladimir Putin"})
    assert alone.total >= 1 and alone.searched
    padding = "x" * 495
    kept = small_index.search(padding, filters={"person": "Vladimir Putin"})
    assert 'person:"Vladimir Putin"' in kept.understood


def test_archive_is_a_context_manager(seed_archive):
    with Archive(seed_archive.path) as archive:
        assert archive.search("Taliban").total == 1
