"""The ground floor's names: fields, entity labels, orders, periods, where an archive is.

Every layer names these, and none should import an engine to do so: the query parser,
the results and the cluster name the fields without loading Whoosh. Plain strings
only, so ``search``'s entry point (``searcher.faces.launch``) reads them without
importing anything heavier than this module.
"""

#: Default index folder, overridden by ``--index`` or ``$SEARCHER_INDEX``.
DEFAULT_INDEX_DIR = "index"
INDEX_ENV_VAR = "SEARCHER_INDEX"
#: Environment variable naming the backend when ``--backend`` is not given.
BACKEND_ENV_VAR = "SEARCHER_BACKEND"
#: The index folder's own description of its current index.
META_FILE = "searcher.json"

#: Fields a query word is looked up in, each weighted by ``settings.Ranking.field_boosts``.
SEARCH_FIELDS = ("headline", "kicker", "body", "entities")
#: Entity labels: people, places, organisations.
LABELS = ("PER", "LOC", "ORG")
#: Entity label -> the field holding that label's names, for filters (``person:``).
ENTITY_FIELDS = {"PER": "person", "LOC": "place", "ORG": "org"}

#: The orders hits can come in (undated articles last when sorting by date).
ORDERS = ("relevance", "newest", "oldest")
#: What ``Archive.search(match=...)`` accepts.
MATCH_MODES = ("all", "any")
#: Periods a timeline counts by.
PERIODS = ("day", "month", "year")
