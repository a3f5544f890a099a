"""An index written before the package had layers still opens and answers the same.

Whoosh pickles the schema into the index with the module path of every class in it
(the field type, the analyzer's filters, the positions format). Before the layers
those were ``searcher.schema``, ``searcher.analysis`` and ``searcher.packed_positions``;
``searcher.engine.embedded.schema.OLD_PATHS`` keeps them resolvable.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from searcher import Archive
from searcher.engine.embedded import positions, schema
from searcher.text import analysis
from tests.conftest import ROOT

#: The last commit before the package had layers (its code wrote the old paths).
BEFORE_LAYERS = "f4a0b56"
QUERIES = ["Taliban Tajikistan", "Jokowi", '"Joko Widodo"', "harga -beras", "person:Prabowo"]
#: Prints, for each query, what a person sees: total, understood, ids, scores, snippets.
ANSWERS = """
import json, sys
from searcher import Archive
archive = Archive(sys.argv[1])
out = []
for query in json.loads(sys.argv[2]):
    found = archive.search(query, facets=True)
    out.append([found.total, found.understood, found.facets,
                [(h.id, round(h.score, 4), h.snippet, h.entities) for h in found.hits]])
print(json.dumps(out))
"""


def answers(index_dir, code=None) -> list:
    """The answers of a fresh process running today's code (nothing patched), or the
    code in the folder ``code``."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(code)} if code else None
    done = subprocess.run(
        [sys.executable, "-c", ANSWERS, str(index_dir), json.dumps(QUERIES)],
        cwd=code or ROOT, env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(done.stdout)


def _toc(index_dir) -> bytes:
    return b"".join(p.read_bytes() for p in index_dir.glob("_*.toc"))


@pytest.fixture(scope="module")
def today(tmp_path_factory, small_archive):
    folder = tmp_path_factory.mktemp("today") / "ix"
    Archive(folder).index([small_archive], procs=1)
    assert b"searcher.text.analysis" in _toc(folder)
    return folder


def test_an_index_pickled_with_the_old_paths_opens_and_answers_the_same(
    tmp_path, small_archive, today, monkeypatch
):
    classes = {
        "searcher.analysis": [
            getattr(analysis, name)
            for name in dir(analysis)
            if isinstance(getattr(analysis, name), type)
            and getattr(analysis, name).__module__ == analysis.__name__
        ],
        "searcher.schema": [schema.IndonesianText],
        "searcher.packed_positions": [positions.PackedPositions],
    }
    for old, found in classes.items():
        assert found
        for cls in found:
            monkeypatch.setattr(cls, "__module__", old)
    folder = tmp_path / "old"
    Archive(folder).index([small_archive], procs=1)
    monkeypatch.undo()
    toc = _toc(folder)
    assert b"searcher.analysis" in toc and b"searcher.packed_positions" in toc
    assert b"searcher.text.analysis" not in toc and b"searcher.engine" not in toc
    assert answers(folder) == answers(today)


def test_an_index_built_by_the_code_before_the_layers_answers_the_same(tmp_path, small_archive):
    """Today's code reads the old index as the old code did: the same answers, though
    today's cleaning would index some of these articles a little differently."""
    known = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{BEFORE_LAYERS}^{{commit}}"],
        capture_output=True,
    )  # fmt: skip
    if known.returncode != 0:
        pytest.skip(f"this clone has no commit {BEFORE_LAYERS} (a shallow clone)")
    old_code = tmp_path / "code"
    old_code.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BEFORE_LAYERS, "searcher"],
        capture_output=True, check=True,
    )  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(old_code)], input=archive.stdout, check=True)
    folder = tmp_path / "old"
    build = (
        "import sys; from searcher import Archive; "
        "Archive(sys.argv[1]).index(sys.argv[2:], procs=1)"
    )
    subprocess.run(
        [sys.executable, "-c", build, str(folder), str(small_archive)],
        cwd=old_code, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(old_code)},
        capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    assert b"searcher.analysis" in _toc(folder)
    before = answers(folder, old_code)
    shutil.rmtree(old_code)  # nothing of the old code is left to import
    assert answers(folder) == before
