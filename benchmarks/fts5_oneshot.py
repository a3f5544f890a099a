"""The peer of a one-shot ``search "..."``: a Python script that opens an SQLite FTS5 file
and prints the top 10 articles with snippets, as a shell user would write it.

    python benchmarks/fts5_oneshot.py FOLDER/fts.db banjir jakarta

Its whole process (interpreter start to exit) is what ``suite.py`` times against ours.
"""

import re
import sqlite3
import sys


def main() -> None:
    db, words = sys.argv[1], re.findall(r"\w+", " ".join(sys.argv[2:]).lower())
    if not words:
        return
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT id, headline, snippet(docs, 2, '[', ']', '…', 32) FROM docs "
        "WHERE docs MATCH ? ORDER BY bm25(docs, 2.0, 1.0) LIMIT 10",
        (" OR ".join(f'"{w}"' for w in words),),
    ).fetchall()
    for n, (doc_id, headline, snippet) in enumerate(rows, start=1):
        print(f"{n}. {headline}\n   {snippet}\n   {doc_id}\n")


if __name__ == "__main__":
    main()
