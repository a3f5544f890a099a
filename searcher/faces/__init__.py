"""The faces of the library: the command line, its warm server, and the search page."""
