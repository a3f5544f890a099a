"""What a new user types in the first ten minutes, through the installed `search` command."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
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
    assert result.returncode == 1, result.stderr  # nothing matched: as grep says it
    assert "Traceback" not in result.stderr
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
        assert result.returncode == 1, result.stderr  # no match in an empty index
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
    assert re.fullmatch(r"nothing changed: 1 article unchanged \([\d.]+ s\)\n", again.stderr)
    assert "articles/s" not in again.stderr
    after = json.loads(run("stats", "--json", "--index", index_dir).stdout)["updated"]
    assert after == before


def index_on_a_terminal(archive, index_dir) -> tuple[int, str]:
    """``search index`` with stderr a pseudo-terminal, as when a person runs it: its exit
    code and everything it drew there."""
    main, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "SEARCHER_INDEX"}
    proc = subprocess.Popen(
        [SEARCH, "index", str(archive), "--index", str(index_dir), "--no-entities"],
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
    return proc.returncode, seen.decode("utf-8", "replace")


def test_index_on_a_terminal_shows_a_progress_bar_with_total(tmp_path, small_archive):
    """stderr is a pseudo-terminal, as when a person runs the command."""
    code, text = index_on_a_terminal(small_archive, tmp_path / "ix")
    assert code == 0, text
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


# Round two (issue 32) ---------------------------------------------------------------------


def test_a_mistyped_option_is_an_error_naming_the_closest_one(sample):
    typo = run("Jokowi", "--limt", "3", cwd=sample)
    assert typo.returncode == 2 and typo.stdout == ""
    assert typo.stderr.strip() == "search: no such option --limt; did you mean --limit?"
    unknown = run("Jokowi", "--zzzz", cwd=sample)
    assert unknown.returncode == 2
    assert "no such option --zzzz; see `search --help`" in unknown.stderr
    # a single dash is still a word to leave out, and a real option after words still works
    assert run("Putin", "-Taliban", "--limit", "1", cwd=sample).returncode == 0


def test_a_search_with_no_match_exits_1_as_grep_does(sample, tmp_path):
    assert run("Putin", cwd=sample).returncode == 0
    none = run("zzqqxxkata", cwd=sample)
    assert none.returncode == 1 and "No articles match zzqqxxkata." in none.stdout
    as_json = run("zzqqxxkata", "--json", cwd=sample)
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["total"] == 0
    export = run("zzqqxxkata", "--export", str(tmp_path / "none.csv"), cwd=sample)
    assert export.returncode == 1 and "wrote 0 articles" in export.stderr


def test_outside_the_repository_the_missing_index_is_named_with_its_absolute_path(tmp_path):
    elsewhere = run("Jokowi", cwd=tmp_path)
    assert elsewhere.returncode == 2
    assert f"no index in {tmp_path / 'index'}" in elsewhere.stderr
    assert "--index DIR" in elsewhere.stderr and "$SEARCHER_INDEX" in elsewhere.stderr


def test_a_report_prints_as_one_line(sample, tmp_path):
    from searcher import Archive
    from tests.conftest import ROOT

    report = Archive(tmp_path / "ix").index([ROOT / "seeds"], entities=True)
    assert len(report.learned) > 20  # the fields hold the aliases learned ...
    assert str(report) == report.summary() and "\n" not in str(report)  # ... print does not
    assert str(report).startswith("374 added, 0 updated, 0 unchanged")


def test_a_list_of_sources_or_periods_means_any_of_them_names_all_of_them(sample):
    from searcher import Archive

    archive = Archive(sample / "index")
    total = {s: archive.search("", filters={"source": s}).total for s in ("kumparan", "cnn")}
    both = archive.search("", filters={"source": ["kumparan", "cnn"]})
    assert min(total.values()) > 0 and both.total == sum(total.values())
    assert 'source:"kumparan" OR source:"cnn"' in both.understood
    years = {y: archive.search("", filters={"date": y}).total for y in ("2016", "2017")}
    either = archive.search("", filters={"date": ["2016", "2017"]})
    assert min(years.values()) > 0 and either.total == sum(years.values())
    # two people: articles naming both (a list of names is all of them)
    people = archive.search("", filters={"person": ["Joko Widodo", "Prabowo Subianto"]})
    alone = archive.search("", filters={"person": "Prabowo Subianto"})
    assert 0 < people.total < alone.total


def test_colour_follows_no_color_and_the_flags(sample, monkeypatch):
    from searcher.faces.warm import run_command

    def out(*extra: str) -> str:  # as the warm server runs it for a terminal
        args = ["query", "Putin", "--limit", "1", "--index", str(sample / "index"), *extra]
        return run_command(args, str(sample), color=True, columns=0)["out"]

    monkeypatch.chdir(sample)  # run_command moves into the caller's folder: come back after
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[1m" in out()
    assert "\x1b[" not in out("--no-color")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in out()
    assert "\x1b[1m" in out("--color")


@pytest.fixture(scope="module")
def repeated_urls(tmp_path_factory, small_archive):
    """The small archive and a second export repeating five of its stories' URLs."""
    folder = tmp_path_factory.mktemp("repeats")
    shutil.copytree(small_archive, folder / "news")
    rows = [json.loads(line) for line in (folder / "news" / "indosum.jsonl").open()][:5]
    with open(folder / "news" / "again.jsonl", "w", encoding="utf-8") as out:
        for n, row in enumerate(rows):
            url = row.get("url") or f"https://contoh.id/berita/{n}"
            row.update(id=f"again-{n}", url=url)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return folder / "news"


