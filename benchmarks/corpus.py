"""Archives, queries and relevance sets for the benchmark suite, all from ../shared/data.

Real articles: IndoSum (3,463), Detik (1,000; local only, read in place, never copied
into the project) and the seed. Larger archives are *composed*: each article's body
is IndoSum paragraphs and kumparan sentences drawn at random (seeded), its headline a
kumparan sentence, so the vocabulary and word frequencies stay those of real news.
Every figure names the archive it came from.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


@dataclass
class Doc:
    id: str
    headline: str
    body: str
    date: str = ""
    source: str = ""


def indosum_docs(with_headline: bool = True) -> list[Doc]:
    docs = []
    with open(DATA / "indosum" / "articles.jsonl", encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            headline = r["url_slug"].replace("-", " ") if with_headline else ""
            docs.append(Doc(r["id"], headline, r["body"], r["date_from_id"], r["source"]))
    return docs


def detik_rows() -> list[dict]:
    """Detik articles, one per URL (the export repeats 91 of them)."""
    seen, rows = set(), []
    with open(DATA / "detik-1k" / "data_berita.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["tautan"] not in seen:
                seen.add(row["tautan"])
                rows.append(row)
    return rows


def _kumparan_sentences() -> list[str]:
    sentences, words = [], []
    for line in (DATA / "kumparan-sentences" / "dataset_postag.txt").read_text("utf-8").split("\n"):
        if not line.strip():
            if words:
                sentences.append(" ".join(words))
            words = []
        else:
            words.append(line.split("\t")[0])
    return sentences


def real_docs() -> list[Doc]:
    """The real articles: IndoSum (slug as headline) then Detik."""
    docs = indosum_docs()
    for row in detik_rows():
        docs.append(
            Doc(f"detik-{row['id']}", row["judul"], row["isi_berita"], row["tanggal"], "detik")
        )
    return docs


def archive(size: int, seed: int = 7) -> tuple[list[Doc], str]:
    """``size`` articles and a label saying what they are."""
    docs = real_docs()
    if size <= len(docs):
        return docs[:size], f"real articles (IndoSum + Detik), {size:,}"
    rng = random.Random(seed)
    paragraphs = [p for d in indosum_docs() for p in d.body.split("\n\n") if len(p) > 80]
    sentences = _kumparan_sentences()
    composed = []
    for n in range(size - len(docs)):
        body = []
        for _ in range(rng.randint(3, 9)):
            if rng.random() < 0.6:
                body.append(rng.choice(paragraphs))
            else:
                body.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(2, 4))))
        headline = rng.choice(sentences)
        composed.append(Doc(f"composed-{n}", headline[:140], "\n\n".join(body)))
    label = (
        f"{len(docs):,} real + {size - len(docs):,} composed from real IndoSum paragraphs "
        f"and kumparan sentences, {size:,}"
    )
    return docs + composed, label


def write_jsonl(docs: list[Doc], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for d in docs:
            out.write(
                json.dumps(
                    {
                        "id": d.id,
                        "title": d.headline,
                        "body": d.body,
                        "date": d.date,
                        "source": d.source,
                    },
                    ensure_ascii=False,
                )
            )
            out.write("\n")
    return path


# --- relevance sets --------------------------------------------------------------------


@dataclass
class RelevanceSet:
    """Known-item search: each query has exactly one right document."""

    name: str
    docs: list[Doc]
    queries: list[tuple[str, str, str]]  # (qid, text, the right doc id)

    def split(self, half: str) -> list[tuple[str, str, str]]:
        """``dev`` (for tuning) or ``report`` (never tuned on), fixed by a hash of the qid."""
        keep = 0 if half == "dev" else 1
        return [
            q for q in self.queries if int(hashlib.md5(q[0].encode()).hexdigest(), 16) % 2 == keep
        ]


def facqa() -> RelevanceSet:
    docs = []
    with open(DATA / "facqa" / "corpus.jsonl", encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            docs.append(Doc(r["docid"], "", r["text"]))
    right = {}
    for line in (DATA / "facqa" / "qrels.txt").read_text("utf-8").splitlines():
        qid, _, docid, rel = line.split()
        if rel != "0":
            right[qid] = docid
    queries = []
    for line in (DATA / "facqa" / "queries.tsv").read_text("utf-8").splitlines():
        qid, _, text = line.partition("\t")
        if qid in right:
            queries.append((qid, text, right[qid]))
    return RelevanceSet("facqa questions -> passage", docs, queries)


def detik_headlines() -> RelevanceSet:
    rows = detik_rows()
    docs = [Doc(f"detik-{r['id']}", "", r["isi_berita"]) for r in rows]
    queries = [(f"detik-{r['id']}", r["judul"], f"detik-{r['id']}") for r in rows]
    return RelevanceSet("detik-1k headlines -> article", docs, queries)


def indosum_summaries() -> RelevanceSet:
    docs, queries = [], []
    with open(DATA / "indosum" / "articles.jsonl", encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            docs.append(Doc(r["id"], "", r["body"]))
            first_sentence = r["summary"].replace("\n", " ").split(". ")[0]
            queries.append((r["id"], first_sentence[:300], r["id"]))
    return RelevanceSet("indosum summaries -> article", docs, queries)


RELEVANCE_SETS = {"facqa": facqa, "detik": detik_headlines, "indosum": indosum_summaries}
