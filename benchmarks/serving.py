"""Memory of a running ``search serve``: what a server over the archive holds once it
has answered the query list through the page's JSON API.

    python benchmarks/serving.py INDEX_FOLDER
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oneshot import search_command  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "queries.txt"


def _memory_mb(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{field}:\s+(\d+)", status, re.M).group(1)) / 1024
        for key, field in (("serve MB", "VmRSS"), ("serve peak MB", "VmHWM"))
    }


def serve_memory(index: Path, queries: list[str]) -> dict[str, float]:
    """Resident and peak memory (MB) of ``search serve`` after answering ``queries``."""
    proc = subprocess.Popen(
        [*search_command(), "serve", "--index", str(index), "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        line = proc.stderr.readline()
        found = re.search(r"http://[\d.]+:(\d+)/", line)
        if not found:
            raise RuntimeError(f"search serve did not start: {line.strip()}")
        base = f"http://127.0.0.1:{found.group(1)}/api/search?"
        for query in queries:
            with urllib.request.urlopen(base + urllib.parse.urlencode({"q": query}), timeout=60):
                pass
        return _memory_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@click.command()
@click.argument("index", type=click.Path(exists=True, file_okay=False, path_type=Path))
def main(index: Path) -> None:
    queries = [q for q in QUERIES.read_text("utf-8").splitlines() if q and not q.startswith("#")]
    for key, value in serve_memory(index, queries).items():
        print(f"{key}: {value:,.0f}")


if __name__ == "__main__":
    main()
