"""The embedded engine: a Whoosh index in a folder, matched and ranked with numpy."""
