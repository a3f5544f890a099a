"""Write ``seeds/indosum-sample.jsonl``: the sample archive shipped beside the seed page.

    python scripts/make_sample.py ../shared/data

Every tenth IndoSum article (CC BY-SA 4.0; attribution in ``seeds/README.md``), plus the
articles the README's examples need (flood headlines early in 2017, military bases,
regional elections with Jokowi or Prabowo, Putin, the Taliban), in IndoSum's order,
without the human-written summary. Deterministic: the same data gives the same file.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

EVERY = 10
FIELDS = ("id", "date_from_id", "source", "url", "url_slug", "category", "body")
OUT = Path(__file__).resolve().parent.parent / "seeds" / "indosum-sample.jsonl"


def wanted(record: dict) -> bool:
    """True for the articles the README's examples are about."""
    body, slug, day = record["body"], record["url_slug"], record["date_from_id"]

    def has(pattern: str) -> bool:
        return re.search(pattern, body, re.IGNORECASE) is not None

    return (
        ("banjir" in slug and "2017-01" <= day < "2017-04")
        or (has(r"pangkalan militer") and not has(r"\brusia\b"))
        or (has(r"\bpilkada\b") and (has(r"\bjokowi\b") or has(r"\bprabowo\b")))
        or has(r"\b(?:putin|taliban)\b")
    )


def main(data: Path) -> None:
    chosen = []
    with open(data / "indosum" / "articles.jsonl", encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            record = json.loads(line)
            if n % EVERY == 0 or wanted(record):
                chosen.append({name: record[name] for name in FIELDS})
    with open(OUT, "w", encoding="utf-8") as out:
        for record in chosen:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(chosen)} articles")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
