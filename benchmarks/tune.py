"""Try ranking settings on the *dev* halves of the known-item sets (never the report halves).

    python benchmarks/tune.py [--sets facqa,detik]

Indexes each set once with searcher, then re-ranks the dev queries under each variant
of field boosts and BM25 parameters; prints MRR@10 per variant.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import engines  # noqa: E402
from suite import relevance  # noqa: E402

from searcher.settings import DEFAULT, Settings  # noqa: E402

BASE = DEFAULT.ranking
VARIANTS = {
    "current": BASE,
    "per-field": replace(BASE, scoring="per-field"),
    "per-field B 0.75": replace(BASE, scoring="per-field", b=0.75),
    "K1 0.9": replace(BASE, k1=0.9),
    "K1 1.5": replace(BASE, k1=1.5),
    "B 0.75": replace(BASE, b=0.75),
    "entities 0": BASE.with_boosts(entities=0.0),
    "entities 0.5": BASE.with_boosts(entities=0.5),
    "headline 3": BASE.with_boosts(headline=3.0),
}


@click.command()
@click.option("--sets", default="facqa,detik,indosum", show_default=True)
@click.option("--match", default="any", show_default=True)
def main(sets: str, match: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for key in sets.split(","):
            rel = corpus.RELEVANCE_SETS[key]()
            dev = rel.split("dev")
            source = corpus.write_jsonl(rel.docs, Path(tmp) / key / "docs.jsonl")
            engine = engines.make("searcher", Path(tmp) / f"{key}-ix", match=match)
            engine.build(source, procs=2)
            print(f"\n{rel.name}: dev half, {len(dev)} queries")
            for name, ranking in VARIANTS.items():
                settings = Settings(ranking=ranking)
                engine = engines.make_existing(
                    "searcher", Path(tmp) / f"{key}-ix", match=match, settings=settings
                )
                row = relevance(engine, dev)
                print(f"  {name:<18} MRR@10 {row['mrr@10']:.3f}  success@1 {row['success@1']:.3f}")


if __name__ == "__main__":
    main()
