"""Syndicated and repeated stories: the same story under another URL, id or outlet.

Wire stories are re-published with a different dateline, lead sentence or outlet
boilerplate, and exports hold the same story twice. Each article gets a MinHash of its
body's word 5-shingles (``datasketch``); at index time it joins the group of the most
similar article already indexed when their estimated Jaccard similarity reaches
``SIMILAR``, found through MinHash LSH, so a result list can show each story once.
MinHash rather than simhash: on the test set of ``benchmarks/duplicates.py`` it separates
edited copies from different stories on the same topic with room to spare, and
``datasketch`` gives the LSH index with it.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

# ``datasketch`` is imported where it is used: it takes half a second to import (with
# scipy), which indexing can afford and a one-shot query must not pay.

#: Permutations per signature: 64 estimates a Jaccard of 0.5 within about ±0.06.
NUM_PERM = 64
#: datasketch's hashing scheme, named so stored signatures stay comparable.
SCHEME = "affine32"
#: Words per shingle: long enough that two stories on one topic share few.
SHINGLE = 5
#: Estimated Jaccard similarity of shingles from which two articles are one story.
#: On ``benchmarks/duplicates.py`` (600 IndoSum stories, 5 kinds of edited copy, the
#: Detik export's repeats): 0.5 -> recall 0.89, precision 0.995; 0.35 -> 0.95, 0.990;
#: 0.25 -> 0.97, 0.983; no same-topic story was grouped at any of them.
SIMILAR = 0.35
#: Words of the body looked at: a copy is recognisable from its first thousand words.
MAX_WORDS = 1000

_WORD = re.compile(r"\w+")
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|ref|source|from|page)$", re.I)


def canonical_url(url: str) -> str:
    """One spelling of a story's URL: scheme, ``www.``/``m.``, tracking parameters,
    fragment and trailing slash do not make another article. ``""`` for none."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))


def signature(text: str) -> MinHash:
    """The MinHash of ``text``'s word shingles (lowercased)."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())[:MAX_WORDS]
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    if len(words) >= SHINGLE:
        minhash.update_batch(
            [
                " ".join(words[i : i + SHINGLE]).encode("utf-8")
                for i in range(len(words) - SHINGLE + 1)
            ]
        )
    elif words:
        minhash.update(" ".join(words).encode("utf-8"))
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations(),
        hashvalues=np.frombuffer(data, dtype=np.uint64).copy(),
    )  # fmt: skip


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """The permutations of every signature, drawn once: a MinHash draws its own by
    default (0.4 ms each, as much as hashing the shingles) and keeps the copy."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def _short_key(band: bytes) -> bytes:
    return hashlib.blake2b(band, digest_size=8).digest()


class Grouper:
    """Assigns each article the group of the story it repeats (or a group of its own)."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        # band keys shortened to 8 bytes (datasketch's ``hashfunc``): a collision only
        # adds a candidate, which the Jaccard estimate below then turns down
        self.lsh = MinHashLSH(threshold=SIMILAR, num_perm=NUM_PERM, hashfunc=_short_key)
        #: each article's hash values only (a MinHash object is several times larger)
        self.signatures: dict[str, np.ndarray] = {}
        self.groups: dict[str, str] = {}

    def add(self, article_id: str, group: str, minhash: MinHash) -> None:
        """Remember an article already in the index (or just placed in a group)."""
        if article_id in self.signatures:
            self.lsh.remove(article_id)
        self.lsh.insert(article_id, minhash)
        self.signatures[article_id] = minhash.hashvalues
        self.groups[article_id] = group

    def assign(self, article_id: str, text: str) -> tuple[str, bytes]:
        """The group of the article with this body, and its signature to store."""
        minhash = signature(text)
        best, best_score = None, SIMILAR
        for other in self.lsh.query(minhash):
            if other == article_id:
                continue
            # MinHash.jaccard: the share of equal hash values
            score = np.count_nonzero(minhash.hashvalues == self.signatures[other]) / NUM_PERM
            if score >= best_score:
                best, best_score = other, score
        group = self.groups[best] if best is not None else article_id
        self.add(article_id, group, minhash)
        return group, to_bytes(minhash)
