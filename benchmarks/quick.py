"""Index a folder, then time a list of queries (with snippets): the first speed figures.

    python benchmarks/quick.py ../shared/data/indosum [--queries FILE] [--no-entities]

Prints articles/s for indexing and p50/p95/max query latency over a warm searcher.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import click

from searcher import Archive

QUERIES = [
    "Taliban Tajikistan", "korupsi", "Setya Novanto", "banjir Jakarta", "harga cabai",
    "transportasi online", '"taksi online"', "Presiden Joko Widodo", "gempa bumi",
    "timnas Indonesia", "KPK", "pilkada DKI", "Anies Baswedan", "rupiah melemah",
    "IHSG ditutup menguat", "polisi menangkap pelaku", "Donald Trump", "Korea Utara",
    "sepak bola", "Real Madrid", "harga minyak dunia", "pajak", "Ahok -Anies",
    "kebakaran hutan", "narkoba", "Bank Indonesia suku bunga", "tol", "kereta api",
    "Google", "vaksin",
]  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@click.command()
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option("--queries", type=click.Path(exists=True, path_type=Path))
@click.option("--no-entities", is_flag=True)
@click.option("--rounds", default=3, show_default=True)
def main(folder: Path, queries: Path | None, no_entities: bool, rounds: int) -> None:
    words = queries.read_text("utf-8").splitlines() if queries else QUERIES
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "ix")
        report = archive.index([folder], entities=not no_entities)
        print(f"indexed {folder}: {report.summary()}")
        for q in words:  # warm the searcher and caches
            archive.search(q)
        latencies = []
        for _ in range(rounds):
            for q in words:
                began = time.perf_counter()
                archive.search(q, limit=10)
                latencies.append((time.perf_counter() - began) * 1000)
        print(
            f"queries: {len(latencies)} timed ({len(words)} x {rounds}), top 10 with snippets: "
            f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms,"
            f" max {max(latencies):.1f} ms"
        )


if __name__ == "__main__":
    sys.exit(main())
