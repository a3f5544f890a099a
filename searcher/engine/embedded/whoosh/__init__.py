"""Every use of Whoosh's private names, probed once against the installed Whoosh."""
