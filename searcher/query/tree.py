"""The query model: a small tree of frozen nodes that belongs to no engine.

``searcher.query.parse`` builds it from what a person types (and from structured filters),
``searcher.engine.embedded.evaluation`` compiles it to numpy work over the embedded index, and any
other backend compiles the same tree to its own language. Nodes carry the index
terms (stems) already analysed, so every backend searches the same words.

A node may carry a ``label``: how the person typed it (``Jokowi``, ``date:2017``).
``render`` reads a tree back as ``a AND b NOT c`` from the labels, each clause once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from dataclasses import field as _field
from datetime import datetime


@dataclass(frozen=True)
class Word:
    """An index term looked up in every searchable field, ranked with BM25F; ``weight``
    scales it (another name of an entity counts a little less than the name typed)."""

    term: str
    weight: float = 1.0
    label: str = _field(default="", compare=False)


@dataclass(frozen=True)
class Phrase:
    """Index terms at consecutive positions, in ``field`` or (None) in every searchable
    field, each field scored on its own and summed."""

    terms: tuple[str, ...]
    field: str | None = None
    weight: float = 1.0
    label: str = _field(default="", compare=False)


@dataclass(frozen=True)
class FieldWord:
    """An index term in one text field (``headline:banjir``), ranked with that field's BM25."""

    field: str
    term: str
    label: str = _field(default="", compare=False)


@dataclass(frozen=True)
class Keyword:
    """A filter: articles whose keyword field (an entity name, an outlet's word) holds
    ``value`` exactly. Filters narrow; they never rank."""

    field: str
    value: str
    label: str = _field(default="", compare=False)


@dataclass(frozen=True)
class DateRange:
    """A filter: articles dated from ``start`` to ``stop`` inclusive (either may be open);
    undated articles never match."""

    start: datetime | None
    stop: datetime | None
    label: str = _field(default="", compare=False)


@dataclass(frozen=True)
class Not:
    """Leave out what ``child`` matches; only meaningful inside ``All``."""

    child: Node
    label: str = _field(default="", compare=False)


@dataclass(frozen=True)
class All:
    """Articles matching every child (``Not`` children subtract); scores add up.
    ``All(())`` is every article."""

    children: tuple[Node, ...]
    label: str = _field(default="", compare=False)


@dataclass(frozen=True)
class Any:
    """Articles matching at least one child; the scores of the children matched add up.
    ``Any(())`` is no article."""

    children: tuple[Node, ...]
    label: str = _field(default="", compare=False)


Node = Word | Phrase | FieldWord | Keyword | DateRange | Not | All | Any

NOTHING = Any(())


def all_of(*nodes: Node, label: str = "") -> Node:
    """``All`` of the nodes, or the one node itself (with ``label``, when given)."""
    if len(nodes) == 1:
        return replace(nodes[0], label=label) if label else nodes[0]
    return All(tuple(nodes), label)


def any_of(*nodes: Node, label: str = "") -> Node:
    """``Any`` of the nodes, or the one node itself (with ``label``, when given)."""
    if len(nodes) == 1:
        return replace(nodes[0], label=label) if label else nodes[0]
    return Any(tuple(nodes), label)


def scored_parts(node: Node) -> Iterator[Word | Phrase | FieldWord]:
    """The parts of a tree that rank: its words, phrases and field words, outside any
    ``Not`` (filters and exclusions narrow, they never rank)."""
    if isinstance(node, (Word, Phrase, FieldWord)):
        yield node
    elif isinstance(node, (All, Any)):
        for child in node.children:
            yield from scored_parts(child)


def ranks(node: Node) -> bool:
    """True when the node has words to rank by (not filters alone)."""
    return next(scored_parts(node), None) is not None


def terms(node: Node) -> set[str]:
    """The index terms a positive part of the tree looks for (what snippets mark)."""
    return {
        term
        for part in scored_parts(node)
        for term in (part.terms if isinstance(part, Phrase) else (part.term,))
    }


def render(node: Node) -> str:
    """How a person reads the tree: ``a AND b NOT c``, ``a OR b``, ``everything NOT c``;
    "" for a tree that searches nothing."""
    if node == NOTHING:
        return ""
    if isinstance(node, All):
        kept = [_shown(c, len(node.children)) for c in node.children if not isinstance(c, Not)]
        left = [_shown(c.child, 1) for c in node.children if isinstance(c, Not)]
        if node.label:
            return node.label
        text = " AND ".join(dict.fromkeys(k for k in kept if k))
        if left:
            text = text or "everything"
        return (text + "".join(f" NOT {s}" for s in dict.fromkeys(left))).strip()
    if isinstance(node, Not):
        return f"everything NOT {_shown(node.child, 1)}"
    return _shown(node, 1)


def _shown(node: Node, siblings: int) -> str:
    if node.label:
        return node.label
    if isinstance(node, Any):
        text = " OR ".join(dict.fromkeys(_shown(c, 2) for c in node.children))
        return f"({text})" if siblings > 1 and len(node.children) > 1 else text
    if isinstance(node, All):
        inner = render(node)
        return f"({inner})" if siblings > 1 and len(node.children) > 1 else inner
    if isinstance(node, (Word, FieldWord)):
        return node.term
    if isinstance(node, Phrase):
        return '"' + " ".join(node.terms) + '"'
    if isinstance(node, Keyword):
        return f"{node.field}:{node.value}"
    if isinstance(node, DateRange):
        shown = [b.date().isoformat() if b else "" for b in (node.start, node.stop)]
        return f"date:{shown[0]}..{shown[1]}"
    return render(node)
