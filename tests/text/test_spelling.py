"""Spelling candidates: nearest first, so one edit on a common word beats a rarer name."""

from __future__ import annotations

from searcher.text.spelling import candidates, distance, one_edit
from searcher.text.wordlists import spelling_words


def test_one_edit_on_a_common_word_beats_two_on_a_place_name():
    assert candidates("kebakran", {"kebakaran", "kebayoran"}) == [(1, "kebakaran")]
    assert candidates("kebakran", set(spelling_words()))[0] == (1, "kebakaran")


def test_a_swapped_pair_of_letters_is_one_edit():
    assert distance("jokowi", "jokwoi") == 1
    assert distance("korupsi", "korpusi") == 1
    assert distance("novanto", "novantoo") == 1
    assert distance("pemilu", "pemilihan", most=2) == 3  # more than two: said so
    assert "jokowi" in one_edit("jokowwi")


def test_short_words_are_not_corrected_two_edits_away():
    # two edits on a short word make another word, not a typo
    assert candidates("hara", {"harga", "harta", "usaha"}) == [(1, "harga"), (1, "harta")]
    assert candidates("baik", {"benak", "balik"}) == [(1, "balik")]


def test_the_shipped_words_are_surface_words_not_stems():
    words = spelling_words()
    assert {"kebakaran", "pemerintahan", "penembakan"} <= set(words)
    assert words["yang"] > words["kebakaran"] > 3
