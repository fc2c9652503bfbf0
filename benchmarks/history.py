"""Benchmark the history: what a year of it adds to a render, and how big it grows.

Run: python -m benchmarks.history [--runs 20] [--sizes]
The seed profile's items (tests/fixtures/seed/stats.json) get a year of simulated nightly runs
(an injected clock: one record per day, numbers that rise, fall and hold); then the median
time of one night's record, of writing and reading data/history.json, of every trend a
template can ask (each total and each item) and of every chart (the three totals and each item,
light and dark) is reported with the file sizes. Target: the whole adds well under 0.1 s to a
render. --sizes also simulates 100 items (60 repositories, 30 models, 10 papers; and 100
models, the costliest kind) over one and five years of nightly runs and reports the file size
(this takes a few minutes).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from updater.badges import Totals
from updater.charts.place import Charts
from updater.history import History, dumps, parse_history, record
from updater.snapshot import Snapshot, load_snapshot
from updater.stats import ModelStats, PaperStats, RepoStats, UserTotals
from updater.trends import Trends

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed" / "stats.json"
TODAY = date(2026, 11, 20)
TARGET = 0.1


def stamp(day: date) -> str:
    return f"{day.isoformat()}T03:17:00Z"


def night(seed: Snapshot, day: date, n: int, rng: random.Random) -> Snapshot:
    """The seed's numbers as they might have been `n` nights into the year."""
    at = stamp(day)
    repos = {
        k: replace(r, stars=max(0, r.stars - 365 + n + (n > 200) * (200 - n) // 2), fetched_at=at)
        for k, r in seed.repositories.items()
    }
    models = {
        k: replace(m, downloads=int((m.downloads or 0) * (1 + rng.gauss(0, 0.02))), fetched_at=at)
        for k, m in seed.models.items()
    }
    user = (
        replace(seed.user, stars=sum(r.stars for r in repos.values()), fetched_at=at)
        if seed.user
        else None
    )
    return replace(seed, repositories=repos, models=models, user=user)


def seed_totals(snapshot: Snapshot) -> Totals:
    downloads = sum(m.downloads or 0 for m in snapshot.models.values())
    return Totals(snapshot.user.stars if snapshot.user else None, downloads, None)


def a_year(seed: Snapshot) -> tuple[History, Snapshot]:
    rng, history = random.Random(1), History()
    snapshot = seed
    for n in range(365):
        day = TODAY - timedelta(days=364 - n)
        snapshot = night(seed, day, n, rng)
        history = record(history, snapshot, seed_totals(snapshot), day)
    return history, snapshot


def median(runs: int, work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def trends_of(history: History, snapshot: Snapshot) -> list[str]:
    trends = Trends(history, snapshot.renamed)
    out = [trends.total(m).text for m in ("stars", "downloads", "citations")]
    out += [trends.repo(name).text for name in snapshot.repositories]
    out += [trends.model(name).text for name in snapshot.models]
    return out


def charts_of(history: History, snapshot: Snapshot) -> dict[str, str]:
    charts = Charts(history, renamed=snapshot.renamed)
    charts.standard()
    for name in snapshot.repositories:
        charts.repo(name)
    for name in snapshot.models:
        charts.of("model", name, "downloads")
    return charts.files()


def seed_report(runs: int) -> None:
    seed = load_snapshot(SEED, SEED.parent)
    history, snapshot = a_year(seed)
    text = dumps(history)
    tomorrow = TODAY + timedelta(days=1)
    step = replace(snapshot, repositories={
        k: replace(r, fetched_at=stamp(tomorrow)) for k, r in snapshot.repositories.items()
    })  # fmt: skip
    parts = {
        "record one night": median(
            runs, lambda: record(history, step, seed_totals(step), tomorrow)
        ),
        "write data/history.json": median(runs, lambda: dumps(history)),
        "read data/history.json": median(runs, lambda: parse_history(text, "history.json")),
        "every trend": median(runs, lambda: trends_of(history, snapshot)),
        "every chart, both themes": median(runs, lambda: charts_of(history, snapshot)),
    }
    files = charts_of(history, snapshot)
    print(f"seed profile: {len(history.series)} series, a year of nightly runs")
    for name, seconds in parts.items():
        print(f"  {name:28} {seconds * 1000:7.2f} ms")
    total = sum(parts.values())
    verdict = "ok" if total < TARGET else "OVER"
    print(
        f"  {'all of it':28} {total * 1000:7.2f} ms (target under {TARGET * 1000:.0f} ms: {verdict})"
    )
    print(f"  data/history.json: {len(text.encode()):,} bytes")
    sizes = sorted(len(t.encode()) for t in files.values())
    print(f"  {len(files)} chart files: {sizes[0]:,} to {sizes[-1]:,} bytes")
    print("  " + "; ".join(t for t in trends_of(history, snapshot) if t))


def simulated(repos: int, models: int, papers: int, years: int) -> tuple[int, float]:
    """File size after nightly runs of `years` for that many items, and a night's record time."""
    rng = random.Random(years)
    stars = [rng.randint(50, 20000) for _ in range(repos)]
    downloads = [int(10 ** rng.uniform(3, 6)) for _ in range(models)]
    likes = [rng.randint(0, 500) for _ in range(models)]
    cited = [rng.randint(0, 2000) for _ in range(papers)]
    history, day, last = History(), TODAY - timedelta(days=years * 365 - 1), 0.0
    for _ in range(years * 365):
        at = stamp(day)
        stars = [s + max(0, round(rng.gauss(s / 2000, s / 4000 + 1))) for s in stars]
        downloads = [max(0, round(d * (1 + rng.gauss(0.0005, 0.02)))) for d in downloads]
        likes = [n + (rng.random() < 0.1) for n in likes]
        cited = [c + (rng.random() < 0.2) for c in cited]
        snapshot = Snapshot(
            {f"owner/repository-{i}": RepoStats(f"owner/repository-{i}", s, 0, at) for i, s in enumerate(stars)},
            {f"org/model-name-{i}": ModelStats(f"org/model-name-{i}", at, d, None, n)
             for i, (d, n) in enumerate(zip(downloads, likes, strict=True))},
            UserTotals("owner", sum(stars), repos, at),
            papers={f"arxiv:2306.{i:05d}": PaperStats(f"ARXIV:2306.{i:05d}", at, c) for i, c in enumerate(cited)},
        )  # fmt: skip
        totals = Totals(sum(stars), sum(downloads) or None, sum(cited) or None)
        started = time.perf_counter()
        history = record(history, snapshot, totals, day)
        last = time.perf_counter() - started
        day += timedelta(days=1)
    return len(dumps(history).encode()), last


def size_report() -> None:
    print("100 items, nightly runs:")
    for mix in ((60, 30, 10), (0, 100, 0)):
        for years in (1, 5):
            size, seconds = simulated(*mix, years)
            print(f"  {mix[0]} repositories, {mix[1]} models, {mix[2]} papers, {years} year(s): "
                  f"{size / 1024:6.1f} KB (the last night's record: {seconds * 1000:.1f} ms)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--sizes", action="store_true", help="also simulate 100 items, 1 and 5 years"
    )
    args = parser.parse_args()
    seed_report(args.runs)
    if args.sizes:
        size_report()


if __name__ == "__main__":
    main()
