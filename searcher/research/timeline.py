"""Counts of matching articles per day, month or year: when a story started and peaked.

Dates come as Whoosh's sortable integers (microseconds since ``datetime.min``, 0 for an
article without a date); the periods are counted with numpy over every match at once.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from searcher.results import Period
from searcher.vocabulary import PERIODS

#: Period lengths a timeline can use, shortest first.
#: A span of matches up to this many days is drawn per day, then per month up to the
#: second bound, else per year: between a dozen and a few dozen bars either way.
DAYS_PER_DAY = 62
DAYS_PER_MONTH = 3 * 366
#: At most this many periods (a day-by-day timeline of decades is not a chart).
MAX_PERIODS = 400

_MIN = np.datetime64("0001-01-01T00:00:00", "us")
_UNIT = {"day": "D", "month": "M", "year": "Y"}


def choose_period(first: date, last: date) -> str:
    """Day, month or year, from how long the matches span."""
    days = (last - first).days
    if days <= DAYS_PER_DAY:
        return "day"
    return "month" if days <= DAYS_PER_MONTH else "year"


def count_periods(dates: np.ndarray, per: str | None = None) -> tuple[str, list[Period]]:
    """Matches per period over the dated ones among ``dates`` (every period between the
    first and the last is listed, empty ones with 0), and the period used."""
    if per is not None and per not in PERIODS:
        raise ValueError(f"per must be one of {', '.join(PERIODS)}, not {per!r}")
    dated = dates[dates > 0]
    if not len(dated):
        return per or "year", []
    moments = _MIN + dated.astype("timedelta64[us]")
    first, last = _as_date(moments.min()), _as_date(moments.max())
    per = per or choose_period(first, last)
    unit = _UNIT[per]
    buckets = moments.astype(f"datetime64[{unit}]")
    start, stop = buckets.min(), buckets.max()
    if int((stop - start).astype(int)) >= MAX_PERIODS:
        # too many bars for the chosen period: keep the latest ones
        start = stop - np.timedelta64(MAX_PERIODS - 1, unit)
        buckets = buckets[buckets >= start]
    offsets = (buckets - start).astype(np.int64)
    counts = np.bincount(offsets, minlength=int((stop - start).astype(int)) + 1)
    periods = []
    for n, count in enumerate(counts):
        begin = start + np.timedelta64(n, unit)
        periods.append(_period(begin, per, int(count)))
    return per, periods


def _as_date(moment: np.datetime64) -> date:
    return moment.astype("datetime64[D]").astype(object)


def _period(begin: np.datetime64, per: str, count: int) -> Period:
    first = _as_date(begin)
    if per == "day":
        return Period(first.isoformat(), first, first, count)
    if per == "month":
        following = _as_date(begin + np.timedelta64(1, "M"))
        return Period(f"{first:%Y-%m}", first, following - timedelta(days=1), count)
    return Period(f"{first:%Y}", first, date(first.year, 12, 31), count)
