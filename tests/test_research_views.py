"""News research: newest first, a timeline of matches, export, removal, related stories."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date

import pytest

from searcher import Archive
from searcher.export import safe_cell
from tests.conftest import ROOT, SEED_ID, run


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The shipped sample (seed page and 373 IndoSum articles), indexed once."""
    folder = tmp_path_factory.mktemp("riset")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    built = run("index", "seeds", cwd=folder)
    assert built.returncode == 0, built.stderr
    return folder


# Sort -----------------------------------------------------------------------------------


def test_newest_and_oldest_first_with_undated_last(sample):
    archive = Archive(sample / "index")
    newest = archive.search("Putin", sort="newest", limit=10)
    dates = [h.date for h in newest.hits]
    assert newest.sort == "newest"
    assert dates[-1] is None and newest.hits[-1].id == SEED_ID  # the seed page has no date
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and len(dated) >= 3
    oldest = archive.search("Putin", sort="oldest", limit=10)
    assert [h.date for h in oldest.hits if h.date] == sorted(dated)
    assert oldest.hits[-1].id == SEED_ID
    by_relevance = archive.search("Putin", limit=10)
    assert {h.id for h in by_relevance.hits} == {h.id for h in newest.hits}


def test_a_filter_only_query_is_newest_first_and_says_so(sample):
    results = Archive(sample / "index").search("source:kumparan", limit=20)
    assert results.sort == "newest"
    assert "no words to rank by: newest first" in results.notes
    dates = [h.date for h in results.hits]
    assert dates == sorted(dates, reverse=True)
    out = run("source:kumparan", "--limit", "3", cwd=sample).stdout
    assert "(no words to rank by: newest first)" in out and "score 0.00" not in out


def test_sort_from_the_command_line(sample):
    out = run("Jakarta", "--sort", "oldest", "--limit", "3", "--json", cwd=sample).stdout
    data = json.loads(out)
    assert data["sort"] == "oldest"
    days = [h["date"] for h in data["hits"]]
    assert days == sorted(days)
    bad = run("Jakarta", "--sort", "random", cwd=sample)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# Timeline ---------------------------------------------------------------------------------


def test_timeline_counts_every_match_per_period(sample):
    archive = Archive(sample / "index")
    results = archive.search("Jakarta", timeline=True, limit=5)
    assert results.per == "month"  # the sample spans 2016-09 to 2018-02
    counts = {p.label: p.count for p in results.timeline}
    undated = sum(1 for h in archive.iter_hits("Jakarta") if h.date is None)
    assert sum(counts.values()) + undated == results.total
    labels = list(counts)
    assert labels == sorted(labels) and labels[0] == "2016-09" and labels[-1] == "2018-02"
    march = archive.search("Jakarta", filters={"date": "2017-03"})
    assert counts["2017-03"] == march.total
    per_year = archive.search("Jakarta", timeline=True, per="year")
    assert [p.label for p in per_year.timeline] == ["2016", "2017", "2018"]
    assert [p.label for p in results.years] == ["2016", "2017", "2018"]


def test_a_short_span_is_drawn_per_day(sample):
    results = Archive(sample / "index").search("Jakarta date:2017-08-01..2017-08-20",
                                               timeline=True)  # fmt: skip
    assert results.per == "day" and results.timeline[0].start >= date(2017, 8, 1)
    assert sum(p.count for p in results.timeline) == results.total


def test_timeline_in_the_terminal(sample):
    out = run("Jakarta", "--timeline", "--per", "year", "--limit", "1", cwd=sample).stdout
    lines = out.split("matches per year:")[1].strip().splitlines()
    rows = [line for line in lines if line[:4].isdigit()]
    assert [r[:4] for r in rows] == ["2016", "2017", "2018"]
    longest = max(rows, key=lambda r: r.count("█"))
    assert longest.startswith("2017") and longest.count("█") == 40
    json_out = json.loads(run("Jakarta", "--json", cwd=sample).stdout)
    assert json_out["timeline"]["per"] == "month" and json_out["timeline"]["periods"]


# Export -----------------------------------------------------------------------------------


