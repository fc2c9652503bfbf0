"""data/history.json: every number over time, bounded. Record a run, thin old points, serialize.

A series is the steps of one number (a repository's stars, a model's 30-day downloads, the
owner's total stars...): points `(day, value)` in day order, where a value holds until the next
point. So a run of equal days needs only its first and last point, and a day without a run (a
failed fetch) reads as "unchanged", never as a made-up number. Retention keeps every day of the
last year, then the last point of each week, of each 4-week block after two years, and of each
364-day block after five (the blocks nest, all starting on Mondays). However often the runs
thin it, every day of the last year and the value at the end of every such block stay exact.
Series that no run has fetched for a year (an item gone from every page) are forgotten.
"""

from __future__ import annotations

import json
import re
import subprocess
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path

from updater.badges import Totals
from updater.errors import InputError, ValidationFailed, sort_problems
from updater.files import read_text
from updater.snapshot import Snapshot, parse_snapshot
from updater.stats import MAX_COUNT

FORMAT = 1
MAX_BYTES = 4 * 1024 * 1024  # 20x the documented bound: a bigger file is not a history
DAILY_DAYS = 365  # every point of the last year is kept; then the last of each block:
WEEKLY_DAYS = 2 * 365  # of each week, for points up to two years old,
FOUR_WEEKLY_DAYS = 5 * 365  # of each 4 weeks up to five years, of each 52 weeks after that.
FORGET_DAYS = 365  # a series not fetched for this long is dropped
# Which numbers are kept, per kind; forks are left out: no page shows how they move, and the
# forks list stays public, unlike the stargazers list.
METRICS: Mapping[str, tuple[str, ...]] = {
    "repo": ("stars",),
    "model": ("downloads", "likes"),
    "dataset": ("downloads", "likes"),
    "space": ("likes",),
    "paper": ("citations",),
    "total": ("stars", "downloads", "citations"),
}
# `~GAP` (days since the previous point, when not 1) then the signed change: `+12`, `~7-3`.
_STEPS = r"(?:(?:~[1-9]\d{0,5})?[+-](?:0|[1-9]\d{0,15}))*"
_CHANGE_RE = re.compile(r"[+-]\d+")  # in text that matched _STEPS: each step's change
_GAP_RE = re.compile(r"(?:~(\d+))?[+-]")  # and its gap ('' for 1 day)
_SERIES_RE = re.compile(rf"(\d{{4}}-\d{{2}}-\d{{2}}) (0|[1-9]\d{{0,15}})({_STEPS})")


@dataclass(frozen=True, order=True)
class Key:
    """Which number a series holds: `repo hyunwoongko/kss stars`, `total stars`.

    `id` is the snapshot's key (lower-case OWNER/REPO, model id, `arxiv:2306.02254`); it is
    empty for the totals."""

    kind: str
    id: str
    metric: str

    def __str__(self) -> str:
        return f"{self.kind} {self.metric}" if self.kind == "total" else (
            f"{self.kind} {self.id} {self.metric}"
        )  # fmt: skip


def total(metric: str) -> Key:
    """The key of a total: `stars` (the owner's), `downloads` (30 days), `citations`."""
    return Key("total", "", metric)


@dataclass(frozen=True)
class Series:
    """One number's points: `days` are date ordinals, increasing; `values[i]` holds from
    `days[i]` until the next point."""

    days: tuple[int, ...]
    values: tuple[int, ...]

    @property
    def first(self) -> date:
        """The day this number was first recorded."""
        return date.fromordinal(self.days[0])

    @property
    def last(self) -> date:
        """The day this number was last recorded."""
        return date.fromordinal(self.days[-1])

    def at(self, day: date) -> int | None:
        """The value on `day` (the last point on or before it); None before the first."""
        index = bisect_right(self.days, day.toordinal())
        return self.values[index - 1] if index else None

    def points(self) -> Iterator[tuple[date, int]]:
        """`(day, value)` pairs, oldest first."""
        return ((date.fromordinal(d), v) for d, v in zip(self.days, self.values, strict=True))


@dataclass(frozen=True)
class History:
    """Every series, by key. Build with `record`; read with `load_history`/`parse_history`."""

    series: Mapping[Key, Series] = field(default_factory=dict)

    def get(self, key: Key) -> Series | None:
        """The series of one number, None when it was never recorded."""
        return self.series.get(key)


# -- recording ------------------------------------------------------------------------------


def record(history: History, snapshot: Snapshot, totals: Totals, day: date) -> History:
    """The history with this run's numbers: each item's on the day it was fetched (an item that
    failed keeps its old `fetched_at`, so nothing new is recorded for it), the totals on `day`.
    A point on a day that already has one replaces it; renamed repositories keep their series.
    """
    series = dict(history.series)
    _follow_renames(series, snapshot.renamed)
    for key, when, value in _observations(snapshot, totals, day):
        if value is not None:
            series[key] = _put(series.get(key), when.toordinal(), value)
    return History(retain(series, day))


