"""Word lists shipped as data files (``searcher/data/``), read once per process."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def scored_words(name: str) -> dict[str, float]:
    """A ``word<TAB>number`` data file (``#`` lines are comments) as a mapping."""
    path = resources.files("searcher").joinpath(f"data/{name}")
    table: dict[str, float] = {}
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, score = line.partition("\t")
            table[word] = float(score)
    return table


@lru_cache(maxsize=1)
def capitalised_shares() -> dict[str, float]:
    """How often news writes each word capitalised mid-sentence (``data/capitalised.tsv``)."""
    return scored_words("capitalised.tsv")


@lru_cache(maxsize=1)
def spelling_words() -> dict[str, float]:
    """The Indonesian surface words spelling suggestions choose from, with their Zipf
    frequency (``data/spelling-words.tsv``, from wordfreq)."""
    return scored_words("spelling-words.tsv")
