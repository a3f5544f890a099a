"""Short passages of an article's body with the query's words marked.

Matching is by index term, so the marks follow the stemmer: ``hubungan`` marks
``berhubungan``. The body is scanned word by word with no length limit (Whoosh's
own fragmenters stop at 32 KB), and scanning stops once enough matches are found.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from searcher.settings import DEFAULT
from searcher.text.spans import find_spans

#: Stop scanning a body after this many matches: enough to choose good fragments.
MAX_MATCHES = 60
#: How far back from a match to look for the start of its sentence.
SENTENCE_LOOKBACK = 90

_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’)]?\s+|\n)(?=\S)")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?=\s|$)")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t]+")


@dataclass
class Snippet:
    """A snippet as plain text, as HTML, and where its marks are in the text."""

    text: str
    html: str
    marks: list[tuple[int, int]] = field(default_factory=list)


def _find_matches(body: str, terms: set[str], skip: int) -> list[tuple[str, int, int]]:
    found = []
    if not terms:
        return found
    for match in find_spans(body, terms, skip):
        found.append(match)
        if len(found) >= MAX_MATCHES:
            break
    return found


_LEADING_JUNK = set(",;:.!?)]}”’-–—·|/")


def _window_start(body: str, match_start: int, floor: int) -> tuple[int, bool]:
    """Where a fragment around a match begins, and whether that is a sentence start."""
    lookback = max(floor, match_start - SENTENCE_LOOKBACK)
    starts = [m.end() for m in _SENTENCE_START.finditer(body, lookback, match_start + 1)]
    if starts and starts[-1] <= match_start:
        return starts[-1], True
    if lookback == floor:
        return floor, True
    space = body.rfind(" ", lookback, max(lookback, match_start - SENTENCE_LOOKBACK // 2))
    return _past_punctuation(body, space + 1 if space >= 0 else lookback, match_start), False


def _past_punctuation(body: str, start: int, limit: int) -> int:
    """``start`` moved past punctuation and spaces a fragment must not begin with (the
    orphan comma of ``… , kata``), never past ``limit``."""
    while start < limit and (body[start] in _LEADING_JUNK or body[start].isspace()):
        start += 1
    return start


def _window_end(body: str, start: int, chars: int) -> tuple[int, bool]:
    """Where a fragment ends: a sentence end near ``chars``, else a word boundary."""
    target = start + chars
    if target >= len(body):
        return len(body), True
    slack = body[target - chars // 4 : target + chars // 5]
    ends = [m.end() for m in _SENTENCE_END.finditer(slack)]
    if ends:
        return target - chars // 4 + ends[-1], True
    space = body.rfind(" ", start, target)
    return (space if space > start else target), False


def _fragments(body: str, matches: list[tuple[str, int, int]], count: int, chars: int, skip: int):
    """Up to ``count`` non-overlapping windows, each adding terms not yet shown."""
    windows = _windows(body, matches, chars, skip)
    chosen: list[tuple[int, int, bool, bool]] = []
    covered: set[str] = set()
    remaining = list(matches)
    while remaining and len(chosen) < count:
        best = None
        for _, m_start, _ in remaining:
            start, end, clean_start, clean_end, inside = windows[m_start]
            score = (len(inside - covered), len(inside), -start)
            if best is None or score > best[0]:
                best = (score, start, end, clean_start, clean_end, inside)
        score, start, end, clean_start, clean_end, terms = best
        if chosen and score[0] == 0:
            break
        chosen.append((start, end, clean_start, clean_end))
        covered |= terms
        remaining = [
            m
            for m in remaining
            if not (m[1] < end and m[2] > start) and not any(s <= m[1] < e for s, e, _, _ in chosen)
        ]
    return sorted(chosen)


def _windows(body: str, matches: list[tuple[str, int, int]], chars: int, skip: int) -> dict:
    """The window around each match (by its start): bounds, whether they are clean, and
    the terms wholly inside. Computed once; choosing fragments compares them repeatedly."""
    ordered = sorted(matches, key=lambda match: match[1])
    starts = [m_start for _, m_start, _ in ordered]
    windows: dict[int, tuple] = {}
    for m_start in starts:
        if m_start in windows:
            continue
        start, clean_start = _window_start(body, m_start, skip)
        end, clean_end = _window_end(body, start, chars)
        inside = set()
        for term, s, e in ordered[bisect_left(starts, start) :]:
            if s >= end:
                break
            if e <= end:
                inside.add(term)
        windows[m_start] = (start, end, clean_start, clean_end, inside)
    return windows


def _lead(body: str, chars: int, skip: int) -> list[tuple[int, int, bool, bool]]:
    skip = _past_punctuation(body, skip, len(body))
    end, clean = _window_end(body, skip, chars)
    return [(skip, end, True, clean)]


def headline_prefix(body: str, headline: str) -> int:
    """Length of the body's opening that merely repeats the headline (0 when it does not).

    Archives without titles get the lead's first sentence as headline; the snippet
    should not show it twice.
    """
    stem = headline.removesuffix(" …").strip()
    if not stem or not body.startswith(stem):
        return 0
    end = len(stem)
    rest = body[end:]
    skip = end + len(rest) - len(rest.lstrip())
    return skip if skip < len(body) else 0


def make_snippet(
    body: str,
    terms: set[str],
    fragments: int = DEFAULT.snippets.fragments,
    chars: int = DEFAULT.snippets.chars,
    skip: int = 0,
) -> Snippet:
    """One to ``fragments`` passages of about ``chars`` characters with ``terms`` marked.

    With no match in the body (the words were in the headline), the lead is shown.
    The first ``skip`` characters (a repeat of the headline) are never shown.
    """
    if not body:
        return Snippet("", "")
    matches = _find_matches(body, terms, skip)
    windows = (
        _fragments(body, matches, fragments, chars, skip) if matches else _lead(body, chars, skip)
    )
    text_parts: list[str] = []
    html_parts: list[str] = []
    marks: list[tuple[int, int]] = []
    offset = 0
    for i, (start, end, clean_start, _) in enumerate(windows):
        piece_text, piece_html, piece_marks = _render(body, start, end, matches)
        if i or not clean_start:
            piece_text, piece_html = "… " + piece_text, "… " + piece_html
            piece_marks = [(s + 2, e + 2) for s, e in piece_marks]
        if i:
            piece_text, piece_html = " " + piece_text, " " + piece_html
            piece_marks = [(s + 1, e + 1) for s, e in piece_marks]
        marks.extend((s + offset, e + offset) for s, e in piece_marks)
        text_parts.append(piece_text)
        html_parts.append(piece_html)
        offset += len(piece_text)
    text, markup = "".join(text_parts), "".join(html_parts)
    if windows and not windows[-1][3]:
        text, markup = text + " …", markup + " …"
    return Snippet(text, markup, marks)


def _render(body: str, start: int, end: int, matches) -> tuple[str, str, list[tuple[int, int]]]:
    """Text and HTML of ``body[start:end]`` with newlines folded and matches marked."""
    text_parts: list[str] = []
    html_parts: list[str] = []
    marks: list[tuple[int, int]] = []
    cursor = start
    length = 0
    for _, m_start, m_end in matches:
        if m_start < cursor or m_end > end:
            continue
        plain = _fold(body[cursor:m_start], body[cursor - 1 : cursor])
        word = body[m_start:m_end]
        text_parts += [plain, word]
        html_parts += [html.escape(plain), f"<mark>{html.escape(word)}</mark>"]
        marks.append((length + len(plain), length + len(plain) + len(word)))
        length += len(plain) + len(word)
        cursor = m_end
    tail = _fold(body[cursor:end], body[cursor - 1 : cursor])
    text_parts.append(tail)
    html_parts.append(html.escape(tail))
    return "".join(text_parts), "".join(html_parts), marks


def _fold(text: str, before: str) -> str:
    """Whitespace as single spaces; a line break after a subhead (no full stop) is `` · ``.

    ``before`` is the character preceding ``text`` in the body.
    """
    if "\n" in text:
        parts = _LINE_BREAK.sub("\n", text).split("\n")
        text = parts[0]
        for part in parts[1:]:
            last = (text or before)[-1:] or "."
            text += " " + part if last in '.!?"”’:)' else " · " + part
    return _SPACES.sub(" ", text)


def highlight(text: str, terms: set[str]) -> str:
    """All of ``text`` as HTML, escaped, with every word whose term is in ``terms`` marked."""
    parts: list[str] = []
    cursor = 0
    if terms:
        for _, start, end in find_spans(text, terms):
            parts += [
                html.escape(text[cursor:start]),
                f"<mark>{html.escape(text[start:end])}</mark>",
            ]
            cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)
