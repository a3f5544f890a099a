"""Named entities (people, places, organisations) in Indonesian news text.

A linear-chain CRF (python-crfsuite) trained on idner-news-2k and NERGRIT tags each
token with IOB2 labels; the model ships as ``data/ner.crfsuite`` and is loaded lazily
once per process. Features depend on the word and its neighbours (shape, affixes,
capitalisation, a gazetteer of names seen in training); the per-word part is cached,
which is what makes tagging fast enough to run inside indexing.

Train it again with ``python scripts/models/ner_model.py ../shared/data``.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from searcher.ingest.datelines import KNOWN_OUTLETS
from searcher.text.wordlists import capitalised_shares
from searcher.vocabulary import LABELS

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


#: Words whose features stay cached: news vocabulary is Zipfian, so the head gives nearly
#: every hit; 200,000 held ~400 MB per indexing worker at 50,000 articles and tagged no
#: faster (8,000 articles: 279-410 articles/s at 200,000, 322-380 at 20,000, run to run).
FEATURE_CACHE = 30_000


#: What one word gives a sentence's features: its own, what the next word sees of it
#: (``-1:``), what the previous word sees (``+1:``), and its two-away forms (``-2:``,
#: ``+2:``; each a tuple of at most one).
WordParts = tuple[tuple[str, ...], ...]


def word_features(word: str) -> tuple[str, ...]:
    """Features of a word alone."""
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
    share = capitalised_shares().get(lower)
    feats.append("cap=" + ("unseen" if share is None else str(min(4, int(share * 5)))))
    return tuple(feats)


def word_parts(word: str) -> WordParts:
    """Everything a word adds to its sentence's features (see ``WordParts``)."""
    lower = word.lower()
    share = capitalised_shares().get(lower)
    base = ["w=" + lower, "cap=" + ("u" if share is None else str(int(share * 2.99)))]
    if word[:1].isupper():
        base.append("title")
    if lower in TITLES:
        base.append("honorific")
    base.extend("gaz=" + label for label in _gazetteer().get(lower, ()))
    return (
        word_features(word),
        tuple("-1:" + f for f in base),
        tuple("+1:" + f for f in base),
        ("-2:w=" + lower,),
        ("+2:w=" + lower,),
    )


@lru_cache(maxsize=FEATURE_CACHE)
def _tagging_parts(word: str) -> WordParts:
    """``word_parts`` less what the model has no weight for, cached. crfsuite drops an
    attribute it does not know, so the tags are the same; handing it over took a fifth
    of crfsuite's time (1.09 against 0.85 s for 12,045 sentences)."""
    known = _model_attributes()
    return tuple(tuple(f for f in part if f in known) for part in word_parts(word))


def _assemble(
    words: list[str], parts_of, bos: tuple[str, ...], eos: tuple[str, ...]
) -> list[tuple[str, ...]]:
    """Each word's features: its own, its neighbours' (one and two away) or BOS/EOS."""
    n = len(words)
    parts = [parts_of(word) for word in words]
    out = []
    for i, own in enumerate(parts):
        feats = own[0]
        if i == 0:
            feats += bos
        else:
            feats += parts[i - 1][1]
            if i > 1:
                feats += parts[i - 2][3]
        if i == n - 1:
            feats += eos
        else:
            feats += parts[i + 1][2]
            if i < n - 2:
                feats += parts[i + 2][4]
        out.append(feats)
    return out


def sentence_features(words: list[str]) -> list[tuple[str, ...]]:
    """CRF features for each word of one sentence (what the model is trained on)."""
    return _assemble(words, word_parts, ("BOS",), ("EOS",))


@lru_cache(maxsize=1)
def _model_attributes() -> frozenset[str]:
    """The attributes the shipped model has a weight for."""
    return frozenset(attribute for attribute, _ in _tagger().info().state_features)


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


