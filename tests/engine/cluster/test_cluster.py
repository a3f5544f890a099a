"""The cluster backend on real searchd processes: the same answers as the embedded
backend, faults that degrade instead of crashing, indexing that can be run again."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from searcher import Archive, SearcherError
from tests.conftest import ROOT, run
from tests.engine.cluster.conftest import SEEDS

QUERIES = [
    q for q in (ROOT / "benchmarks" / "queries.txt").read_text("utf-8").splitlines()
    if q and not q.startswith("#")
]  # fmt: skip


def _node_pid(folder: Path, number: int) -> int:
    return int((folder / f"node{number}" / "searchd.pid").read_text().strip())


def test_the_readme_query_finds_the_seed_first_on_the_cluster(cluster):
    found = run("Taliban Tajikistan", "--backend", cluster["url"])
    assert found.returncode == 0, found.stderr
    assert "1. Putin ingin membangun hubungan dengan Taliban" in found.stdout
    status = run("cluster", "status", str(cluster["folder"]))
    assert status.returncode == 0 and status.stdout.count(" up") == 2


def test_same_first_hit_as_the_embedded_backend_for_the_benchmark_queries(cluster, embedded_seeds):
    embedded = Archive(embedded_seeds)
    remote = Archive(backend=cluster["url"])
    asked = same = 0
    for query in QUERIES:
        one = embedded.search(query, limit=1, facets=False)
        two = remote.search(query, limit=1, facets=False)
        assert one.total == two.total, query  # the same articles match
        if one.hits:
            asked += 1
            same += one.hits[0].id == two.hits[0].id
    assert asked > 80
    assert same / asked >= 0.9, f"{same}/{asked}"


@pytest.mark.parametrize(
    "query",
    ["Jakarta", "Jokowi OR Prabowo pilkada", "source:kumparan -Jakarta", "banjir date:2017",
     'person:"Joko Widodo"', "-Jakarta", "pemerintah -date:2017"],
)  # fmt: skip
def test_filters_facets_and_timelines_agree_with_the_embedded_backend(
    cluster, embedded_seeds, query
):
    one = Archive(embedded_seeds).search(query, facets=True, timeline=True, per="month")
    two = Archive(backend=cluster["url"]).search(query, facets=True, timeline=True, per="month")
    assert one.total == two.total > 0
    assert one.understood == two.understood
    assert [(p.label, p.count) for p in one.timeline] == [(p.label, p.count) for p in two.timeline]
    assert one.facets.keys() == two.facets.keys()
    for label, names in one.facets.items():
        # names counted more often than the last one shown are unambiguous (ties at the
        # cut may be broken differently)
        cut = names[-1][1]
        ours = {n.casefold(): c for n, c in names if c > cut}
        theirs = {n.casefold(): c for n, c in two.facets[label] if c > cut}
        assert ours == theirs, label


def test_structured_filters_and_the_article_page_data_match(cluster, embedded_seeds):
    filters = {"person": ["Joko Widodo"], "date": ("2017-01", None)}
    one = Archive(embedded_seeds).search("", filters=filters)
    two = Archive(backend=cluster["url"]).search("", filters=filters)
    assert one.total == two.total > 0
    assert [h.id for h in one.hits] == [h.id for h in two.hits]  # newest first on both
    seed = "seeds/000_df906d3edab3d18d.txt"
    article = Archive(backend=cluster["url"]).article(seed)
    assert article == Archive(embedded_seeds).article(seed)
    related = Archive(backend=cluster["url"]).related(seed)
    assert related and all(hit.id != seed for hit in related)


def test_a_dead_shard_gives_partial_results_then_comes_back(cluster):
    folder, url = cluster["folder"], cluster["url"]
    whole = Archive(backend=url).search("Jakarta").total
    os.kill(_node_pid(folder, 1), signal.SIGKILL)
    try:
        time.sleep(0.2)
        cli = run("Jakarta", "--backend", url, "--json")
        assert cli.returncode == 0, cli.stderr
        assert "a shard of the cluster did not answer" in cli.stderr
        assert "Traceback" not in cli.stderr
        data = json.loads(cli.stdout)
        assert data["partial"] is True and 0 < data["total"] < whole
        from searcher.faces.web import create_app

        page = create_app(backend=url).test_client().get("/?q=Jakarta")
        assert page.status_code == 200
        assert "Sebagian arsip tidak menjawab" in page.get_data(as_text=True)
        # an index run against the dead shard stops with one clear line
        rerun = run("index", str(SEEDS), "--backend", url)
        assert rerun.returncode == 2
        assert "does not answer" in rerun.stderr and "run the same command again" in rerun.stderr
        assert "Traceback" not in rerun.stderr
    finally:
        started = run("cluster", "start", str(folder))
        assert started.returncode == 0, started.stderr
    back = Archive(backend=url).search("Jakarta")
    assert not back.partial and back.total == whole


def test_indexing_again_is_idempotent_and_remove_takes_articles_down(cluster):
    url = cluster["url"]
    archive = Archive(backend=url)
    before = archive.count()
    again = run("index", str(SEEDS), "--backend", url, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["added"] == 0 and report["unchanged"] == before
    assert archive.count() == before
    victim = archive.search("Steven Seagal").hits[0].id
    removed = run("remove", victim, "--backend", url)
    assert removed.returncode == 0, removed.stderr
    assert archive.count() == before - 1 and archive.article(victim) is None
    restored = run("index", str(SEEDS), "--backend", url, "--json")
    assert json.loads(restored.stdout)["added"] == 1
    assert archive.count() == before


def test_a_bad_backend_is_one_clear_line():
    bad = run("Jakarta", "--backend", "sphinx://127.0.0.1:1")
    assert bad.returncode == 2 and "does not answer" in bad.stderr
    assert "Traceback" not in bad.stderr
    wrong = run("Jakarta", "--backend", "elastic://x")
    assert wrong.returncode == 2 and "sphinx://" in wrong.stderr
    with pytest.raises(SearcherError):
        Archive(backend="sphinx://127.0.0.1:1").search("Jakarta")
