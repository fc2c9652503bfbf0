"""Numbers over time in words: `+120 in 30 days`, `no change in 7 days`, `+40 since 2026-11-20`.

What templates call (the renderer puts a `Trends` in the context as `trends`):

    {{ trends.total("stars") }}                          +120 in 30 days
    {{ trends.total("downloads", days=7) }}              \u22121.2k in 7 days (a true minus)
    {{ trends.repo("hyunwoongko/kss") }}                 no change in 30 days
    {{ trends.link("https://huggingface.co/ORG/NAME") }}  the link's main number
    {% set t = trends.total("stars") %}{% if t %}({{ t }}){% endif %}

A trend that cannot be told (never recorded, or recorded once) is empty and false, like an
unknown number: a template shows nothing rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from updater.badges import humanize
from updater.history import METRICS, WEEK_DAYS, History, Key, Series, total
from updater.links import classify
from updater.stats import repo_key
from updater.words import count

DEFAULT_DAYS = 30
MINUS = "\u2212"  # a true minus sign, the width of the plus beside it
# The number a link's trend follows, by kind: the one its badge shows first.
LINK_METRIC: Mapping[str, str] = {
    "repo": "stars",
    "model": "downloads",
    "dataset": "downloads",
    "space": "likes",
    "paper": "citations",
}


@dataclass(frozen=True)
class Trend:
    """How one number moved over `days` up to its last recorded day.

    `change` is None when it cannot be told; `since` is the first recorded day when the
    history is shorter than the period (the change is then counted from that day)."""

    change: int | None
    days: int
    value: int | None = None
    since: date | None = None
    last: date | None = None

    @property
    def signed(self) -> str:
        """The change humanized with its sign: `+1.2k`, `\u221235` (a true minus), `0`;
        '' when not known."""
        if self.change is None:
            return ""
        text = humanize(abs(self.change))
        return "0" if self.change == 0 else ("+" if self.change > 0 else MINUS) + text

    @property
    def period(self) -> str:
        """`in 30 days`, or `since 2026-11-20` when the history is shorter."""
        return (
            f"since {self.since.isoformat()}"
            if self.since
            else f"in {count(self.days, 'day', 'days')}"
        )

    @property
    def text(self) -> str:
        """`+120 in 30 days`, `no change in 30 days`, `+40 since 2026-11-20`, or ''."""
        if self.change is None:
            return ""
        return f"no change {self.period}" if self.change == 0 else f"{self.signed} {self.period}"

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return self.change is not None


def trend(series: Series | None, days: int = DEFAULT_DAYS) -> Trend:
    """The change of a series over the `days` before its last point."""
    if days < 1:
        raise ValueError(f"a trend needs a period of 1 day or more, got {days}")
    if series is None:
        return Trend(None, days)
    value, last = series.values[-1], series.last
    if len(series.days) < 2:
        return Trend(None, days, value, last=last)
    start = last - timedelta(days=days)
    before = series.at(start)
    if before is None:  # shorter than the period: from the first point
        return Trend(value - series.values[0], days, value, series.first, last)
    return Trend(value - before, days, value, last=last)


@dataclass(frozen=True)
class Trends:
    """The template API: the trend of any recorded number, by what a page knows it as.

    `renamed` is the snapshot's (old repository name -> new): a page may still link the old."""

    history: History
    renamed: Mapping[str, str] = field(default_factory=dict)

    def total(self, metric: str = "stars", days: int = DEFAULT_DAYS) -> Trend:
        """The owner's total stars, the linked models' 30-day downloads, or citations."""
        check_metric("total", metric)
        return trend(self.history.get(total(metric)), days)

    def repo(self, name: str, days: int = DEFAULT_DAYS) -> Trend:
        """A repository's stars, by OWNER/REPO as the page names it (renames followed)."""
        key = repo_key(name)
        return self.of("repo", self.renamed.get(key, key), "stars", days)

    def model(self, model_id: str, days: int = DEFAULT_DAYS, metric: str = "downloads") -> Trend:
        """A model's 30-day downloads (or `metric="likes"`)."""
        return self.of("model", model_id, metric, days)

    def dataset(
        self, dataset_id: str, days: int = DEFAULT_DAYS, metric: str = "downloads"
    ) -> Trend:
        """A dataset's 30-day downloads (or `metric="likes"`)."""
        return self.of("dataset", dataset_id, metric, days)

    def space(self, space_id: str, days: int = DEFAULT_DAYS) -> Trend:
        """A Space's likes."""
        return self.of("space", space_id, "likes", days)

    def paper(self, paper_id: str, days: int = DEFAULT_DAYS) -> Trend:
        """A paper's citations, by its Semantic Scholar id (`ARXIV:2306.02254`)."""
        return self.of("paper", paper_id, "citations", days)

    def link(self, url: str, days: int = DEFAULT_DAYS) -> Trend:
        """The trend of the number a link's badge shows first; empty for an untracked link."""
        ref = classify(url)
        if ref is None:
            return Trend(None, days)
        if ref.kind == "repo":
            return self.repo(ref.id, days)
        return self.of(ref.kind, ref.id, LINK_METRIC[ref.kind], days)

    def of(self, kind: str, item: str, metric: str, days: int = DEFAULT_DAYS) -> Trend:
        """Any recorded number: `trends.of("model", "ORG/NAME", "likes", 7)`."""
        check_metric(kind, metric)
        return trend(self.history.get(Key(kind, item.lower(), metric)), days)


def check_metric(kind: str, metric: str) -> None:
    """A template asking for a number that is never recorded is a mistake, not an empty trend."""
    if metric not in METRICS.get(kind, ()):
        known = ", ".join(repr(m) for m in METRICS.get(kind, ()))
        raise ValueError(f"no {kind} number {metric!r} is recorded: expected one of {known}")


def history_commit_message(history: History, today: date) -> str:
    """The message of a commit of the history alone: what it is, and the week in the totals."""
    trends = Trends(history)
    moves = [
        f"- total {metric}: {moved}"
        for metric in METRICS["total"]
        if (moved := trends.total(metric, days=WEEK_DAYS))
    ]
    body = "\n".join(moves) or "- no total recorded yet"
    return (
        f"data/history.json: the numbers through {today.isoformat()}\n\n"
        "No page changed this week. This commit keeps a week of nightly numbers, as the runs\n"
        f"fetched them, so that their history is not lost.\n\n{body}\n"
    )