def _is_abbreviation(word: str) -> bool:
    """``St.``, ``Dr.``, ``Jl.``, ``H.``: a short capitalised word before a full stop."""
    return len(word) <= 3 and word[:1].isupper() and word.isalpha() and word.upper() != word


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
        abbreviation = word == "." and len(current) > 1 and _is_abbreviation(current[-2][0])
        if (word in _SENTENCE_END and not abbreviation) or len(current) >= MAX_SENTENCE_TOKENS:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def tag_words(words: list[str]) -> list[str]:
    """IOB2 labels for the words of one sentence."""
    if not words:
        return []
    known = _model_attributes()
    bos = ("BOS",) if "BOS" in known else ()
    eos = ("EOS",) if "EOS" in known else ()
    return list(_tagger().tag(_assemble(words, _tagging_parts, bos, eos)))


def iob_spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """``(first, last + 1, label)`` token ranges of the IOB2 labels of one sentence."""
    spans = []
    first, label = None, None
    for i, tag in enumerate([*labels, "O"]):
        if tag.startswith("I-") and label == tag[2:]:
            continue
        if label is not None:
            spans.append((first, i, label))
        first, label = (i, tag[2:]) if tag != "O" else (None, None)
    return spans


def _is_place(word: str) -> bool:
    return "LOC" in _gazetteer().get(word.lower(), ())


def _capitalised_word(word: str) -> bool:
    """True when the word's first letter or digit is a capital or a digit."""
    first = next((ch for ch in word if ch.isalnum()), "")
    return first.isupper() or first.isdigit()


