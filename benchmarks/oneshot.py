"""What a shell user feels: one ``search "..."`` process, from start to exit, next to a
Python script that opens an SQLite FTS5 file and prints 10 snippets.

    python benchmarks/oneshot.py SEARCHER_INDEX FTS5_DB [--rounds 7]

``suite.py`` runs the same measurement after building both. Each query is run as a new
process by each engine in turn (alternating, so a busy moment hurts both), ``rounds``
times; the table gives the median and the 90th percentile of the wall-clock times.
searcher runs as a user meets it: the first ``search`` starts the warm server
(``searcher.faces.launch``) and later ones are answered by it. Its "no warm server" row
(``SEARCHER_WARM=0``) is every process doing all the work itself.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
#: Queries as typed in a shell (a subset of queries.txt: names, places, common words).
QUERIES = ["banjir jakarta", "Taliban Tajikistan", "presiden jokowi", "harga minyak",
           "gempa", "pemilihan gubernur", "Vladimir Putin", "sepak bola"]  # fmt: skip


def search_command() -> list[str]:
    """The installed ``search`` script beside this interpreter (what users type)."""
    script = Path(sys.executable).with_name("search")
    return [str(script)] if script.exists() else [sys.executable, "-m", "searcher.faces.launch"]


def _run(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - began
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}")
    return seconds * 1000


def stop_warm_server(index: Path) -> None:
    """Stop the warm server of ``index`` (the suite's folders are deleted after it)."""
    from searcher.faces import warm_client

    key = warm_client.server_key(os.path.realpath(index), dict(os.environ))
    path = warm_client.socket_path(key)
    if path:
        warm_client.stop(path)


def measure(index: Path, fts5_db: Path, rounds: int = 7) -> dict[str, dict]:
    """Median and p90 of whole-process times (ms) per command, over QUERIES x rounds."""
    env = dict(os.environ)
    cold = {**env, "SEARCHER_WARM": "0"}
    commands = {
        "searcher": (lambda q: [*search_command(), "--index", str(index), q], env),
        "searcher, no warm server": (lambda q: [*search_command(), "--index", str(index), q],
                                     cold),
        "sqlite-fts5 script": (
            lambda q: [sys.executable, str(HERE / "fts5_oneshot.py"), str(fts5_db), q], env
        ),
    }  # fmt: skip
    stop_warm_server(index)
    times: dict[str, list[float]] = {name: [] for name in commands}
    try:
        for _ in range(rounds):
            for query in QUERIES:
                for name, (command, environ) in commands.items():
                    times[name].append(_run(command(query), environ))
    finally:
        stop_warm_server(index)
    rows = {}
    for name, values in times.items():
        ordered = sorted(values)
        rows[name] = {
            "median_ms": statistics.median(values),
            "p90_ms": ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))],
            "runs": len(values),
        }
    return rows


def print_rows(rows: dict[str, dict]) -> None:
    print("\none-shot: a whole process per query, start to exit (ms)")
    print(f"{'command':<26}{'median':>10}{'p90':>10}")
    peer = rows.get("sqlite-fts5 script", {}).get("median_ms")
    for name, row in rows.items():
        line = f"{name:<26}{row['median_ms']:>10.1f}{row['p90_ms']:>10.1f}"
        if peer and name.startswith("searcher"):
            line += f"   {name}/sqlite-fts5 script = {row['median_ms'] / peer:.2f}"
        print(line)


@click.command()
@click.argument("index", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("fts5_db", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rounds", default=7, show_default=True)
def main(index: Path, fts5_db: Path, rounds: int) -> None:
    print_rows(measure(index, fts5_db, rounds))


if __name__ == "__main__":
    main()
