"""Turn a scraped news page saved as text into headline, kicker, body and metadata.

Scraped pages start with site navigation and the page title (often twice) before
the article. The heuristics, in order:

1. Lines are normalised (``\\r\\n``/``\\r`` ends, BOM, non-breaking spaces) and grouped
   into blocks separated by blank lines.
2. The *lead* is the first block that reads like prose: a line of at least
   ``PROSE_MIN_WORDS`` words ending in sentence punctuation, or of at least
   ``LONG_LINE_WORDS`` words. With no such block, the first block ending in sentence
   punctuation after the first block is the lead; failing that, the second block.
3. Everything before the lead is the header. Metadata lines in it (a URL, a
   dateline, ``Reporter:``/``Editor:`` bylines) become fields; a line repeating an
   earlier one is dropped.
4. The header's last block holds the title: with two or more lines, the last line
   is the headline and the line before it the kicker (``Kunjungan ke Tajikistan``
   above ``Putin ingin membangun hubungan dengan Taliban``); with one line, that
   line is the headline. Earlier header blocks are navigation and are dropped.
   With no header at all, the lead's first sentence stands in as the headline.
5. The body is every line from the lead on, one paragraph per line, so subheads
   stay as their own paragraphs; boilerplate lines (``Baca juga: …``, ``SCROLL TO
   CONTINUE WITH CONTENT``) and repeats of the title are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from searcher.ingest.dates import looks_like_date_line

PROSE_MIN_WORDS = 12
LONG_LINE_WORDS = 25
KICKER_MAX_WORDS = 10
SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")")

_URL_LINE = re.compile(r"^(?:sumber:\s*)?(https?://\S+)$", re.IGNORECASE)
_BYLINE = re.compile(
    r"^(?:reporter|reporter\s*&\s*editor|penulis|editor|oleh|foto|fotografer|sumber|redaktur)\s*[:|]",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:\(?\s*(?:baca|lihat|simak|tonton)\s+(?:juga|pula)\b.*"
    r"|(?:simak|tonton|saksikan|lihat)\s+(?:juga\s+)?(?:video|live)\w*\b.*"
    r"|scroll to (?:continue with|resume) content"
    r"|advertisement|iklan"
    r"|\[gambas:.*\]"
    r"|bagikan(?: artikel)?(?: ini)?:?"
    r"|share(?: this)?:?)$",
    re.IGNORECASE,
)


@dataclass
class CleanPage:
    """What a scraped page holds once navigation and repeats are removed."""

    headline: str
    body: str
    kicker: str = ""
    date_text: str = ""
    url: str = ""
    paragraphs: list[str] = field(default_factory=list)
    headline_from_lead: bool = False


def normalise_lines(text: str) -> list[str]:
    """Lines with line ends, BOM and odd spaces normalised, each stripped."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_prose(line: str) -> bool:
    words = len(line.split())
    return words >= LONG_LINE_WORDS or (words >= PROSE_MIN_WORDS and line.endswith(SENTENCE_END))


def _find_lead(blocks: list[list[str]]) -> int:
    for i, block in enumerate(blocks):
        if _is_prose(block[0]):
            return i
    for i, block in enumerate(blocks[1:], start=1):
        if block[0].endswith(SENTENCE_END):
            return i
    return 1 if len(blocks) > 1 else 0


def is_boilerplate(line: str) -> bool:
    """True for lines that are site furniture, not article text."""
    return bool(_BOILERPLATE.match(line.strip()))


def clean_paragraphs(text: str) -> list[str]:
    """Paragraphs of an article body (one per line), boilerplate lines removed."""
    return [line for line in normalise_lines(text) if line and not is_boilerplate(line)]


def first_sentence(text: str, max_words: int = 15) -> str:
    """A stand-in headline: the first sentence, cut at a word after ``max_words``."""
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    words = sentence.split()
    return " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")


def clean_page(text: str) -> CleanPage:
    """Split a scraped page into its parts (see the module docstring)."""
    blocks = _blocks(normalise_lines(text))
    if not blocks:
        return CleanPage(headline="", body="")
    lead = _find_lead(blocks)
    url = date_text = ""
    header: list[list[str]] = []
    seen: set[str] = set()
    for block in blocks[:lead]:
        kept = []
        for line in block:
            url_match = _URL_LINE.match(line)
            if url_match:
                url = url or url_match.group(1)
            elif looks_like_date_line(line):
                date_text = date_text or line
            elif _BYLINE.match(line) or is_boilerplate(line) or line in seen:
                continue
            else:
                kept.append(line)
                seen.add(line)
        if kept:
            header.append(kept)

    body_lines = [line for block in blocks[lead:] for line in block]
    kicker = ""
    from_lead = not header
    if header:
        title_block = header[-1]
        headline = title_block[-1]
        if len(title_block) >= 2 and len(title_block[-2].split()) <= KICKER_MAX_WORDS:
            kicker = title_block[-2]
    else:
        headline = first_sentence(body_lines[0]) if body_lines else ""

    titles = {headline, f"{kicker}: {headline}" if kicker else headline}
    paragraphs = []
    for line in body_lines:
        if line in titles or is_boilerplate(line):
            continue
        if not date_text and looks_like_date_line(line) and not paragraphs:
            date_text = line
            continue
        paragraphs.append(line)
    return CleanPage(
        headline=headline,
        body="\n\n".join(paragraphs),
        kicker=kicker,
        date_text=date_text,
        url=url,
        paragraphs=paragraphs,
        headline_from_lead=from_lead,
    )
