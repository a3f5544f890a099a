"""Build ``searcher/data/names.txt``, the lexicon of words the stemmer must not touch.

Run from the repository root with the shared data beside it::

    python scripts/models/names.py ../shared/data

Sources (all openly licensed): kumparan's POS-tagged news sentences (MIT), IndoSum
article bodies (CC BY-SA 4.0), and the entity tokens of idner-news-2k (MIT) and
NERGRIT (Apache-2.0). Only single lowercased words are written, no text.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from searcher.text.analysis import WORD_RE, stem_word

#: Share of mid-sentence occurrences written capitalised for a word to count as a name.
CAPITALISED_SHARE = 0.9
#: Fewest capitalised mid-sentence occurrences before we trust the share.
MIN_CAPITALISED = 2


def _count_sentence(words: list[str], capitalised: Counter, lowercase: Counter) -> None:
    for i, word in enumerate(words):
        if not word[:1].isalpha():
            continue
        key = word.lower()
        if word[0].isupper():
            if i > 0 and words[i - 1] not in {".", "!", "?", '"', "“", ":"}:
                capitalised[key] += 1
        elif word.islower():
            lowercase[key] += 1


def _kumparan(data: Path, capitalised: Counter, lowercase: Counter, tagged: Counter) -> None:
    sentence: list[str] = []
    path = data / "kumparan-sentences" / "dataset_postag.txt"
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            _count_sentence(sentence, capitalised, lowercase)
            sentence = []
            continue
        word, _, tag = line.partition("\t")
        sentence.append(word)
        if tag.strip() == "NNP":
            tagged[word.lower()] += 1
    _count_sentence(sentence, capitalised, lowercase)


def _indosum(data: Path, capitalised: Counter, lowercase: Counter) -> None:
    with open(data / "indosum" / "articles.jsonl", encoding="utf-8") as lines:
        for line in lines:
            body = json.loads(line)["body"]
            for sentence in body.replace("\n", " . ").split(". "):
                _count_sentence(WORD_RE.findall(sentence), capitalised, lowercase)


def _ner_tokens(data: Path, tagged: Counter) -> None:
    for path in sorted((data / "idner-news-2k").glob("*.txt")) + sorted(
        (data / "nergrit").glob("*.txt")
    ):
        for line in path.read_text("utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[-1] != "O" and "-" in parts[-1]:
                tagged[parts[0].lower()] += 1


def build(data: Path) -> list[str]:
    """The sorted lexicon computed from the shared data folder."""
    capitalised: Counter = Counter()
    lowercase: Counter = Counter()
    tagged: Counter = Counter()
    _kumparan(data, capitalised, lowercase, tagged)
    _indosum(data, capitalised, lowercase)
    _ner_tokens(data, tagged)
    names = set()
    for word in set(capitalised) | set(tagged):
        if len(word) <= 3 or not word.isalpha():
            continue
        cap = capitalised[word] + tagged[word]
        low = lowercase[word]
        if cap < MIN_CAPITALISED or cap / (cap + low) < CAPITALISED_SHARE:
            continue
        if stem_word(word) != word or word in _already_protected():
            names.add(word)
    return sorted(names)


def _already_protected() -> frozenset[str]:
    from searcher.text.analysis import protected_names

    return protected_names()


#: Words seen at least this often mid-sentence go into the capitalisation table.
MIN_SEEN = 3


def capitalisation_table(data: Path) -> dict[str, float]:
    """Share of mid-sentence occurrences written capitalised, per lowercased word.

    The entity tagger uses it: a word news nearly always capitalises is a name even
    when it opens a sentence, and a capitalised word news usually writes in lower
    case is a sentence-initial common word.
    """
    capitalised: Counter = Counter()
    lowercase: Counter = Counter()
    _kumparan(data, capitalised, lowercase, Counter())
    _indosum(data, capitalised, lowercase)
    table = {}
    for word in set(capitalised) | set(lowercase):
        seen = capitalised[word] + lowercase[word]
        if seen >= MIN_SEEN and word.isalpha() and capitalised[word]:
            table[word] = capitalised[word] / seen
    return table


def main(argv: list[str]) -> None:
    data = Path(argv[0] if argv else "../shared/data")
    out_dir = Path(__file__).resolve().parent.parent / "data"
    table = capitalisation_table(data)
    with open(out_dir / "capitalised.tsv", "w", encoding="utf-8") as handle:
        handle.write("# word<TAB>share of mid-sentence uses capitalised (kumparan, IndoSum)\n")
        for word in sorted(table):
            handle.write(f"{word}\t{table[word]:.2f}\n")
    print(f"wrote {len(table)} words to {out_dir / 'capitalised.tsv'}")
    out = out_dir / "names.txt"
    out.write_text("", "utf-8")  # build from scratch: an empty lexicon protects nothing
    from searcher.text.analysis import protected_names

    protected_names.cache_clear()
    names = build(data)
    header = "# Words never stemmed; built by `python scripts/models/names.py` (see that module).\n"
    out.write_text(header + "\n".join(names) + "\n", "utf-8")
    print(f"wrote {len(names)} names to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
