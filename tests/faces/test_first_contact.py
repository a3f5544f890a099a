"""What a new user types in the first ten minutes, through the installed `search` command."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import socket
import subprocess
import time

import pytest

from searcher.index_run import IndexReport
from tests.conftest import SEARCH, SEED, run


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A checkout-like folder whose ./index holds the shipped sample (seeds/)."""
    from tests.conftest import ROOT

    folder = tmp_path_factory.mktemp("fresh")
    built = run("index", str(ROOT / "seeds"), "--index", str(folder / "index"), cwd=folder)
    assert built.returncode == 0, built.stderr
    return folder


def test_minus_words_reach_the_query_unquoted(sample):
    both = run("Putin", cwd=sample)
    without = run("Putin", "-Taliban", cwd=sample)
    assert without.returncode == 0, without.stderr
    assert "articles match Putin NOT Taliban" in without.stdout
    assert "Putin ingin membangun hubungan dengan Taliban" in both.stdout
    assert "Putin ingin membangun hubungan dengan Taliban" not in without.stdout
    alone = run("-Jokowi", "--limit", "2", cwd=sample)
    assert alone.returncode == 0, alone.stderr
    assert "match everything NOT Jokowi; showing 1-2." in alone.stdout


def test_options_stay_options_after_double_dash(sample):
    result = run("--", "-Jokowi", "--limit", "2", cwd=sample)
    assert result.returncode == 0, result.stderr
    assert "match everything NOT Jokowi; showing 1-2." in result.stdout
    assert "limit" not in result.stdout.split(";")[0]


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0 and re.search(r"version \d+\.\d+", version.stdout)
    assert "--version" in run("--help").stdout


def test_suggestion_is_printed(sample):
    result = run("Jokowwi", cwd=sample)
    assert "No articles match Jokowwi." in result.stdout
    assert "Did you mean: Jokowi?" in result.stdout


@pytest.mark.parametrize("query", ["yang dan di", "", "OR", "date:garbage"])
def test_nothing_to_search_for_says_so(sample, query):
    result = run(query, cwd=sample)
    assert result.returncode == 0, result.stderr
    assert "Nothing to search for" in result.stdout
    assert "No articles match everything" not in result.stdout


def test_stopwords_are_named(sample):
    assert "too common to search for: yang, dan, di" in run("yang dan di", cwd=sample).stdout


def test_page_past_the_end_says_how_many_match(sample):
    total = json.loads(run("Jakarta", "--json", cwd=sample).stdout)["total"]
    result = run("Jakarta", "--page", "50", cwd=sample)
    pages = -(-total // 10)
    assert f"{total:,} articles match Jakarta, but page 50 is past the end ({pages} pages" in (
        result.stdout
    )


def test_fallback_reads_as_or(sample):
    result = run("kecelakaan", "pesawat", cwd=sample)
    assert "no article has all the words" in result.stdout
    assert "match kecelakaan OR pesawat" in result.stdout


def test_long_query_is_echoed_once_and_cut_at_a_word(sample):
    words = "kunjungan presiden rusia ke tajikistan membahas taliban dan afghanistan "
    result = run(words * 10, cwd=sample)
    first = result.stdout.splitlines()
    summary = next(line for line in first if "match" in line)
    assert summary.count("tajikistan") == 1
    assert "afghanis;" not in summary and "afghanis " not in summary
    assert "(query cut to its first" in result.stdout


def test_empty_index_with_json_and_facets(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "body": ""}\n', "utf-8")
    index_dir = str(tmp_path / "ix")
    assert run("index", str(tmp_path / "a.jsonl"), "--index", index_dir).returncode == 1
    for extra in ("--json", "--facets"):
        result = run("banjir", extra, "--index", index_dir)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    assert json.loads(run("banjir", "--json", "--index", index_dir).stdout)["total"] == 0
    assert run("entities", "--index", index_dir).returncode == 0


def test_dates_without_a_time_show_no_midnight(sample):
    out = run("Banjir", "Padangsidempuan", cwd=sample).stdout
    assert "2017-03-28 · " in out and "00:00" not in out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_on_a_busy_port_is_one_line(sample):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port), cwd=sample)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"search: cannot serve on 127.0.0.1:{port}: the port is in use (choose another with --port)"
    )


