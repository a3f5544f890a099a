"""Hypothesis throws arbitrary text at the query parser, the search, the analyzer and the
page cleaner: each answers or gives a one-line note, never a traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.ingest.scraped_pages import clean_page
from searcher.names.tagger import extract
from searcher.query.parse import parse
from searcher.query.tree import NOTHING
from searcher.text.analysis import analyze
from searcher.text.snippets import make_snippet
from searcher.text.spans import find_spans, iter_spans

SYNTAX = st.sampled_from(
    ['"', "-", "OR", "AND", "NOT", "(", ")", ":", "headline:", "entity:", "date:", "foo:",
     "person:", "source:", "date:2022-13..2021", "date:..", "date:9999-99-99", "..", "*",
     "?", "\\", "-\"", '""', "Taliban", "Tajikistan", "negara-negara", "1.200", "\u0000",
     "\u200b", "\U0001f600", "Jokowi-JK", " "]
)  # fmt: skip
QUERY = st.one_of(
    st.text(max_size=300),
    st.lists(SYNTAX, max_size=25).map("".join),
    st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=20).map(" ".join),
    st.text(min_size=400, max_size=2000),
)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(QUERY)
def test_parser_never_raises(text):
    parsed = parse(text)
    # what snippets mark is only ever words of the query as the analyzer reads them
    assert parsed.terms <= set(analyze(parsed.text))
    assert (parsed.understood == "") == (parsed.tree == NOTHING)
    assert all("\n" not in note for note in parsed.notes)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(QUERY)
def test_search_never_raises(small_index, text):
    results = small_index.search(text, limit=5)
    assert results.total >= len(results.hits)
    for hit in results.hits:
        assert "<script" not in hit.snippet_html


@FUZZ
@given(st.text(max_size=3000))
def test_analyzer_and_snippets_never_raise(text):
    terms = analyze(text)
    spans = list(iter_spans(text))
    assert [t for t, _, _ in spans] == terms
    for _, start, end in spans:
        assert 0 <= start < end <= len(text)
    wanted = set(terms[:3])
    assert list(find_spans(text, wanted)) == [s for s in spans if s[0] in wanted]
    snippet = make_snippet(text, wanted)
    assert len(snippet.text) <= len(text) + 10 * 3 + 2


@FUZZ
@given(st.text(alphabet=st.characters(), max_size=3000))
def test_page_cleaner_and_tagger_never_raise(text):
    page = clean_page(text)
    assert "\r" not in page.body
    for entity in extract(text):
        assert text[entity.start : entity.end] == entity.text
