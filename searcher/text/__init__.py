"""Text: tokenizing, stopping and stemming Indonesian, finding matched words, snippets."""
