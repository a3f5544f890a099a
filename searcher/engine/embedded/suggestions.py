"""'Did you mean': a query whose unknown words are replaced by the nearest known ones.

Bounded (``Limits.suggest_words`` words, ``Limits.suggest_seconds``): each unknown word
costs a scan of the word list, and a query of nonsense must not stall the page.
"""

from __future__ import annotations

import re
import time

from searcher.engine.embedded.evaluation import Evaluator
from searcher.query.parse import parse
from searcher.settings import Limits
from searcher.text.analysis import analyze

_PLAIN_WORD = re.compile(r"(?<![\w:\"-])([^\W\d_]{3,})(?![\w:])")


def suggest(searcher, evaluator: Evaluator, query: str, limits: Limits) -> str | None:
    """``query`` with each word the index has never seen replaced by its nearest known
    word, when the corrected query finds something; else None.

    Uses Whoosh's spelling corrector over the body's terms (edit distance up to 2, same
    first letter), only on plain words (not field prefixes or quoted phrases).
    """
    reader = searcher.reader()
    corrector = None
    changed = False
    tries = 0
    deadline = time.monotonic() + limits.suggest_seconds

    def fix(match: re.Match) -> str:
        nonlocal corrector, changed, tries
        word = match.group(1)
        terms = analyze(word)
        if not terms or any(reader.doc_frequency("body", t) for t in terms):
            return word
        # bounded: a query of many unknown words must not cost more than a few searches
        if tries >= limits.suggest_words or time.monotonic() > deadline:
            return word
        tries += 1
        corrector = corrector or searcher.corrector("body")
        # sharing the first letter: most typos keep it, and it spares a scan of every term
        options = corrector.suggest(
            word.lower(), limit=1, maxdist=1 if len(word) <= 5 else 2, prefix=1
        )
        if not options:
            return word
        changed = True
        best = options[0]
        if word.isupper():
            return best.upper()
        return best.capitalize() if word[:1].isupper() else best

    fixed = _PLAIN_WORD.sub(fix, query) if '"' not in query else query
    if not changed:
        return None
    parsed = parse(fixed)
    found = evaluator.run(parsed.fallback or parsed.tree)
    return fixed if found.mask.any() else None
