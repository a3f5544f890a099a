"""What a query of nonsense words costs the search page, and everyone else meanwhile.

    python benchmarks/nonsense_load.py [--index DIR]

Builds (once) an index of the 3,463 IndoSum articles from ../shared/data, starts
``search serve`` on a free loopback port and prints: the time of a normal query, of a
490-character query of unknown words (varied, so no cache helps), and of a normal query
and ``/healthz`` while four such requests run at once. Every request is bounded in count
and time, and only goes to 127.0.0.1.
"""

from __future__ import annotations

import random
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
INDOSUM = ROOT.parent / "shared" / "data" / "indosum" / "articles.jsonl"
SEARCH = str(Path(sys.executable).parent / "search")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base: str, path: str, params: dict | None = None) -> float:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - began) * 1000


def _nonsense(rng: random.Random) -> str:
    words = []
    while len(" ".join(words)) < 484:
        words.append("".join(rng.choice(string.ascii_lowercase) for _ in range(6)))
    return " ".join(words)[:490]


@click.command()
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None)
def main(index_dir: Path | None) -> None:
    index_dir = index_dir or ROOT / "benchmarks" / "results" / "indosum-index"
    if not (index_dir / "searcher.json").exists():
        subprocess.run([SEARCH, "index", str(INDOSUM), "--index", str(index_dir)], check=True)
    port = _free_port()
    server = subprocess.Popen(
        [SEARCH, "serve", "--index", str(index_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _get(base, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        rng = random.Random(7)
        normal_queries = ["banjir jakarta", "presiden jokowi", "harga minyak", "sepak bola"]
        for q in normal_queries:
            _get(base, "/", {"q": q})  # warm
        normal = [_get(base, "/", {"q": rng.choice(normal_queries)}) for _ in range(20)]
        page = [_get(base, "/", {"q": _nonsense(rng)}) for _ in range(5)]
        api = [_get(base, "/api/search", {"q": _nonsense(rng)}) for _ in range(5)]
        during: list[float] = []
        health: list[float] = []

        def attack() -> None:
            for _ in range(3):
                _get(base, "/api/search", {"q": _nonsense(random.Random())})

        attackers = [threading.Thread(target=attack) for _ in range(4)]
        for thread in attackers:
            thread.start()
        time.sleep(0.05)
        while any(t.is_alive() for t in attackers) and len(during) < 50:
            during.append(_get(base, "/", {"q": rng.choice(normal_queries)}))
            health.append(_get(base, "/healthz"))
        for thread in attackers:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    med = statistics.median
    print(f"index: {index_dir} (IndoSum, 3,463 articles)")
    print(f"normal query, page:                  median {med(normal):7.1f} ms")
    print(f"490-char nonsense query, page:       median {med(page):7.1f} ms, max {max(page):.1f}")
    print(f"490-char nonsense query, API:        median {med(api):7.1f} ms, max {max(api):.1f}")
    if during:
        print(f"normal query during 4 attackers:     median {med(during):7.1f} ms, "
              f"max {max(during):.1f} ({len(during)} requests)")  # fmt: skip
        print(f"/healthz during 4 attackers:         max {max(health):7.1f} ms")
    print(f"nonsense / normal (page, median):    {med(page) / med(normal):.1f}x")


if __name__ == "__main__":
    main()
