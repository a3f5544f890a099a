"""The timeline above the results as bars of an SVG drawn on the server (no JavaScript).

Each bar links to its period (a date filter) and carries a ``<title>``, which screen
readers read and browsers show on hover: ``Mar 2017: 23 artikel``.
"""

from __future__ import annotations

from dataclasses import dataclass

from searcher.faces.web.i18n import short_label
from searcher.results import Period

#: The drawing's size in SVG units; it scales to the width of the page.
WIDTH, HEIGHT = 640, 120
#: Room below the bars (the periods' names are HTML under the drawing, not SVG text:
#: SVG text shrinks with the drawing, to 6 px on a phone).
AXIS = 4
#: Periods named under the chart, evenly spaced, the first and last among them; a
#: phone shows every other one (``style.css``).
TICKS = 7


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int
    date: str


def bars(periods: list[Period], per: str) -> list[Bar]:
    """One bar per period, scaled to the busiest; an empty period is a hairline."""
    if not periods:
        return []
    most = max(p.count for p in periods) or 1
    step = WIDTH / len(periods)
    gap = min(2.0, step * 0.2)
    room = HEIGHT - AXIS
    drawn = []
    for n, period in enumerate(periods):
        height = max(1.0, period.count / most * room) if period.count else 1.0
        drawn.append(
            Bar(
                x=round(n * step + gap / 2, 2),
                y=round(room - height, 2),
                width=round(step - gap, 2),
                height=round(height, 2),
                label=short_label(period, per),
                count=period.count,
                date=period.label,
            )
        )
    return drawn


@dataclass(frozen=True)
class Tick:
    """A period's name under the chart, at ``left`` percent of its width."""

    left: float
    label: str


def ticks(drawn: list[Bar], most: int = TICKS) -> list[Tick]:
    """Up to ``most`` evenly spaced bars' names, the first and the last among them."""
    if not drawn:
        return []
    if len(drawn) <= most:
        chosen = list(range(len(drawn)))
    else:
        chosen = sorted({round(n * (len(drawn) - 1) / (most - 1)) for n in range(most)})
    return [
        Tick(round((drawn[n].x + drawn[n].width / 2) / WIDTH * 100, 2), drawn[n].label)
        for n in chosen
    ]
