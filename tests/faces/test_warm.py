"""The warm server: a later ``search`` process is answered by the server the first one
started, with exactly what it would have printed itself, and the server goes away when
told, when idle, or when its index does."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from searcher.faces import launch, warm_client
from searcher.faces.cli import main as cli_group
from tests.conftest import ROOT, SEARCH

#: Queries as a user types them (README examples and the awkward cases).
QUERIES = [
    ["Taliban Tajikistan"],
    ["Putin", "-Taliban"],
    ['"pangkalan militer" -Rusia'],
    ["Jokowi OR Prabowo pilkada"],
    ["headline:banjir date:2017-01..2017-03"],
    ['entity:"Vladimir Putin"', "--json"],
    ["Jakarta", "--limit", "5", "--page", "2"],
    ["source:kumparan", "-Jakarta", "--facets"],
    ["--", "-Jakarta", "--limit", "3"],
    ["pemerintah", "--timeline", "--per", "year"],
    ["Jokowwi"],
    ["Jakarta", "--page", "999"],
    ["date:garbage"],
    ["Jakarta", "--limit", "0"],
    ["query", "index"],
]


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory) -> Path:
    """The shipped sample archive, indexed once through the CLI."""
    index = tmp_path_factory.mktemp("warm") / "ix"
    built = subprocess.run(
        [SEARCH, "index", str(ROOT / "seeds"), "--index", str(index)],
        capture_output=True, text=True, env={**os.environ, "SEARCHER_WARM": "0"},
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    return index


@pytest.fixture
def warm_env(tmp_path):
    """The warm server on, its sockets in this test's own folder; stopped afterwards."""
    env = {**os.environ, "SEARCHER_WARM": "1", "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "SEARCHER_WARM_SECONDS": "60"}  # fmt: skip
    env.pop("SEARCHER_INDEX", None)
    (tmp_path / "run").mkdir(mode=0o700)
    yield env
    subprocess.run([SEARCH, "warm", "stop", "--all"], env=env, capture_output=True, timeout=60)


def search(env: dict, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SEARCH, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def answered(env: dict) -> int:
    """How many queries the running warm servers say they answered (-1: none runs)."""
    status = search(env, "warm", "status", "--all")
    counts = [int(line.split("pid")[1].split()[1].replace(",", ""))
              for line in status.stdout.splitlines() if " queries answered" in line]  # fmt: skip
    return sum(counts) if counts else -1


def wait_for_server(env: dict, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while answered(env) < 0:
        assert time.monotonic() < deadline, "the warm server did not start"
        time.sleep(0.2)


def test_the_first_search_starts_a_server_that_answers_the_next_ones_alike(sample_index, warm_env):
    cold_env = {**warm_env, "SEARCHER_WARM": "0"}
    first = search(warm_env, "Taliban Tajikistan", "--index", str(sample_index))
    assert first.returncode == 0, first.stderr
    wait_for_server(warm_env)
    before = answered(warm_env)
    for args in QUERIES:
        args = [*args, "--index", str(sample_index)] if args[0] != "--" else [
            "--index", str(sample_index), *args]  # fmt: skip
        cold = search(cold_env, *args)
        hot = search(warm_env, *args)
        assert (hot.returncode, hot.stdout, hot.stderr) == (
            cold.returncode,
            cold.stdout,
            cold.stderr,
        ), args
    # every query above went to the server, none ran in its own process
    assert answered(warm_env) == before + len(QUERIES)
    assert (
        "Putin ingin membangun hubungan dengan Taliban"
        in search(warm_env, "Taliban", "Tajikistan", "--index", str(sample_index)).stdout
    )


def test_relative_index_folders_and_cwd_are_the_callers(sample_index, warm_env, tmp_path):
    """``--index ix`` and ``--export out.csv`` mean the caller's folder, not the server's."""
    search(warm_env, "Jakarta", "--index", str(sample_index))
    wait_for_server(warm_env)
    here = sample_index.parent
    result = search(warm_env, "banjir", "--index", "ix", "--export", "out.csv", cwd=here)
    assert result.returncode == 0, result.stderr
    assert (here / "out.csv").read_text("utf-8").startswith("id,date,headline")
    assert answered(warm_env) >= 1


def test_an_updated_index_is_seen_by_the_server(sample_index, warm_env, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(sample_index, index)
    search(warm_env, "Jakarta", "--index", str(index))
    wait_for_server(warm_env)
    article = tmp_path / "new.jsonl"
    article.write_text(
        '{"id": "new-1", "title": "Zamrud khatulistiwa diguncang gempa", '
        '"body": "Gempa bermagnitudo 6 mengguncang zamrud khatulistiwa pagi ini."}\n',
        "utf-8",
    )
    added = search(warm_env, "index", str(article), "--index", str(index), "--no-entities")
    assert added.returncode == 0, added.stderr
    count = answered(warm_env)
    found = search(warm_env, "zamrud khatulistiwa", "--index", str(index))
    assert "Zamrud khatulistiwa diguncang gempa" in found.stdout
    assert answered(warm_env) == count + 1


def test_colour_is_asked_for_by_the_caller(sample_index, warm_env):
    search(warm_env, "Jakarta", "--index", str(sample_index))
    wait_for_server(warm_env)
    os.environ["XDG_RUNTIME_DIR"] = warm_env["XDG_RUNTIME_DIR"]
    try:
        [path] = warm_client.servers()
    finally:
        os.environ.pop("XDG_RUNTIME_DIR")
    key = warm_client.server_key(os.path.realpath(sample_index), warm_env)
    request = {"key": key, "argv": ["Taliban", "--index", str(sample_index)], "cwd": "/"}
    plain = warm_client.send(path, {**request, "color": False})
    bold = warm_client.send(path, {**request, "color": True})
    assert "\x1b[1m" in bold["out"] and "\x1b[" not in plain["out"]
    assert warm_client.send(path, {**request, "key": "another index"})["retry"] is True


def test_stop_idle_and_a_removed_index_end_the_server(sample_index, warm_env, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(sample_index, index)
    search(warm_env, "Jakarta", "--index", str(index))
    wait_for_server(warm_env)
    stopped = search(warm_env, "warm", "stop", "--index", str(index))
    assert "stopped 1 warm server" in stopped.stderr
    assert answered(warm_env) == -1

    idle_env = {**warm_env, "SEARCHER_WARM_SECONDS": "1"}
    search(idle_env, "Jakarta", "--index", str(index))
    deadline = time.monotonic() + 30
    while not list(Path(warm_env["XDG_RUNTIME_DIR"]).rglob("*.sock")):
        assert time.monotonic() < deadline, "the warm server did not start"
        time.sleep(0.1)
    while list(Path(warm_env["XDG_RUNTIME_DIR"]).rglob("*.sock")):
        assert time.monotonic() < deadline, "an idle warm server did not exit"
        time.sleep(0.2)

    search(warm_env, "Jakarta", "--index", str(index))
    wait_for_server(warm_env)
    shutil.rmtree(index)
    gone = search(warm_env, "Jakarta", "--index", str(index))
    cold = search({**warm_env, "SEARCHER_WARM": "0"}, "Jakarta", "--index", str(index))
    assert gone.returncode == cold.returncode != 0
    assert gone.stderr == cold.stderr and str(index) in gone.stderr
    assert answered(warm_env) == -1


def test_only_queries_over_an_index_folder_go_to_the_server():
    subcommands = set(cli_group.commands) - {"query"}
    assert subcommands <= launch.NOT_A_QUERY
    env = {"SEARCHER_WARM": "1"}
    assert launch.wants_server(["Putin", "-Taliban"], env)
    assert not launch.wants_server(["index", "seeds"], env)
    assert not launch.wants_server(["Putin", "--backend", "sphinx://h:1"], env)
    assert not launch.wants_server(["Putin"], {**env, "SEARCHER_BACKEND": "sphinx://h:1"})
    assert not launch.wants_server(["Putin", "--help"], env)
    assert not launch.wants_server(["Putin"], {"SEARCHER_WARM": "off"})
    assert launch.index_folder(["x", "--index=ix"], {}, "/tmp") == os.path.realpath("/tmp/ix")
    assert launch.index_folder(["x"], {"SEARCHER_INDEX": "/a"}, "/tmp") == "/a"


def test_warm_status_and_stop_act_on_the_current_index_unless_told_all(
    sample_index, warm_env, tmp_path
):
    first, second = tmp_path / "a" / "index", tmp_path / "b" / "index"
    for index in (first, second):
        shutil.copytree(sample_index, index)
        search(warm_env, "Jakarta", cwd=index.parent)
    deadline = time.monotonic() + 30
    while len(search(warm_env, "warm", "status", "--all").stdout.splitlines()) < 2:
        assert time.monotonic() < deadline, "the two warm servers did not start"
        time.sleep(0.2)
    mine = search(warm_env, "warm", "status", cwd=first.parent)  # ./index is the first
    assert [line.split()[0] for line in mine.stdout.splitlines()] == [str(first.resolve())]
    stopped = search(warm_env, "warm", "stop", cwd=first.parent)
    assert "stopped 1 warm server" in stopped.stderr
    left = search(warm_env, "warm", "status", "--all").stdout.splitlines()
    assert [line.split()[0] for line in left] == [str(second.resolve())]
    nothing = search(warm_env, "warm", "status", cwd=first.parent)
    assert f"no warm server is running for {first.resolve()}" in nothing.stderr
