"""Syndicated copies and repeated stories are one story in a result list."""

from __future__ import annotations

import json
import re

from benchmarks import duplicates as duplicate_benchmark
from searcher import Archive
from searcher.ingest.stories import Grouper, canonical_url
from tests.conftest import indosum_records, run


def _copies_archive(tmp_path):
    """Five real IndoSum articles, each with a copy (a few words edited) re-published by
    another outlet under another URL."""
    import random

    records = indosum_records(5, start=40)
    rows = []
    for n, record in enumerate(records):
        rows.append(record)
        copy = duplicate_benchmark.edits(record["body"], random.Random(n))["words"]
        rows.append({"id": f"salinan-{n}", "body": copy, "source": "mitra",
                     "url": f"https://mitra.example/{n}"})  # fmt: skip
        record["shared_word"] = max(
            set(record["body"].split()[40:]) & set(copy.split()), key=lambda w: (len(w), w)
        )
    (tmp_path / "arsip.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    archive = Archive(tmp_path / "ix")
    archive.index([tmp_path / "arsip.jsonl"])
    return archive, records


def test_a_copy_is_shown_once_under_its_story(tmp_path):
    archive, records = _copies_archive(tmp_path)
    everything = archive.search("", filters={"source": "mitra"}, collapse=False)
    assert everything.total == 5
    first = records[0]
    word = first["shared_word"]
    collapsed = archive.search(word, limit=20)
    ids = [h.id for h in collapsed.hits]
    stories = {first["id"], "salinan-0"}
    assert len(stories & set(ids)) == 1  # one of the two, not both
    hit = next(h for h in collapsed.hits if h.id in stories)
    assert hit.similar == list(stories - {hit.id})
    every = archive.search(word, limit=20, collapse=False)
    assert stories <= {h.id for h in every.hits}
    assert all(not h.similar for h in every.hits)


def test_similar_in_json_cli_and_page(tmp_path):
    archive, records = _copies_archive(tmp_path)
    word = records[0]["shared_word"]
    index_dir = str(archive.path)
    data = json.loads(run(word, "--json", "--index", index_dir).stdout)
    assert any(h["similar"] for h in data["hits"])
    out = run(word, "--index", index_dir).stdout
    assert "+1 similar" in out
    every = run(word, "--all", "--index", index_dir).stdout
    assert "+1 similar" not in every
    from searcher.faces.web import create_app

    client = create_app(archive.path).test_client()
    html = client.get(f"/?q={word}").get_data(as_text=True)
    assert "<summary>+1 berita serupa</summary>" in html
    # the copy is listed by its headline, outlet and date, not by its id
    copies = re.findall(r'<details class="similar">.*?</details>', html, re.S)
    assert copies and not [c for c in copies if re.search(r">salinan-\d<", c)]
    listed = r'<li><a href="[^"]+">([^<]+)</a> <span class="meta-inline">([^<·]+) · <time'
    found = re.search(listed, copies[0])
    assert found and len(found.group(1).strip()) > 15  # a headline, then outlet and date
    assert found.group(2).strip() in {"mitra", *(r.get("source", "") for r in records)}
    assert "berita serupa" not in client.get(f"/?q={word}&similar=all").get_data(as_text=True)


def test_same_topic_stories_stay_apart():
    grouper = Grouper()
    a, b = indosum_records(2, start=100)
    assert grouper.assign("a", a["body"])[0] == "a"
    assert grouper.assign("b", b["body"])[0] == "b"
    assert grouper.assign("a-lagi", a["body"] + "\n\nBaca berita lainnya.")[0] == "a"


def test_canonical_urls():
    same = [
        "http://www.detik.com/berita/d-1/banjir?utm_source=x#top",
        "https://detik.com/berita/d-1/banjir/",
        "https://m.detik.com/berita/d-1/banjir",
    ]
    assert len({canonical_url(u) for u in same}) == 1
    assert canonical_url("https://detik.com/berita/d-2") != canonical_url(same[0])


def test_the_same_url_twice_is_one_article(tmp_path):
    row = {"body": "Banjir melanda Jakarta dan warga mengungsi ke masjid terdekat.",
           "url": "https://detik.com/berita/d-1/banjir"}  # fmt: skip
    rows = [{**row, "id": "1"}, {**row, "id": "2", "url": row["url"] + "?utm_source=x"}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    archive = Archive(tmp_path / "ix")
    first = archive.index([tmp_path / "a.jsonl"])
    assert (first.added, first.skipped) == (1, 1)
    assert "same URL as an earlier row" in str(first.problems[0])
    (tmp_path / "b.jsonl").write_text(
        json.dumps({**row, "id": "99", "body": row["body"] + " Lagi."}) + "\n"
    )
    second = archive.index([tmp_path / "b.jsonl"])
    assert (second.added, second.updated, second.same_url) == (0, 1, 1)
    assert archive.count() == 1 and archive.article("1").body.endswith("Lagi.")


def test_band_index_finds_what_datasketch_lsh_finds():
    """The grouper's own band index returns the candidates datasketch's MinHashLSH
    returns for the same bands, on real articles and edited copies of them."""
    import random

    from datasketch import MinHashLSH

    from searcher.ingest.stories import NUM_PERM, SIMILAR, signature

    grouper = Grouper()
    lsh = MinHashLSH(threshold=SIMILAR, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (grouper.bands, grouper.rows)
    bodies = [r["body"] for r in indosum_records(60, start=200)]
    rng = random.Random(7)
    bodies += [duplicate_benchmark.edits(b, rng)["words"] for b in bodies[:30]]
    found = 0
    for n, body in enumerate(bodies):
        minhash = signature(body)
        expected = sorted(lsh.query(minhash))
        assert [grouper._ids[row] for row in grouper._candidates(minhash.hashvalues)] == [
            f"a{i}" for i in sorted(int(k[1:]) for k in expected)
        ]
        found += bool(expected)
        lsh.insert(f"a{n}", minhash)
        grouper.add(f"a{n}", f"a{n}", minhash)
    assert found >= 25  # the copies were found, so the comparison covered real candidates


def test_a_re_indexed_article_is_found_under_its_new_text_only():
    grouper = Grouper()
    a, b = indosum_records(2, start=300)
    grouper.assign("x", a["body"])
    grouper.assign("x", b["body"])  # the article's text was replaced
    assert grouper.assign("copy-of-a", a["body"])[0] == "copy-of-a"
    assert grouper.assign("copy-of-b", b["body"])[0] == "x"


def test_signatures_are_stored_in_4_bytes_a_value_and_old_ones_still_read():
    import numpy as np

    from searcher.ingest.stories import NUM_PERM, from_bytes, signature, to_bytes

    body = indosum_records(1, start=400)[0]["body"]
    minhash = signature(body)
    stored = to_bytes(minhash)
    assert len(stored) == 4 * NUM_PERM
    assert from_bytes(stored).jaccard(minhash) == 1.0
    before_schema_5 = minhash.hashvalues.astype(np.uint64).tobytes()
    assert from_bytes(before_schema_5).jaccard(minhash) == 1.0
