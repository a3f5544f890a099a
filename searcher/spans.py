"""Where an analysed word occurs in raw text: what snippets and highlighting mark.

Spans come from the same analyzer as the index (``searcher.analysis``), one cached
result per distinct word, so a marked word is exactly a word the query matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from searcher.analysis import WORD_RE, word_spans, word_terms_in_order

_WORDISH = re.compile(r"[\w.,'’-]")


def find_spans(text: str, terms: set[str], start: int = 0) -> Iterator[tuple[str, int, int]]:
    """``(term, start, end)`` for the words of ``text`` whose terms are in ``terms``.

    What ``iter_spans`` yields, filtered, but found by a regular expression of the
    distinct words that carry the terms, so the scan of a long body runs in C
    instead of a Python step per word; only the words around a term's core are
    tokenized (a third of a snippet's time went to tokenizing whole bodies).
    """
    cores = frozenset(stem_core(term) for term in terms)
    probe = _carrier_probe(cores)
    if probe is None:
        words = set(WORD_RE.findall(text, start))
    else:  # one pass in C instead of a Python step per distinct word
        words = set(probe.findall("\n".join(_words_near(text, _core_hits(cores), start))))
    carriers = [w for w in words if not terms.isdisjoint(word_terms_in_order(w))]
    if not carriers:
        return
    carriers.sort(key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, carriers)))
    for match in pattern.finditer(text, start):
        offset = match.start()
        if not _is_token(text, offset, match.end()):
            continue  # part of a longer word, e.g. "anak" in "beranak"
        for term, begin, end in word_spans(match.group()):
            if term in terms:
                yield term, offset + begin, offset + end


def stem_core(term: str) -> str:
    """What every ASCII word yielding ``term`` contains, lowercased: the term without its
    first letter, which Indonesian prefixes may change (``menulis`` -> ``tulis``,
    ``memukul`` -> ``pukul``); suffixes are only cut off. Short terms give "" (any word)."""
    return term[1:] if len(term) >= 3 else ""


@lru_cache(maxsize=256)
def _carrier_probe(cores: frozenset[str]) -> re.Pattern | None:
    """A pattern picking, from distinct words one per line, those that can yield a term
    with one of ``cores``: the cheap test that spares the analyzer most of a text's
    words on a first search. Words with accents (folded by the analyzer: ``José`` ->
    ``jose``) are always kept. None: every word can (a short term)."""
    if "" in cores:
        return None
    either = "|".join(map(re.escape, sorted(cores)))
    return re.compile(
        rf"^(?:[^\n]*(?:{either})[^\n]*|[^\n]*[^\x00-\x7f][^\n]*)$", re.MULTILINE | re.IGNORECASE
    )


@lru_cache(maxsize=256)
def _core_hits(cores: frozenset[str]) -> re.Pattern:
    """Where in a text a word able to yield a term with one of ``cores`` can be: a core,
    or a character outside ASCII (what ``_carrier_probe`` keeps)."""
    either = "|".join(map(re.escape, sorted(cores, key=len, reverse=True)))
    return re.compile(rf"{either}|[^\x00-\x7f]", re.IGNORECASE)


def _words_near(text: str, hits: re.Pattern, start: int) -> set[str]:
    """The words of ``text[start:]``, tokenized as ``WORD_RE.findall(text, start)`` does,
    that overlap a match of ``hits``: the few a snippet needs looked at, without
    tokenizing the whole body."""
    words = set()
    resume = start  # where the last word found ended: tokenizing may restart there
    for hit in hits.finditer(text, start):
        hit_start, hit_end = hit.span()
        if hit_end <= resume:
            continue
        left = max(hit_start, resume)
        while left > resume and _WORDISH.match(text, left - 1):
            left -= 1  # back to a character no word contains (or the last word's end)
        for token in WORD_RE.finditer(text, left):
            if token.start() >= hit_end:
                break
            resume = token.end()
            if resume > hit_start:
                words.add(token.group())
    return words


def _is_token(text: str, start: int, end: int) -> bool:
    """Whether tokenizing ``text`` yields exactly ``text[start:end]`` as a word."""
    left = start
    while left and _WORDISH.match(text, left - 1):
        left -= 1  # back to a character no word contains: tokens start after it
    for token in WORD_RE.finditer(text, left):
        if token.start() >= start:
            return token.start() == start and token.end() == end
        if token.end() > start:
            return False
    return False


def iter_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """``(term, start, end)`` for each indexed word of ``text``, lazily: what snippets mark.

    Same terms as the analyzer (it runs on each distinct word once, then a cache
    answers), several times faster on the bodies that every search hit needs.
    """
    for match in WORD_RE.finditer(text):
        offset = match.start()
        for term, start, end in word_spans(match.group()):
            yield term, offset + start, offset + end
