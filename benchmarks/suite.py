"""Speed and relevance of searcher next to SQLite FTS5, Xapian and tantivy, in one run.

    python benchmarks/suite.py                          # sizes 1k, 10k, 50k; all figures
    python benchmarks/suite.py --articles 2000 --quick  # the short run CI does

For each archive size: indexing (articles/s end to end, 1 and 2 processes, size on
disk, peak memory), then query latency (p50/p95/max over the fixed query list, top 10
with snippets, warm searcher); a whole ``search`` process per query next to a Python
script over SQLite FTS5 (``oneshot.py``); the memory of a running ``search serve``
(``serving.py``). Then relevance on the known-item sets (MRR@10,
success@1, recall@10) on their *report* halves; ``--split dev`` shows the half used
for tuning. Prints tables with ratios against searcher and writes everything as JSON.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import engines  # noqa: E402
import oneshot  # noqa: E402
import serving  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "queries.txt"
ALL_ENGINES = [
    "searcher", "searcher-sphinx-1", "searcher-sphinx-2", "sqlite-fts5", "xapian", "tantivy",
]  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _own_peak_kb() -> int:
    """This process's peak resident memory in kB.

    ``ru_maxrss`` survives ``exec``, so a spawned child would report the suite's own
    peak; the kernel's ``VmHWM`` belongs to this process image alone.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class EngineFailed(RuntimeError):
    """One engine could not build or answer; the suite reports it and goes on."""


def _build_child(name: str, folder: str, source: str, procs: int, options: dict, out) -> None:
    try:
        engine = engines.make(name, Path(folder), **options)
        began = time.perf_counter()
        engine.build(Path(source), procs=procs)
        seconds = time.perf_counter() - began
    except BaseException as err:  # said to the parent, which goes on with the other engines
        out.put({"error": f"{type(err).__name__}: {err}"})
        raise
    own = _own_peak_kb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.put(
        {
            "seconds": seconds,
            "peak_mb": (own + children) / 1024,
            "size_mb": engine.size_bytes() / 1e6,
        }
    )


def build(name: str, folder: Path, source: Path, procs: int, options: dict) -> dict:
    """Build in a fresh process, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(
        target=_build_child, args=(name, str(folder), str(source), procs, options, out)
    )
    child.start()
    tree_peak = 0.0
    while True:
        try:
            result = out.get(timeout=0.25)
            break
        except queue.Empty:
            tree_peak = max(tree_peak, tree_pss_mb(child.pid))
            if not child.is_alive():
                raise EngineFailed(
                    f"{name}: the build process ended (exit code {child.exitcode}) with no result"
                ) from None
    child.join()
    if "error" in result:
        raise EngineFailed(f"{name}: {result['error']}")
    result["tree_peak_mb"] = tree_peak
    return result


def tree_pss_mb(pid: int) -> float:
    """Memory of a process and all its descendants now (MB): the sum of their
    proportional set sizes, so pages a forked worker shares with its parent count once
    (a sum of resident sizes counts them in every process)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total / 1024


def latency(engine: engines.Engine, queries: list[str], rounds: int) -> dict:
    engine.open()
    first = []
    for query in queries:  # warm up: caches, searchers, page cache (timed apart)
        began = time.perf_counter()
        engine.search(query)
        first.append((time.perf_counter() - began) * 1000)
    times = []
    for _ in range(rounds):
        for query in queries:
            began = time.perf_counter()
            engine.search(query, k=10)
            times.append((time.perf_counter() - began) * 1000)
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "max_ms": max(times),
        "queries": len(times),
        # the first time each query runs on a freshly opened index
        "first_p50_ms": statistics.median(first),
        "first_p95_ms": percentile(first, 0.95),
    }


def research_costs(folder: Path, queries: list[str], rounds: int) -> dict:
    """What sorting by date and counting a timeline add to a searcher query (top 10 with
    snippets, warm): p50/p95 of the same queries plain, newest first, with a timeline."""
    from searcher import Archive

    archive = Archive(folder)
    variants = {"plain": {}, "newest first": {"sort": "newest"}, "timeline": {"timeline": True}}
    for query in queries:
        archive.search(query, facets=False)  # warm
    costs = {}
    for label, extra in variants.items():
        times = []
        for _ in range(rounds):
            for query in queries:
                began = time.perf_counter()
                archive.search(query, facets=False, **extra)
                times.append((time.perf_counter() - began) * 1000)
        costs[label] = {"p50_ms": statistics.median(times), "p95_ms": percentile(times, 0.95)}
    return costs


