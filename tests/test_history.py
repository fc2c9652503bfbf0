"""data/history.json: recording nightly runs, retention and its size bound, the file, backfill."""

from __future__ import annotations

import json
import random
import subprocess
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from updater.badges import Totals
from updater.errors import InputError, ValidationFailed
from updater.history import (
    DAILY_DAYS,
    History,
    Key,
    Series,
    backfill,
    decode,
    dumps,
    encode,
    history_commit_due,
    load_history,
    parse_history,
    record,
    retain,
    thin,
    total,
)
from updater.snapshot import Snapshot
from updater.snapshot import dumps as dump_snapshot
from updater.stats import ModelStats, PaperStats, RepoStats, SpaceStats, UserTotals
from updater.trends import Trends

DAY = date(2026, 11, 20)


def stamp(day: date) -> str:
    return f"{day.isoformat()}T03:17:00Z"


def snapshot(day: date, stars: int = 1349, downloads: int = 13042, **kw: object) -> Snapshot:
    """The seed profile's kinds of item, fetched on `day`."""
    at = stamp(day)
    return Snapshot(
        repositories={"hyunwoongko/kss": RepoStats("hyunwoongko/kss", stars, 90, at)},
        models={"kakaocorp/kanana": ModelStats("kakaocorp/kanana", at, downloads, None, 51)},
        user=UserTotals("hyunwoongko", stars + 4612, 58, at),
        spaces={"o/demo": SpaceStats("o/demo", at, 8)},
        papers={"arxiv:2306.02254": PaperStats("ARXIV:2306.02254", at, 57)},
        **kw,  # type: ignore[arg-type]
    )


def totals_of(snap: Snapshot) -> Totals:
    assert snap.user is not None
    return Totals(snap.user.stars, sum(m.downloads or 0 for m in snap.models.values()), 57)


def run(history: History, snap: Snapshot, day: date) -> History:
    return record(history, snap, totals_of(snap), day)


def test_the_first_run_records_one_point_per_number_under_the_snapshot_s_keys() -> None:
    history = run(History(), snapshot(DAY), DAY)
    assert {str(key) for key in history.series} == {
        "repo hyunwoongko/kss stars",
        "model kakaocorp/kanana downloads",
        "model kakaocorp/kanana likes",
        "space o/demo likes",
        "paper arxiv:2306.02254 citations",
        "total stars",
        "total downloads",
        "total citations",
    }
    assert history.series[Key("repo", "hyunwoongko/kss", "stars")] == Series(
        (DAY.toordinal(),), (1349,)
    )
    assert Trends(history).total("stars").text == ""  # one day tells no trend


def test_a_same_day_rerun_replaces_that_day_s_point() -> None:
    history = run(History(), snapshot(DAY - timedelta(days=1), stars=1340), DAY - timedelta(1))
    history = run(history, snapshot(DAY, stars=1349), DAY)
    again = run(history, snapshot(DAY, stars=1351), DAY)
    series = again.series[Key("repo", "hyunwoongko/kss", "stars")]
    assert list(series.points()) == [(DAY - timedelta(days=1), 1340), (DAY, 1351)]
    assert run(again, snapshot(DAY, stars=1351), DAY) == again  # the same run twice: no change


def test_an_item_that_failed_keeps_its_old_day_and_gets_no_new_point() -> None:
    history = run(History(), snapshot(DAY), DAY)
    later = DAY + timedelta(days=3)
    stale = replace(snapshot(later), repositories=snapshot(DAY).repositories)
    history = run(history, stale, later)
    assert history.series[Key("repo", "hyunwoongko/kss", "stars")].last == DAY
    assert history.series[total("stars")].last == later


def test_a_renamed_repository_s_series_follows_it() -> None:
    history = run(History(), snapshot(DAY - timedelta(days=2)), DAY - timedelta(days=2))
    at = stamp(DAY)
    moved = replace(
        snapshot(DAY),
        repositories={"o/kss-new": RepoStats("o/kss-new", 1400, 90, at)},
        renamed={"hyunwoongko/kss": "o/kss-new"},
    )
    history = run(history, moved, DAY)
    assert Key("repo", "hyunwoongko/kss", "stars") not in history.series
    assert list(history.series[Key("repo", "o/kss-new", "stars")].values) == [1349, 1400]
    assert Trends(history, moved.renamed).repo("hyunwoongko/kss").text == "+51 since 2026-11-18"


