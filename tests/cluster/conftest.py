"""A real two-shard Sphinx cluster (Debian's ``searchd``) on free loopback ports.

Started through the real entry point (``search cluster init`` / ``start``) in a
temporary folder, stopped at the end of the session. Without ``searchd`` the cluster
tests skip, except in CI (``CI=true``), where a missing engine is a failure.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_cli import run

SEEDS = ROOT / "seeds"


def _free_base(count: int) -> int:
    """A port with ``count`` free ports from it on."""
    for _ in range(200):
        base = random.randrange(20_000, 60_000, 2)
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory) -> dict:
    """``{"folder", "url"}`` of a running two-shard cluster holding ``seeds/``."""
    if shutil.which("searchd") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("searchd is not installed (apt-get install sphinxsearch); CI needs it")
        pytest.skip("searchd is not installed (apt-get install sphinxsearch)")
    folder = tmp_path_factory.mktemp("cluster") / "nodes"
    init = run("cluster", "init", str(folder), "--shards", "2", "--port", str(_free_base(4)))
    assert init.returncode == 0, init.stderr
    started = run("cluster", "start", str(folder))
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip().splitlines()[-1]
    assert url.startswith("sphinx://")
    indexed = run("index", str(SEEDS), "--backend", url)
    assert indexed.returncode == 0, indexed.stderr
    yield {"folder": folder, "url": url}
    run("cluster", "stop", str(folder))


@pytest.fixture(scope="session")
def embedded_seeds(tmp_path_factory) -> Path:
    """The same articles in an embedded index, to compare against."""
    folder = tmp_path_factory.mktemp("embedded") / "ix"
    done = run("index", str(SEEDS), "--index", str(folder))
    assert done.returncode == 0, done.stderr
    return folder
