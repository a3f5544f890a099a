"""The fields both engines store of an article, and the ``Article`` they hand back.

The embedded index keeps them as Whoosh stored fields, the cluster as one JSON
attribute; both are the same mapping (``searcher.indexing`` decides it), so one
function turns either into the record the library works with.
"""

from __future__ import annotations

from searcher.article import Article
from searcher.vocabulary import ENTITY_FIELDS


def names_of(stored: dict) -> dict[str, list[str]]:
    """label -> the article's names of that label, from their comma-separated fields."""
    return {
        label: [n for n in (stored.get(name) or "").split(",") if n]
        for label, name in ENTITY_FIELDS.items()
    }


def stored_article(stored: dict) -> Article:
    """The article as the index stored it (a lead-derived headline shown as the headline)."""
    names = names_of(stored)
    return Article(
        id=stored["id"],
        headline=stored.get("headline") or stored.get("lead_headline", ""),
        headline_from_lead=not stored.get("headline"),
        body=stored.get("body", ""),
        kicker=stored.get("kicker", ""),
        date=stored.get("date"),
        date_text=stored.get("date_text", ""),
        source=stored.get("source", ""),
        url=stored.get("url", ""),
        path=stored.get("path", ""),
        dateline=stored.get("dateline", ""),
        entities=[(n, label) for label, ns in names.items() for n in ns],
    )


def clean_names(names: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each label's names as the fields keep them: one line, no commas (the fields are
    comma-separated)."""
    return {
        label: [" ".join(name.replace(",", " ").split()) for name in names.get(label, [])]
        for label in ENTITY_FIELDS
    }


def stored_fields(article: Article, names: dict[str, list[str]], digest: str) -> dict:
    """What both engines store of an article (``names`` as ``clean_names`` gives them)."""
    fields = {
        "id": article.id,
        "headline": article.indexed_headline,
        "lead_headline": article.headline if article.headline_from_lead else "",
        "kicker": article.kicker,
        "body": article.body,
        "source": article.source.replace(",", " "),
        "url": article.url,
        "dateline": article.dateline,
        "group_id": article.group or article.id,
        "path": article.path,
        "date_text": article.date_text,
        "checksum": digest,
    }
    if article.date:
        fields["date"] = article.date
    for label, field_name in ENTITY_FIELDS.items():
        fields[field_name] = ",".join(names[label])
    return fields


def entity_text(names: dict[str, list[str]]) -> str:
    """Every entity name of an article as one text, searched like words (``entities``)."""
    return " ; ".join(name for label in ENTITY_FIELDS for name in names[label])
