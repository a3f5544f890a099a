"""How well syndicated copies are grouped, and what grouping costs at index time.

    python benchmarks/duplicates.py [--articles 600]

The test set, from the shared articles:
- copies: IndoSum articles re-published with a new dateline and lead sentence, an
  outlet's promotional line, a few edited words or the last paragraph cut (one edit
  each, and all of them at once), which must join their original's group;
- the Detik export's own repeats (the same story under two ids), if it is here;
- hard negatives: for each original, the other article whose words overlap it most
  (another story on the same topic), which must not join it.
Prints precision and recall of "same group" over those pairs and the cost per article.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from searcher.article import Article  # noqa: E402
from searcher.ingest.files import read_archive  # noqa: E402
from searcher.ingest.stories import Grouper  # noqa: E402

OUTLET_LINES = [
    "Ikuti berita terkini lainnya hanya di kanal kami.",
    "(ant/rah) Berita ini telah tayang sebelumnya di laman mitra kami.",
]


def edits(body: str, rng: random.Random) -> dict[str, str]:
    """The copies of one article, one per kind of edit the issue names."""
    paragraphs = body.split("\n\n")

    def new_lead(text: str) -> str:
        first, _, rest = text.partition(". ")
        return "JAKARTA (Pos Kota) – Kabar terbaru datang hari ini. " + (rest or first)

    def edited(text: str) -> str:
        tokens = text.split()
        for i in rng.sample(range(len(tokens)), min(5, len(tokens))):
            tokens[i] = rng.choice(["juga", "kemarin", "sementara", "para", "itu"])
        return " ".join(tokens)

    copies = {
        "lead": new_lead(body),
        "outlet": body + "\n\n" + rng.choice(OUTLET_LINES),
        "words": edited(body),
    }
    if len(paragraphs) > 2:
        copies["cut"] = "\n\n".join(paragraphs[:-1])
    copies["all"] = edited(new_lead("\n\n".join(paragraphs[:-1] or paragraphs))) + (
        " " + OUTLET_LINES[0]
    )
    return copies


def _words(text: str) -> set[str]:
    return {w.lower() for w in text.split() if len(w) > 3}


@click.command()
@click.option("--articles", default=600, show_default=True, help="IndoSum originals to copy.")
def main(articles: int) -> None:
    rng = random.Random(11)
    originals = [
        a for a in read_archive([DATA / "indosum" / "articles.jsonl"]) if isinstance(a, Article)
    ][:articles]
    docs: list[tuple[str, str, str]] = []  # (id, story, body)
    for article in originals:
        docs.append((article.id, article.id, article.body))
        for kind, body in edits(article.body, rng).items():
            docs.append((f"{article.id}~{kind}", article.id, body))
    detik = DATA / "detik-1k" / "data_berita.csv"
    if detik.exists():
        rows = [a for a in read_archive([detik]) if isinstance(a, Article)]
        by_url: dict[str, str] = {}
        for row in rows:
            story = by_url.setdefault(row.url, row.id)
            docs.append((f"detik-{row.id}-{len(docs)}", f"detik:{story}", row.body))
    rng.shuffle(docs)
    grouper = Grouper()
    began = time.perf_counter()
    groups = {doc_id: grouper.assign(doc_id, body)[0] for doc_id, _, body in docs}
    per_article_ms = (time.perf_counter() - began) / len(docs) * 1000
    story = {doc_id: s for doc_id, s, _ in docs}

    # positive pairs: every copy with its original (and Detik repeats with each other)
    members: dict[str, list[str]] = {}
    for doc_id, s, _ in docs:
        members.setdefault(s, []).append(doc_id)
    positives = [
        (a, b) for ids in members.values() for i, a in enumerate(ids) for b in ids[i + 1 :]
    ]
    # hard negatives: each original with its most word-similar other original
    bags = {a.id: _words(a.body) for a in originals}
    negatives = []
    for a in originals:

        def overlap(other: Article, bag: set[str] = bags[a.id]) -> float:
            return len(bag & bags[other.id]) / (len(bag | bags[other.id]) or 1)

        best = max((o for o in originals if o.id != a.id), key=overlap)
        negatives.append((a.id, best.id))
    together = lambda pair: groups[pair[0]] == groups[pair[1]]  # noqa: E731
    found = sum(map(together, positives))
    false = sum(map(together, negatives))
    # precision over every grouped pair in the whole set
    by_group: dict[str, list[str]] = {}
    for doc_id, group in groups.items():
        by_group.setdefault(group, []).append(doc_id)
    grouped = [(a, b) for ids in by_group.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]
    right = sum(story[a] == story[b] for a, b in grouped)
    wrong = Counter(
        "detik" if story[a].startswith("detik:") else "indosum"
        for a, b in grouped
        if story[a] != story[b]
    )
    print(f"documents: {len(docs):,} ({len(originals):,} IndoSum originals, 5 kinds of copy"
          f"{', Detik export' if detik.exists() else ''})")  # fmt: skip
    print(f"recall (copies grouped with their original):   {found / len(positives):.3f} "
          f"({found:,} of {len(positives):,} pairs)")  # fmt: skip
    print(f"precision (grouped pairs that are one story):   {right / max(1, len(grouped)):.3f} "
          f"({right:,} of {len(grouped):,})")  # fmt: skip
    for kind in ("lead", "outlet", "words", "cut", "all"):
        pairs = [(a.id, f"{a.id}~{kind}") for a in originals if f"{a.id}~{kind}" in groups]
        print(
            f"  {kind:<7} copies with their original: {sum(map(together, pairs)) / len(pairs):.3f}"
        )
    print(f"  wrongly grouped pairs by source: {dict(wrong)} (look at them: a source may repeat "
          "a story under another URL)")  # fmt: skip
    print(f"hard negatives grouped (same-topic stories):    {false} of {len(negatives):,}")
    print(f"grouping cost: {per_article_ms:.2f} ms per article (MinHash + LSH, one process)")


if __name__ == "__main__":
    main()
