"""SphinxQL for searcher's query tree, and how searcher's terms and keys are written.

Shared by the cluster backend's reading (``searcher.engine.cluster.backend``) and writing
(``searcher.engine.cluster.writer``): a term with characters outside ``[0-9a-z]`` is
written as ``u_`` and its UTF-8 in hex (which no plain term can be), and entity names,
outlets and article ids become stable 63-bit ids.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from searcher.engine import date_code
from searcher.query.tree import All, Any, DateRange, FieldWord, Keyword, Node, Not, Phrase, Word

#: The token every article's ``every`` field holds (``u_`` then a non-hex letter: no
#: encoded term can be it).
EVERY = "u_all"
#: Facet labels and the attribute each is counted on.
FACET_ATTRIBUTES = {"PER": "facet_per", "LOC": "facet_loc", "ORG": "facet_org"}
_PLAIN = re.compile(r"^[0-9a-z]+$")


def token(term: str) -> str:
    """A term as the cluster indexes it (plain, or ``u_`` + hex)."""
    return term if _PLAIN.match(term) else "u_" + term.encode("utf-8").hex()


def key_id(text: str) -> int:
    """A stable positive 63-bit id for a key (an article id, an entity key, a word)."""
    value = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")
    return (value & (2**63 - 1)) or 1


def doc_id(article_id: str) -> int:
    return key_id("doc\x00" + article_id)


def quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def in_list(values: Iterable[int]) -> str:
    return "(" + ",".join(str(v) for v in values) + ")"


@dataclass
class Compiled:
    """A tree as a ``MATCH()`` expression ("" for none), plain attribute filters, and
    boolean select expressions for the filters those cannot say."""

    match: str = ""
    filters: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)


def _text(node: Node) -> str:
    """The ``MATCH()`` syntax of a text node (words, phrases, field limits)."""
    if isinstance(node, Word):
        return token(node.term)
    if isinstance(node, Phrase):
        words = '"' + " ".join(token(t) for t in node.terms) + '"'
        return f"(@{node.field} {words})" if node.field else words
    if isinstance(node, FieldWord):
        return f"(@{node.field} {token(node.term)})"
    if isinstance(node, All):
        kept = [_text(c) for c in node.children if not isinstance(c, Not)]
        left = [f"-({_text(c.child)})" for c in node.children if isinstance(c, Not)]
        return "(" + " ".join(kept + left) + ")"
    if isinstance(node, Any):
        return "(" + " | ".join(_text(c) for c in node.children) + ")"
    raise ValueError(f"not a text node: {node!r}")


def _is_text(node: Node) -> bool:
    if isinstance(node, (Word, Phrase, FieldWord)):
        return True
    if isinstance(node, (All, Any)) and node.children:
        return all(_is_text(c.child if isinstance(c, Not) else c) for c in node.children)
    return False


def _native(node: Node) -> list[str] | None:
    """A filter node as plain ``WHERE`` filters on attributes (what every query form,
    facets included, passes to the shards), or None when it needs an expression."""
    if isinstance(node, Keyword):
        return [f"{node.field} = {key_id(node.value)}"]
    if isinstance(node, DateRange):
        low = date_code(node.start) if node.start is not None else 1
        high = date_code(node.stop) if node.stop is not None else 2**62
        return [f"date BETWEEN {max(1, low)} AND {high}"]
    if isinstance(node, All) and node.children:
        parts = [_native(c) for c in node.children]
        return None if any(p is None for p in parts) else [x for p in parts for x in p]
    negate = isinstance(node, Not)
    inner = node.child if negate else node
    keywords = [inner] if isinstance(inner, Keyword) else (
        list(inner.children) if isinstance(inner, Any) else []
    )  # fmt: skip
    if keywords and all(isinstance(c, Keyword) for c in keywords):
        fields = {c.field for c in keywords}
        if len(fields) == 1:
            values = ", ".join(str(key_id(c.value)) for c in keywords)
            return [f"{fields.pop()} {'NOT IN' if negate else 'IN'} ({values})"]
    return None


def _condition(node: Node) -> str:
    """A filter node as a boolean select expression (filters ``_native`` cannot say)."""
    if isinstance(node, Keyword):
        return f"IN({node.field}, {key_id(node.value)})"
    if isinstance(node, DateRange):
        parts = ["date > 0"]
        if node.start is not None:
            parts.append(f"date >= {date_code(node.start)}")
        if node.stop is not None:
            parts.append(f"date <= {date_code(node.stop)}")
        return "(" + " AND ".join(parts) + ")"
    if isinstance(node, Any) and all(isinstance(c, Keyword) for c in node.children):
        fields = {c.field for c in node.children}
        if len(fields) == 1:
            field = fields.pop()
            return f"IN({field}, {', '.join(str(key_id(c.value)) for c in node.children)})"
    if isinstance(node, (All, Any)) and node.children:
        joiner = " AND " if isinstance(node, All) else " OR "
        return "(" + joiner.join(_condition(c) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"NOT {_condition(node.child)}"
    raise ValueError(f"cannot filter on {node!r}")


def compile_tree(tree: Node) -> Compiled:
    """The tree as SphinxQL: text parts go to ``MATCH()``, filters to conditions."""
    compiled = Compiled()
    parts = tree.children if isinstance(tree, All) else (tree,)
    if isinstance(tree, Any) and not tree.children:
        compiled.conditions.append("0")  # nothing
        return compiled
    text, banned = [], []
    for part in parts:
        if isinstance(part, Not) and _is_text(part.child):
            banned.append(f"-({_text(part.child)})")
        elif _is_text(part):
            text.append(_text(part))
        elif (native := _native(part)) is not None:
            compiled.filters.extend(native)
        else:
            compiled.conditions.append(_condition(part))
    if banned and not text:
        text.append(f"(@every {EVERY})")  # exclusions alone are not computable
    compiled.match = " ".join(text + banned)
    return compiled
