"""Indonesian text analysis: tokenize, fold, split reduplication, drop stopwords, stem.

The analyzer is a Whoosh pipeline built the way Lucene's ``IndonesianAnalyzer`` is:
stock stages plus a keyword marker that keeps proper names away from the stemmer.

Why names need protecting: Snowball's Indonesian stemmer strips affixes by shape, so
``Taliban`` becomes ``talib``, ``Tajikistan`` ``tajikist``, ``Megawati`` ``gawat`` (a
different word) and ``Pertamina`` ``tamina``.

The rule: a word is left unstemmed when

1. it is in the shipped name lexicon (``data/names.txt``), built by
   ``python scripts/models/names.py`` from real news text: words that the stemmer
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

from searcher.text.stemming import stem

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


def is_protected(word: str, names: frozenset[str] | None = None) -> bool:
    """True when ``word`` (lowercased) must not go through the stemmer: a name of
    ``names`` (default: the shipped lexicon), a ``-stan``, a code or an acronym."""
    return (
        len(word) <= 3
        or word.endswith("stan")
        or any(ch.isdigit() for ch in word)
        or word in (protected_names() if names is None else names)
    )


class KeywordMarkerFilter(Filter):
    """Marks the words the stemmer must leave alone (``token.keyword``), as Lucene's
    ``SetKeywordMarkerFilter`` does: protected names, ``-stan`` names, codes.

    Every token gets the flag set one way or the other (Whoosh reuses one token
    object for a whole stream). ``names`` replaces the shipped lexicon (for tests and
    experiments; not pickled, so an index always reloads the shipped one).
    """

    def __init__(self, names: frozenset[str] | None = None) -> None:
        self.names = names

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.names = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeywordMarkerFilter) and other.names == self.names

    def __hash__(self) -> int:
        return hash(KeywordMarkerFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        names = self.names
        for t in tokens:
            t.keyword = is_protected(t.text, names)
            yield t


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
    """Stems with PyStemmer's ``indonesian`` Snowball stemmer (guided by the root words,
    ``searcher.text.stemming``), sparing the words ``KeywordMarkerFilter`` marked.

    The ``Stemmer`` object is created lazily because Whoosh pickles the schema with
    its analyzers and a live stemmer cannot be pickled. A plain dict caches stems:
    PyStemmer's own cache thrashes on a news vocabulary.
    """

    def __init__(self, roots: frozenset[str] | None = None) -> None:
        self._cache: dict[str, str] = {}
        self.roots = roots

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._cache = {}
        self.roots = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndonesianStemFilter) and other.roots == self.roots

    def __hash__(self) -> int:
        return hash(IndonesianStemFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        cache = self._cache
        roots = self.roots
        for t in tokens:
            if getattr(t, "keyword", None) is None:
                # an analyzer pickled before the marker stage existed: mark here
                t.keyword = is_protected(t.text)
            if t.keyword:
                yield t
                continue
            text = t.text
            stemmed = cache.get(text)
            if stemmed is None:
                stemmed = stem(text, roots)
                cache[text] = stemmed
            t.text = stemmed
            yield t


def stem_word(word: str) -> str:
    """The stem of one lowercased word, or the word itself when it is protected."""
    if is_protected(word):
        return word
    return stem(word)


class IndonesianStopFilter(StopFilter):
    """``StopFilter`` whose list is loaded at run time, not pickled into the index;
    ``stops`` replaces the shipped list (for tests and experiments)."""

    def __init__(self, stops: frozenset[str] | None = None) -> None:
        super().__init__(stoplist=(), minsize=1, renumber=True)
        self.stops = stopwords() if stops is None else stops

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("stops", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.stops = stopwords()


def indonesian_analyzer(
    names: frozenset[str] | None = None,
    stops: frozenset[str] | None = None,
    roots: frozenset[str] | None = None,
) -> Analyzer:
    """The analyzer used for every text field, at index and at query time: Lucene's
    ``IndonesianAnalyzer`` order (tokenize, lowercase, fold accents, stop, mark
    keywords, stem), with reduplication resolved before the stop list.

    The lexicons default to the shipped ones; pass sets to try others (an index built
    with other lexicons does not match ``analysis_fingerprint()`` and is refused).
    """
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | ReduplicationFilter()
        | IndonesianStopFilter(stops)
        | KeywordMarkerFilter(names)
        | IndonesianStemFilter(roots)
    )


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    """A short digest of everything that decides which terms a text becomes: the token
    pattern, the filter chain, the names lexicon, the stop list, the root and content
    words, and the stemmer's version. An index stores it; a searcher whose analysis
    differs refuses the index instead of silently missing words."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    try:
        stemmer = version("PyStemmer")
    except PackageNotFoundError:
        stemmer = "unknown"
    digest = hashlib.sha256()
    chain = " | ".join(type(stage).__name__ for stage in indonesian_analyzer().items)
    for part in (TOKEN_PATTERN, chain, stemmer, " ".join(sorted(stopwords()))):
        digest.update(part.encode("utf-8") + b"\0")
    data = resources.files("searcher").joinpath("data")
    for name in ("names.txt", "root-words.txt", "lexical-words.txt"):
        lines = data.joinpath(name).read_bytes().splitlines()
        digest.update(b"\n".join(x for x in lines if not x.startswith(b"#")) + b"\0")
    return digest.hexdigest()[:16]


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


#: Distinct words whose terms stay cached (indexing and snippets): the head of a Zipfian
#: vocabulary; the rare tail costs one analysis each either way.
WORD_CACHE = 100_000


@lru_cache(maxsize=WORD_CACHE)
def word_terms_in_order(word: str) -> tuple[str, ...]:
    """The terms one token yields, in order (a hyphenated pair yields two)."""
    return tuple(term for term, _, _ in word_spans(word))


@lru_cache(maxsize=WORD_CACHE)
def word_spans(word: str) -> tuple[tuple[str, int, int], ...]:
    """The terms one token yields, with offsets inside the token."""
    return tuple((t.text, t.startchar, t.endchar) for t in _shared_analyzer()(word, chars=True))


def _shared_analyzer() -> Analyzer:
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = indonesian_analyzer()
    return _ANALYZER


WORD_RE = re.compile(TOKEN_PATTERN)
