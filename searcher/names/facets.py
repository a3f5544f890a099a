"""Counting the entities among a set of matches, one line per entity.

An article's entities are kept in its ``facets`` column as ``LABEL\\tName`` lines; this
module is the one place that writes and reads that encoding. Counting runs on the
index view's (article, entity) table, so it covers every match, not one page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from searcher.names.aliases import AliasTable

def facet_line(label: str, name: str) -> str:
    """How the ``facets`` column stores one entity of an article."""
    return f"{label}\t{name}"


def split_facet_line(line: str) -> tuple[str, str]:
    """``(label, name)`` of a ``facets`` line."""
    label, _, name = line.partition("\t")
    return label, name


def canonical_entities(table, aliases: AliasTable) -> tuple[np.ndarray, list[str]]:
    """Each entity name's canonical entity (a ``facets`` line): aliases merged, and case
    variants (``JAKARTA``) shown in their most used spelling."""
    uses = np.bincount(table.keys, minlength=len(table.names))
    groups: dict[str, int] = {}
    spelling: dict[int, tuple[int, str]] = {}
    canon = np.zeros(len(table.names), dtype=np.int64)
    for key, full in enumerate(table.names):
        label, name = split_facet_line(full)
        shown = aliases.shown(name)
        group = groups.setdefault(facet_line(label, shown.casefold()), len(groups))
        canon[key] = group
        known = shown != name or shown in aliases.forms
        best = spelling.get(group)
        weight = int(uses[key]) + (1 << 40 if known else 0)
        if best is None or weight > best[0]:
            spelling[group] = (weight, facet_line(label, shown))
    return canon, [spelling[g][1] for g in range(len(groups))]


def count_facets(
    table, canonical: tuple[np.ndarray, list[str]], mask: np.ndarray, size: int | None
) -> dict[str, list[tuple[str, int]]]:
    """The most frequent entities among the articles in ``mask``, per label, with article
    counts; an article naming an entity by two of its names counts once; ``size`` names
    per label at most (None: all)."""
    canon_of_key, canon_names = canonical
    picked = mask[table.docs]
    docs, keys = table.docs[picked].astype(np.int64), canon_of_key[table.keys[picked]]
    width = max(1, len(canon_names))
    pairs = np.unique(docs * width + keys)
    counts = np.bincount(pairs % width, minlength=width)
    # ties keep the order the names are first met among the matches
    present, first_seen = np.unique(keys, return_index=True)
    order = np.full(width, len(keys), dtype=np.int64)
    order[present] = first_seen
    ranked = np.lexsort((order, -counts))
    found: dict[str, list[tuple[str, int]]] = {}
    for key in ranked:
        if counts[key] == 0:
            break
        label, name = split_facet_line(canon_names[key])
        names = found.setdefault(label, [])
        if size is None or len(names) < size:
            names.append((name, int(counts[key])))
    return found
