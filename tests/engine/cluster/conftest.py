"""A real two-shard Sphinx cluster (Debian's ``searchd``) on free loopback ports.

Started through the real entry point (``search cluster init`` / ``start``) in a
temporary folder, stopped at the end of the session. Without ``searchd`` the cluster
tests skip, except in CI (``CI=true``), where a missing engine is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from searcher.engine.cluster.nodes import free_port_base
from tests.conftest import ROOT, run

SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def cluster(tmp_path_factory) -> dict:
    """``{"folder", "url"}`` of a running two-shard cluster holding ``seeds/``."""
    if shutil.which("searchd") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("searchd is not installed (apt-get install sphinxsearch); CI needs it")
        pytest.skip("searchd is not installed (apt-get install sphinxsearch)")
    folder = tmp_path_factory.mktemp("cluster") / "nodes"
    init = run("cluster", "init", str(folder), "--shards", "2", "--port", str(free_port_base(4)))
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
