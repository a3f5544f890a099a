"""Indonesian stems that hold: Snowball, guided by a dictionary of root words.

PyStemmer's ``indonesian`` Snowball stemmer strips affixes by their shape alone, so it
splits word families (``menembak`` -> ``embak`` but ``tembak`` -> ``tembak``) and merges
unrelated words (``perempuan`` -> ``empu``, ``berita`` -> ``rita``). Guided by the root
words of ``data/root-words.txt`` (kumparan's ``nlp-id``, MIT):

1. a word that is itself a root, or a known lexical word (``data/lexical-words.txt``:
   ``pengacara``, ``pemilu``), is not stripped; a root in ``-isme`` whose ``-is`` form
   is a root goes to it (``terorisme`` -> ``teroris``);
2. else the word is taken apart by the rules of Indonesian morphology: particles,
   possessives and derivational suffixes first, then a prefix, with the nasal
   recodings of meN-/peN- (``menembak`` -> ``tembak``, ``penilaian`` -> ``nilai``,
   ``pemakaian`` -> ``pakai``, ``menyapu`` -> ``sapu``, ``pengirim`` -> ``kirim``);
   the first candidate that is a root wins;
3. else Snowball's stem, as before.

Each word's stem depends on the word alone, so queries and the index agree, and the
analyzer caches it per word.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

#: Shortest root a word may be reduced to (shorter "roots" are mostly accidents).
MIN_ROOT = 3

_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_DERIVATIONAL = ("kan", "an", "i")
_VOWELS = set("aeiou")


def _read_words(name: str) -> frozenset[str]:
    text = resources.files("searcher").joinpath(f"data/{name}").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    """The dictionary of Indonesian root words that guides the stemmer."""
    return _read_words("root-words.txt")


@lru_cache(maxsize=1)
def lexical_words() -> frozenset[str]:
    """Words that look derived but are words of their own, never stripped."""
    return _read_words("lexical-words.txt")


_snowball = None


def snowball(word: str) -> str:
    """PyStemmer's Indonesian Snowball stem, unguided."""
    global _snowball
    if _snowball is None:
        import Stemmer

        _snowball = Stemmer.Stemmer("indonesian")
    return _snowball.stemWord(word)


def stem(word: str, roots: frozenset[str] | None = None) -> str:
    """The stem of one lowercased word (see the module docstring for the rules)."""
    roots = root_words() if roots is None else roots
    if word in roots or word in lexical_words():
        if word.endswith("isme") and word[:-2] in roots:
            return word[:-2]
        return word
    for candidate in candidates(word):
        if candidate in roots:
            return candidate
    # Snowball last: its bare cuts land on oddities the root list holds (``menembak``
    # -> ``embak``), where the rules above find ``tembak``
    return snowball(word)


def _without_suffixes(word: str, suffixes: tuple[str, ...] = _DERIVATIONAL) -> list[str]:
    """``word`` and what is left when a particle, a possessive and one of ``suffixes``
    come off (each optional, in that order from the end), least stripped first."""
    forms = [word]
    for group in (_PARTICLES, _POSSESSIVES, suffixes):
        for form in list(forms):
            for suffix in group:
                if form.endswith(suffix) and len(form) - len(suffix) >= MIN_ROOT:
                    cut = form[: -len(suffix)]
                    if cut not in forms:
                        forms.append(cut)
    return forms


def _nasal(word: str) -> Iterator[str]:
    """Roots a meN-/peN- prefix may hide, by the sound that follows it.

    The nasal takes the shape of the root's first sound and swallows k, p, s and t:
    mem- before b, f, v and p (dropped); men- before c, d, j, z and t (dropped); meng-
    before g, h and k (dropped) or a vowel; meny- before s (dropped); me- before l, m,
    n, ng, ny, r, w, y.
    """
    for me in ("me", "pe"):
        if not word.startswith(me):
            continue
        rest = word[2:]
        if rest.startswith("ny") and rest[2:3] in _VOWELS:
            yield "s" + rest[2:]
        elif rest.startswith("ng"):
            root = rest[2:]
            if root[:1] in _VOWELS:
                yield "k" + root  # mengirim -> kirim, mengatakan -> kata
                yield root  # mengambil -> ambil, pengedar -> edar
            elif root[:1] in ("g", "h", "k"):
                yield root
        elif rest.startswith("m"):
            root = rest[1:]
            if root[:1] in _VOWELS:
                yield "p" + root  # memakai -> pakai
            elif root[:1] in ("b", "f", "v", "p"):
                yield root
        elif rest.startswith("n"):
            root = rest[1:]
            if root[:1] in _VOWELS:
                yield "t" + root  # menembak -> tembak
            elif root[:1] in ("c", "d", "j", "z", "s"):
                yield root
        if rest[:1] in ("l", "m", "n", "r", "w", "y"):
            yield rest  # melapor -> lapor, menilai -> nilai, menyanyi -> nyanyi


def _without_prefixes(word: str) -> Iterator[str]:
    """What a prefix (meN-/peN- with their recodings, ber-, per-, ter-, di-, ke-, se-, and
    two of them: diper-, memper-, keber-) may have been stuck on."""
    yield from _nasal(word)
    for prefix in ("ber", "be", "per", "pe", "ter", "di", "ke", "se"):
        if word.startswith(prefix):
            yield word[len(prefix) :]
    for outer in ("di", "ke", "se", "ber", "ter", "memper", "mem"):
        if word.startswith(outer):
            inner = word[len(outer) :]
            for prefix in ("per", "pe", "ber", "ke"):
                if inner.startswith(prefix):
                    yield inner[len(prefix) :]
            yield from _nasal(inner)


def _suffix_order(word: str) -> tuple[tuple[str, ...], ...]:
    """Which derivational suffix to try first: ke- and peN-/per- go with -an
    (``kerusakan``, ``pembelian``), meN-/di- with -kan (``mengatakan``)."""
    if word.startswith(("ke", "pe")):
        return ("an",), ("kan",)
    return ("kan",), ("an",)


def candidates(word: str) -> Iterator[str]:
    """Possible roots of ``word``, in the order the rules of Indonesian morphology try
    them (as Nazief and Adriani's stemmer does): a derivational suffix off, then a
    prefix off the most stripped form; then the word with no derivational suffix
    removed; -i last of all, since many roots end in it (``menilai`` is ``me-nilai``,
    not ``me-nila-i``; ``mendatangi`` is ``men-datang-i``)."""
    seen: set[str] = set()

    def fresh(forms: list[str]) -> Iterator[str]:
        for form in forms:
            if len(form) >= MIN_ROOT and form not in seen:
                seen.add(form)
                yield form

    plain = _without_suffixes(word, ())  # particles and possessives only
    for suffixes in _suffix_order(word):
        stripped = [f for f in _without_suffixes(word, suffixes) if f not in plain]
        yield from fresh(stripped)
        for form in reversed(stripped):
            yield from fresh(list(_without_prefixes(form)))
    yield from fresh(plain[1:])
    for form in reversed(plain):
        yield from fresh(list(_without_prefixes(form)))
    with_i = [f for f in _without_suffixes(word, ("i",)) if f not in plain]
    yield from fresh(with_i)
    for form in reversed(with_i):
        yield from fresh(list(_without_prefixes(form)))