def _observations(
    snapshot: Snapshot, totals: Totals, day: date
) -> Iterator[tuple[Key, date, int | None]]:
    """(key, day, value) of every number a snapshot and the totals hold."""
    for name, repo in snapshot.repositories.items():
        yield Key("repo", name, "stars"), _day(repo.fetched_at), repo.stars
    for hub, items in (("model", snapshot.models), ("dataset", snapshot.datasets)):
        for name, stats in items.items():
            yield Key(hub, name, "downloads"), _day(stats.fetched_at), stats.downloads
            yield Key(hub, name, "likes"), _day(stats.fetched_at), stats.likes
    for name, space in snapshot.spaces.items():
        yield Key("space", name, "likes"), _day(space.fetched_at), space.likes
    for name, paper in snapshot.papers.items():
        yield Key("paper", name, "citations"), _day(paper.fetched_at), paper.citations
    yield total("stars"), day, totals.stars
    yield total("downloads"), day, totals.downloads
    yield total("citations"), day, totals.citations


def _day(fetched_at: str) -> date:
    return date.fromisoformat(fetched_at[:10])


def _follow_renames(series: dict[Key, Series], renamed: Mapping[str, str]) -> None:
    """Move a renamed repository's series to its new name, before any point under that name."""
    for old, new in renamed.items():
        moved = series.pop(Key("repo", old, "stars"), None)
        if moved is None:
            continue
        target = Key("repo", new, "stars")
        current = series.get(target)
        if current is None:
            series[target] = moved
            continue
        cut = bisect_right(moved.days, current.days[0] - 1)
        series[target] = Series(
            moved.days[:cut] + current.days, moved.values[:cut] + current.values
        )


def _put(series: Series | None, day: int, value: int) -> Series:
    """The series with `value` on `day`, replacing a point on that day."""
    if series is None:
        return Series((day,), (value,))
    days, values = series.days, series.values
    if day > days[-1]:  # the nightly case: a new last point
        if len(values) >= 2 and values[-2] == values[-1] == value:
            return Series((*days[:-1], day), values)  # the run of equal days grows
        return Series((*days, day), (*values, value))
    index = bisect_right(days, day)
    start = index - 1 if index and days[index - 1] == day else index
    return Series((*days[:start], day, *days[index:]), (*values[:start], value, *values[index:]))


# -- retention ------------------------------------------------------------------------------


def retain(series: Mapping[Key, Series], today: date) -> dict[Key, Series]:
    """Every series thinned for `today`; series not fetched for FORGET_DAYS are dropped."""
    now = today.toordinal()
    return {
        key: thin(points, now)
        for key, points in series.items()
        if points.days[-1] > now - FORGET_DAYS
    }


def thin(series: Series, today: int) -> Series:
    """Keep the first and last point, every point of the last year, and the last point of each
    block of its age's tier; then drop the middle of any three equal values in a row there.

    Only the points older than a year are looked at (the last year's are appended one by one,
    and `_put` keeps their runs short), so a nightly run costs little however long the series."""
    days, values = series.days, series.values
    cut = bisect_left(days, today - DAILY_DAYS + 1)  # days[cut:] are within the last year
    if cut == 0:
        return series
    last = len(days) - 1
    start = min(cut, last)  # the last point is kept, however old
    # The last point before the year carries its value into the year's first days: kept too.
    old = [i for i in range(1, start) if i == cut - 1 or _block_end(days[i], days[i + 1], today)]
    edge = min(start + 2, last + 1)  # two recent points, for a run across the edge
    first = [0] if start else []
    out_days, out_values = _collapse(days, values, [*first, *old, *range(start, edge)])
    return Series((*out_days, *days[edge:]), (*out_values, *values[edge:]))


def _collapse(
    days: tuple[int, ...], values: tuple[int, ...], indices: list[int]
) -> tuple[list[int], list[int]]:
    """The points at `indices`, without the middle of three equal values in a row."""
    out_days: list[int] = []
    out_values: list[int] = []
    for i in indices:
        value = values[i]
        if len(out_values) >= 2 and out_values[-1] == value == out_values[-2]:
            out_days[-1] = days[i]  # the run's last day moves on; its middle is redundant
        else:
            out_days.append(days[i])
            out_values.append(value)
    return out_days, out_values


def _block_end(day: int, next_day: int, today: int) -> bool:
    """Whether `day` is the last point of its block (the next point is in a later one)."""
    age = today - day
    size = 7 if age < WEEKLY_DAYS else 28 if age < FOUR_WEEKLY_DAYS else 364  # they nest
    # Ordinal 1 is Monday 0001-01-01: blocks start on Mondays.
    return (day - 1) // size != (next_day - 1) // size


