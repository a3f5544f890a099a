"""Named entities (people, places, organisations) in Indonesian news text.

A linear-chain CRF (python-crfsuite) trained on idner-news-2k and NERGRIT tags each
token with IOB2 labels; the model ships as ``data/ner.crfsuite`` and is loaded lazily
once per process. Features depend on the word and its neighbours (shape, affixes,
capitalisation, a gazetteer of names seen in training); the per-word part is cached,
which is what makes tagging fast enough to run inside indexing.

Train it again with ``python -m searcher.build.ner_model ../shared/data``.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

LABELS = ("PER", "LOC", "ORG")

#: Words that open many sentences capitalised but are almost never (part of) a name.
#: The model learns this too; these are the feature ``common``'s source.
TITLES = frozenset(
    [
        "presiden",
        "wakil",
        "menteri",
        "kepala",
        "ketua",
        "gubernur",
        "bupati",
        "wali",
        "walikota",
        "kapolri",
        "kapolda",
        "kapolres",
        "jenderal",
        "letjen",
        "mayjen",
        "brigjen",
        "kolonel",
        "sekjen",
        "direktur",
        "dirut",
        "ketum",
        "dr",
        "ir",
        "prof",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "sang",
        "syekh",
        "haji",
        "hj",
        "h",
        "kh",
        "raja",
        "ratu",
        "pangeran",
        "perdana",
        "senator",
        "anggota",
        "juru",
        "bicara",
        "jubir",
        "komisaris",
        "panglima",
        "kasad",
        "kasal",
        "kasau",
        "hakim",
        "jaksa",
    ]
)

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*(?:-\w+)*|[^\w\s]")
_SENTENCE_END = frozenset(".!?")
#: Longest sentence the tagger sees at once; longer runs (a 1 MB line) are cut.
MAX_SENTENCE_TOKENS = 200


@dataclass(frozen=True)
class Entity:
    """One mention: ``text[start:end] == entity.text``."""

    text: str
    label: str
    start: int
    end: int


def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", word)
    shape = re.sub(r"[a-z]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1+", r"\1\1", shape)


@lru_cache(maxsize=200_000)
def word_features(word: str) -> tuple[str, ...]:
    """Features of a word alone, cached: most of the tagging cost is here."""
    lower = word.lower()
    feats = [
        "w=" + lower,
        "shape=" + _shape(word),
        "suf2=" + lower[-2:],
        "suf3=" + lower[-3:],
        "suf4=" + lower[-4:],
        "pre2=" + lower[:2],
        "pre3=" + lower[:3],
    ]
    if word[:1].isupper():
        feats.append("title")
    if word.isupper() and len(word) > 1:
        feats.append("upper")
    if word.isdigit():
        feats.append("digit")
    if "-" in word:
        feats.append("hyphen")
    if lower in TITLES:
        feats.append("honorific")
    gazetteer = _gazetteer()
    for label in gazetteer.get(lower, ()):
        feats.append("gaz=" + label)
    return tuple(feats)


def _neighbour_features(word: str, offset: str) -> list[str]:
    lower = word.lower()
    feats = [offset + "w=" + lower]
    if word[:1].isupper():
        feats.append(offset + "title")
    if lower in TITLES:
        feats.append(offset + "honorific")
    for label in _gazetteer().get(lower, ()):
        feats.append(offset + "gaz=" + label)
    return feats


def sentence_features(words: list[str]) -> list[list[str]]:
    """CRF features for each word of one sentence."""
    out = []
    n = len(words)
    for i, word in enumerate(words):
        feats = list(word_features(word))
        if i == 0:
            feats.append("BOS")
        else:
            feats.extend(_neighbour_features(words[i - 1], "-1:"))
            if i > 1:
                feats.append("-2:w=" + words[i - 2].lower())
        if i == n - 1:
            feats.append("EOS")
        else:
            feats.extend(_neighbour_features(words[i + 1], "+1:"))
            if i < n - 2:
                feats.append("+2:w=" + words[i + 2].lower())
        out.append(feats)
    return out


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[str, ...]]:
    """Lowercased name words seen in training, with their labels."""
    table: dict[str, tuple[str, ...]] = {}
    path = resources.files("searcher").joinpath("data/ner-gazetteer.tsv")
    if not path.is_file():
        return table
    for line in path.read_text("utf-8").splitlines():
        word, _, labels = line.partition("\t")
        table[word] = tuple(labels.split(","))
    return table


_tagger_lock = threading.Lock()
_local = threading.local()


def _tagger():
    """One crfsuite Tagger per thread (a Tagger is not thread-safe)."""
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        path = resources.files("searcher").joinpath("data/ner.crfsuite")
        with _tagger_lock, resources.as_file(path) as model:
            tagger.open(str(model))
        _local.tagger = tagger
    return tagger


def tokenize(text: str) -> list[list[tuple[str, int, int]]]:
    """Sentences of ``(word, start, end)``: split at ., !, ? and line ends."""
    sentences: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    last_end = 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        if current and "\n" in text[last_end : match.start()]:
            sentences.append(current)
            current = []
        current.append((word, match.start(), match.end()))
        last_end = match.end()
        if word in _SENTENCE_END or len(current) >= MAX_SENTENCE_TOKENS:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def tag_words(words: list[str]) -> list[str]:
    """IOB2 labels for the words of one sentence."""
    if not words:
        return []
    return list(_tagger().tag(sentence_features(words)))


def extract(text: str) -> list[Entity]:
    """People, places and organisations mentioned in ``text``, in order."""
    entities: list[Entity] = []
    for sentence in tokenize(text):
        labels = tag_words([w for w, _, _ in sentence])
        start = end = None
        label = None
        for (_, s, e), tag in zip(sentence, labels, strict=True):
            if tag.startswith("I-") and label == tag[2:]:
                end = e
                continue
            if label is not None:
                entities.append(Entity(text[start:end], label, start, end))
            label, start, end = (tag[2:], s, e) if tag != "O" else (None, None, None)
        if label is not None:
            entities.append(Entity(text[start:end], label, start, end))
    return [_strip_title(e, text) for e in entities if _strip_title(e, text)]


def _strip_title(entity: Entity, text: str) -> Entity | None:
    """Drops honorifics a person's span may have taken in (``Presiden Joko Widodo``)."""
    if entity.label != "PER":
        return entity
    words = entity.text.split(" ")
    drop = 0
    while drop < len(words) - 1 and words[drop].lower().rstrip(".") in TITLES:
        drop += 1
    if not drop:
        return entity
    start = entity.start + len(" ".join(words[:drop])) + 1
    return Entity(text[start : entity.end], entity.label, start, entity.end)


def article_entities(text: str) -> dict[str, list[str]]:
    """Distinct names per label for one article, most mentioned first.

    A short mention resolves to the full name seen in the same article (``Putin`` ->
    ``Vladimir Putin``), so one person is counted once under one name.
    """
    mentions = extract(text)
    full_names: dict[str, list[str]] = {label: [] for label in LABELS}
    for mention in mentions:
        if " " in mention.text and mention.text not in full_names[mention.label]:
            full_names[mention.label].append(mention.text)
    counts: dict[str, Counter] = {label: Counter() for label in LABELS}
    for mention in mentions:
        name = _resolve(mention, full_names[mention.label])
        counts[mention.label][name] += 1
    return {label: [name for name, _ in counts[label].most_common()] for label in LABELS}


def _resolve(mention: Entity, full_names: list[str]) -> str:
    if " " in mention.text:
        return mention.text
    for name in full_names:
        if mention.text in name.split(" "):
            return name
    return mention.text
