"""The `search` command through its installed entry point (and click's runner)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.faces.cli import main
from tests.conftest import ROOT, run


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A folder laid out like a checkout (seeds/, no index yet)."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path


def test_first_search_builds_the_index_from_seeds(project_copy):
    result = run("Taliban Tajikistan", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    assert "indexing seeds/ first" in result.stderr
    assert "1. Putin ingin membangun hubungan dengan Taliban" in result.stdout
    assert "Tajikistan" in result.stdout
    assert (project_copy / "index" / "searcher.json").exists()
    again = run("Taliban Tajikistan", cwd=project_copy)
    assert "indexing" not in again.stderr


def test_json_output(project_copy, small_archive):
    index_dir = project_copy / "ix"
    built = run("index", str(small_archive), "--index", str(index_dir), cwd=project_copy)
    assert built.returncode == 0, built.stderr
    assert "301 added" in built.stderr
    result = run("Taliban Tajikistan", "--json", "--index", str(index_dir), cwd=project_copy)
    data = json.loads(result.stdout)
    assert data["query"] == "Taliban Tajikistan" and data["total"] >= 1
    hit = data["hits"][0]
    assert hit["headline"] == "Putin ingin membangun hubungan dengan Taliban"
    assert "<mark>Taliban</mark>" in hit["snippet_html"]
    for key in ("id", "kicker", "score", "date", "source", "url", "entities", "snippet"):
        assert key in hit
    paged = json.loads(
        run(
            "Jakarta",
            "--json",
            "--limit",
            "3",
            "--page",
            "2",
            "--index",
            str(index_dir),
            cwd=project_copy,
        ).stdout
    )
    assert paged["page"] == 2 and len(paged["hits"]) == 3


def test_index_env_var_and_stats(project_copy):
    env = {"SEARCHER_INDEX": str(project_copy / "elsewhere")}
    built = run("index", "seeds", cwd=project_copy, env=env)
    assert built.returncode == 0, built.stderr
    stats = run("stats", "--json", cwd=project_copy, env=env)
    data = json.loads(stats.stdout)
    sample = (project_copy / "seeds" / "indosum-sample.jsonl").read_text("utf-8").splitlines()
    assert data["articles"] == 1 + len(sample)  # the seed page and the IndoSum sample
    assert data["schema_version"] >= 1 and data["terms"] == -1  # not counted unless asked
    counted = json.loads(run("stats", "--json", "--terms", cwd=project_copy, env=env).stdout)
    assert counted["terms"] > 10_000 and counted["articles"] == data["articles"]


def test_errors_are_one_line_and_non_zero(project_copy):
    missing = run("Taliban", "--index", str(project_copy / "nothing"), cwd=project_copy)
    assert missing.returncode != 0
    assert missing.stderr.strip().count("\n") == 0 and "no index" in missing.stderr
    unreadable = run("index", "no/such/folder", cwd=project_copy)
    assert unreadable.returncode != 0 and "no such file or folder" in unreadable.stderr
    bad_option = run("Taliban", "--limit", "zero", cwd=project_copy)
    assert bad_option.returncode != 0 and "Traceback" not in bad_option.stderr


def test_nothing_indexable_exits_non_zero(project_copy):
    (project_copy / "kosong.txt").write_bytes(b"")
    result = run("index", "kosong.txt", "--index", str(project_copy / "ix"), cwd=project_copy)
    assert result.returncode == 1
    assert "empty file" in result.stderr


def test_click_runner_plain_output_is_not_styled(tmp_path):
    runner = CliRunner()
    index_dir = str(tmp_path / "ix")
    assert runner.invoke(main, ["index", str(ROOT / "seeds"), "--index", index_dir]).exit_code == 0
    result = runner.invoke(main, ["Taliban", "--index", index_dir])
    assert result.exit_code == 0
    assert "\x1b[" not in result.output
    assert "Putin ingin membangun hubungan dengan Taliban" in result.output


def test_python_m_runs_every_command_not_a_query_for_its_name(tmp_path):
    """``python -m searcher.faces.cli warm status`` is the ``warm status`` command (every
    group is registered before the command line is read), not a search for "warm"."""
    env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)  # no warm server of this user is found there
    done = subprocess.run(
        [sys.executable, "-m", "searcher.faces.cli", "warm", "status"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("no warm server is running for ")
    assert "match" not in done.stdout  # not a search for the word "warm"
