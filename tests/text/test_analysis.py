"""The Indonesian analyzer: stems affixed words, spares names, keeps numbers whole."""

from __future__ import annotations

import json
import pickle
import re

import pytest

from searcher.text.analysis import (
    WORD_RE,
    analysis_fingerprint,
    analyze,
    indonesian_analyzer,
    stem_word,
    word_terms_in_order,
)
from searcher.text.spans import find_spans, iter_spans, stem_core
from tests.conftest import ROOT

# word -> the index term it must become
WORDS = [
    # proper names: never stemmed
    ("Taliban", "taliban"),
    ("Tajikistan", "tajikistan"),
    ("Afghanistan", "afghanistan"),
    ("Kazakhstan", "kazakhstan"),
    ("Megawati", "megawati"),
    ("Jokowi", "jokowi"),
    ("Pertamina", "pertamina"),
    ("Putin", "putin"),
    ("Prabowo", "prabowo"),
    ("Jakarta", "jakarta"),
    ("Surabaya", "surabaya"),
    # affixed verbs and nouns: reduced to their root
    ("ditangkap", "tangkap"),
    ("mempertahankan", "tahan"),
    ("perjalanannya", "jalan"),
    ("perjalanan", "jalan"),
    ("hubungan", "hubung"),
    ("berhubungan", "hubung"),
    ("serangan", "serang"),
    ("menyerang", "serang"),
    ("kekuasaan", "kuasa"),
    ("pembangunan", "bangun"),
    ("membangun", "bangun"),
    ("menstabilkan", "stabil"),
    ("kekhawatiran", "khawatir"),
    ("pengedar", "edar"),
    # clitics -nya, -lah, -kah
    ("bukunya", "buku"),
    ("pergilah", "pergi"),
    ("minatnya", "minat"),
    ("rumahkah", "rumah"),
    # reduplication
    ("negara-negara", "negara"),
    ("serangan-serangan", "serang"),
    ("berbulan-bulan", "bulan"),
    # numbers stay whole
    ("1.200", "1.200"),
    ("0,17", "0,17"),
    ("2021", "2021"),
]


@pytest.mark.parametrize(("word", "term"), WORDS)
def test_word_becomes_term(word, term):
    assert analyze(word) == [term]


def test_stopword_verbs_still_stem_when_not_dropped():
    # "dilakukan" is on the stopword list, so it never reaches the index; the stemmer
    # alone still reduces it.
    assert analyze("dilakukan") == []
    assert stem_word("dilakukan") == "laku"


def test_hyphenated_names_split():
    assert analyze("Jokowi-JK") == ["jokowi", "jk"]


def test_stopwords_dropped_but_news_words_kept():
    assert analyze("yang dan di dengan") == []
    assert analyze("tahun baru hari besar bulan") == ["tahun", "baru", "hari", "besar", "bulan"]


def test_accents_fold():
    assert analyze("Café") == analyze("cafe")


def test_talib_is_not_taliban():
    assert stem_word("taliban") != stem_word("talib")


def test_analyzer_pickles_without_live_stemmer():
    analyzer = indonesian_analyzer()
    list(analyzer("mempertahankan"))  # warm the stem cache
    restored = pickle.loads(pickle.dumps(analyzer))
    assert [t.text for t in restored("mempertahankan Taliban")] == ["tahan", "taliban"]


def test_positions_skip_stopwords_for_phrases():
    analyzer = indonesian_analyzer()
    tokens = [(t.text, t.pos) for t in analyzer("hubungan dengan Taliban", positions=True)]
    assert tokens == [("hubung", 0), ("taliban", 1)]


def test_the_keyword_marker_is_a_stage_and_the_lexicons_can_be_passed_in():
    analyzer = indonesian_analyzer()
    stages = [type(stage).__name__ for stage in analyzer.items]
    assert stages.index("KeywordMarkerFilter") == stages.index("IndonesianStemFilter") - 1
    text = "Taliban menembak Megawati"
    assert [t.text for t in analyzer(text)] == ["taliban", "tembak", "megawati"]
    # without the names lexicon the stemmer mangles the names it used to protect
    bare = indonesian_analyzer(names=frozenset())
    assert [t.text for t in bare(text)] == ["talib", "tembak", "gawat"]
    # another stop list, and no root words: Snowball alone cuts "penembakan" to "embak"
    other = indonesian_analyzer(stops=frozenset({"menembak"}), roots=frozenset())
    assert [t.text for t in other("menembak penembakan")] == ["embak"]


