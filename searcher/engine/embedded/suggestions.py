"""'Did you mean': a query whose misspelt words (and names) are replaced by the nearest
ones the archive holds.

Each word the index has never seen is looked up among surface words
(``searcher.text.spelling``: the shipped Indonesian list and the words of the archive's
entity names), one or two edits away, nearest first, then the one most articles hold;
a candidate counts only when the index holds it. A run of capitalised words that is no
entity of the archive but a few edits from one is replaced whole (``Anis Baswedan`` ->
``Anies Baswedan``), even when each word alone is some word. Bounded
(``Limits.suggest_words`` words, ``Limits.suggest_seconds``): a query of nonsense must
not stall the page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from searcher.engine.embedded.evaluation import Evaluator
from searcher.query.parse import parse
from searcher.settings import Limits
from searcher.text.analysis import analyze
from searcher.text.spelling import candidates, distance
from searcher.text.wordlists import spelling_words

_PLAIN_WORD = re.compile(r"(?<![\w:\"-])([^\W\d_]{3,})(?![\w:])")
#: Two or more capitalised words in a row: a name as typed.
_NAME_RUN = re.compile(r"(?<![\w:\"-])[A-Z][a-z]+(?: [A-Z][a-z]+)+(?![\w:])")
#: Edits a name as typed may be from an entity of the archive, in all its words.
NAME_EDITS = 2
#: Spellings tried for each word of a name the archive never writes as typed.
PHRASE_TRIES = 12


class Vocabulary:
    """What suggestions choose from for one index generation: how many articles hold a
    surface word's terms, and the archive's entity names."""

    def __init__(self, reader, names: dict[str, int]) -> None:
        self.reader = reader
        #: Entity name -> articles naming it (every label, canonical names merged).
        self.names = names
        self.words = set(spelling_words())
        self.words.update(w for name in names for w in name.lower().split() if w.isalpha())

    def articles(self, word: str) -> int:
        """Articles holding every term of ``word`` in its body or headline (0: unknown)."""
        terms = analyze(word)
        if not terms:
            return 0
        return min(
            max(self.reader.doc_frequency(field, term) for field in ("body", "headline"))
            for term in terms
        )

    def best_word(self, word: str) -> str | None:
        """The nearest known word that the index holds, most articles first among equals."""
        found = [(edits, -self.articles(c), c) for edits, c in candidates(word, self.words)]
        found = [f for f in found if f[1] < 0]
        return min(found)[2] if found else None

    def best_name(self, typed: str) -> str | None:
        """The entity nearest to a name typed (same number of words, at most
        ``NAME_EDITS`` edits in all, one word spelt the same), or None when it is one."""
        words = typed.lower().split()
        if any(name.lower() == typed.lower() for name in self.names):
            return None
        best = None
        for name, count in self.names.items():
            parts = name.lower().split()
            if len(parts) != len(words) or not set(parts) & set(words):
                continue
            edits = sum(distance(a, b, NAME_EDITS) for a, b in zip(words, parts, strict=True))
            if 0 < edits <= NAME_EDITS and (best is None or (edits, -count) < best[:2]):
                best = (edits, -count, name)
        return best[2] if best else None


def suggest(
    searcher, evaluator: Evaluator, query: str, limits: Limits,
    vocabulary: Callable[[], Vocabulary],
) -> str | None:  # fmt: skip
    """``query`` with its misspelt names and words corrected, when the corrected query
    finds articles with all its words (or, failing that, any); else None. Only plain
    words and names are looked at (not field prefixes or quoted phrases)."""
    if '"' in query:
        return None
    # the time allowed starts once the words are loaded (once per index generation)
    deadline = time.monotonic() + limits.suggest_seconds
    known: Vocabulary | None = None
    tries = 0

    def vocab() -> Vocabulary:
        nonlocal known, deadline
        if known is None:
            known = vocabulary()
            deadline = time.monotonic() + limits.suggest_seconds
        return known

    def fix_name(match: re.Match) -> str:
        typed = match.group()
        best = vocab().best_name(typed) or phrase_nearby(typed)
        return typed if best is None else best

    def phrase_nearby(typed: str) -> str | None:
        """The name one edit from ``typed`` in one of its words that articles write as a
        phrase, the most written (the tagger need not know the name: ``Anis Baswedan``
        -> ``Anies Baswedan``); only when ``typed`` itself is no phrase of the archive."""
        if evaluator.run(parse(f'"{typed}"').tree).mask.any():
            return None
        words = typed.split()
        best: tuple[int, str] | None = None
        for n, word in enumerate(words):
            for edits, other in candidates(word, vocab().words)[:PHRASE_TRIES]:
                if edits > 1 or time.monotonic() > deadline:
                    break
                name = " ".join([*words[:n], other.capitalize(), *words[n + 1 :]])
                found = evaluator.run(parse(f'"{name}"').tree).total
                if found and (best is None or found > best[0]):
                    best = (found, name)
        return best[1] if best else None

    def fix_word(match: re.Match) -> str:
        nonlocal tries
        word = match.group(1)
        terms = analyze(word)
        reader = searcher.reader()
        if not terms or any(reader.doc_frequency("body", t) for t in terms):
            return word
        # bounded: a query of many unknown words must not cost more than a few searches
        if tries >= limits.suggest_words or time.monotonic() > deadline:
            return word
        tries += 1
        best = vocab().best_word(word)
        if best is None:
            return word
        if word.isupper():
            return best.upper()
        return best.capitalize() if word[:1].isupper() else best

    fixed = _PLAIN_WORD.sub(fix_word, _NAME_RUN.sub(fix_name, query))
    if fixed == query:
        return None
    parsed = parse(fixed)
    if evaluator.run(parsed.tree).mask.any():
        return fixed
    if parsed.fallback is not None and evaluator.run(parsed.fallback).mask.any():
        return fixed
    return None