def _tidy(words: list[str], first: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """Rules that fix what the tagger gets wrong in news style.

    - Honorifics and lowercase words at the start of a span are not part of the name
      (``Presiden Joko Widodo`` -> ``Joko Widodo``; ``jalan tol Trans Jawa``).
    - After an honorific, a place word opens a person's name with its country:
      ``Presiden Rusia Vladimir Putin`` -> ``Rusia`` (LOC), ``Vladimir Putin`` (PER).
    """
    titled = first > 0 and words[first - 1].lower().rstrip(".") in TITLES
    while end > first and not any(ch.isalnum() for ch in words[end - 1]):
        end -= 1  # a closing bracket or quote the span took in
    while first < end - 1 and (
        words[first].lower().rstrip(".") in TITLES or not _capitalised_word(words[first])
    ):
        titled = titled or words[first].lower().rstrip(".") in TITLES
        first += 1
    if first >= end or not _capitalised_word(words[first]):
        return []
    if label == "PER" or (titled and end - first >= 2 and _is_place(words[first])):
        # after an honorific the span is a person, whatever the tagger called it
        return _tidy_person(words, first, end, titled, label)
    return [(first, end, label)]


#: People's names written as capitals, which a lone short all-caps word otherwise is
#: not (``RAM``, ``MA`` and ``BI`` were tagged as people).
PEOPLE_INITIALS = {"SBY", "JK", "AHY", "BTP", "HT", "RK", "JKW"}
#: Nationality words that open a person's name in news (``Tajik Emomali Rahmon``).
NATIONALITIES = {"tajik", "afghan", "uzbek", "kazakh", "turkmen", "kirgiz", "pashtun",
                 "palestina", "israel", "pakistan", "rusia", "ukraina", "suriah", "irak",
                 "iran", "mesir", "turki", "amerika", "inggris", "prancis", "perancis",
                 "jerman", "jepang", "korea", "tiongkok", "cina", "india", "filipina",
                 "malaysia", "singapura", "australia", "thailand", "vietnam"}  # fmt: skip
#: A headline verb written capitalised after a name (``Jokowi Ungkap``) is not part of
#: it: the verbs headlines use, or a derived word (me-, di-, ber-) news mostly writes in
#: lower case. Names made of common words (``Zaenal Bintang``) keep theirs.
HEADLINE_VERBS = {"ungkap", "minta", "sebut", "tolak", "akui", "dukung", "bantah", "klaim",
                  "janji", "kritik", "puji", "ajak", "harap", "nilai", "bilang", "kecam",
                  "tegaskan", "soroti", "jawab", "bicara", "beri", "resmikan", "tinjau",
                  "lantik", "temui", "singgung", "curhat", "pamer", "tanggapi"}  # fmt: skip
_LOWERCASE_SHARE = 0.5


def _headline_verb(word: str) -> bool:
    lower = word.lower()
    if lower in HEADLINE_VERBS:
        return True
    share = capitalised_shares().get(lower)
    if share is None or share >= _LOWERCASE_SHARE or not lower.startswith(("me", "di", "ber")):
        return False
    from searcher.text.stemming import stem

    return stem(lower) != lower


def _tidy_person(
    words: list[str], first: int, end: int, titled: bool, label: str = "PER"
) -> list[tuple[int, int, str]]:
    """The person rules: a country or nationality opening the name splits off (``Presiden
    Rusia Vladimir Putin``, ``Tajik Emomali Rahmon``), a headline verb closing it comes off
    (``Jokowi Ungkap``), an outlet is an organisation, a short all-caps word no person."""
    spans: list[tuple[int, int, str]] = []
    if end - first >= 2 and (titled or end - first >= 3) and _is_place(words[first]):
        split = first + 1
        while split < end and _is_place(words[split]):
            split += 1
        if split < end:
            spans.append((first, split, "LOC"))
            first = split
        elif label != "PER":
            return [(first, end, label)]  # only places: ``Gubernur Jawa Tengah``
    elif end - first >= 3 and words[first].lower() in NATIONALITIES:
        first += 1  # an adjective, not the person's name
    while end - first >= 2 and _headline_verb(words[end - 1]):
        end -= 1
    name = " ".join(words[first:end])
    if name.lower() in _OUTLETS:
        return [*spans, (first, end, "ORG")]
    if end - first == 1 and name.isupper() and len(name) <= 4 and name not in PEOPLE_INITIALS:
        return spans
    return [*spans, (first, end, "PER")]


_OUTLETS = {name.lower() for name in KNOWN_OUTLETS} | {
    "detik", "detikcom", "kumparan", "merdeka.com", "suara.com", "cnn", "antara"}  # fmt: skip

#: A sentence-initial word written capitalised mid-sentence less often than this
#: (``Kemarin``, ``Dia``) is an ordinary word, not a name.
_ORDINARY_SHARE = 0.2


def may_name(words: list[str]) -> bool:
    """Whether a sentence can mention a name at all: some capitalised word that is not
    just an ordinary word starting the sentence. About a third of news sentences
    cannot, and skipping the tagger for them saves that share of its cost."""
    for i, word in enumerate(words):
        if word[:1].isupper():
            if i:
                return True
            lower = word.lower()
            share = capitalised_shares().get(lower)
            if share is None or share >= _ORDINARY_SHARE or lower in _gazetteer():
                return True
    return False


def entity_spans(words: list[str]) -> list[tuple[int, int, str]]:
    """``(first, last + 1, label)`` word ranges of the entities in one sentence."""
    if not may_name(words):
        return []
    return [
        tidy
        for first, end, label in iob_spans(tag_words(words))
        for tidy in _tidy(words, first, end, label)
    ]


_SURROGATE = re.compile("[\ud800-\udfff]")


def extract(text: str) -> list[Entity]:
    """People, places and organisations mentioned in ``text``, in order."""
    entities: list[Entity] = []
    # crfsuite takes UTF-8: a lone surrogate (one code point, so offsets hold) is
    # tagged as U+FFFD
    for sentence in tokenize(_SURROGATE.sub("\ufffd", text)):
        for a, b, label in entity_spans([w for w, _, _ in sentence]):
            start, stop = sentence[a][1], sentence[b - 1][2]
            entities.append(Entity(text[start:stop], label, start, stop))
    return entities


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
    """A person's surname or given name alone stands for the full name seen earlier.

    Only people: ``Jawa`` is not short for ``Jawa Tengah``.
    """
    if " " in mention.text or mention.label != "PER":
        return mention.text
    for name in full_names:
        if mention.text in name.split(" "):
            return name
    return mention.text
