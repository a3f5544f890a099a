"""Names: the entity tagger (people, places, organisations), aliases and facets."""
