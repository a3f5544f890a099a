"""How well the stemmer conflates Indonesian word families: precision and recall.

    python benchmarks/stemmer.py

Over the hand-checked families of ``tests/data/stem-families.tsv`` (real words from the
kumparan and IndoSum news text), every pair of words is a question: should these two
share a stem? Recall is the share of same-family pairs that do; precision the share of
pairs sharing a stem that are of one family. Printed for plain Snowball (with the name
protection the analyzer had before) and for the root-guided stemmer, with the cost of
stemming a word.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searcher.text.analysis import is_protected  # noqa: E402
from searcher.text.stemming import snowball, stem  # noqa: E402

FAMILIES = ROOT / "tests" / "data" / "stem-families.tsv"


def families(path: Path = FAMILIES) -> dict[str, str]:
    """word -> its family's root."""
    found = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            root, words = line.split("\t")
            for word in words.split():
                found[word] = root
    return found


def conflation(stemmer: Callable[[str], str], gold: dict[str, str]) -> tuple[float, float]:
    """(precision, recall) of ``stemmer`` over every pair of gold words."""
    stems = {word: stemmer(word) for word in gold}
    same_family = same_stem = both = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        family, shared = gold[a] == gold[b], stems[a] == stems[b]
        same_family += family
        same_stem += shared
        both += family and shared
    return (both / same_stem if same_stem else 1.0), both / same_family


def unguided(word: str) -> str:
    """What the analyzer did before the root words guided it."""
    return word if is_protected(word) else snowball(word)


def main() -> None:
    gold = families()
    print(f"{len(gold)} words in {len(set(gold.values()))} families ({FAMILIES.name})")
    for name, stemmer in (("snowball (before)", unguided), ("root-guided (now)", stem)):
        precision, recall = conflation(stemmer, gold)
        words = list(gold) * 200
        began = time.perf_counter()
        for word in words:
            stemmer(word)
        micros = (time.perf_counter() - began) / len(words) * 1e6
        print(f"{name:<20} precision {precision:.3f}  recall {recall:.3f}  "
              f"{micros:.1f} µs/word uncached")  # fmt: skip
    wrong = {w: stem(w) for w in gold if stem(w) != stem(gold[w]) and gold[w] in gold}
    if wrong:
        print("still split from their root:", wrong)


if __name__ == "__main__":
    main()