def test_an_index_built_with_other_analysis_data_is_refused_until_rebuilt(tmp_path):
    from searcher import Archive
    from searcher.vocabulary import META_FILE
    from tests.conftest import SEED, run

    archive = Archive(tmp_path / "ix")
    archive.index([SEED])
    meta_path = tmp_path / "ix" / META_FILE
    meta = json.loads(meta_path.read_text("utf-8"))
    assert meta["analysis"] == analysis_fingerprint()
    meta_path.write_text(json.dumps({**meta, "analysis": "0123456789abcdef"}), "utf-8")
    refused = run("Taliban", "--index", str(tmp_path / "ix"))
    assert refused.returncode == 2
    assert "other analysis data" in refused.stderr and "--rebuild" in refused.stderr
    assert "Traceback" not in refused.stderr
    rebuilt = run("index", str(SEED), "--rebuild", "--index", str(tmp_path / "ix"))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert Archive(tmp_path / "ix").search("Taliban").total == 1


def _sample_words() -> set[str]:
    seeds = ROOT / "seeds"
    text = " ".join(p.read_text("utf-8") for p in seeds.glob("*.txt"))
    for line in (seeds / "indosum-sample.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        text += " " + record.get("title", "") + " " + record.get("body", "")
    return set(WORD_RE.findall(text))


def test_every_ascii_word_contains_the_core_of_its_terms():
    """What the snippets' prefilter (``spans.stem_core``) relies on, over the sample
    archive's ~14,000 distinct words: stemming changes at most a term's first letter, a
    term of one or two letters is whole in its words, and a one-letter term is where no
    letter precedes it (``e-KTP``)."""
    words = _sample_words()
    assert len(words) > 10_000
    broken = [
        (word, term)
        for word in words
        if word.isascii()
        for term in word_terms_in_order(word)
        if stem_core(term) not in word.lower()
        or (len(term) == 1 and not re.search(rf"(?<![^\W\d]){term}", word.lower()))
    ]
    assert broken == []
    assert any(len(term) == 1 for word in words for term in word_terms_in_order(word))


def test_spans_found_with_the_prefilter_are_every_span_of_the_terms():
    seeds = ROOT / "seeds"
    record = json.loads((seeds / "indosum-sample.jsonl").read_text("utf-8").splitlines()[3])
    text = record["body"]
    spans = list(iter_spans(text))
    for terms in ({"tulis", "pukul"}, {t for t, _, _ in spans[::7]}, {"jakarta", "di"}):
        assert list(find_spans(text, terms)) == [s for s in spans if s[0] in terms]


def test_spans_after_a_skipped_opening_are_every_later_span_of_the_terms():
    """Snippets skip a body's opening (a repeated headline) and look only near the
    query's words, not at every word: over real bodies, from a word boundary on, the
    spans found are still exactly the analyzer's."""
    seeds = ROOT / "seeds"
    lines = (seeds / "indosum-sample.jsonl").read_text("utf-8").splitlines()[:40]
    for n, line in enumerate(lines):
        text = json.loads(line)["body"]
        spans = list(iter_spans(text))
        skip = spans[len(spans) // 3][1]  # where a word starts, a third of the way in
        for terms in ({t for t, _, _ in spans[n % 5 :: 9]}, {spans[-1][0], "pukul", "josé"}):
            expected = [s for s in spans if s[0] in terms and s[1] >= skip]
            assert list(find_spans(text, terms, skip)) == expected, (n, terms)


def test_spans_in_any_case_and_around_letters_outside_ascii_are_every_span():
    """The cores are found in the lowercased text; accented words are always looked at,
    and a letter whose lowercase is longer (``İ``) makes the scan fall back to the
    case-blind expression without moving a span."""
    seeds = ROOT / "seeds"
    body = json.loads((seeds / "indosum-sample.jsonl").read_text("utf-8").splitlines()[5])["body"]
    extra = (
        " “JAKARTA” — José Mourinho tiba di Jakarta pada hari Jum’at; MENULIS, ditulis."
        " Kasus e-KTP, 5a dan E-KTP; a.n. Budi, 12abc."
    )
    for text in (body + extra, body + " İstanbul" + extra, "İstanbul, " + extra):
        spans = list(iter_spans(text))
        term_sets = ({"jakarta", "jose", "tulis"}, {"e", "ktp", "a"}, {t for t, _, _ in spans[::5]})
        for terms in term_sets:
            assert list(find_spans(text, terms)) == [s for s in spans if s[0] in terms], terms
