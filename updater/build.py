"""The one-way pipeline: load -> discover -> fetch -> merge with snapshot -> render every page."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import jinja2

from updater.cv import CV, load_cv_source
from updater.errors import InputError, ValidationFailed, sort_problems
from updater.files import inside
from updater.links import Targets, cv_urls, discover
from updater.lists import lists
from updater.page.annotate import links as page_links
from updater.pages import Page
from updater.pages import discover as discover_pages
from updater.snapshot import Snapshot, load_snapshot, merge
from updater.stats import SourceResult
from updater.templates import compile_templates, render_pages
from updater.yamlsource import YamlDocument

Fetcher = Callable[[Targets, Snapshot], tuple[SourceResult, ...]]
Remaining = Callable[[], float]  # seconds left of the run's deadline
T = TypeVar("T")


@dataclass(frozen=True)
class Paths:
    """Where the inputs and the pages live, relative to the profile repository's root."""

    data: Path = Path("data/cv.yaml")
    stats: Path = Path("data/stats.json")
    templates: Path = Path("templates")
    root: Path = Path()

    def page(self, name: str) -> Path:
        """Where page `name` is written."""
        return self.root / name

    def check_inside(self) -> None:
        """--data, --stats and --templates must resolve inside --root, the repository."""
        problems = []
        for option, path in (("--data", self.data), ("--stats", self.stats),
                             ("--templates", self.templates)):  # fmt: skip
            try:
                inside(path, self.root)
            except InputError as exc:
                problems.append(f"{option} {exc}")
        if problems:
            raise InputError("\n".join(problems))


@dataclass(frozen=True)
class Inputs:
    """Everything read from disk, validated, before any network."""

    cv: CV
    pages: tuple[Page, ...]
    templates: Mapping[str, jinja2.Template]
    old: Snapshot
    source: YamlDocument | None = None  # the parsed data file: where each value was written
    # What of the lists and figures the pages show (`totals` for the owner's totals): only
    # that is fetched, and only its failures reported.
    shows: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Build:
    """Everything one run produced, before anything is written."""

    cv: CV
    targets: Targets
    old: Snapshot
    new: Snapshot
    pages: Mapping[str, str]  # page name (e.g. README.md) -> text
    results: tuple[SourceResult, ...]


def load_inputs(paths: Paths, remaining: Remaining | None = None) -> Inputs:
    """Read and validate the data, every template and the snapshot; every problem at once,
    sorted by file, line and column. Every file must be inside the repository (paths.root)."""
    paths.check_inside()
    problems: list[str] = []
    no_pages: tuple[Page, ...] = ()
    loaded = _collect(problems, lambda: load_cv_source(paths.data, paths.root), None)
    pages = _collect(problems, lambda: discover_pages(paths.templates), no_pages)
    templates, template_problems, shows = compile_templates(pages)
    old = _collect(problems, lambda: load_snapshot(paths.stats, paths.root), None)
    if loaded is not None and old is not None and template_problems:
        # The pages that compiled are rendered too, so that what fails only when a page runs
        # (`cv.section("missing")`) is reported now, not once the other pages are fixed.
        inputs = Inputs(loaded[0], pages, templates, old, loaded[1], shows)
        _collect(problems, lambda: draft(inputs, remaining), None)
    problems += template_problems
    if problems or loaded is None or old is None:
        raise ValidationFailed(sort_problems(problems))
    return Inputs(loaded[0], pages, templates, old, loaded[1], shows)


def _collect(problems: list[str], load: Callable[[], T], fallback: T) -> T:
    """Run one loader; its problems join the list instead of hiding the other files'."""
    try:
        return load()
    except ValidationFailed as exc:
        problems += exc.problems
    except InputError as exc:
        problems.append(str(exc))
    return fallback


def owners(cv: CV, shows: frozenset[str] = frozenset()) -> Targets:
    """Whose totals and lists the data names, and what of them the pages show."""
    tracking = cv.tracking
    # The owner's account is read for its totals and for its repositories' list: a page that
    # shows neither (an adopted page) asks for nothing, and no failure is reported for it.
    user = tracking.github_user if {"totals", "repositories"} & shows else None
    return Targets(
        github_user=user, scholar_author=tracking.semantic_scholar_author,
        hub_authors=tracking.huggingface_authors, shows=shows,
    )  # fmt: skip


def find_targets(
    cv: CV, pages: Mapping[str, str], base: Targets | None = None,
    listed: frozenset[str] = frozenset(),
) -> Targets:  # fmt: skip
    """What to fetch: every link in the data and in the pages, plus `tracking`'s extras, and
    the owners of `base`. The pages' links to `listed` items (from the lists) are left out:
    the lists fetch them, so they are not asked for one by one."""
    found = discover(_urls(cv, pages, listed), cv.tracking.github_user)
    if base is None:
        return found
    return replace(
        found, github_user=base.github_user, scholar_author=base.scholar_author,
        hub_authors=base.hub_authors, shows=base.shows,
    )  # fmt: skip


def _urls(cv: CV, pages: Mapping[str, str], listed: frozenset[str]) -> Iterator[str]:
    yield from cv_urls(cv)
    for text in pages.values():
        # Only the links a reader can click: not code, comments or reference definitions.
        yield from (link.url for link in page_links(text) if link.url not in listed)


def draft(inputs: Inputs, remaining: Remaining | None = None) -> tuple[dict[str, str], Targets]:
    """Every page rendered with the snapshot's numbers, and what its links ask to fetch."""
    cv = inputs.cv
    targets = owners(cv, inputs.shows)
    pages = render_pages(
        inputs.templates, cv, inputs.old, targets, source=inputs.source, remaining=remaining
    )
    return pages, find_targets(cv, pages, targets, listed_urls(inputs.old, targets))


def listed_urls(snapshot: Snapshot, targets: Targets) -> frozenset[str]:
    """The links of every item the lists show."""
    shown = lists(snapshot, targets)
    return frozenset(
        item.url
        for group in (shown.papers, shown.models, shown.datasets, shown.spaces, shown.repositories)
        for item in group
    )


def build(paths: Paths, fetch: Fetcher | None, remaining: Remaining | None = None) -> Build:
    """Load and validate every input first, then fetch (unless offline), merge and render.

    Rendering counts against `remaining` (the run's deadline): both renders, before and after
    the fetch, stop when it is spent."""
    inputs = load_inputs(paths, remaining)
    cv, old = inputs.cv, inputs.old
    _, targets = draft(inputs, remaining)
    results = fetch(targets, old) if fetch else ()
    new = merge(old, results)
    pages = render_pages(
        inputs.templates, cv, new, targets, source=inputs.source, remaining=remaining
    )
    return Build(cv, targets, old, new, pages, results)
