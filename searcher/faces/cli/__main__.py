"""``python -m searcher.faces.cli ...``: the command line, every command registered first."""

from searcher.faces.cli import main

main(prog_name="search")
