"""Every example in the README, typed as a person would, returns results on a fresh clone."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run

README = (ROOT / "README.md").read_text("utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def _search_examples() -> list[list[str]]:
    """The `search …` lines of the README's shell blocks that read an index (not those that
    build one from a placeholder ARCHIVE, start a server or run another command)."""
    examples = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            line = line.strip()
            if not line.startswith("search ") or "ARCHIVE" in line or "ID..." in line:
                continue
            words = shlex.split(line, comments=True)
            if words[1] in ("serve", "index", "cluster") or "--backend" in words:
                continue  # tests/engine/cluster/test_readme_cluster.py runs the cluster block
            examples.append(words[1:])
    return examples


EXAMPLES = _search_examples()


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    """The shipped seeds/ in a folder of its own, as a clone has them (no index yet)."""
    folder = tmp_path_factory.mktemp("clone")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    first = run("Taliban Tajikistan", cwd=folder)  # the README's first command
    assert "indexing seeds/ first" in first.stderr
    assert "1. Putin ingin membangun hubungan dengan Taliban" in first.stdout
    return folder


def test_the_readme_has_the_examples_we_expect():
    assert len(EXAMPLES) >= 10
    assert ["Putin", "-Taliban"] in EXAMPLES


@pytest.mark.parametrize("words", EXAMPLES, ids=[" ".join(w) for w in EXAMPLES])
def test_readme_example_returns_results(fresh_clone, words):
    result = run(*words, cwd=fresh_clone)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    output = result.stdout
    if "--export" in words:
        written = fresh_clone / words[words.index("--export") + 1]
        assert re.search(r"wrote \d[\d,]* articles", result.stderr)
        assert len(written.read_text("utf-8").splitlines()) > 2
    elif "--json" in words:
        import json

        assert json.loads(output)["hits"]
    elif words[0] == "entities":
        assert len(output.splitlines()) >= 5
    elif words[0] == "stats":
        assert "articles:" in output
    elif words[0] == "show":
        assert output.splitlines()[0] and len(output.splitlines()) > 5  # headline ... body
    elif words[0] == "related":
        assert re.search(r"^1\. \S", output, re.M), output
    else:
        assert re.search(r"^\d[\d,]* articles? match", output, re.M), output
        assert "No articles match" not in output


def test_readme_python_example_runs(fresh_clone):
    (code,) = _blocks("python")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=fresh_clone, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"\d+ added, \d+ updated, \d+ unchanged, .* in [\d.]+ s.*", lines[0])
    assert lines[1].startswith("1 Taliban AND Tajikistan None")
    assert "Putin ingin membangun hubungan dengan Taliban" in lines[2]
    assert lines[-2].startswith("Overview(articles=")
    narrowed, loose, either = map(int, lines[-1].split())
    assert narrowed > 0 and loose > 0 and either > 0
