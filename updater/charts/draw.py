"""One SVG line chart of a series, in GitHub's light or dark colours, written by hand.

A small writer rather than a charting library (pygal, matplotlib, plotly, leather were
measured): the chart must be byte-for-byte the same for the same data, carry nothing GitHub's
image proxy would refuse (scripts, DOCTYPEs, external fonts or references), use the system
fonts GitHub's own pages use, and stay under 20 KB. Every number is written with one decimal,
points are thinned to at most two per 3-pixel column, and nothing depends on the clock or on
dictionary order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from updater.badges import humanize
from updater.history import Series

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 704, 44, 172  # the plot area
MAX_BYTES = 20 * 1024
COLUMN = 3  # pixels: a long series keeps its lowest and highest point in each
# GitHub's own font stack: an SVG shown as an image may load no web font.
FONTS = "-apple-system,BlinkMacSystemFont,'Segoe UI','Noto Sans',Helvetica,Arial,sans-serif"


@dataclass(frozen=True)
class Theme:
    """Colours of one GitHub theme (Primer's foreground, muted, border and accent)."""

    name: str
    text: str
    muted: str
    grid: str
    line: str


LIGHT = Theme("light", text="#1f2328", muted="#59636e", grid="#d1d9e0", line="#0969da")
DARK = Theme("dark", text="#f0f6fc", muted="#9198a1", grid="#3d444d", line="#4493f8")
THEMES = (LIGHT, DARK)


def draw(series: Series, title: str, theme: Theme, since: date | None = None) -> str:
    """The chart of `series` (from `since`, if given) as SVG text, titled `title`."""
    days, values = _window(series, since)
    x_of, y_of, ticks = _scales(days, values)
    points = _thinned([(x_of(d), y_of(v)) for d, v in zip(days, values, strict=True)])
    line = "M" + " ".join(f"{x:.1f} {y:.1f}" for x, y in points)
    if len(points) > 1:
        line = line.replace(" ", "L", 2).replace("L", " ", 1)  # `M x y L x y x y ...`
    area = f"{line}V{BOTTOM}H{points[0][0]:.1f}Z"
    end_x, end_y = points[-1]
    description = describe(series, since)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="title desc" '
        f'font-family="{FONTS}" font-size="12">',
        f'<title id="title">{escape(title)}</title>',
        f'<desc id="desc">{escape(description)}</desc>',
        *_grid(ticks, y_of, theme),
        f'<path d="{area}" fill="{theme.line}" fill-opacity="0.12"/>',
        f'<path d="{line}" fill="none" stroke="{theme.line}" stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>',
        f'<circle cx="{end_x:.1f}" cy="{end_y:.1f}" r="3.5" fill="{theme.line}"/>',
        f'<text x="{LEFT}" y="22" fill="{theme.text}" font-size="14" font-weight="600">'
        f"{escape(title)}</text>",
        f'<text x="{RIGHT}" y="22" fill="{theme.text}" font-size="14" font-weight="600" '
        f'text-anchor="end">{humanize(values[-1])}</text>',
        *_dates(days, theme),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def describe(series: Series, since: date | None = None) -> str:
    """The chart in words, for its <desc>: `5.9k on 2026-11-20, from 5.2k on 2025-11-20`."""
    days, values = _window(series, since)
    now = f"{humanize(values[-1])} on {date.fromordinal(days[-1]).isoformat()}"
    if len(days) < 2:
        return f"{now}, the first day recorded"
    return f"{now}, from {humanize(values[0])} on {date.fromordinal(days[0]).isoformat()}"


def _window(series: Series, since: date | None) -> tuple[Sequence[int], Sequence[int]]:
    """The points from `since` on, starting with the value that held on that day."""
    if since is None or since <= series.first:
        return series.days, series.values
    start = since.toordinal()
    held = series.at(since)
    keep = [i for i, day in enumerate(series.days) if day > start]
    days = [start, *(series.days[i] for i in keep)]
    values = [held if held is not None else series.values[0], *(series.values[i] for i in keep)]
    return days, values


Scale = Callable[[int], float]


def _scales(days: Sequence[int], values: Sequence[int]) -> tuple[Scale, Scale, list[int]]:
    """Day -> x and value -> y in the plot area, and the values of the grid lines."""
    first, last = days[0], max(days[-1], days[0] + 1)
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]

    def x_of(day: int) -> float:
        return LEFT + (day - first) * (RIGHT - LEFT) / (last - first)

    def y_of(value: int) -> float:
        return BOTTOM - (value - low) * (BOTTOM - TOP) / (high - low)

    return x_of, y_of, ticks


def nice_ticks(low: int, high: int) -> list[int]:
    """Three round values, each `step` apart, that enclose low..high, with labels that stay
    apart once humanized (5k, 5.5k, 6k); a flat line sits on the middle one."""
    step = _round_step(max((high - low) / 2, _resolution(high)))
    while True:
        start = low // step * step
        if high == low and start == low and start >= step:
            start -= step
        if start + 2 * step >= high:
            return [start, start + step, start + 2 * step]
        step = _round_step(step + 1)


def _resolution(value: int) -> int:
    """The smallest difference humanize shows near `value`: 1 below 1k, 100 in the thousands."""
    unit = 1
    while unit * 1000 <= value and unit < 10**9:
        unit *= 1000
    return max(unit // 10, 1)


def _round_step(at_least: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least `at_least`."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if factor * power >= at_least:
                return factor * power
        power *= 10


def _thinned(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """At most the lowest and the highest point of each COLUMN-pixel column, in day order,
    and the last point: a long series draws the same line in far fewer bytes."""
    if len(points) <= (RIGHT - LEFT) // COLUMN:
        return points
    columns: dict[int, list[int]] = {}
    for index, (x, _) in enumerate(points):
        columns.setdefault(int((x - LEFT) // COLUMN), []).append(index)
    kept = {len(points) - 1}
    for group in columns.values():
        kept.add(min(group, key=lambda i: points[i][1]))
        kept.add(max(group, key=lambda i: points[i][1]))
    return [points[i] for i in sorted(kept)]


def _grid(ticks: list[int], y_of: Scale, theme: Theme) -> list[str]:
    """Horizontal lines at the ticks, each labelled at the left."""
    lines = []
    for tick in ticks:
        y = y_of(tick)
        lines.append(
            f'<path d="M{LEFT} {y:.1f}H{RIGHT}" stroke="{theme.grid}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" fill="{theme.muted}" text-anchor="end">'
            f"{humanize(tick)}</text>"
        )
    return lines


def _dates(days: Sequence[int], theme: Theme) -> list[str]:
    """The first and last day under the plot."""
    first, last = (date.fromordinal(d).isoformat() for d in (days[0], days[-1]))
    y = BOTTOM + 20
    return [
        f'<text x="{LEFT}" y="{y}" fill="{theme.muted}">{first}</text>',
        f'<text x="{RIGHT}" y="{y}" fill="{theme.muted}" text-anchor="end">{last}</text>',
    ]