def test_problems_are_summarised_by_cause_and_a_rerun_is_one_line(tmp_path, repeated_urls):
    index_dir = str(tmp_path / "ix")
    first = run("index", str(repeated_urls), "--index", index_dir, "--no-entities")
    assert first.returncode == 0, first.stderr
    lines = first.stderr.strip().splitlines()
    same = [line for line in lines if line.startswith("skipped:")]
    assert len(same) == 4  # three of the five shown, then one line for the rest
    assert same[-1] == "skipped: … and 2 more: same URL as an earlier row (--verbose lists all)"
    assert lines[-1].startswith("301 added") and "5 skipped" in lines[-1]
    quiet = run("index", str(repeated_urls), "--index", index_dir, "--rebuild", "-q")
    assert len(quiet.stderr.strip().splitlines()) == 1 and "5 skipped" in quiet.stderr
    verbose = run("index", str(repeated_urls), "--index", index_dir, "--rebuild", "-v")
    assert sum(line.startswith("skipped:") for line in verbose.stderr.splitlines()) == 5
    again = run("index", str(repeated_urls), "--index", index_dir, "--no-entities")
    assert again.stderr.strip().splitlines() == [again.stderr.strip()]
    assert again.stderr.startswith("nothing changed: 301 articles unchanged, 5 skipped as before")


def test_the_progress_bar_reaches_its_total_and_never_guesses_hours(tmp_path, repeated_urls):
    code, text = index_on_a_terminal(repeated_urls, tmp_path / "ix")
    assert code == 0, text
    assert "306/306" in text  # the five skipped rows count as done
    assert not re.search(r"[1-9]\d*:\d\d:\d\d left", text)  # no hours for a seconds' job


def test_help_teaches_the_query_language(tmp_path):
    bare = run(cwd=tmp_path)
    assert bare.returncode == 0 and "Missing argument" not in bare.stderr
    assert "search Putin -Taliban" in bare.stdout and "search --help" in bare.stdout
    full = run("--help", cwd=tmp_path).stdout
    for option in ("--limit", "--sort", "--timeline", "--export", "--json", "--facets"):
        assert f"\n  {option}" in full, option
    for syntax in ('"hubungan dengan Taliban"', "-ojek", "a OR b", "person:", "date:2017"):
        assert syntax in full, syntax
    assert "Exit status: 0 when articles match, 1 when none does" in full
    index = run("index", "--help", cwd=tmp_path).stdout
    for name in (".jsonl", ".csv", ".tsv", ".gz", "judul", "isi_berita", "tanggal"):
        assert name in index, name
    serve = run("serve", "--help", cwd=tmp_path).stdout
    for url in ("/api/search?q=", "/export.csv", "/article?id=", "/healthz"):
        assert url in serve, url
    options = re.findall(r"^  (--\w+)[^\n]*\n", serve, re.M)
    assert {"--host", "--port", "--threads", "--index"} <= set(options)
    for option in ("--host", "--port", "--threads"):
        line = next(line for line in serve.splitlines() if line.strip().startswith(option))
        assert len(line.split(None, 2)) == 3, line  # an option, its value, what it does


def test_a_typo_beside_right_words_is_suggested_above_the_any_word_results(sample):
    found = run("Putin", "Tajikistn", cwd=sample)
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0] == "(no article has all the words; showing articles with any of them)"
    assert lines[1] == "Did you mean: Putin Tajikistan?"
    fixed = run("Putin", "Tajikistan", cwd=sample)
    assert "Did you mean" not in fixed.stdout


def test_color_forced_on_a_pipe_keeps_its_styles(sample):
    piped = run("Taliban", "--color", "--limit", "1", cwd=sample)
    assert "\x1b[1mPutin ingin membangun hubungan dengan Taliban\x1b[0m" in piped.stdout
    assert "\x1b[" not in run("Taliban", "--limit", "1", cwd=sample).stdout


def test_show_prints_an_article_to_read_and_related_its_stories(sample):
    from tests.conftest import SEED_ID

    shown = run("show", SEED_ID, "--query", "Taliban", "--color", cwd=sample)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "\x1b[1mPutin ingin membangun hubungan dengan Taliban\x1b[0m"
    assert lines[1] == f"Kunjungan ke Tajikistan · {SEED_ID}"
    assert any(line.startswith("people: Vladimir Putin") for line in lines)
    body = [line for line in lines[5:] if line]
    plain = run("show", SEED_ID, cwd=sample).stdout.splitlines()
    assert max(len(line) for line in plain[5:]) <= 100  # wrapped to the terminal
    assert "radikal \x1b[1mTaliban\x1b[0m." in "\n".join(body)  # the query's words marked
    data = json.loads(run("show", SEED_ID, "--json", cwd=sample).stdout)
    assert data["id"] == SEED_ID and "Vladimir Putin" in data["entities"]["PER"]
    assert data["body"].startswith("Presiden Rusia Putin melakukan perjalanan")
    missing = run("show", "tidak-ada", cwd=sample)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.startswith("search: no article with the id 'tidak-ada' in ")

    related = run("related", SEED_ID, "--limit", "3", cwd=sample)
    assert related.returncode == 0, related.stderr
    numbered = [line for line in related.stdout.splitlines() if re.match(r"^\d\. ", line)]
    assert len(numbered) == 3
    as_json = json.loads(run("related", SEED_ID, "--limit", "3", "--json", cwd=sample).stdout)
    assert [h["headline"] for h in as_json] == [line[3:] for line in numbered]
    assert SEED_ID not in {h["id"] for h in as_json}
    assert run("related", "tidak-ada", cwd=sample).returncode == 2