def test_a_year_of_nightly_runs_rising_falling_and_flat() -> None:
    """The clock is the loop: each night's numbers are recorded on that night's day."""
    start, history, written = date(2025, 11, 21), History(), []
    for night in range(365):
        day = start + timedelta(days=night)
        stars = 1000 + min(night, 200) * 2 - max(night - 300, 0)  # rises, holds, falls
        history = run(history, snapshot(day, stars=stars, downloads=13000), day)
        written.append((day, stars))
    text = dumps(history)
    assert len(text.encode()) < 8 * 1024  # 8 numbers, a year: a few KB
    assert parse_history(text, "h.json") == history
    series = history.series[Key("repo", "hyunwoongko/kss", "stars")]
    assert all(series.at(day) == stars for day, stars in written)  # every day of the year
    trends = Trends(history)
    assert trends.repo("hyunwoongko/kss").text == "\u221230 in 30 days"
    assert trends.repo("hyunwoongko/kss", days=400).text == "+336 since 2025-11-21"
    assert trends.model("kakaocorp/kanana").text == "no change in 30 days"
    flat = history.series[Key("model", "kakaocorp/kanana", "downloads")]
    assert len(flat.days) == 2  # a flat year is its first and last day


def daily(values: list[int], first: int) -> Series:
    """A series of one point a day with equal runs cut to their ends, as nightly runs keep it."""
    days: list[int] = []
    kept: list[int] = []
    for i, value in enumerate(values):
        if len(kept) >= 2 and kept[-1] == value == kept[-2]:
            days[-1] = first + i
        else:
            days.append(first + i)
            kept.append(value)
    return Series(tuple(days), tuple(kept))


def test_nightly_thinning_keeps_every_day_of_the_year_and_every_block_end() -> None:
    rng, first = random.Random(7), date(2020, 1, 6).toordinal()
    values = [100]
    for _ in range(3 * 365):
        values.append(max(0, values[-1] + rng.choice((0, 0, 1, 2, -1))))
    history = History()
    for i, value in enumerate(values):
        day = date.fromordinal(first + i)
        snap = Snapshot(repositories={"o/r": RepoStats("o/r", value, 0, stamp(day))})
        history = record(history, snap, Totals(None, None), day)
    nightly = history.series[Key("repo", "o/r", "stars")]
    today = first + len(values) - 1
    for ordinal in range(first, today + 1):
        age = today - ordinal
        size = 1 if age < DAILY_DAYS else 7 if age < 730 else 28
        if ordinal % size == 0:  # the last day of its block (blocks start on Mondays)
            assert nightly.at(date.fromordinal(ordinal)) == values[ordinal - first], age
    assert len(nightly.days) <= 1 + 365 + 53 + 27 + 1


def size_of(items: list[tuple[str, str, list[int]]], days: int) -> int:
    first = date(2021, 1, 4).toordinal()
    series = {Key(kind, name, metric): daily(v, first) for kind, name, metric, v in (
        (k, n, m, v) for (k, n), m, v in ((i[0].split(" ", 1), i[1], i[2]) for i in items)
    )}  # fmt: skip
    today = date.fromordinal(first + days - 1)
    return len(dumps(History(retain(series, today))).encode())


def moving(rng: random.Random, days: int, start: int, change: float) -> list[int]:
    values, value = [], start
    for _ in range(days):
        value = max(0, round(value * (1 + rng.gauss(0.0005, change))))
        values.append(value)
    return values


def rising(rng: random.Random, days: int, start: int, per_day: float) -> list[int]:
    values, value = [], start
    for _ in range(days):
        value += max(0, round(rng.gauss(per_day, per_day / 2 + 1)))
        values.append(value)
    return values