def relevance(engine: engines.Engine, queries: list[tuple[str, str, str]]) -> dict:
    engine.open()
    reciprocal, first, found = [], 0, 0
    for _, text, right in queries:
        ids = engine.search(text, k=10)
        rank = ids.index(right) + 1 if right in ids else 0
        reciprocal.append(1 / rank if rank else 0.0)
        first += rank == 1
        found += rank > 0
    n = len(queries) or 1
    return {
        "mrr@10": sum(reciprocal) / n,
        "success@1": first / n,
        "recall@10": found / n,
        "queries": len(queries),
    }


def options_for(name: str, match: str, entities: bool) -> dict:
    return {"entities": entities, "match": match} if name in engines.OURS else {}


def print_table(
    title: str, rows: dict[str, dict], columns: list[tuple[str, str]], ratio_of: str | None = None
) -> None:
    print(f"\n{title}")
    header = f"{'engine':<14}" + "".join(f"{label:>14}" for label, _ in columns)
    print(header)
    for name, row in rows.items():
        line = f"{name:<14}"
        for _, key in columns:
            value = row.get(key)
            line += f"{value:>14,.3f}" if isinstance(value, float) else f"{value!s:>14}"
        if ratio_of and name != "searcher" and rows.get("searcher", {}).get(ratio_of):
            ours, theirs = rows["searcher"][ratio_of], row.get(ratio_of)
            if theirs:
                line += f"   searcher/{name} {ratio_of} = {ours / theirs:.2f}"
        print(line)


def failed(report: dict, name: str, err: Exception) -> None:
    """Say that an engine failed, keep it in the JSON report, and let the suite go on."""
    message = str(err) if isinstance(err, EngineFailed) else f"{type(err).__name__}: {err}"
    print(f"!! engine {name} failed and is left out: {message}", flush=True)
    report.setdefault("failures", []).append({"engine": name, "error": message})


