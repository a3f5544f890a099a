"""Write ``searcher/data/country-aliases.tsv``: each country's Indonesian and English names.

    pip install pycountry && python scripts/build_country_aliases.py

From ``pycountry`` (LGPL-2.1; its data are the iso-codes project's ISO 3166 names and
their Indonesian translations). One line per country: the Indonesian name first (what
Indonesian news writes and what facets show), then the English names (official and
common), so ``place:Russia`` finds ``Rusia``.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parent.parent / "searcher" / "data" / "country-aliases.tsv"


def main() -> None:
    indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    lines = ["# Indonesian name<TAB>other names (English), from pycountry (iso-codes, LGPL-2.1)"]
    for country in sorted(pycountry.countries, key=lambda c: c.name):
        english = [country.name] + [
            name for name in (getattr(country, "common_name", None),) if name
        ]
        local = indonesian.gettext(country.name)
        names = [n for n in dict.fromkeys(english) if n != local]
        if names:
            lines.append("\t".join([local, *names]))
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{OUT}: {len(lines) - 1} countries")


if __name__ == "__main__":
    main()
