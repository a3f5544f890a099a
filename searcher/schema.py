"""The Whoosh schema of the article index, and its version.

Whoosh pickles the schema, analyzers included, into the index, so the analyzer's
classes must stay importable at ``searcher.analysis``. ``SCHEMA_VERSION`` changes
whenever fields or analysis change, so an old index is rebuilt instead of misread.
"""

from __future__ import annotations

from whoosh.analysis import SimpleAnalyzer
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.formats import Positions

from searcher.analysis import indonesian_analyzer, names_analyzer, term_positions
from searcher.packed_positions import PackedPositions

#: 4: root-guided stems, datelines taken off the lead, ``source`` searchable by word,
#: near-duplicate groups. 5: no ``entity`` field (``entity:`` looks in person, place
#: and org: the same names, a tenth of the index on disk).
SCHEMA_VERSION = 5


class IndonesianText(TEXT):
    """``TEXT`` with the Indonesian analyzer, indexed through ``term_positions``, its
    positions stored as ``PackedPositions`` (phrases decode without unpickling).

    Same postings as ``TEXT`` gives (a test compares them on real articles), about
    four times cheaper: Whoosh's token pipeline costs a Python generator step per
    filter per word, the cached per-word terms cost one dict lookup.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if type(self.format) is Positions:  # a field indexed for phrases
            self.format = PackedPositions(field_boost=self.format.field_boost)

    def index(self, value, **kwargs):
        if not isinstance(value, str) or not isinstance(self.format, Positions):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        encode = self.format.encode
        for term, positions in term_positions(value).items():
            yield term.encode("utf-8"), len(positions), len(positions) * boost, encode(positions)


#: Fields a query word is looked up in, each weighted by ``settings.Ranking.field_boosts``.
SEARCH_FIELDS = ("headline", "kicker", "body", "entities")
#: Entity label -> field holding that label's names (comma-separated), for filters.
ENTITY_FIELDS = {"PER": "person", "LOC": "place", "ORG": "org"}


def build_schema() -> Schema:
    """A fresh schema; one analyzer object is shared by the text fields."""
    analyzer = indonesian_analyzer()
    name_analyzer = names_analyzer()

    def names() -> TEXT:
        return TEXT(analyzer=name_analyzer, phrase=False, stored=True)

    return Schema(
        id=ID(stored=True, unique=True),
        headline=IndonesianText(analyzer=analyzer, stored=True),
        # shown as the headline when the archive has none (the lead's first sentence)
        lead_headline=STORED,
        kicker=IndonesianText(analyzer=analyzer, stored=True),
        body=IndonesianText(analyzer=analyzer, stored=True),
        # Entity names analysed like text, so a query word that names the article's
        # subject scores in this field too.
        entities=IndonesianText(analyzer=analyzer),
        person=names(),
        place=names(),
        org=names(),
        # "LABEL<TAB>Name" lines per article: read per match for facets, much faster
        # than unpickling stored fields.
        facets=COLUMN(),
        date=DATETIME(stored=True, sortable=True),
        date_text=STORED,
        # by word, so ``source:cnn`` finds CNN Indonesia and ``source:detik.com`` detik
        source=TEXT(analyzer=SimpleAnalyzer(), stored=True),
        dateline=STORED,
        # the story an article repeats (``searcher.duplicates``): a column for collapsing
        # result lists, stored with the MinHash for the next run's grouping
        group=COLUMN(),
        group_id=STORED,
        minhash=STORED,
        url=STORED,
        path=STORED,
        checksum=STORED,
    )
