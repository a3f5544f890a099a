"""How many misspelt queries get the right "Did you mean", over a real archive.

Typos are made from the benchmark's own query list (``queries.txt``): in each query one
word of five letters or more gets one typo (a letter dropped, two swapped, one replaced
or one doubled, chosen by a fixed seed), as a person types them. A query counts as
fixed when the archive's suggestion is the query as it was (case aside). Only the
public API is used, so the same script measures an older searcher too:

    python benchmarks/suggestions.py INDEX          # an index of IndoSum + Detik, say
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
QUERIES = Path(__file__).resolve().parent / "queries.txt"
WORD = re.compile(r"^[^\W\d_]{5,}$")


def typo(word: str, rng: random.Random) -> str:
    """One typo of the kinds people make."""
    i = rng.randrange(1, len(word) - 1)  # the first letter is rarely the one mistyped
    kind = rng.choice(["drop", "swap", "replace", "double"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "replace":
        near = "qwertyuiopasdfghjklzxcvbnm"
        other = rng.choice([c for c in near if c != word[i].lower()])
        return word[:i] + other + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def misspelt(seed: int = 32) -> list[tuple[str, str]]:
    """``(typed, meant)`` for every query with a word long enough to misspell."""
    rng = random.Random(seed)
    pairs = []
    for line in QUERIES.read_text("utf-8").splitlines():
        query = line.strip()
        if not query or query.startswith("#") or '"' in query or ":" in query:
            continue
        words = query.split()
        long = [n for n, w in enumerate(words) if WORD.match(w)]
        if not long:
            continue
        n = rng.choice(long)
        words[n] = typo(words[n], rng)
        pairs.append((" ".join(words), query))
    return pairs


@click.command()
@click.argument("index", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--show", is_flag=True, help="Print every query and its suggestion.")
def main(index: Path, show: bool) -> None:
    sys.path.insert(0, str(ROOT))
    from searcher import Archive

    archive = Archive(index)
    fixed = suggested = 0
    pairs = misspelt()
    began = time.perf_counter()
    for typed, meant in pairs:
        found = archive.search(typed, limit=1, facets=False).suggestion
        suggested += found is not None
        right = found is not None and found.lower() == meant.lower()
        fixed += right
        if show:
            click.echo(f"{'ok ' if right else '   '} {typed!r:32} -> {found!r:32} ({meant})")
    seconds = time.perf_counter() - began
    click.echo(f"misspelt queries:        {len(pairs)} (one typo each, from queries.txt)")
    click.echo(f"right suggestion:        {fixed} ({fixed / len(pairs):.0%})")
    click.echo(f"any suggestion:          {suggested}")
    click.echo(f"wrong suggestion:        {suggested - fixed}")
    per_query = seconds / len(pairs) * 1000
    click.echo(f"time:                    {per_query:.0f} ms a query (first runs)")


if __name__ == "__main__":
    main()
