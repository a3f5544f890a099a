"""Build ``searcher/data/spelling-words.tsv``: the Indonesian words spelling suggestions
choose from, with how common each is (wordfreq's Zipf frequency, 1-8).

The index holds stems (``kebakaran`` is ``bakar``), so a misspelt word cannot be
corrected from the index's own terms into the word a person meant; this list is the
surface words. Source: wordfreq 3.1 (Robyn Speer; code Apache-2.0, data CC BY-SA 4.0),
its Indonesian list; words of letters only, three or more.

    pip install 'wordfreq==3.1.1'
    python scripts/build_spelling_words.py
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "searcher" / "data" / "spelling-words.tsv"
WORD = re.compile(r"^[a-z]{3,}$")


def main() -> None:
    import wordfreq

    words = [w for w in wordfreq.top_n_list("id", 100_000) if WORD.match(w)]
    lines = [f"# wordfreq {version('wordfreq')} Indonesian list (CC BY-SA 4.0): word<TAB>zipf"]
    lines += [f"{w}\t{wordfreq.zipf_frequency(w, 'id'):.2f}" for w in words]
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {len(words):,} words to {OUT}")


if __name__ == "__main__":
    main()