def test_export_every_match_as_csv_and_jsonl(sample, tmp_path):
    total = json.loads(run("Indonesia", "--json", cwd=sample).stdout)["total"]
    assert total > 100  # more than any page
    done = run("Indonesia", "--export", str(tmp_path / "jakarta.csv"), cwd=sample)
    assert done.returncode == 0 and f"wrote {total:,} articles" in done.stderr
    with open(tmp_path / "jakarta.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == total
    assert list(rows[0]) == ["id", "date", "headline", "source", "url", "score", "people",
                             "places", "organisations", "snippet"]  # fmt: skip
    assert all(r["id"] and r["snippet"] for r in rows)
    assert float(rows[0]["score"]) >= float(rows[-1]["score"])
    run("Indonesia", "--export", str(tmp_path / "jakarta.jsonl"), "--sort", "newest", cwd=sample)
    lines = (tmp_path / "jakarta.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == total
    first = json.loads(lines[0])
    assert first["date"] >= json.loads(lines[1])["date"]
    wrong = run("Jakarta", "--export", str(tmp_path / "jakarta.xlsx"), cwd=sample)
    assert wrong.returncode == 2 and ".csv or .jsonl" in wrong.stderr


def test_csv_cells_cannot_run_as_formulas(tmp_path):
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in "=+-@":
        assert safe_cell(f"{start}1+1").startswith("'")
    assert safe_cell("Banjir -10 cm") == "Banjir -10 cm" and safe_cell(3.5) == 3.5
    record = {"id": "=cmd|' /C calc'!A0", "title": "@SUM(1+1)", "body": "-2+3 banjir di kota.",
              "source": "+berita"}  # fmt: skip
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    index_dir = str(tmp_path / "ix")
    run("index", str(tmp_path / "a.jsonl"), "--index", index_dir)
    run("banjir", "--export", str(tmp_path / "out.csv"), "--index", index_dir)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["id"].startswith("'=") and row["headline"].startswith("'@")
    assert row["source"].startswith("'+")


# Remove and prune ------------------------------------------------------------------------


def test_remove_articles_by_id(tmp_path):
    index_dir = tmp_path / "ix"
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    run("index", str(tmp_path / "seeds"), "--index", str(index_dir))
    before = Archive(index_dir).count()
    first = Archive(index_dir).search("Jakarta").hits[0].id
    result = run("remove", SEED_ID, first, "--index", str(index_dir))
    assert result.returncode == 0 and "2 removed" in result.stderr
    archive = Archive(index_dir)
    assert archive.count() == before - 2
    assert archive.article(first) is None
    assert SEED_ID not in {h.id for h in archive.search("Taliban Tajikistan").hits}
    missing = run("remove", "tidak-ada", "--index", str(index_dir))
    assert missing.returncode == 2 and "not in the index: tidak-ada" in missing.stderr
    assert archive.remove(["juga-tidak-ada"]) == []
    with pytest.raises(TypeError):
        archive.remove("satu-id")


def test_prune_removes_articles_whose_file_or_line_is_gone(tmp_path):
    folder = tmp_path / "arsip"
    folder.mkdir()
    shutil.copy(ROOT / "seeds" / "000_df906d3edab3d18d.txt", folder / "halaman.txt")
    lines = (ROOT / "seeds" / "indosum-sample.jsonl").read_text("utf-8").splitlines()[:5]
    (folder / "lima.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    index_dir = tmp_path / "ix"
    assert run("index", str(folder), "--index", str(index_dir)).returncode == 0
    (folder / "halaman.txt").unlink()
    (folder / "lima.jsonl").write_text("\n".join(lines[:3]) + "\n", "utf-8")
    kept = run("index", str(folder), "--index", str(index_dir))
    assert Archive(index_dir).count() == 6  # without --prune nothing is removed
    assert "removed" not in kept.stderr
    pruned = run("index", str(folder), "--index", str(index_dir), "--prune")
    assert "3 unchanged, 3 removed" in pruned.stderr
    archive = Archive(index_dir)
    assert archive.count() == 3 and archive.search("Taliban").total == 0


def test_prune_leaves_other_folders_and_unreadable_files_alone(tmp_path):
    one, two = tmp_path / "satu", tmp_path / "dua"
    for folder in (one, two):
        folder.mkdir()
        shutil.copy(ROOT / "seeds" / "000_df906d3edab3d18d.txt", folder / "halaman.txt")
    index_dir = tmp_path / "ix"
    run("index", str(one), str(two), "--index", str(index_dir))
    (one / "halaman.txt").write_bytes(b"")  # now unreadable (empty): it may come back
    run("index", str(one), "--index", str(index_dir), "--prune")
    assert Archive(index_dir).count() == 2


# Related stories -------------------------------------------------------------------------


def test_related_stories_share_entities_and_words(sample):
    archive = Archive(sample / "index")
    related = archive.related(SEED_ID)
    assert 1 <= len(related) <= 5
    assert SEED_ID not in {h.id for h in related}
    assert "Putin hadiahkan paspor Rusia kepada aktor Steven Seagal" in [
        h.headline for h in related
    ]
    scores = [h.score for h in related]
    assert scores == sorted(scores, reverse=True)
    assert archive.related("tidak-ada") == []


def test_no_split_of_a_csv_export_starts_a_formula(tmp_path):
    """Excel with Indonesian settings splits on ``;``: whichever of ``,``, ``;`` or tab a
    spreadsheet splits the file on, no piece may start with a formula character."""
    hostile = [
        {"id": "a", "title": ";=1+1 Jakarta", "body": "Banjir di Jakarta;@SUM(A1) hari ini."},
        {"id": "b", "title": "Jakarta\t+cmd", "body": "Banjir,=HYPERLINK(1) di Jakarta."},
        {"id": "c", "title": "＝1+1 Jakarta", "body": "Banjir di Jakarta; -2+3 warga.",
         "source": "kumparan; =2"},
    ]  # fmt: skip
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in hostile) + "\n", "utf-8")
    index_dir = str(tmp_path / "ix")
    assert run("index", str(tmp_path / "a.jsonl"), "--index", index_dir).returncode == 0
    out = tmp_path / "banjir.csv"
    assert run("Jakarta", "--export", str(out), "--index", index_dir).returncode == 0
    text = out.read_text("utf-8")
    for delimiter in (",", ";", "\t", "\n"):
        for piece in text.replace("\r", "\n").split(delimiter):
            cell = piece.strip().lstrip('"').lstrip()
            try:
                float(cell)
                continue  # a number (the score) is not a formula
            except ValueError:
                pass
            formula = cell.startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠"))
            assert not formula, (delimiter, piece)
    rows = list(csv.DictReader(io.StringIO(text)))
    # (the tab of a headline is a space once cleaned: no split starts a cell there)
    assert {r["headline"] for r in rows} == {";'=1+1 Jakarta", "Jakarta +cmd", "'＝1+1 Jakarta"}
    assert all(r["people"].count(";") == 0 for r in rows)  # names joined with " | "