# -- the file -------------------------------------------------------------------------------


def dumps(history: History) -> str:
    """Deterministic JSON: one line per series, sorted by key, so a night is a few-line diff."""
    lines = [
        f'    {json.dumps(str(key), ensure_ascii=False)}: "{encode(series)}"'
        for key, series in sorted(history.series.items(), key=lambda item: str(item[0]))
    ]
    body = ",\n".join(lines)
    return f'{{\n  "format": {FORMAT},\n  "series": {{\n{body}\n  }}\n}}\n' if lines else (
        f'{{\n  "format": {FORMAT},\n  "series": {{}}\n}}\n'
    )  # fmt: skip


def encode(series: Series) -> str:
    """`2026-11-20 1349+3+0~7-2`: the first day and value, then each point's change, after
    `~DAYS` when it is not the next day."""
    days, values = series.days, series.values
    steps = [
        (f"~{day - prev_day}" if day - prev_day != 1 else "") + f"{value - prev:+d}"
        for prev_day, day, prev, value in zip(days, days[1:], values, values[1:], strict=False)
    ]
    return f"{date.fromordinal(days[0]).isoformat()} {values[0]}{''.join(steps)}"


def load_history(path: Path, root: Path) -> History:
    """Read data/history.json (inside the repository root); a missing file is an empty
    history, a broken one an InputError."""
    text = read_text(path, root, MAX_BYTES)
    return History() if text is None else parse_history(text, str(path))


def parse_history(text: str, source: str) -> History:
    """Validate history JSON; every problem is reported at once as FILE:LINE:COL."""
    fix = "fix it, or delete the file to start over (a backfill can rebuild it from git)"
    try:
        raw = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    except (RecursionError, ValueError) as exc:
        raise InputError(f"{source}:1:1: not a history file: {exc}; {fix}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("series"), dict):
        raise InputError(f'{source}:1:1: expected {{"format": {FORMAT}, "series": {{...}}}}')
    if raw.get("format") != FORMAT:
        raise InputError(f"{source}:1:1: format: expected {FORMAT}, got {raw.get('format')!r}")
    series: dict[Key, Series] = {}
    problems: list[str] = []
    for name, value in raw["series"].items():
        try:
            key = parse_key(name)
            series[key] = decode(value)
        except ValueError as exc:
            line, col = _where(text, name, exc.args[1] if len(exc.args) > 1 else -1)
            problems.append(f"{source}:{line}:{col}: series {name!r}: {exc.args[0]}; {fix}")
    if problems:
        raise ValidationFailed(sort_problems(problems))
    return History(series)


def parse_key(name: str) -> Key:
    """`repo OWNER/REPO stars` or `total stars` as a Key; ValueError names what is wrong."""
    kind, _, rest = name.partition(" ")
    if kind not in METRICS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(METRICS)}")
    ident, _, metric = rest.rpartition(" ") if kind != "total" else ("", "", rest)
    if metric not in METRICS[kind] or (kind != "total" and not ident):
        shape = "total METRIC" if kind == "total" else f"{kind} ID METRIC"
        raise ValueError(f"expected {shape!r} with METRIC one of {', '.join(METRICS[kind])}")
    return Key(kind, ident, metric)


def decode(text: object) -> Series:
    """A series from its text; ValueError(message, offset in the text) when it is broken."""
    if not isinstance(text, str):
        raise ValueError('expected text such as "2026-11-20 1349+3~7-2"')
    match = _SERIES_RE.fullmatch(text)
    if match is None:
        good = _SERIES_RE.match(text)
        raise ValueError('expected "YYYY-MM-DD VALUE" then changes such as +3, ~7-2',
                         good.end() if good else 0)  # fmt: skip
    try:
        first = date.fromisoformat(match[1]).toordinal()
    except ValueError:
        raise ValueError(f"no such day {match[1]!r}", 0) from None
    steps = match[3]
    values = tuple(accumulate(map(int, _CHANGE_RE.findall(steps)), initial=int(match[2])))
    if "~" in steps:
        gaps = [int(gap) if gap else 1 for gap in _GAP_RE.findall(steps)]
        days = tuple(accumulate(gaps, initial=first))
    else:  # every day: no gap to read
        days = tuple(range(first, first + len(values)))
    _check_values(values, text, match.start(3))
    if days[-1] > date.max.toordinal():
        raise ValueError("a day past the year 9999", len(text))
    return Series(days, values)


def _check_values(values: tuple[int, ...], text: str, steps_at: int) -> None:
    low, high = min(values), max(values)
    if low >= 0 and high <= MAX_COUNT:
        return
    bad = values.index(low if low < 0 else high)
    # The offset of the step that made it: the bad-th sign after the first value.
    signs = [m.start() for m in re.finditer(r"[+-]", text[steps_at:])]
    at = steps_at + signs[bad - 1] if 0 < bad <= len(signs) else 0
    raise ValueError(f"a count must be from 0 to {MAX_COUNT}, this step makes it {values[bad]}", at)


