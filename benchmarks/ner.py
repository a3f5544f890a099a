"""Entity-level precision, recall and F1 of the shipped tagger on a CoNLL file.

    python benchmarks/ner.py ../shared/data/idner-news-2k/test.txt

A predicted entity counts only when its span and its type both match exactly. The
prediction is the whole extraction pipeline (the CRF and the rules after it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from searcher.names.tagger import entity_spans, iob_spans
from searcher.vocabulary import LABELS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts" / "models"))
from ner_model import read_conll  # noqa: E402


def main(path: str) -> None:
    sentences = read_conll(Path(path))
    gold: set = set()
    pred: set = set()
    began = time.perf_counter()
    for n, sentence in enumerate(sentences):
        words = [w for w, _ in sentence]
        gold |= {(n, *s) for s in iob_spans([t for _, t in sentence])}
        pred |= {(n, *s) for s in entity_spans(words)}
    seconds = time.perf_counter() - began
    tokens = sum(len(s) for s in sentences)
    print(f"{path}: {len(sentences)} sentences, {tokens} tokens, {tokens / seconds:,.0f} tokens/s")
    print(f"{'type':<8}{'precision':>10}{'recall':>10}{'F1':>10}{'gold':>8}")
    for label in (*LABELS, "all"):
        g = {e for e in gold if label in ("all", e[3])}
        p = {e for e in pred if label in ("all", e[3])}
        tp = len(g & p)
        precision = tp / len(p) if p else 0.0
        recall = tp / len(g) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        print(f"{label:<8}{precision:>10.3f}{recall:>10.3f}{f1:>10.3f}{len(g):>8}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/idner-news-2k/test.txt")
