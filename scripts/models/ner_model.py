"""Train the entity tagger and write ``searcher/data/ner.crfsuite`` and its gazetteer.

Run from the repository root with the shared data beside it::

    python scripts/models/ner_model.py ../shared/data

Training data: the train splits of idner-news-2k (MIT) and NERGRIT (Apache-2.0, tags
mapped PERSON->PER, PLACE->LOC, ORGANISATION->ORG). Dev and test splits are never
trained on; ``benchmarks/ner.py`` scores the result on them.

Choices were made on the two dev splits together (idner dev, NERGRIT valid), never on
a test split: idner alone scores 0.843 on idner dev but 0.513 on NERGRIT valid (mean
0.678); both together 0.820 and 0.709 (mean 0.764), so both are used.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

NERGRIT_LABELS = {"PERSON": "PER", "PLACE": "LOC", "ORGANISATION": "ORG"}

#: L1 keeps the model small by dropping weak features; L2 smooths the rest.
TRAINING_PARAMS = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 200,
    "feature.possible_transitions": True,
}


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of ``(word, IOB2 tag)`` from a CoNLL file (idner or NERGRIT layout)."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.strip().split()
        if not parts:
            if current:
                sentences.append(current)
            current = []
            continue
        word, tag = parts[0], parts[-1]
        if "-" in tag:
            prefix, label = tag.split("-", 1)
            tag = f"{prefix}-{NERGRIT_LABELS.get(label, label)}"
        current.append((word, tag))
    if current:
        sentences.append(current)
    return sentences


def training_sentences(data: Path) -> list[list[tuple[str, str]]]:
    return read_conll(data / "idner-news-2k" / "train.txt") + read_conll(
        data / "nergrit" / "train_preprocess.txt"
    )


def write_gazetteer(sentences: list[list[tuple[str, str]]], out: Path) -> None:
    """Words that were part of a name at least twice, with the labels they carried."""
    labels: dict[str, Counter] = defaultdict(Counter)
    for sentence in sentences:
        for word, tag in sentence:
            if tag != "O" and word[:1].isupper():
                labels[word.lower()][tag[2:]] += 1
    lines = [
        f"{word}\t{','.join(sorted(label for label, n in counts.items() if n >= 2))}"
        for word, counts in sorted(labels.items())
        if sum(counts.values()) >= 2 and len(word) > 1
    ]
    out.write_text("\n".join(line for line in lines if not line.endswith("\t")) + "\n", "utf-8")


def main(argv: list[str]) -> None:
    import pycrfsuite

    from searcher.names import tagger as entities

    data = Path(argv[0] if argv else "../shared/data")
    out_dir = Path(entities.__file__).resolve().parent / "data"
    sentences = training_sentences(data)
    write_gazetteer(sentences, out_dir / "ner-gazetteer.tsv")
    entities._gazetteer.cache_clear()
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in sentences:
        words = [w for w, _ in sentence]
        trainer.append(entities.sentence_features(words), [t for _, t in sentence])
    trainer.set_params(TRAINING_PARAMS)
    model = out_dir / "ner.crfsuite"
    trainer.train(str(model))
    print(f"trained on {len(sentences)} sentences; wrote {model} ({model.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