def profile(rng: random.Random, days: int, repos: int, models: int, papers: int) -> list[
    tuple[str, str, list[int]]
]:  # fmt: skip
    """100 tracked items whose every number moves every day: the worst realistic nights."""
    items = []
    for i in range(repos):
        items.append((f"repo owner/repository-{i}", "stars", rising(rng, days, 5000, 3)))
    for i in range(models):
        name = f"model organisation/model-name-{i}"
        level = int(10 ** rng.uniform(3, 6))
        items.append((name, "downloads", moving(rng, days, level, 0.02)))
        items.append((name, "likes", rising(rng, days, 50, 0.2)))
    for i in range(papers):
        items.append((f"paper arxiv:2306.{i:05d}", "citations", rising(rng, days, 50, 0.3)))
    return items


@pytest.mark.parametrize(
    ("years", "mix", "bound_kb"),
    [
        (1, (60, 30, 10), 120),
        (5, (60, 30, 10), 200),  # the documented bound: 100 items, five years
        (5, (0, 100, 0), 350),  # 100 models, the costliest kind: the documented worst case
    ],
)
def test_the_size_stays_in_its_bound(years: int, mix: tuple[int, int, int], bound_kb: int) -> None:
    days = years * 365
    size = size_of(profile(random.Random(years), days, *mix), days)
    assert size <= bound_kb * 1024, size


def test_a_series_not_fetched_for_a_year_is_forgotten() -> None:
    history = run(History(), snapshot(DAY), DAY)
    key = Key("space", "o/demo", "likes")
    later = DAY + timedelta(days=364)
    without = replace(snapshot(later), spaces={})
    assert key in run(history, without, later).series
    assert key not in run(history, without, later + timedelta(days=1)).series


def test_the_file_is_one_line_per_series_sorted_and_round_trips() -> None:
    history = run(History(), snapshot(DAY - timedelta(days=9)), DAY - timedelta(days=9))
    history = run(history, snapshot(DAY, stars=1352), DAY)
    text = dumps(history)
    lines = text.splitlines()
    assert lines[:3] == ["{", '  "format": 1,', '  "series": {']
    assert '    "repo hyunwoongko/kss stars": "2026-11-11 1349~9+3",' in lines
    keys = [json.loads("{" + line.rstrip(",") + "}").popitem()[0] for line in lines[3:-2]]
    assert keys == sorted(keys) and len(keys) == len(history.series)
    assert parse_history(text, "h.json") == history and dumps(parse_history(text, "h")) == text
    assert dumps(History()) == '{\n  "format": 1,\n  "series": {}\n}\n'


