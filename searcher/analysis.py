"""Indonesian text analysis: tokenize, fold, split reduplication, drop stopwords, stem.

The analyzer is a Whoosh pipeline built the way Lucene's ``IndonesianAnalyzer`` is:
stock stages plus a keyword marker that keeps proper names away from the stemmer.

Why names need protecting: Snowball's Indonesian stemmer strips affixes by shape, so
``Taliban`` becomes ``talib``, ``Tajikistan`` ``tajikist``, ``Megawati`` ``gawat`` (a
different word) and ``Pertamina`` ``tamina``.

The rule: a word is left unstemmed when

1. it is in the shipped name lexicon (``data/names.txt``), built by
   ``python -m searcher.build.names`` from real news text: words that the stemmer
   would change and that, in the middle of a sentence, are written capitalised at
   least 90% of the time (kumparan, IndoSum) or are tagged as entities in the NER
   sets; or
2. it ends in ``-stan`` (country and region names: Tajikistan, Kazakhstan); or
3. it contains a digit, or is three letters or fewer (codes, acronyms).

The rule depends only on the lowercased word, never on its context, so the query
side analyses exactly as the index side: ``search taliban`` looks up ``taliban``
and can never match ``Talib``.

Limits: a name that never occurs in the lexicon's sources and happens to carry an
Indonesian affix is still stemmed (both when indexing and querying, so it still
matches itself, it just may also match its false root). Institutional nouns that
news always capitalises (``Kementerian``, ``Pengadilan``) are protected too, so
``menteri`` does not find ``Kementerian``; we accept that, since they name
different things.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.support.charset import accent_map

from searcher.stemming import stem

#: Numbers keep their thousands and decimal separators (``1.200``, ``0,17``); words
#: may carry apostrophes (``Jum'at``) and hyphens (``negara-negara``), which
#: ``ReduplicationFilter`` resolves.
TOKEN_PATTERN = r"\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*(?:-\w+(?:['’]\w+)*)*"

#: Content words that Tala's list (via stopwordsiso) treats as stopwords but that
#: people put in news queries ("tahun baru", "hari buruh", "kasus korupsi").
CONTENT_WORDS = frozenset(
    [
        "akhir",
        "awal",
        "bapak",
        "baru",
        "besar",
        "bulan",
        "dini",
        "dua",
        "empat",
        "hari",
        "ibu",
        "jauh",
        "jumlah",
        "kasus",
        "kecil",
        "lima",
        "masalah",
        "panjang",
        "penting",
        "persoalan",
        "pertama",
        "pukul",
        "tahun",
        "tempat",
        "tiga",
        "tinggi",
        "umum",
        "waktu",
        "kedua",
        "kelima",
        "naik",
        "keluar",
        "bekerja",
        "pertanyaan",
        "keadaan",
        "jawaban",
        "depan",
        "belakang",
        "bawah",
        "atas",
        "luar",
        "dekat",
        "tengah",
        "kembali",
        "datang",
    ]
)


@lru_cache(maxsize=1)
def protected_names() -> frozenset[str]:
    """Lowercased words that are never stemmed (see the module docstring)."""
    text = resources.files("searcher").joinpath("data/names.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Tala's Indonesian stopwords from stopwordsiso, minus words news queries need."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("id")) - CONTENT_WORDS


def is_protected(word: str) -> bool:
    """True when ``word`` (lowercased) must not go through the stemmer."""
    return (
        len(word) <= 3
        or word.endswith("stan")
        or any(ch.isdigit() for ch in word)
        or word in protected_names()
    )


class ReduplicationFilter(Filter):
    """Resolves hyphenated tokens.

    ``negara-negara`` -> ``negara`` and ``berlari-lari`` -> ``berlari`` (full and
    partial reduplication mark plurality or repetition, not a new word);
    ``Jokowi-JK`` -> ``jokowi``, ``jk`` (two names joined by a hyphen).
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            text = t.text
            if "-" not in text:
                yield t
                continue
            parts = [p for p in text.split("-") if p]
            first = parts[0] if parts else text
            if all(p == first for p in parts) or (len(parts) == 2 and first.endswith(parts[1])):
                t.text = first
                if t.chars:
                    t.endchar = t.startchar + len(first)
                yield t
                continue
            start = t.startchar if t.chars else 0
            offset = 0
            base_pos = t.pos if t.positions else 0
            for i, part in enumerate(parts):
                offset = text.index(part, offset)
                t.text = part
                if t.chars:
                    t.startchar = start + offset
                    t.endchar = start + offset + len(part)
                if t.positions:
                    t.pos = base_pos + i
                offset += len(part)
                yield t
            shift += len(parts) - 1