@click.command()
@click.option(
    "--sizes", default="1000,10000,50000", show_default=True, help="Archive sizes, comma-separated."
)
@click.option("--articles", type=int, help="One size only (overrides --sizes).")
@click.option("--engines", "names", default=",".join(ALL_ENGINES), show_default=True)
@click.option("--rounds", default=3, show_default=True, help="Passes over the query list.")
@click.option(
    "--split",
    type=click.Choice(["report", "dev"]),
    default="report",
    show_default=True,
    help="Relevance half: report (never tuned on) or dev.",
)
@click.option("--quick", is_flag=True, help="Relevance on 300 queries per set (CI).")
@click.option(
    "--match",
    type=click.Choice(["all", "any"]),
    default="any",
    show_default=True,
    help="How searcher reads the relevance queries (questions, headlines).",
)
@click.option("--no-entities", is_flag=True, help="Index searcher without entities.")
@click.option("--skip-relevance", is_flag=True)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path),
    default=Path("benchmarks/results/suite.json"),
    show_default=True,
)
def main(
    sizes, articles, names, rounds, split, quick, match, no_entities, skip_relevance, json_path
) -> None:
    names = [n for n in names.split(",") if n]
    sizes = [articles] if articles else [int(s) for s in sizes.split(",")]
    queries = [q for q in QUERIES.read_text("utf-8").splitlines() if q and not q.startswith("#")]
    entities = not no_entities
    report: dict = {"machine": {"cpus": multiprocessing.cpu_count()}, "sizes": [], "relevance": {}}
    with tempfile.TemporaryDirectory(prefix="searcher-bench-") as tmp:
        work = Path(tmp)
        for size in sizes:
            docs, label = corpus.archive(size)
            source = corpus.write_jsonl(docs, work / f"archive-{size}" / "archive.jsonl")
            print(f"\n=== archive: {label} ({len(queries)} queries x {rounds})")
            indexing, querying = {}, {}
            for name in names:
                options = options_for(name, "all", entities)
                row = {}
                try:
                    for procs in (1, 2):
                        folder = work / f"{name}-{size}-{procs}"
                        built = build(name, folder, source, procs, options)
                        if procs == 1:
                            engines.release(engines.make_existing(name, folder, **options))
                        row[f"docs/s {procs}p"] = size / built["seconds"]
                        row[f"peak MB {procs}p"] = built["peak_mb"]
                        # parent and workers together (PSS), sampled 4x a second
                        row[f"all procs MB {procs}p"] = built["tree_peak_mb"]
                        row["size MB"] = built["size_mb"]
                    engine = engines.make_existing(name, folder, **options)
                    try:
                        querying[name] = latency(engine, queries, rounds)
                    finally:
                        if name != "searcher":
                            engines.release(engine)
                except Exception as err:  # one engine's failure never stops the others
                    failed(report, name, err)
                    continue
                indexing[name] = row
            print_table(
                "indexing",
                indexing,
                [
                    ("docs/s 1 proc", "docs/s 1p"),
                    ("docs/s 2 proc", "docs/s 2p"),
                    ("size MB", "size MB"),
                    ("peak MB 2p", "peak MB 2p"),
                    ("all procs 2p", "all procs MB 2p"),
                ],
                ratio_of="docs/s 2p",
            )
            print_table(
                "queries (top 10 with snippets, ms)",
                querying,
                [
                    ("p50", "p50_ms"),
                    ("p95", "p95_ms"),
                    ("max", "max_ms"),
                    ("first p50", "first_p50_ms"),
                    ("first p95", "first_p95_ms"),
                ],
                ratio_of="p95_ms",
            )
            shots: dict = {}
            if "searcher" in indexing:
                index_folder = work / f"searcher-{size}-2"
                try:
                    memory = serving.serve_memory(index_folder, queries)
                    indexing["searcher"].update(memory)
                    print(f"\nsearch serve over {size:,} articles, after the query list: "
                          f"{memory['serve MB']:,.0f} MB resident "
                          f"(peak {memory['serve peak MB']:,.0f})")  # fmt: skip
                except Exception as err:
                    failed(report, "searcher (serve)", err)
                fts5_db = work / f"sqlite-fts5-{size}-2" / "fts.db"
                if "sqlite-fts5" in indexing and fts5_db.exists():
                    shots = oneshot.measure(index_folder, fts5_db, rounds=3 if quick else 5)
                    oneshot.print_rows(shots)
            research = {}
            if "searcher" in indexing:
                research = research_costs(work / f"searcher-{size}-2", queries, rounds)
                print_table(
                    "searcher: sort and timeline (top 10 with snippets, ms)",
                    research,
                    [("p50", "p50_ms"), ("p95", "p95_ms")],
                )
            report["sizes"].append(
                {"size": size, "archive": label, "indexing": indexing, "queries": querying,
                 "one_shot": shots, "research": research}
            )  # fmt: skip
        if not skip_relevance:
            for key, make_set in corpus.RELEVANCE_SETS.items():
                rel = make_set()
                asked = rel.split(split)[: 300 if quick else None]
                source = corpus.write_jsonl(rel.docs, work / f"rel-{key}" / "docs.jsonl")
                rows = {}
                for name in names:
                    folder = work / f"rel-{key}-{name}"
                    options = options_for(name, match, entities)
                    try:
                        build(name, folder, source, 2, options)
                        engine = engines.make_existing(name, folder, **options)
                        try:
                            rows[name] = relevance(engine, asked)
                        finally:
                            engines.release(engine)
                    except Exception as err:
                        failed(report, name, err)
                print_table(
                    f"relevance: {rel.name} ({split} half, {len(asked)} queries, "
                    f"{len(rel.docs):,} documents)",
                    rows,
                    [("MRR@10", "mrr@10"), ("success@1", "success@1"), ("recall@10", "recall@10")],
                    ratio_of="mrr@10",
                )
                report["relevance"][key] = {"set": rel.name, "split": split, "results": rows}
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    print(f"\nwrote {json_path}")


if __name__ == "__main__":
    main()
