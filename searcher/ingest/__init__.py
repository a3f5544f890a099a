"""Ingest: files on disk become ``Article`` records (reading, cleaning, dates, story grouping)."""
