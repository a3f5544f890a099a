"""Research views over the matches of a query: timelines."""
