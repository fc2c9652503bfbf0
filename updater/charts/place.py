"""Charts on a page: what a template calls (`charts.total("stars")`), the files that makes
`render` write (`charts/total-stars.svg` and `charts/total-stars.dark.svg`), and the
`<picture>` that shows the light file in GitHub's light theme and the dark one in the dark.

    {{ charts.total("stars") }}               the owner's stars over time
    {{ charts.total("downloads", days=365) }}  the linked models' 30-day downloads, last year
    {{ charts.repo("hyunwoongko/kss") }}      one repository's stars
    {{ charts.link(url) }}                    the number a link's badge shows first

A number with no history yet places nothing (an empty string), like an unknown number.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from updater.badges import humanize
from updater.charts.draw import DARK, LIGHT, WIDTH, draw
from updater.history import History, Key, Series, total
from updater.links import classify
from updater.stats import repo_key
from updater.trends import LINK_METRIC, check_metric

FOLDER = "charts"
# How each number is named in a chart's title and alt text.
TITLES: Mapping[tuple[str, str], str] = {
    ("total", "stars"): "Stars on GitHub",
    ("total", "downloads"): "Model downloads (last 30 days)",
    ("total", "citations"): "Citations",
    ("repo", "stars"): "Stars of {id}",
    ("model", "downloads"): "Downloads of {id} (last 30 days)",
    ("model", "likes"): "Likes of {id}",
    ("dataset", "downloads"): "Downloads of {id} (last 30 days)",
    ("dataset", "likes"): "Likes of {id}",
    ("space", "likes"): "Likes of {id}",
    ("paper", "citations"): "Citations of {id}",
}
_UNSAFE_RE = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class Chart:
    """One chart to write: its two files' paths (from the repository root) and texts."""

    key: Key
    light_path: str
    dark_path: str
    title: str
    since: date | None

    def files(self, series: Series) -> dict[str, str]:
        """Path -> SVG text of both themes."""
        return {
            self.light_path: draw(series, self.title, LIGHT, self.since),
            self.dark_path: draw(series, self.title, DARK, self.since),
        }


def file_stem(key: Key, days: int | None = None) -> str:
    """`total-stars`, `repo-hyunwoongko--kss-stars`, `paper-arxiv-2306.02254-citations-365d`:
    readable, and different for different numbers (`/` is `--`)."""
    parts = [key.kind, key.id.replace("/", "--"), key.metric, f"{days}d" if days else ""]
    return "-".join(_UNSAFE_RE.sub("-", part) for part in parts if part)


@dataclass
class Charts:
    """The template API of one page; it remembers which charts the page placed, so that
    `render` writes exactly those (and the totals, which `standard` adds)."""

    history: History
    page: str = "README.md"
    renamed: Mapping[str, str] = field(default_factory=dict)
    folder: str = FOLDER
    placed: dict[str, Chart] = field(default_factory=dict)

    def for_page(self, page: str) -> Charts:
        """The same charts, placed from another page (its paths are relative to that page)."""
        return Charts(self.history, page, self.renamed, self.folder, self.placed)

    def total(self, metric: str = "stars", days: int | None = None) -> str:
        """The chart of a total: `stars`, `downloads` or `citations`."""
        check_metric("total", metric)
        return self._place(total(metric), days)

    def repo(self, name: str, days: int | None = None) -> str:
        """The chart of a repository's stars (renames followed)."""
        key = repo_key(name)
        return self._place(Key("repo", self.renamed.get(key, key), "stars"), days)

    def link(self, url: str, days: int | None = None) -> str:
        """The chart of the number a link's badge shows first; '' for an untracked link."""
        ref = classify(url)
        if ref is None:
            return ""
        if ref.kind == "repo":
            return self.repo(ref.id, days)
        return self.of(ref.kind, ref.id, LINK_METRIC[ref.kind], days)

    def of(self, kind: str, item: str, metric: str, days: int | None = None) -> str:
        """The chart of any recorded number: `charts.of("model", "ORG/NAME", "likes")`."""
        check_metric(kind, metric)
        return self._place(Key(kind, item.lower(), metric), days)

    def _place(self, key: Key, days: int | None) -> str:
        if days is not None and days < 1:
            raise ValueError(f"a chart needs a period of 1 day or more, got {days}")
        series = self.history.get(key)
        if series is None:
            return ""
        chart = self._chart(key, series, days)
        self.placed[chart.light_path] = chart
        return picture(chart, series, self.page)

    def _chart(self, key: Key, series: Series, days: int | None) -> Chart:
        stem = posixpath.join(self.folder, file_stem(key, days))
        title = TITLES[(key.kind, key.metric)].format(id=key.id)
        since = series.last - timedelta(days=days) if days else None
        return Chart(key, f"{stem}.svg", f"{stem}.dark.svg", title, since)

    def standard(self) -> None:
        """Place the totals' charts (those with a history), whether a page shows them or not."""
        for metric in ("stars", "downloads", "citations"):
            series = self.history.get(total(metric))
            if series is not None:
                chart = self._chart(total(metric), series, None)
                self.placed.setdefault(chart.light_path, chart)

    def files(self) -> dict[str, str]:
        """Every placed chart's files: repository path -> SVG text, sorted by path."""
        out: dict[str, str] = {}
        for path in sorted(self.placed):
            chart = self.placed[path]
            out.update(chart.files(self.history.series[chart.key]))
        return dict(sorted(out.items()))


def picture(chart: Chart, series: Series, page: str) -> str:
    """The `<picture>` for a page: the dark file in the dark theme, the light one otherwise.

    One line (a blank line would end the HTML block in markdown); the alt text names the
    number and its humanized value, so it changes no more often than the page's numbers."""
    here = posixpath.dirname(page) or "."
    light, dark = (posixpath.relpath(p, here) for p in (chart.light_path, chart.dark_path))
    alt = f"{chart.title} over time, now {humanize(series.values[-1])}"
    return (
        f'<picture><source media="(prefers-color-scheme: dark)" srcset="{escape(dark)}">'
        f'<img alt="{escape(alt)}" src="{escape(light)}" width="{WIDTH}"></picture>'
    )
