"""How the embedded and the cluster backend's costs grow with the archive.

    python benchmarks/scale.py                       # 50k, 100k and 200k articles
    python benchmarks/scale.py --sizes 10000,20000   # a quicker curve

For each size (composed as ``suite.py`` composes archives past the real articles) and
each backend it builds the index with 2 processes and prints: indexing articles/s,
size on disk, the build's peak memory (parent and workers together), query latency
p50/p95 (top 10 with snippets, warm, the suite's query list), each query's first run
on a freshly opened index (p95), and the memory of a ``search serve`` that answered
the query list (embedded backend). Entities are off by default, since tagging costs the same on both
backends and would only slow the curve down (``--entities`` puts them back). The cluster
is a local two-shard Sphinx cluster (``search cluster init``); its size is its data
folders, and its memory is not counted here.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import engines  # noqa: E402
from serving import serve_memory  # noqa: E402
from suite import QUERIES, build, latency  # noqa: E402

BACKENDS = ("searcher", "searcher-sphinx-2")


@click.command()
@click.option("--sizes", default="50000,100000,200000", show_default=True)
@click.option("--entities", is_flag=True, help="Tag entities too (slower to index).")
@click.option("--rounds", default=1, show_default=True)
@click.option("--backends", default=",".join(BACKENDS), show_default=True)
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path),
    default=Path("benchmarks/results/scale.json"), show_default=True,
)  # fmt: skip
def main(sizes: str, entities: bool, rounds: int, backends: str, json_path: Path) -> None:
    queries = [q for q in QUERIES.read_text("utf-8").splitlines() if q and not q.startswith("#")]
    rows = []
    print(
        f"{'articles':>9} {'backend':<18} {'docs/s':>8} {'size MB':>9} {'build MB':>9} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'first p95':>10} {'serve MB':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="searcher-scale-") as tmp:
        work = Path(tmp)
        for size in (int(s) for s in sizes.split(",")):
            docs, _ = corpus.archive(size)
            source = corpus.write_jsonl(docs, work / f"archive-{size}.jsonl")
            del docs
            for name in backends.split(","):
                folder = work / f"{name}-{size}"
                options = {"entities": entities, "match": "all"}
                built = build(name, folder, source, 2, options)
                engine = engines.make_existing(name, folder, **options)
                try:
                    timing = latency(engine, queries, rounds)
                finally:
                    engines.release(engine)
                serve = serve_memory(folder, queries)["serve MB"] if name == "searcher" else 0.0
                row = {
                    "articles": size, "backend": name, "docs_per_s": size / built["seconds"],
                    "size_mb": built["size_mb"], "build_mb": built["tree_peak_mb"],
                    "p50_ms": timing["p50_ms"], "p95_ms": timing["p95_ms"],
                    "first_p95_ms": timing["first_p95_ms"], "serve_mb": serve,
                }  # fmt: skip
                rows.append(row)
                print(
                    f"{size:>9,} {name:<18} {row['docs_per_s']:>8,.0f} {row['size_mb']:>9,.0f} "
                    f"{row['build_mb']:>9,.0f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
                    f"{row['first_p95_ms']:>10.1f} {serve:>9,.0f}",
                    flush=True,
                )
                shutil.rmtree(folder, ignore_errors=True)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(rows, indent=2), "utf-8")
    print(f"wrote {json_path}")


if __name__ == "__main__":
    main()
