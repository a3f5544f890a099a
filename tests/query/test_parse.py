"""``parse()`` as a table: what a person types, the tree it becomes, what it says back.

No index is needed: the tree is the engine-neutral query model every backend compiles.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from searcher.query.parse import narrow, parse
from searcher.query.tree import (
    NOTHING,
    All,
    Any,
    DateRange,
    FieldWord,
    Keyword,
    Not,
    Phrase,
    Word,
    render,
    terms,
)

# typed -> (tree, understood)
TABLE = [
    ("Taliban Tajikistan", All((Word("taliban"), Word("tajikistan"))), "Taliban AND Tajikistan"),
    ("menembak", Word("tembak"), "menembak"),
    ("Putin -Taliban", All((Word("putin"), Not(Word("taliban")))), "Putin NOT Taliban"),
    ("Putin NOT Taliban", All((Word("putin"), Not(Word("taliban")))), "Putin NOT Taliban"),
    (
        'banjir -"taksi online"',
        All((Word("banjir"), Not(Phrase(("taksi", "online"))))),
        'banjir NOT "taksi online"',
    ),
    (
        "Jokowi OR Prabowo pilkada",
        All((Any((Word("jokowi"), Word("prabowo"))), Word("pilkada"))),
        "(Jokowi OR Prabowo) AND pilkada",
    ),
    ('"hubungan dengan Taliban"', Phrase(("hubung", "taliban")), '"hubungan dengan Taliban"'),
    ("judul:banjir", FieldWord("headline", "banjir"), "headline:banjir"),
    (
        "isi:-jakarta banjir",
        All((Word("banjir"), Not(FieldWord("body", "jakarta")))),
        "banjir NOT body:jakarta",
    ),  # fmt: skip
    ('judul:"rumah sakit"', Phrase(("rumah", "sakit"), "headline"), 'headline:"rumah sakit"'),
    ("tokoh:putin", Keyword("person", "putin"), "person:putin"),
    ("sumber:cnn", Keyword("source", "cnn"), "source:cnn"),
    (
        'sumber:"CNN Indonesia"',
        All((Keyword("source", "cnn"), Keyword("source", "indonesia"))),
        'source:"CNN Indonesia"',
    ),
    (
        "tanggal:..2016-12-31",
        DateRange(None, datetime(2016, 12, 31, 23, 59, 59)),
        "date:..2016-12-31",
    ),  # fmt: skip
    ("date:2017-03..", DateRange(datetime(2017, 3, 1), None), "date:2017-03.."),
    (
        "date:2017",
        DateRange(datetime(2017, 1, 1), datetime(2017, 12, 31, 23, 59, 59)),
        "date:2017",
    ),  # fmt: skip
    ("-Jakarta", All((Not(Word("jakarta")),)), "everything NOT Jakarta"),
    ("yang dan", NOTHING, ""),
    ("", NOTHING, ""),
    ("OR", NOTHING, ""),
]


@pytest.mark.parametrize(
    ("typed", "tree", "understood"), TABLE, ids=[t[0] or "empty" for t in TABLE]
)
def test_parse_builds_the_tree_and_says_it_back(typed, tree, understood):
    parsed = parse(typed)
    assert parsed.tree == tree
    assert parsed.understood == understood
    assert render(parsed.tree) == understood


def test_fallback_is_any_word_group_with_every_filter_and_exclusion():
    parsed = parse("banjir longsor source:kumparan -Bogor")
    assert parsed.tree == All(
        (Word("banjir"), Word("longsor"), Keyword("source", "kumparan"), Not(Word("bogor")))
    )
    assert parsed.fallback == All(
        (Any((Word("banjir"), Word("longsor"))), Keyword("source", "kumparan"), Not(Word("bogor")))
    )
    assert parsed.understood_any == "(banjir OR longsor) AND source:kumparan NOT Bogor"
    assert parse("banjir").fallback is None  # one word group: nothing to widen to


def test_filters_alone_do_not_rank_and_stopwords_are_named():
    assert not parse("source:kumparan date:2017").has_words
    assert parse("banjir source:kumparan").has_words
    notes = parse("yang dan").notes
    assert [n.kind for n in notes] == ["stopwords"] and notes[0].value == "yang, dan"


def test_marked_terms_are_the_positive_stems_only():
    parsed = parse('penembakan "rumah sakit" -banjir judul:gempa')
    assert parsed.terms == {"tembak", "rumah", "sakit", "gempa"}
    assert terms(parsed.tree) == parsed.terms


def test_bad_dates_and_unknown_fields_become_notes_not_errors():
    parsed = parse("date:2017-13 foo:bar")
    assert [n.kind for n in parsed.notes] == ["bad_date", "field"]
    assert parsed.tree == All((Word("foo"), Word("bar")), "foo bar")
    assert parse("date:2018..2017").notes[0].kind == "date_order"


def test_structured_filters_join_the_tree_before_exclusions():
    parsed = narrow(parse("Jakarta -banjir"), {"source": "kumparan", "date": ("2017-01", None)})
    assert parsed.tree == All(
        (
            Word("jakarta"),
            Keyword("source", "kumparan"),
            DateRange(datetime(2017, 1, 1), None),
            Not(Word("banjir")),
        )
    )
    assert parsed.understood == 'Jakarta AND source:"kumparan" AND date:2017-01-01.. NOT banjir'
    with pytest.raises(ValueError, match="no filter 'colour'"):
        narrow(parse("x"), {"colour": "red"})


def test_labels_do_not_change_what_a_node_means():
    assert Word("banjir", label="Banjir") == Word("banjir", label="banjir!")
    assert hash(Keyword("person", "putin", "a")) == hash(Keyword("person", "putin", "b"))
