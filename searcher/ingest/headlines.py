"""Headlines for archives that have none: the outlet's own URL slug, cased from the body.

News URLs end in the headline the editor wrote, lowercased and joined with hyphens
(``…/ketua-mpr-mustahil-transportasi-tradisional-dan-online-bersaing-bebas``). That is
a better headline than the lead's first sentence, which often starts with a dateline.
The slug has lost its capitals; each word gets back the case the body writes it in
(``mpr`` -> ``MPR``, ``zulkifli`` -> ``Zulkifli``); a word the body does not have is
capitalised when news mostly writes it so (``jokowi``), and the first word always is.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote, urlsplit

from searcher.text.wordlists import capitalised_shares

#: Share of mid-sentence uses written capitalised above which a word the body lacks is
#: capitalised (``jokowi`` 1.00, ``presiden`` 0.75 stays lower case).
CAPITALISED_SHARE = 0.9
#: A slug needs this many words to read as a headline (``index``, ``berita-123`` do not).
MIN_SLUG_WORDS = 3

_SLUG_JUNK = re.compile(r"\.(?:s?html?|php|aspx?)$", re.IGNORECASE)
_DIGITS_ONLY = re.compile(r"^\d+$")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_SLUG_SEPARATOR = re.compile(r"[-_+\s]+|(?<=[^\W\d_])\.(?=[^\W\d_])")


def slug_of_url(url: str) -> str:
    """The last path part of ``url`` that reads like a slug (hyphenated words), or ``""``."""
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return ""
    for part in reversed([p for p in unquote(path).split("/") if p]):
        part = _SLUG_JUNK.sub("", part)
        if part.count("-") >= MIN_SLUG_WORDS - 1:
            return part
    return ""


def _casing(body: str) -> dict[str, str]:
    """Each word's most common written form in ``body`` that is not sentence-initial."""
    forms: dict[str, Counter] = {}
    for m in _WORD.finditer(body):
        word = m.group()
        before = body[max(0, m.start() - 2) : m.start()].strip()
        if m.start() == 0 or before[-1:] in {".", "!", "?", '"', "“"}:
            continue  # a sentence's first word is capitalised whatever it is
        forms.setdefault(word.lower(), Counter())[word] += 1
    return {low: counts.most_common(1)[0][0] for low, counts in forms.items()}


def _number_joint(left: str, right: str, body: str) -> str | None:
    """How the body joins two numbers the slug split (``5,1``, ``3-0``), if it does."""
    if not (_DIGITS_ONLY.match(left) and _DIGITS_ONLY.match(right)):
        return None
    found = re.search(rf"(?<!\d){left}\s*([,.:/-])\s*{right}(?!\d)", body)
    if found:
        return found.group(1)
    return "-" if len(left) <= 2 and len(right) <= 2 else None  # most often a score


#: ``rp95`` in a slug is ``Rp95`` (rupiah, written with a capital and glued to the number).
_RUPIAH = re.compile(r"^rp(\d[\d.,]*)$")
#: A slug word the body lacks that starts a capitalised body word this long is a clipped
#: name (``tanoe`` of ``Tanoesoedibjo``).
MIN_CLIPPED_NAME = 4


def _usual_case(word: str, names: list[str]) -> str:
    """A slug word the body does not write: ``Rp95``; a clipped name of the body; a word
    news mostly capitalises (``jokowi``); else as it is."""
    rupiah = _RUPIAH.match(word)
    if rupiah:
        return f"Rp{rupiah.group(1)}"
    if len(word) >= MIN_CLIPPED_NAME:
        clipped = [name for name in names if name.lower().startswith(word)]
        if clipped:
            return clipped[0][: len(word)]
    if capitalised_shares().get(word, 0.0) >= CAPITALISED_SHARE:
        return word.capitalize()
    return word


def headline_from_slug(slug: str, body: str) -> str:
    """``slug`` (``ketua-mpr-mustahil-…``, query string and suffix allowed) as a headline.

    Returns ``""`` when the slug is too short or is only numbers and ids.
    """
    slug = _SLUG_JUNK.sub("", slug.split("?")[0].split("#")[0].strip().strip("/"))
    # words joined by dots (``sung.ji-hyun.antar.korea``, juara.net) are words too
    words = [w for w in _SLUG_SEPARATOR.split(unquote(slug)) if w]
    # an id glued to the front or back (``20170608134411-85``) is not part of the headline
    while words and _DIGITS_ONLY.match(words[0]) and len(words[0]) > 4:
        words.pop(0)
    while words and _DIGITS_ONLY.match(words[-1]) and len(words[-1]) > 4:
        words.pop()
    if len(words) < MIN_SLUG_WORDS or all(_DIGITS_ONLY.match(w) for w in words):
        return ""
    casing = _casing(body)
    names = [form for form in casing.values() if form[:1].isupper() and form[1:].islower()]
    cased: list[str] = []
    for word in words:
        joint = _number_joint(cased[-1], word, body) if cased else None
        if joint is not None:
            cased[-1] += joint + word  # ``5,1`` magnitudo, a ``3-0`` score
        else:
            cased.append(casing.get(word.lower()) or _usual_case(word.lower(), names))
    cased[0] = cased[0][:1].upper() + cased[0][1:]
    return " ".join(cased)
