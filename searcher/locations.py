"""Where an archive is found, as plain strings.

Shared by the engine and by ``search``'s entry point (``searcher.launch``), which must
read them without importing anything heavier than ``os``.
"""

#: Default index folder, overridden by ``--index`` or ``$SEARCHER_INDEX``.
DEFAULT_INDEX_DIR = "index"
INDEX_ENV_VAR = "SEARCHER_INDEX"
#: Environment variable naming the backend when ``--backend`` is not given.
BACKEND_ENV_VAR = "SEARCHER_BACKEND"
#: The index folder's own description of its current index (``searcher.store``).
META_FILE = "searcher.json"