class IndonesianStemFilter(Filter):
    """Stems with PyStemmer's ``indonesian`` Snowball stemmer, sparing protected words.

    The ``Stemmer`` object is created lazily because Whoosh pickles the schema with
    its analyzers and a live stemmer cannot be pickled. A plain dict caches stems:
    PyStemmer's own cache thrashes on a news vocabulary.
    """

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._cache = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndonesianStemFilter)

    def __hash__(self) -> int:
        return hash(IndonesianStemFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        cache = self._cache
        for t in tokens:
            text = t.text
            stemmed = cache.get(text)
            if stemmed is None:
                stemmed = stem_word(text)
                cache[text] = stemmed
            t.text = stemmed
            yield t


def stem_word(word: str) -> str:
    """The stem of one lowercased word, or the word itself when it is protected."""
    if is_protected(word):
        return word
    return stem(word)


class IndonesianStopFilter(StopFilter):
    """``StopFilter`` whose list is loaded at run time, not pickled into the index."""

    def __init__(self) -> None:
        super().__init__(stoplist=(), minsize=1, renumber=True)
        self.stops = stopwords()

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("stops", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.stops = stopwords()


def indonesian_analyzer() -> Analyzer:
    """The analyzer used for every text field, at index and at query time."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | ReduplicationFilter()
        | IndonesianStopFilter()
        | IndonesianStemFilter()
    )


class NameWordsFilter(Filter):
    """Adds each word of a multi-word name after the name itself.

    ``Vladimir Putin`` is indexed as ``vladimir putin``, ``vladimir`` and ``putin``, so
    ``person:"Vladimir Putin"`` matches the full name and ``person:putin`` any name
    with that word.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            name = " ".join(t.text.split())
            if not name:
                continue
            t.text = name
            yield t
            words = name.split(" ")
            if len(words) > 1:
                for word in words:
                    t.text = word
                    yield t


def names_analyzer() -> Analyzer:
    """For the entity fields: comma-separated names, lowercased, plus their words."""
    return (
        RegexTokenizer(r"[^,]+") | LowercaseFilter() | CharsetFilter(accent_map) | NameWordsFilter()
    )


_ANALYZER = None


def analyze(text: str) -> list[str]:
    """The index terms of ``text``, in order (stopwords removed)."""
    return [t.text for t in _shared_analyzer()(text)]


def find_spans(text: str, terms: set[str], start: int = 0) -> Iterator[tuple[str, int, int]]:
    """``(term, start, end)`` for the words of ``text`` whose terms are in ``terms``.

    What ``iter_spans`` yields, filtered, but found by a regular expression of the
    distinct words that carry the terms, so the scan of a long body runs in C
    instead of a Python step per word.
    """
    carriers = [
        w for w in set(WORD_RE.findall(text, start)) if not terms.isdisjoint(word_terms_in_order(w))
    ]
    if not carriers:
        return
    carriers.sort(key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, carriers)))
    for match in pattern.finditer(text, start):
        offset = match.start()
        if not _is_token(text, offset, match.end()):
            continue  # part of a longer word, e.g. "anak" in "beranak"
        for term, begin, end in _word_spans(match.group()):
            if term in terms:
                yield term, offset + begin, offset + end


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


def term_positions(text: str) -> dict[str, list[int]]:
    """Each index term of ``text`` with its word positions: what the analyzer yields,
    built from per-word results so indexing runs the filter chain once per distinct
    word instead of once per word. (The chain is word-local, and the stop filter
    renumbers positions, so the positions are the same.)"""
    positions: dict[str, list[int]] = {}
    pos = -1
    words = WORD_RE.findall(text)
    for i, word in enumerate(words):
        for term in word_terms_in_order(word):
            if pos < 0:
                # Whoosh's stop filter keeps the first kept word's position (stopwords
                # before it count) and numbers the rest consecutively; do the same.
                lead = " ".join(words[: i + 1])
                pos = next(t.pos for t in _shared_analyzer()(lead, positions=True))
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
            pos += 1
    return positions


@lru_cache(maxsize=300_000)
def word_terms_in_order(word: str) -> tuple[str, ...]:
    """The terms one token yields, in order (a hyphenated pair yields two)."""
    return tuple(term for term, _, _ in _word_spans(word))


def iter_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """``(term, start, end)`` for each indexed word of ``text``, lazily: what snippets mark.

    Same terms as the analyzer (it runs on each distinct word once, then a cache
    answers), several times faster on the bodies that every search hit needs.
    """
    for match in WORD_RE.finditer(text):
        offset = match.start()
        for term, start, end in _word_spans(match.group()):
            yield term, offset + start, offset + end


@lru_cache(maxsize=300_000)
def _word_spans(word: str) -> tuple[tuple[str, int, int], ...]:
    """The terms one token yields, with offsets inside the token."""
    return tuple((t.text, t.startchar, t.endchar) for t in _shared_analyzer()(word, chars=True))


def _shared_analyzer() -> Analyzer:
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = indonesian_analyzer()
    return _ANALYZER


WORD_RE = re.compile(TOKEN_PATTERN)
_WORDISH = re.compile(r"[\w.,'’-]")
