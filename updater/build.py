"""The one-way pipeline: load -> fetch -> merge with snapshot -> render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from updater.cv import CV, load_cv
from updater.links import Targets, cv_urls, discover
from updater.render import load_template, render
from updater.snapshot import Snapshot, load_snapshot, merge
from updater.stats import SourceResult

Fetcher = Callable[[Targets, Snapshot], tuple[SourceResult, ...]]


@dataclass(frozen=True)
class Paths:
    """Where the inputs and the output live, relative to the profile repository's root."""

    data: Path = Path("data/cv.yaml")
    stats: Path = Path("data/stats.json")
    template: Path = Path("templates/README.md.j2")
    output: Path = Path("README.md")


@dataclass(frozen=True)
class Build:
    """Everything one run produced, before anything is written."""

    cv: CV
    targets: Targets
    old: Snapshot
    new: Snapshot
    readme: str
    results: tuple[SourceResult, ...]


def build(paths: Paths, fetch: Fetcher | None) -> Build:
    """Load and validate every input first, then fetch (unless offline), merge and render."""
    cv = load_cv(paths.data)
    template = load_template(paths.template)
    old = load_snapshot(paths.stats)
    targets = discover(cv_urls(cv), cv.tracking.github_user)
    results = fetch(targets, old) if fetch else ()
    new = merge(old, results)
    return Build(cv, targets, old, new, render(template, cv, new, targets.models), results)
