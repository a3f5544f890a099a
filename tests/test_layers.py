"""The package's plan, checked: each module sits in a layer, imports only from its own
layer or those below it, and no chain of imports runs in a circle.

The layers, lowest first (``../shared/DESIGN.md``, "The shape of the house"):

    ground     records, settings, errors, names every layer uses (``vocabulary``)
    text       tokenizing, stemming, spans, snippets
    ingest     files on disk -> ``Article`` (reading, cleaning, dates, stories)
    names      the tagger, aliases, facets
    query      what a person types -> our own tree
    research   views over a query's matches (timelines)
    indexing   the one pipeline: read -> ids -> checksums -> stories -> tags -> aliases
    engine     the Backend protocol; the embedded engine and the cluster, side by side
    library    ``Archive`` and export, the documented calls
    faces      the command line, its warm server, the search page
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "searcher"

LAYERS = (
    ("ground", ("searcher", "searcher.errors", "searcher.vocabulary", "searcher.article",
                "searcher.settings", "searcher.results", "searcher.index_run")),
    ("text", ("searcher.text",)),
    ("ingest", ("searcher.ingest",)),
    ("names", ("searcher.names",)),
    ("query", ("searcher.query",)),
    ("research", ("searcher.research",)),
    ("indexing", ("searcher.indexing",)),
    ("engine", ("searcher.engine",)),
    ("library", ("searcher.archive", "searcher.export")),
    ("faces", ("searcher.faces",)),
)  # fmt: skip

#: Engines that must not reach into each other: each brings its own writer and reader.
SIBLINGS = ("searcher.engine.embedded", "searcher.engine.cluster")
#: What a face may import besides other faces: the documented library and the ground,
#: and the local cluster's nodes (starting and stopping ``searchd`` processes on this
#: machine is a library of its own, not a way into the cluster engine's answers).
FACES_MAY_IMPORT = ("searcher.archive", "searcher.export", "searcher.engine.cluster.nodes")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    """The rank of ``module``'s layer (the longest matching prefix decides)."""
    best, rank = -1, None
    for n, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), n
    assert rank is not None, f"{module} is in no layer: add it to LAYERS"
    return rank


def _under_type_checking(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(module: str) -> set[str]:
    """Every searcher module ``module`` imports, at its top or inside a function."""
    path = MODULES[module]
    tree = ast.parse(path.read_text("utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from package import module`` imports the module (the package's __init__
            # runs too, but names nothing of its own here)
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            names = [m for m in submodules if m in MODULES]
            if len(names) < len(submodules):
                names.append(base)
        else:
            continue
        found.update(name for name in names if name in MODULES and name != module)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def test_every_module_is_in_a_layer():
    for module in MODULES:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_from_a_higher_layer(module):
    rank = layer_of(module)
    upward = sorted(
        f"{other} ({LAYERS[layer_of(other)][0]})"
        for other in GRAPH[module]
        if layer_of(other) > rank and other != "searcher"
    )
    assert not upward, f"{module} ({LAYERS[rank][0]}) imports from above: {upward}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_an_engine_does_not_reach_into_the_other(module):
    for mine in SIBLINGS:
        if module == mine or module.startswith(mine + "."):
            others = [s for s in SIBLINGS if s != mine]
            reached = sorted(
                m for m in GRAPH[module] for o in others if m == o or m.startswith(o + ".")
            )
            assert not reached, f"{module} reaches into {reached}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("searcher.faces")))
def test_faces_use_only_the_library(module):
    inner = sorted(
        other
        for other in GRAPH[module]
        if not other.startswith("searcher.faces")
        and layer_of(other) != 0
        and other not in FACES_MAY_IMPORT
    )
    assert not inner, f"{module} reaches past the library into {inner}"


def test_no_import_cycle():
    """A depth-first walk that meets a module still on its path has found a cycle."""
    cycles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(GRAPH[module]):
            if other == "searcher" or other.startswith(module + "."):
                continue  # a package's own __init__ re-exporting its children is no cycle
            if state.get(other) == 1:
                cycles.append(" -> ".join([*path[path.index(other) :], other]))
            elif other not in state:
                visit(other, [*path, other])
        state[module] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("module", ["searcher.results", "searcher.query", "searcher.query.parse"])
def test_records_and_the_parser_load_neither_whoosh_nor_numpy(module):
    code = (
        f"import sys, {module}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'whoosh', 'numpy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"importing {module} loads {out.stdout.strip()}"
