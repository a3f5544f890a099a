"""Where an analysed word occurs in raw text: what snippets and highlighting mark.

Spans come from the same analyzer as the index (``searcher.text.analysis``), one cached
result per distinct word, so a marked word is exactly a word the query matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from searcher.text.analysis import WORD_RE, word_spans, word_terms_in_order

_WORDISH = re.compile(r"[\w.,'’-]")


def find_spans(text: str, terms: set[str], start: int = 0) -> Iterator[tuple[str, int, int]]:
    """``(term, start, end)`` for the words of ``text`` whose terms are in ``terms``.

    What ``iter_spans`` yields, filtered, without tokenizing the whole body: every
    word yielding a term contains the term's core (``stem_core``) or a character
    outside ASCII, so only the words around those, found by ``str.find``, are
    tokenized and looked up (tokenizing whole bodies was a third of a snippet's time,
    and scanning them with a regular expression of the words most of what was left).
    """
    cores = frozenset(stem_core(term) for term in terms)
    if "" in cores:  # an empty term: no core to look for
        yield from _spans_by_pattern(text, terms, start)
        return
    for offset, word in _words_near(text, _core_hits(text, cores, start), start):
        for term, begin, end in word_spans(word):
            if term in terms:
                yield term, offset + begin, offset + end


def _spans_by_pattern(text: str, terms: set[str], start: int) -> Iterator[tuple[str, int, int]]:
    """``find_spans`` by a regular expression of the text's distinct words that carry
    the terms, the scan running in C instead of a Python step per word."""
    carriers = [
        w for w in set(WORD_RE.findall(text, start)) if not terms.isdisjoint(word_terms_in_order(w))
    ]
    if not carriers:
        return
    carriers.sort(key=lambda word: (-len(word), word))
    # no word follows a letter (``_LETTER``), so neither need a match: a one-letter
    # carrier is not tried in the middle of every word
    either = "|".join(map(re.escape, carriers))
    pattern = re.compile(rf"(?<!{_LETTER.pattern})(?:{either})")
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
    ``memukul`` -> ``pukul``); suffixes are only cut off. A shorter term is whole in its
    words (no prefix leaves a stem that short: none of 77,000 news words does; the
    aliases ``AS``, ``BI``, ``RI`` and e-KTP's ``e`` are such terms)."""
    return term[1:] if len(term) >= 3 else term


def _core_hits(text: str, cores: frozenset[str], start: int) -> list[tuple[int, int]]:
    """Where in ``text[start:]`` a word able to yield a term with one of ``cores`` can be,
    sorted: each core's occurrences in any case, and each run of characters outside
    ASCII (the analyzer folds accents: ``José`` yields ``jose``). ``str.find`` on the
    lowercased text scans several times faster than a case-blind regular expression."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lowercasing moved offsets (rare letters): the slow way
        return [hit.span() for hit in _case_blind(cores).finditer(text, start)]
    hits = []
    for core in cores:
        at = lowered.find(core, start)
        while at >= 0:
            # a one-letter term starts its word, or a part after a hyphen or digits
            if len(core) > 1 or not at or not _LETTER.match(text, at - 1):
                hits.append((at, at + len(core)))
            at = lowered.find(core, at + 1)
    if not text.isascii():
        hits.extend(run.span() for run in _NOT_ASCII.finditer(text, start))
    hits.sort()
    return hits


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
#: What no word follows (it would have run on): a letter or an underscore.
_LETTER = re.compile(r"[^\W\d]")


@lru_cache(maxsize=256)
def _case_blind(cores: frozenset[str]) -> re.Pattern:
    """The cores in any case, or a character outside ASCII. Only the cores are matched
    case-blind: ``İ`` folds to ASCII ``i``, so a case-blind class of non-ASCII
    characters would pass over it."""
    either = "|".join(map(re.escape, sorted(cores, key=len, reverse=True)))
    return re.compile(rf"(?i:{either})|[^\x00-\x7f]")


def _words_near(text: str, hits: list[tuple[int, int]], start: int) -> list[tuple[int, str]]:
    """``(offset, word)`` for the words of ``text[start:]``, tokenized as
    ``WORD_RE.finditer(text, start)`` does, that overlap one of the sorted ``hits``, in
    order: the few a snippet needs looked at, without tokenizing the whole body."""
    words = []
    resume = start  # where the last word found ended: tokenizing may restart there
    for hit_start, hit_end in hits:
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
                words.append((token.start(), token.group()))
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
