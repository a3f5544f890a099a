"""The one indexing pipeline: read -> keep ids apart -> checksum -> group stories ->
tag names -> learn aliases, engine-neutral. Each engine brings only a writer for the
``Prepared`` records it yields (``searcher.engine.embedded.writer``,
``searcher.engine.cluster.writer``)."""
