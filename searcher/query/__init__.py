"""The query language: parse what a person types into our own tree (``searcher.query.tree``)."""
