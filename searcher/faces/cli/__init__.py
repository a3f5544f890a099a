"""The ``search`` command line: a thin click face over ``searcher.Archive``.

``args`` reads the arguments (queries by default, one way to fail), ``render`` prints,
``commands`` maps each command onto one library call. ``python -m searcher.faces.cli``
runs it as ``search`` does.
"""

from __future__ import annotations

from searcher.faces.cli.commands import main

__all__ = ["main"]
