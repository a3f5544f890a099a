"""Word lists shipped as data files (``searcher/data/``), read once per process."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def capitalised_shares() -> dict[str, float]:
    """How often news writes each word capitalised mid-sentence (``data/capitalised.tsv``)."""
    path = resources.files("searcher").joinpath("data/capitalised.tsv")
    table: dict[str, float] = {}
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, share = line.partition("\t")
            table[word] = float(share)
    return table