def _where(text: str, name: str, offset: int) -> tuple[int, int]:
    """Line and column of a series' key (or of `offset` within its value's text)."""
    at = text.find(json.dumps(name, ensure_ascii=False) + ":")
    if at < 0:
        at = 0
    elif offset >= 0:
        at = text.find('"', at + len(json.dumps(name, ensure_ascii=False)) + 1) + 1 + offset
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


# -- the weekly commit ----------------------------------------------------------------------

WEEK_DAYS = 7


def history_commit_due(last_commit: date | None, today: date, changed: bool) -> bool:
    """Whether a commit of the history alone is due: it changed, and no commit carried it in
    the last week (a page commit carries it whenever a page changes)."""
    return changed and (last_commit is None or (today - last_commit).days >= WEEK_DAYS)


# -- backfill from git ----------------------------------------------------------------------


@dataclass(frozen=True)
class Backfill:
    """What a backfill rebuilt: the history, how many versions it read, and the ones it
    skipped (with why)."""

    history: History
    used: int
    skipped: tuple[str, ...]


def snapshot_totals(snapshot: Snapshot) -> Totals:
    """The totals one snapshot holds alone: the owner's stars, every model's 30-day downloads
    and every paper's citations. A run's own totals count the linked items only; backfill
    takes `totals_of=lambda s: totals(s, targets)` to count today's links in the past too."""
    downloads = [m.downloads for m in snapshot.models.values() if m.downloads is not None]
    citations = [p.citations for p in snapshot.papers.values() if p.citations is not None]
    return Totals(
        snapshot.user.stars if snapshot.user else None,
        sum(downloads) if downloads else None,
        sum(citations) if citations else None,
    )


def backfill(
    root: Path,
    today: date,
    history: History | None = None,
    path: str = "data/stats.json",
    totals_of: Callable[[Snapshot], Totals] = snapshot_totals,
) -> Backfill:
    """The history rebuilt from every committed version of the snapshot, oldest first, on the
    day of its newest `fetched_at` (or its commit's day); a version that does not parse is
    skipped with a note. Points already in `history` on those days are replaced."""
    versions = _versions(root, path)
    contents = _blobs(root, [f"{sha}:{path}" for sha, _ in versions])
    out, skipped = history or History(), []
    for (sha, committed), data in zip(versions, contents, strict=True):
        try:
            snapshot = parse_snapshot(data.decode("utf-8"), f"{sha[:12]}:{path}")
        except (InputError, UnicodeDecodeError) as exc:
            skipped.append(f"{sha[:12]} ({committed}): skipped: {str(exc).splitlines()[0]}")
            continue
        out = record(out, snapshot, totals_of(snapshot), _snapshot_day(snapshot, committed))
    return Backfill(
        History(retain(out.series, today)), len(versions) - len(skipped), tuple(skipped)
    )


def _snapshot_day(snapshot: Snapshot, committed: date) -> date:
    """The day a snapshot's newest number was fetched; its commit's day if it has none."""
    times = [
        item.fetched_at
        for items in (snapshot.repositories, snapshot.models, snapshot.datasets,
                      snapshot.spaces, snapshot.papers)
        for item in items.values()
    ]  # fmt: skip
    if snapshot.user:
        times.append(snapshot.user.fetched_at)
    return _day(max(times)) if times else committed


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True
        )
    except FileNotFoundError as exc:
        raise InputError("git is not installed: backfill reads the snapshot's past in git") from exc
    except subprocess.CalledProcessError as exc:
        why = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["failed"]
        raise InputError(f"{root}: git {args[0]}: {why[0]}") from exc
    return done.stdout


def _versions(root: Path, path: str) -> list[tuple[str, date]]:
    """(commit, commit day) of every commit that changed `path`, oldest first."""
    log = _git(root, "log", "--reverse", "--format=%H %cs", "--", path).decode("ascii")
    return [
        (sha, date.fromisoformat(day))
        for sha, day in (line.split(" ") for line in log.splitlines() if line)
    ]


def _blobs(root: Path, objects: list[str]) -> list[bytes]:
    """The contents of `COMMIT:PATH` objects, through one `git cat-file --batch`; a version
    where the file was deleted reads as empty (and is skipped as not JSON)."""
    if not objects:
        return []
    out = _git(root, "cat-file", "--batch", stdin="".join(o + "\n" for o in objects).encode())
    blobs, at = [], 0
    for _ in objects:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        if header[-1] == b"missing":
            blobs.append(b"")
            at = end + 1
            continue
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return blobs
