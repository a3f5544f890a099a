"""The Indonesian analyzer: stems affixed words, spares names, keeps numbers whole."""

from __future__ import annotations

import pickle

import pytest

from searcher.analysis import analyze, indonesian_analyzer, stem_word

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


def test_table_is_large_enough():
    assert len(WORDS) >= 30


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
