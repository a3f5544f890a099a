"""Spelling: which known words are one or two edits from a typed one, nearest first.

The words are surface forms (``kebakaran``, not its stem ``bakar``): the shipped
Indonesian list (``wordlists.spelling_words``, from wordfreq) and whatever words the
caller adds (an archive's own names). A candidate is ranked by its edit distance
(Damerau-Levenshtein: a swapped pair of letters is one edit), so one edit on a common
word beats two on a rarer name (``kebakran`` is ``kebakaran``, not ``kebayoran``).
"""

from __future__ import annotations

from collections.abc import Iterable

LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Words this long or longer may be two edits off; shorter ones only one (two edits on
#: a four-letter word make another word, not a typo).
TWO_EDITS_FROM = 6


def one_edit(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


def distance(a: str, b: str, most: int = 2) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), or ``most + 1`` when it
    is more than ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > most:
            return most + 1
        previous2, previous = previous, row
    return previous[-1]


def candidates(word: str, known: Iterable[str]) -> list[tuple[int, str]]:
    """``(edits, candidate)`` for the known words near ``word`` (lowercase), nearest
    first: one edit, else (for long words) two, sharing the first letter."""
    word = word.lower()
    vocabulary = known if isinstance(known, (set, frozenset, dict)) else set(known)
    near = sorted(w for w in one_edit(word) if w in vocabulary and w[:1] == word[:1])
    if near or len(word) < TWO_EDITS_FROM:
        return [(1, w) for w in near]
    two = [
        (d, w)
        for w in vocabulary
        if w[:1] == word[:1] and abs(len(w) - len(word)) <= 2 and (d := distance(word, w)) == 2
    ]
    return sorted(two)
