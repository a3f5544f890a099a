"""The cluster engine: Sphinx 2.2 or Manticore ``searchd`` nodes, one shard each."""
