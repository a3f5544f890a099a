"""Try ranking settings on the *dev* halves of the known-item sets (never the report halves).

    python benchmarks/tune.py [--sets facqa,detik]

Indexes each set once with searcher, then re-ranks the dev queries under each variant
of field boosts and BM25 parameters; prints MRR@10 per variant.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import engines  # noqa: E402
from suite import relevance  # noqa: E402

from searcher import settings  # noqa: E402


def boosts(**changes: float) -> dict:
    return {"FIELD_BOOSTS": {**settings.FIELD_BOOSTS, **changes}}


VARIANTS = {
    "current": {},
    "per-field": {"SCORING": "per-field"},
    "per-field B 0.75": {"SCORING": "per-field", "BM25_B": 0.75},
    "K1 0.9": {"BM25_K1": 0.9},
    "K1 1.5": {"BM25_K1": 1.5},
    "B 0.75": {"BM25_B": 0.75},
    "entities 0": boosts(entities=0.0),
    "entities 0.5": boosts(entities=0.5),
    "headline 3": boosts(headline=3.0),
}
TUNED = ("FIELD_BOOSTS", "BM25_K1", "BM25_B", "FIELD_B", "SCORING")


@click.command()
@click.option("--sets", default="facqa,detik,indosum", show_default=True)
@click.option("--match", default="any", show_default=True)
def main(sets: str, match: str) -> None:
    defaults = {k: getattr(settings, k) for k in TUNED}
    with tempfile.TemporaryDirectory() as tmp:
        for key in sets.split(","):
            rel = corpus.RELEVANCE_SETS[key]()
            dev = rel.split("dev")
            source = corpus.write_jsonl(rel.docs, Path(tmp) / key / "docs.jsonl")
            engine = engines.make("searcher", Path(tmp) / f"{key}-ix", match=match)
            engine.build(source, procs=2)
            print(f"\n{rel.name}: dev half, {len(dev)} queries")
            for name, changes in VARIANTS.items():
                for attr, value in {**defaults, **changes}.items():
                    setattr(settings, attr, value)
                engine = engines.make_existing("searcher", Path(tmp) / f"{key}-ix", match=match)
                row = relevance(engine, dev)
                print(f"  {name:<18} MRR@10 {row['mrr@10']:.3f}  success@1 {row['success@1']:.3f}")


if __name__ == "__main__":
    main()
