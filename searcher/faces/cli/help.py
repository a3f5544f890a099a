"""What ``search`` says when asked for help: examples for a bare ``search``, and the query
syntax that ``search --help`` shows after the options (the README's table)."""

from __future__ import annotations

#: Printed by a bare ``search``: what to type first.
SHORT_HELP = """\
Usage: search WORDS... [OPTIONS]      search the archive
       search COMMAND [ARGS]...       index, stats, entities, serve, remove, cluster, warm

Examples:
  search Taliban Tajikistan           every word must match
  search Putin -Taliban               leave a word out
  search '"pangkalan militer"'        a phrase
  search Jokowi OR Prabowo            either word
  search person:Jokowi date:2017      an entity by any of its names, a date range
  search index ARCHIVE...             build or update the index from files or folders

search --help lists the options and the query syntax."""

#: The query language, one line a construct (``searcher.query.parse``).
SYNTAX = """\
banjir jakarta                 articles with all the words (headline, kicker, body or
                               entity names); if none has all, articles with any
"hubungan dengan Taliban"      the words in this order
-ojek  -"taksi online"  NOT x  leave these out (a single dash: a word, not an option)
a OR b                         either
headline: kicker: body:        only in that field (judul:, isi:)
entity:"Vladimir Putin"        articles naming that entity, by any of its names;
person: place: org:            one kind only (tokoh:, tempat:, organisasi:)
source:kumparan                one outlet, by any word of its name (sumber:)
date:2017  date:2017-01..2017-03  date:..2016-12-31
                               a date range, inclusive; either end may be open (tanggal:)
--                             ends the options: search -- -Jakarta starts with a minus

Exit status: 0 when articles match, 1 when none does (as grep), 2 on an error."""

#: What ``search serve`` answers, for ``search serve --help``.
SERVE_URLS = """\
/                        the search page (q, person, place, org, source, date, sort, page)
/article?id=ID           one article, its matched words marked (q=), its related stories
/api/search?q=...        the same search as JSON (search --json's shape)
/export.csv?q=...        every match as CSV
/healthz                 {"status": "ok", "articles": N}"""
