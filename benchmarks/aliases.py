"""What the alias table merges on the shared articles, and how precise the merges are.

    python benchmarks/aliases.py            # learn, print figures and a sample to check
    python benchmarks/aliases.py --sample 40 --seed 3

Tags the IndoSum and Detik articles, learns aliases as indexing does, and prints how many
names were merged, how many facet lines (distinct entity names per label) the merges
remove, and the precision of the learned merges on the hand-checked sample in
``tests/data/alias-sample.tsv`` (``correct`` or ``wrong`` per merge).
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "tests" / "data" / "alias-sample.tsv"

from searcher.article import Article  # noqa: E402
from searcher.indexing.pipeline import find_entities  # noqa: E402
from searcher.ingest.files import read_archive  # noqa: E402
from searcher.names.aliases import build_table, from_names, learn  # noqa: E402


def learned_on_shared_data() -> tuple[Counter, Counter]:
    """Learned pairs (key -> articles) and entity names (``LABEL\\tname`` -> articles)."""
    paths = [DATA / "indosum" / "articles.jsonl", DATA / "detik-1k" / "data_berita.csv"]
    learned: Counter = Counter()
    names: Counter = Counter()
    for article in read_archive([p for p in paths if p.exists()]):
        if not isinstance(article, Article):
            continue
        entities = find_entities(article)
        text = f"{article.headline}.\n{article.body}"
        learned.update({"\t".join(pair) for pair in learn(text, entities)})
        names.update(f"{label}\t{n}" for label, found in entities.items() for n in found)
    return learned, names


def checked_sample() -> dict[tuple[str, str], bool]:
    """(short, long) -> whether a person found the merge right."""
    verdicts = {}
    for line in SAMPLE.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            short, long, verdict = line.split("\t")
            verdicts[(short, long)] = verdict == "correct"
    return verdicts


def learned_merges(table) -> set[tuple[str, str]]:
    """(name, shown name) for every name the learned table merges into another."""
    merges = set()
    for shown, forms in table.forms.items():
        for form in forms:
            if form != shown:
                merges.add((form, shown))
    return merges


@click.command()
@click.option("--sample", default=0, help="Print this many learned merges to check by hand.")
@click.option("--seed", default=1)
def main(sample: int, seed: int) -> None:
    learned, names = learned_on_shared_data()
    table = build_table(dict(learned), from_names(dict(names)))
    seeds = build_table({})
    merges = learned_merges(table) - learned_merges(seeds)
    before = {k for k in names}
    after = {f"{k.split(chr(9))[0]}\t{table.shown(k.split(chr(9))[1]).casefold()}" for k in names}
    print(f"learned pairs: {len(learned):,}; merges beyond the seed list: {len(merges):,}")
    print(f"facet lines (distinct names per label): {len(before):,} -> {len(after):,} "
          f"({len(before) - len(after):,} fewer)")  # fmt: skip
    verdicts = checked_sample()
    judged = [verdicts[m] for m in merges if m in verdicts]
    if judged:
        right = sum(judged)
        print(f"precision on the hand-checked sample: {right / len(judged):.3f} "
              f"({right} of {len(judged)} merges right; {len(verdicts)} checked)")  # fmt: skip
    if sample:
        for short, long in random.Random(seed).sample(sorted(merges), min(sample, len(merges))):
            print(f"{short}\t{long}")


if __name__ == "__main__":
    main()
