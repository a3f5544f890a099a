"""Numbers a user may want to tune, in one place, each with its reason."""

import os

#: Query-time weight of each searchable field in BM25F. A word in the headline says more
#: about what an article is about than the same word in passing in the body. A word that
#: names one of the article's entities gets a small extra weight: larger weights cost
#: MRR@10 on the dev halves of the known-item sets (FacQA 0.797 at 0.25, 0.790 at 0.5,
#: 0.751 at 1.5; benchmarks/tune.py).
FIELD_BOOSTS = {"headline": 2.0, "kicker": 1.0, "body": 1.0, "entities": 0.25}

#: BM25 parameters: ``K1`` saturates repeated words, ``B`` normalises for field length.
#: B 0.9 over 0.75 (with BM25F): Detik dev 0.864 -> 0.874, FacQA 0.800 -> 0.804.
BM25_K1 = 1.2
BM25_B = 0.9
#: Per-field ``B`` where it differs from ``BM25_B``.
FIELD_B: dict[str, float] = {}
#: How a word found in several fields scores: ``"bm25f"`` sums the fields' boosted,
#: length-normalised frequencies and saturates once (Robertson and Zaragoza's BM25F);
#: ``"per-field"`` adds a BM25 score per field (what Whoosh's BM25F does). On the dev
#: halves bm25f scores as well or better (FacQA 0.797 -> 0.800).
SCORING = "bm25f"

#: Postings kept decoded in memory per open index (about 16 bytes each): enough for
#: the few hundred words a busy search page sees, bounded so one index cannot grow
#: without limit. Least recently used words are decoded again when next asked for.
CACHED_POSTINGS = 8_000_000

#: Hits per page when the caller does not say.
DEFAULT_LIMIT = 10
#: Upper bound on hits per page, so one request cannot ask for the whole archive
#: (the command line, the library and the page share it).
MAX_LIMIT = 100
#: Deepest page number accepted; deeper paging is almost always a crawler.
MAX_PAGE = 1000

#: Spelling suggestions look at most this many unknown words of a query, for at most
#: this long: each costs a scan of the word list (up to ~50 ms over 3,463 articles), and
#: a 490-character query of nonsense once took 3.3 s and stalled the page for everyone.
SUGGEST_WORDS = 3
SUGGEST_SECONDS = 0.25

#: Snippet shape: up to this many fragments of about this many characters each.
SNIPPET_FRAGMENTS = 3
SNIPPET_CHARS = 200

#: Articles per index commit. A killed run loses at most this many articles' work
#: (about 6 s at 2 processes); larger batches index faster and make fewer, larger
#: segments (10,000 articles, 2 processes: 305 -> 331 articles/s, 144 -> 121 MB
#: from 1,000 to 2,000).
COMMIT_BATCH = 2000
#: Environment variable that overrides ``COMMIT_BATCH`` (tests use small batches).
COMMIT_BATCH_ENV_VAR = "SEARCHER_COMMIT_BATCH"

#: With several indexing processes, seconds without one article finished before the run
#: says a worker seems stopped, and before it gives up (an article takes well under a
#: second; tagging a 100,000-character one about two). ``$SEARCHER_STALL_WARN`` and
#: ``$SEARCHER_STALL_GIVE_UP`` override them (the tests stop a worker for a few seconds).
STALL_WARN_SECONDS = 30.0
STALL_GIVE_UP_SECONDS = 300.0


def stall_seconds(which: str) -> float:
    """``STALL_WARN_SECONDS`` or ``STALL_GIVE_UP_SECONDS``, or a valid override from the
    environment (a positive number of seconds; anything else is ignored)."""
    default = STALL_WARN_SECONDS if which == "WARN" else STALL_GIVE_UP_SECONDS
    raw = os.environ.get(f"SEARCHER_STALL_{which}", "")
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if 0 < value < float("inf") else default


#: Longest body indexed, in characters (about 150,000 words: far beyond any news
#: article). A longer "article" is a dump or a broken file; its start is indexed.
MAX_BODY_CHARS = 1_000_000
#: Entities are looked for in this much of an article's start; names that matter
#: appear early, and tagging is the costliest step of indexing.
MAX_ENTITY_CHARS = 100_000

#: Default index folder, overridden by ``--index`` or ``$SEARCHER_INDEX``.
DEFAULT_INDEX_DIR = "index"
INDEX_ENV_VAR = "SEARCHER_INDEX"
