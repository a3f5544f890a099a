"""The red-team findings of the second reliability pass, each kept as its repro."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searcher import Archive, SearcherError, settings
from searcher.faces.web import create_app
from tests.conftest import ROOT, SEARCH, SEED, needs_shared_data, run

BODY = "Ini adalah isi berita tentang banjir di Jakarta yang cukup panjang untuk dianggap prosa."


def _pages(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"halaman{n}.txt").write_text(f"Judul berita {n}\n\n{BODY}\n", "utf-8")
    return folder


def _one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# 1. Filter-only queries over segments that hold no dated article -----------------------


def test_filter_only_queries_over_undated_pages(tmp_path):
    index_dir = tmp_path / "ix"
    built = run("index", str(_pages(tmp_path / "tanpa-tanggal", 3)), "--index", str(index_dir),
                "--procs", "2")  # fmt: skip
    assert built.returncode == 0, built.stderr
    for words in (["query", "--", "-zzz"], ["source:kumparan"], ["date:2017"]):
        result = run(*words, "--index", str(index_dir))
        assert "Traceback" not in result.stderr, result.stderr
        # 0 when articles match, 1 when none does (undated pages from no kumparan)
        expected = 1 if "No articles match" in result.stdout else 0
        assert result.returncode == expected, result.stdout
    assert (
        "3 articles match everything NOT zzz" in run("--", "-zzz", "--index", str(index_dir)).stdout
    )
    client = create_app(index_dir).test_client()
    for url in ("/?person=Joko+Widodo", "/?q=date:2017", "/api/search?q=-banjir"):
        assert client.get(url).status_code == 200, url


# 2. One bad JSON line never stops the run -------------------------------------------------


def test_hostile_json_lines_are_one_problem_each(tmp_path):
    good = {"id": "baik-1", "title": "Banjir Jakarta", "body": BODY}
    lines = [
        json.dumps(good),
        "[" * 100_000 + "]" * 100_000,
        '{"id": "angka", "body": "x", "n": ' + "9" * 5000 + "}",
        '{"id": "surogat", "title": "Judul", "body": "Isi dengan \\ud800 surogat yang panjang."}',
        json.dumps({**good, "id": "baik-2"}),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    for _ in range(2):  # a re-run never fails on the same line
        result = run("index", str(tmp_path / "a.jsonl"), "--index", str(tmp_path / "ix"))
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    first = run("index", str(tmp_path / "a.jsonl"), "--index", str(tmp_path / "ix2"))
    assert "a.jsonl:2: JSON nested too deep to read; skipped" in first.stderr
    assert "a.jsonl:3: JSON value out of range" in first.stderr
    assert "a.jsonl:4: body has invalid characters (lone surrogates)" in first.stderr
    assert first.stderr.strip().splitlines()[-1].startswith("3 added")
    assert Archive(tmp_path / "ix2").search("surogat").total == 1


# 3. Undecodable file names and surrogate ids, on both writing paths ----------------------


@pytest.mark.parametrize("procs", ["1", "2"])
def test_a_latin1_file_name_and_a_surrogate_id(tmp_path, procs):
    folder = tmp_path / "arsip"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_text(f"Kafe\n\n{BODY}\n", "utf-8")
    (folder / "aneh.jsonl").write_text('{"id": "a\\udc80b", "body": "' + BODY + '"}\n', "utf-8")
    result = run("index", str(folder), "--index", str(tmp_path / "ix"), "--procs", procs)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("2 added")
    ids = {h.id for h in Archive(tmp_path / "ix").search("banjir", collapse=False).hits}
    assert ids == {"arsip/caf\\xe9.txt", "a\\x80b"}  # printable, and still unique


# 4. Spelling suggestions are bounded ------------------------------------------------------


def test_suggestions_look_at_a_few_unknown_words_only(small_index, monkeypatch):
    from searcher.engine.embedded.suggestions import Vocabulary

    calls = []
    original = Vocabulary.best_word

    def counting(self, text, *args, **kwargs):
        calls.append(text)
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(Vocabulary, "best_word", counting)
    nonsense = " ".join(f"pxqzv{chr(97 + n % 26)}{chr(97 + n // 26)}" for n in range(70))[:490]
    results = small_index.search(nonsense)
    assert results.total == 0
    assert len(calls) <= settings.DEFAULT.limits.suggest_words
    calls.clear()
    assert small_index.search("Tajikistn").suggestion == "Tajikistan"
    assert calls == ["Tajikistn"]


# 5. No silent wipe --------------------------------------------------------------------------


def test_missing_metadata_never_lets_a_small_run_replace_the_index(tmp_path, small_archive):
    index_dir = tmp_path / "ix"
    assert (
        run("index", str(small_archive), "--index", str(index_dir), "--no-entities").returncode == 0
    )
    (index_dir / "searcher.json").unlink()
    files = sorted(p.name for p in index_dir.iterdir())
    result = run("index", str(SEED), "--index", str(index_dir))
    assert result.returncode == 2
    line = _one_line(result)
    assert "holds index files but no searcher.json" in line and "--rebuild" in line
    assert sorted(p.name for p in index_dir.iterdir()) == files  # nothing was touched
    rebuilt = run("index", str(SEED), "--index", str(index_dir), "--rebuild")
    assert rebuilt.returncode == 0 and Archive(index_dir).count() == 1


# 6, 7, 15. The web app ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web17")
    records = [
        {"id": "js", "title": "Tautan", "body": BODY, "url": "  JAVASCRIPT:alert(document.domain)"},
        {"id": "/awal-garis-miring", "title": "Garis miring", "body": BODY},
        {"id": "baris\nbaru", "title": "Baris baru", "body": BODY},
        {"id": "x/../y", "title": "Titik titik", "body": BODY},
        {"id": "..", "title": "Dua titik", "body": BODY},
        {"id": "a//b", "title": "Dua garis", "body": BODY},
        {"id": "http", "title": "Tautan biasa", "body": BODY, "url": "https://contoh.id/berita"},
    ]
    (folder / "web.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    archive = Archive(folder / "ix")
    archive.index([folder / "web.jsonl", SEED], entities=True)
    return create_app(archive.path).test_client()


def test_only_http_urls_become_links(hostile_client):
    page = hostile_client.get("/article?id=js")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Tautan</h1>" in html  # the article itself
    assert "javascript" not in html.lower() and "sumber asli" not in html
    # the same page with a web address does link to it
    page = hostile_client.get("/article?id=http")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Tautan biasa</h1>" in html
    link = '<a href="https://contoh.id/berita" rel="noopener nofollow noreferrer">sumber asli</a>'
    assert link in html


def test_every_id_is_reachable_from_its_link(hostile_client):
    html = hostile_client.get("/?q=banjir&limit=20&similar=all").get_data(as_text=True)
    links = re.findall(r'<h2><a href="([^"]+)">([^<]+)</a>', html)
    assert len(links) == 7
    for href, headline in links:
        page = hostile_client.get(href.replace("&amp;", "&"))
        assert page.status_code == 200, href
        assert f"<h1>{headline}</h1>" in page.get_data(as_text=True)


def test_filters_are_bounded_on_their_own(hostile_client):
    query = "Putin " + "kata " * 98
    response = hostile_client.get(
        "/api/search", query_string={"q": query[:495], "person": "Vladimir Putin"}
    )
    assert 'person:"Vladimir Putin"' in response.get_json()["understood"]


def test_redirects_ignore_the_host_header_and_json_is_not_sniffed(hostile_client):
    for url in ("//article", "/static//style.css", "/favicon.ico"):
        response = hostile_client.get(url, headers={"Host": "evil.example"})
        assert "evil.example" not in response.headers.get("Location", ""), url
    api = hostile_client.get("/api/search?q=banjir")
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_a_field_word_with_a_minus_is_left_out(hostile_client):
    data = hostile_client.get("/api/search?q=banjir+isi:-jakarta").get_json()
    assert data["understood"] == "banjir NOT body:jakarta" and data["total"] == 0


def test_page_past_the_end_is_said(hostile_client):
    page = hostile_client.get("/?q=banjir&page=1000")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "melewati halaman terakhir" in html and "1000 dari" not in html


# 8. A damaged index is one line, and --rebuild always works --------------------------------


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(100, len(data), 997):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGES = {
    "truncated segment": lambda ix: os.truncate(sorted(ix.glob("*.seg"))[0], 1000),
    "flipped bytes": lambda ix: _flip(sorted(ix.glob("*.seg"))[0]),
    "flipped bytes everywhere": lambda ix: [_flip(seg) for seg in ix.glob("*.seg")],
    "damaged table of contents": lambda ix: _flip(sorted(ix.glob("*.toc"))[0]),
    "deleted segment": lambda ix: sorted(ix.glob("*.seg"))[0].unlink(),
    "garbage metadata": lambda ix: (ix / "searcher.json").write_text("garbage"),
    "metadata not an object": lambda ix: (ix / "searcher.json").write_text("[1, 2]"),
}


@pytest.fixture(scope="module")
def healthy_index(tmp_path_factory, small_archive):
    index_dir = tmp_path_factory.mktemp("healthy") / "ix"
    result = run("index", str(small_archive), "--index", str(index_dir), "--no-entities")
    assert result.returncode == 0, result.stderr
    return index_dir


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_index_gives_one_line_and_rebuild_works(tmp_path, healthy_index, damage):
    import shutil

    index_dir = tmp_path / "ix"
    shutil.copytree(healthy_index, index_dir)
    DAMAGES[damage](index_dir)
    noticed = 0
    for words in (["stats"], ["Jakarta"], ["entities"], ["index", str(SEED)]):
        result = run(*words, "--index", str(index_dir))
        assert "Traceback" not in result.stderr and "Aborted" not in result.stderr
        if result.returncode == 0:
            continue  # flipped bytes that this command never reads
        assert result.returncode == 2, (words, result.stderr)
        line = _one_line(result)
        assert "damaged" in line and "search index --rebuild" in line, line
        noticed += 1
    assert noticed >= 1
    client = create_app(index_dir).test_client()
    assert client.get("/?q=Jakarta").status_code == 503
    rebuilt = run("index", str(SEED), "--index", str(index_dir), "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert Archive(index_dir).search("Taliban").total == 1


# 9. Disk full, a read-only folder, a lock that is a folder ----------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_is_one_line_and_the_index_stays_whole(tiny_disk, small_archive):
    index_dir = tiny_disk / "ix"
    result = run("index", str(small_archive), "--index", str(index_dir), "--no-entities")
    assert result.returncode == 2
    assert "No space left on device" in _one_line(result)
    assert run("stats", "--index", str(index_dir)).returncode == 0  # consistent, if empty


def test_read_only_folder_is_one_line(tiny_disk):
    index_dir = tiny_disk / "ix"
    assert run("index", str(SEED), "--index", str(index_dir)).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    result = run("index", str(ROOT / "seeds"), "--index", str(index_dir))
    assert result.returncode == 2 and "Read-only file system" in _one_line(result)
    assert Archive(index_dir).search("Taliban").total == 1


def test_a_lock_file_that_is_a_folder(tmp_path):
    index_dir = tmp_path / "ix"
    (index_dir / "searcher.lock").mkdir(parents=True)
    result = run("index", str(SEED), "--index", str(index_dir))
    assert result.returncode == 2 and "searcher.lock is a folder" in _one_line(result)


# 10. CSV ---------------------------------------------------------------------------------


def test_csv_unterminated_quote_and_duplicate_column(tmp_path):
    (tmp_path / "kutip.csv").write_text(
        f'id,judul,isi_berita\n1,Satu,"{BODY}\n2,Dua,{BODY}\n3,Tiga,{BODY}\n',
        "utf-8",
    )
    (tmp_path / "ganda.csv").write_text(f"id,body,judul,body\n1,{BODY},Satu,lain\n", "utf-8")
    result = run("index", str(tmp_path / "kutip.csv"), str(tmp_path / "ganda.csv"),
                 "--index", str(tmp_path / "ix"))  # fmt: skip
    assert "kutip.csv:2: malformed CSV row (unexpected end of data); skipped" in result.stderr
    assert "ganda.csv:1: column 'body' appears more than once (columns 2, 4)" in result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("3 added") and "1 skipped" in summary and "1 warnings" in summary


# 11. A stopped worker, and a failing engine in the benchmark suite --------------------------


def test_a_stopped_worker_is_noticed(tmp_path, archive_order):
    folder, _ = archive_order
    env = {**os.environ, "SEARCHER_STALL_WARN": "1", "SEARCHER_STALL_GIVE_UP": "4",
           "SEARCHER_COMMIT_BATCH": "150"}  # fmt: skip
    env.pop("SEARCHER_INDEX", None)
    index_dir = tmp_path / "ix"
    proc = subprocess.Popen(
        [SEARCH, "index", str(folder), "--index", str(index_dir), "--no-entities", "--procs", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    from tests.robustness.conftest import committed

    while committed(index_dir) < 150:  # the first batch is in: the workers are running
        assert proc.poll() is None
        time.sleep(0.05)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    worker = int(children[-1])
    os.kill(worker, signal.SIGSTOP)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGCONT)
    assert proc.returncode == 2
    assert "no article finished for" in err and "is a worker process stopped" in err
    assert "indexing workers made no progress for" in err
    assert committed(index_dir) % 150 == 0  # whole batches only


@needs_shared_data
def test_a_failing_engine_does_not_stop_the_suite(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "suite.py"), "--articles", "200",
         "--engines", "nosuch,sqlite-fts5", "--skip-relevance", "--rounds", "1",
         "--json", str(tmp_path / "suite.json")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "!! engine nosuch failed and is left out" in result.stdout
    report = json.loads((tmp_path / "suite.json").read_text())
    assert "sqlite-fts5" in report["sizes"][0]["queries"]
    assert report["failures"][0]["engine"] == "nosuch"


# 12. What a killed run leaves behind is cleaned ---------------------------------------------


def test_stale_files_are_cleaned_by_the_next_run(tmp_path):
    index_dir = tmp_path / "ix"
    Archive(index_dir).index([SEED], entities=False)
    meta = json.loads((index_dir / "searcher.json").read_text())
    stray = [index_dir / "articles9_halfbuilt.seg", index_dir / "_articles9_1.toc",
             index_dir / f"_{meta['indexname']}_2.toc.1700000000.5"]  # fmt: skip
    for path in stray:
        path.write_bytes(b"x" * 10_000)
    (index_dir / f"{meta['indexname']}.parts" / "123").mkdir(parents=True)
    before = Archive(index_dir).stats().size_bytes
    Archive(index_dir).index([ROOT / "seeds" / "indosum-sample.jsonl"], entities=False)
    assert not any(path.exists() for path in stray)
    assert not list(index_dir.glob("*.parts"))
    assert Archive(index_dir).stats().size_bytes > before  # counts the current index only


# 13. Memory ---------------------------------------------------------------------------------


def test_a_giant_json_line_is_cut_before_it_is_cleaned(tmp_path):
    body = "Banjir melanda Jakarta dan warga mengungsi ke masjid terdekat. " * 800_000
    (tmp_path / "raksasa.jsonl").write_text(
        json.dumps({"id": "besar", "title": "Raksasa", "body": body}) + "\n", "utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    proc = subprocess.Popen(
        [SEARCH, "index", str(tmp_path / "raksasa.jsonl"), "--index", str(tmp_path / "ix"),
         "--no-entities"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert usage.ru_maxrss < 500_000  # kB: a 50 MB line once took 1.1 GB
    assert b"only the first 1,000,000 are indexed" in proc.stderr.read()


# 14. Ids from paths are relative to a stable root ------------------------------------------


def test_the_same_file_keeps_its_id_through_parent_and_subfolder(tmp_path):
    _pages(tmp_path / "arsip" / "2017", 2)
    archive = Archive(tmp_path / "ix")
    first = archive.index([tmp_path / "arsip"], entities=False)
    again = archive.index([tmp_path / "arsip" / "2017"], entities=False)
    one = archive.index([tmp_path / "arsip" / "2017" / "halaman0.txt"], entities=False)
    assert (first.added, again.added, again.unchanged, one.unchanged) == (2, 0, 2, 1)
    assert archive.count() == 2
    assert {h.id for h in archive.search("banjir", collapse=False).hits} == {
        "arsip/2017/halaman0.txt",
        "arsip/2017/halaman1.txt",
    }


def test_searcher_errors_are_one_family():
    from searcher.errors import IndexDamaged, IndexWriteFailed, NotAnIndexFolder, WorkerDied

    for error in (IndexDamaged, IndexWriteFailed, NotAnIndexFolder, WorkerDied):
        assert issubclass(error, SearcherError)


def test_the_real_detik_export_reads_every_row():
    detik = ROOT.parent / "shared" / "data" / "detik-1k" / "data_berita.csv"
    if not detik.exists():
        pytest.skip("../shared/data is not here")
    from searcher.article import Article
    from searcher.ingest.files import read_archive

    items = list(read_archive([detik]))
    assert sum(isinstance(i, Article) for i in items) == 1000
    assert not [i for i in items if not isinstance(i, Article) and i.kind == "skipped"]


def test_what_whoosh_raises_on_damaged_postings_is_one_error(seed_archive, monkeypatch):
    """Whoosh's block reader raises a bare ``Exception("Block tag error …")`` on flipped
    postings bytes (seen in CI); it is damage, not a crash."""
    from searcher.engine.embedded.postings import IndexView
    from searcher.errors import IndexDamaged

    raise_inside_whoosh = compile(
        "raise Exception(\"Block tag error b'`\\\\xf2.m'\")",
        "/lib/site-packages/whoosh/codec/whoosh3.py",
        "exec",
    )

    def damaged(*args, **kwargs):
        exec(raise_inside_whoosh)

    monkeypatch.setattr(IndexView, "postings", damaged)
    with pytest.raises(IndexDamaged, match="Block tag error"):
        seed_archive.search("Taliban")

    def our_bug(*args, **kwargs):
        raise Exception("a bug of ours")

    monkeypatch.setattr(IndexView, "postings", our_bug)
    with pytest.raises(Exception, match="a bug of ours") as caught:
        seed_archive.search("Taliban")
    assert not isinstance(caught.value, IndexDamaged)  # bugs are not called damage


@pytest.mark.parametrize("error", [KeyError, IndexError, ValueError, UnicodeDecodeError])
def test_our_own_lookup_errors_are_bugs_not_damage(seed_archive, monkeypatch, error):
    """A ``KeyError`` (or ``IndexError``, ``ValueError``) raised by our evaluator is a
    bug: it must reach the developer as itself, not tell the user to rebuild the index."""
    from searcher.engine.embedded.evaluation import Evaluator
    from searcher.errors import IndexDamaged

    made = error("utf-8", b"x", 0, 1, "bad") if error is UnicodeDecodeError else error("ours")

    def broken(self, tree):
        raise made

    monkeypatch.setattr(Evaluator, "run", broken)
    with pytest.raises(error) as caught:
        seed_archive.search("Taliban")
    assert not isinstance(caught.value, IndexDamaged)
