"""The README's "Growing past one machine" block, run as typed (on free ports)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from searcher.engine.cluster.nodes import free_port_base
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def _cluster_block() -> str:
    section = README.split("## Growing past one machine", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_the_cluster_block_of_the_readme_runs_as_written(tmp_path, cluster):
    # ``cluster`` (the fixture) makes sure searchd is here; this block starts its own nodes
    block = _cluster_block()
    assert "--backend sphinx://" in block and "search cluster init" in block
    base = free_port_base(4)
    script = block.replace("9306", str(base)).replace("9308", str(base + 2))
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("SEARCHER_INDEX", None)
    try:
        result = subprocess.run(
            ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
    finally:
        subprocess.run(["bash", "-c", "search cluster stop nodes"], cwd=tmp_path, env=env,
                       capture_output=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1. Putin ingin membangun hubungan dengan Taliban" in result.stdout
    assert f"node 1  127.0.0.1:{base + 2}  up" in result.stdout
    assert "Traceback" not in result.stderr
