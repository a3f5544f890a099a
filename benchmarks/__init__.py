"""Measuring scripts (speed, relevance, quality), run as ``python benchmarks/NAME.py``.

A package too, so that the quality checks in ``tests/quality/`` can use a script's
measures (``from benchmarks import stemmer``) without putting this folder on ``sys.path``.
"""