def test_serve_on_port_zero_announces_the_real_port(sample):
    proc = subprocess.Popen(
        [SEARCH, "serve", "--port", "0"], cwd=sample, stderr=subprocess.PIPE, text=True
    )
    try:
        line = proc.stderr.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        assert port != 0
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert json.load(response)["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_index_piped_prints_no_progress_and_a_no_op_keeps_last_update(tmp_path):
    index_dir = str(tmp_path / "ix")
    first = run("index", str(SEED), "--index", index_dir)
    assert first.returncode == 0
    assert first.stderr.strip().splitlines()[-1].startswith("1 added")
    assert "\r" not in first.stderr and "indexing" not in first.stderr
    before = json.loads(run("stats", "--json", "--index", index_dir).stdout)["updated"]
    time.sleep(1.1)
    again = run("index", str(SEED), "--index", index_dir)
    assert "1 unchanged" in again.stderr and "articles/s" not in again.stderr
    after = json.loads(run("stats", "--json", "--index", index_dir).stdout)["updated"]
    assert after == before


def test_index_on_a_terminal_shows_a_progress_bar_with_total(tmp_path, small_archive):
    """stderr is a pseudo-terminal, as when a person runs the command."""
    main, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    proc = subprocess.Popen(
        [SEARCH, "index", str(small_archive), "--index", str(tmp_path / "ix"), "--no-entities"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary, env=env,
    )  # fmt: skip
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=60)
    os.close(main)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert "indexing" in text and "301/301" in text  # the total was counted up front
    assert "articles/s" in text
    assert "301 added" in text


def test_summary_counts_use_thousands_separators():
    report = IndexReport(added=12_345, updated=1_000, unchanged=2_000, seconds=3.0)
    assert report.summary().startswith("12,345 added, 1,000 updated, 2,000 unchanged")
    assert "(5,115 articles/s)" in report.summary()


def _age(index_dir) -> None:
    """Make an index look built by an earlier searcher (an older schema version)."""
    meta_file = index_dir / "searcher.json"
    meta = json.loads(meta_file.read_text())
    meta["schema_version"] -= 1
    meta_file.write_text(json.dumps(meta))


def test_the_sample_index_is_rebuilt_after_an_upgrade(tmp_path):
    from tests.conftest import ROOT

    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    first = run("Taliban", "Tajikistan", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    _age(tmp_path / "index")
    again = run("Taliban", "Tajikistan", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "rebuilding it from seeds/" in again.stderr
    assert again.stdout == first.stdout
    quiet = run("Taliban", "Tajikistan", cwd=tmp_path)
    assert "rebuilding" not in quiet.stderr and quiet.stdout == first.stdout


def test_an_index_of_the_users_own_archive_is_never_rebuilt_unasked(tmp_path):
    archive = tmp_path / "arsip.jsonl"
    row = {"id": "a1", "title": "Banjir Jakarta", "body": "Banjir melanda Jakarta pagi ini."}
    archive.write_text(json.dumps(row) + "\n")
    built = run("index", str(archive), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    _age(tmp_path / "index")
    before = sorted(p.name for p in (tmp_path / "index").iterdir())
    refused = run("banjir", cwd=tmp_path)
    assert refused.returncode != 0
    assert "rebuild it with `search index --rebuild ARCHIVE`" in refused.stderr
    assert f"(it holds articles from {tmp_path})" in refused.stderr
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == before
    rebuilt = run("index", "--rebuild", str(archive), cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Banjir Jakarta" in run("banjir", cwd=tmp_path).stdout
