"""The Whoosh schema of the article index, and its version.

Whoosh pickles the schema, analyzers included, into the index, so the classes it
names must stay importable where they were when the index was written: today's at
``searcher.text.analysis``, ``searcher.engine.embedded.schema`` and
``searcher.engine.embedded.positions``, and an index written before the package had
layers names them by their old paths (``OLD_PATHS``). ``SCHEMA_VERSION`` changes
whenever fields or analysis change, so an old index is rebuilt instead of misread.
"""

from __future__ import annotations

import sys

from whoosh.analysis import SimpleAnalyzer
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.formats import Positions

from searcher.engine.embedded import positions
from searcher.engine.embedded.positions import PackedPositions
from searcher.text import analysis
from searcher.text.analysis import indonesian_analyzer, names_analyzer, term_positions

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
        for term, places in term_positions(value).items():
            yield term.encode("utf-8"), len(places), len(places) * boost, encode(places)




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
        # the story an article repeats (``searcher.ingest.stories``): a column for collapsing
        # result lists, stored with the MinHash for the next run's grouping
        group=COLUMN(),
        group_id=STORED,
        minhash=STORED,
        url=STORED,
        path=STORED,
        checksum=STORED,
    )


#: Where an index written before the layers moved (0.1) says its pickled classes live.
#: Unpickling imports the module by name, and finds it in ``sys.modules``: no stub
#: module is left at those paths for anything else to import.
OLD_PATHS = {
    "searcher.analysis": analysis,
    "searcher.packed_positions": positions,
    "searcher.schema": sys.modules[__name__],
}
for _old, _module in OLD_PATHS.items():
    sys.modules.setdefault(_old, _module)