def test_encode_and_decode_are_inverse() -> None:
    series = Series((738000, 738001, 738008, 738036), (0, 12, 5, 10**15))
    assert encode(series) == "2021-07-29 0+12~7-7~28+999999999999995"
    assert decode(encode(series)) == series


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('{"format": 2, "series": {}}', "h.json:1:1", "format: expected 1, got 2"),
        ('{"format": 1, "series": {}', "h.json:1:27", "invalid JSON"),
        ("[1]", "h.json:1:1", 'expected {"format": 1'),
        (
            '{"format": 1, "series": {\n "repo o/r forks": "2026-01-01 1"}}',
            "h.json:2:2",
            "METRIC one of stars",
        ),
        (
            '{"format": 1, "series": {\n "film x likes": "2026-01-01 1"}}',
            "h.json:2:2",
            "unknown kind 'film'",
        ),
        (
            '{"format": 1, "series": {\n "total stars": "2026-01-01 5+1+x"}}',
            "h.json:2:32",
            'expected "YYYY-MM-DD VALUE"',
        ),
        (
            '{"format": 1, "series": {\n "total stars": "2026-01-01 5+1-9"}}',
            "h.json:2:32",
            "a count must be from 0",
        ),
        (
            '{"format": 1, "series": {\n "total stars": "2026-02-30 5"}}',
            "h.json:2:18",
            "no such day '2026-02-30'",
        ),
        ('{"format": 1, "series": {\n "total stars": 5}}', "h.json:2:2", "expected text"),
    ],
)
def test_a_broken_file_is_reported_where_it_is_broken(text: str, where: str, what: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_history(text, "h.json")
    assert str(caught.value).startswith(where + ": "), caught.value
    assert what in str(caught.value)


def test_every_broken_series_is_reported_at_once() -> None:
    text = '{"format": 1, "series": {\n "total stars": "x",\n "total citations": "y"\n}}'
    with pytest.raises(ValidationFailed) as caught:
        parse_history(text, "h.json")
    assert [p.split(": ")[0] for p in caught.value.problems] == ["h.json:2:18", "h.json:3:22"]


def test_load_history_reads_bounded_and_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_history(tmp_path / "none.json", tmp_path) == History()
    path = tmp_path / "history.json"
    path.write_text(dumps(run(History(), snapshot(DAY), DAY)), encoding="utf-8")
    assert load_history(path, tmp_path).series[total("citations")].values == (57,)
    path.write_bytes(b" " * (5 * 1024 * 1024))
    with pytest.raises(InputError, match="larger than 4 MB"):
        load_history(path, tmp_path)


def test_thin_leaves_a_series_of_the_last_year_alone() -> None:
    series = Series((100, 101, 102), (1, 1, 1))
    assert thin(series, 102) is series


@pytest.mark.parametrize(
    ("last", "today", "changed", "due"),
    [
        (None, DAY, True, True),  # never committed
        (DAY - timedelta(days=7), DAY, True, True),
        (DAY - timedelta(days=6), DAY, True, False),  # a page commit carried it this week
        (DAY - timedelta(days=30), DAY, False, False),  # nothing new: no empty commit
    ],
)
def test_a_history_only_commit_is_due_weekly(
    last: date | None, today: date, changed: bool, due: bool
) -> None:
    assert history_commit_due(last, today, changed) is due


def git(root: Path, *args: str, when: str | None = None) -> None:
    env = {"GIT_AUTHOR_DATE": when or "", "GIT_COMMITTER_DATE": when or "", "HOME": str(root),
           "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_backfill_from_30_past_snapshots(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "bot@example.com")
    git(tmp_path, "config", "user.name", "bot")
    stats = tmp_path / "data" / "stats.json"
    stats.parent.mkdir()
    start = date(2026, 9, 1)
    for night in range(30):
        day = start + timedelta(days=night * 2)  # a commit every other night
        text = dump_snapshot(snapshot(day, stars=1300 + night))
        if night == 10:
            text = text.replace('"stars": 1310', '"stars": -1')  # an old, broken version
        stats.write_text(text, encoding="utf-8")
        (tmp_path / "README.md").write_text(f"night {night}\n", encoding="utf-8")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-q", "-m", f"night {night}", when=f"{day}T04:00:00Z")
    done = backfill(tmp_path, start + timedelta(days=58))
    assert done.used == 29
    assert len(done.skipped) == 1 and "(2026-09-21): skipped: " in done.skipped[0]
    assert "stars: expected a count of 0 or more" in done.skipped[0]
    series = done.history.series[Key("repo", "hyunwoongko/kss", "stars")]
    assert series.first == start and series.last == start + timedelta(days=58)
    assert len(series.days) == 29 and series.at(start + timedelta(days=21)) == 1309
    assert Trends(done.history).repo("hyunwoongko/kss").text == "+15 in 30 days"
    assert done.history.series[total("stars")].values[-1] == 1329 + 4612


def test_backfill_outside_a_repository_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="git log"):
        backfill(tmp_path, DAY)


def test_the_manual_s_example_file_parses_and_is_written_back_the_same() -> None:
    manual = (Path(__file__).parent.parent / "docs" / "README.md").read_text(encoding="utf-8")
    section = manual[manual.index("### `data/history.json`") :]
    start = section.index("```json\n") + len("```json\n")
    example = section[start : section.index("```\n", start)]
    history = parse_history(example, "docs/README.md")
    assert dumps(history) == example
    assert Trends(history).repo("hyunwoongko/kss", days=3).text == "+4 in 3 days"
