"""The one-way pipeline: load -> discover -> fetch -> merge with snapshot -> render every page."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import jinja2
from jinja2 import meta

from updater.cv import CV, load_cv_source
from updater.errors import InputError, ValidationFailed, sort_problems
from updater.files import decode_text, inside, read_bytes
from updater.links import Targets, cv_urls, discover
from updater.page.annotate import links as page_links
from updater.pages import Page, partials
from updater.pages import discover as discover_pages
from updater.snapshot import Snapshot, load_snapshot, merge
from updater.stats import SourceResult
from updater.templates import compile_templates, make_environment, render_pages
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
    # Whether a template can show the owner's totals: only then are they fetched (and their
    # failure reported) for tracking.github_user.
    totals_shown: bool = True


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
    templates, template_problems = compile_templates(pages)
    old = _collect(problems, lambda: load_snapshot(paths.stats, paths.root), None)
    shown = shows_totals(pages)
    if loaded is not None and old is not None and template_problems:
        # The pages that compiled are rendered too, so that what fails only when a page runs
        # (`cv.section("missing")`) is reported now, not once the other pages are fixed.
        inputs = Inputs(loaded[0], pages, templates, old, loaded[1], shown)
        _collect(problems, lambda: draft(inputs, remaining), None)
    problems += template_problems
    if problems or loaded is None or old is None:
        raise ValidationFailed(sort_problems(problems))
    return Inputs(loaded[0], pages, templates, old, loaded[1], shown)


# The names through which a template reaches the owner's totals.
TOTALS_NAMES = frozenset({"totals", "snapshot"})


def shows_totals(pages: tuple[Page, ...]) -> bool:
    """Whether any page template or partial names `totals` (or the whole `snapshot`).

    An adopted page that never shows them does not fetch them: no request, and no failure
    reported for a number nobody sees. Unreadable templates count as showing them."""
    folders = sorted({page.folder for page in pages})
    paths = [(page.template, page.folder) for page in pages]
    paths += [(path, folder) for folder in folders for path in partials(folder)]
    for path, folder in paths:
        # The sandbox's own environment: a plain one folds constants (`2 ** 10 ** 9`) while
        # tracking names, the sandbox refuses to.
        env = make_environment(folder)
        try:
            source = decode_text(path, read_bytes(path, folder) or b"", nul_is_binary=False)
            names = meta.find_undeclared_variables(env.parse(source))
        except (InputError, jinja2.TemplateSyntaxError, RecursionError):
            return True  # compile_templates reports what is wrong with it
        if names & TOTALS_NAMES:
            return True
    return False


def _collect(problems: list[str], load: Callable[[], T], fallback: T) -> T:
    """Run one loader; its problems join the list instead of hiding the other files'."""
    try:
        return load()
    except ValidationFailed as exc:
        problems += exc.problems
    except InputError as exc:
        problems.append(str(exc))
    return fallback


def find_targets(cv: CV, pages: Mapping[str, str], totals: bool = True) -> Targets:
    """What to fetch: every link in the data and in the pages, plus `tracking`'s extras (and
    the owner's totals, unless `totals` is False: no page shows them)."""
    return discover(_urls(cv, pages), cv.tracking.github_user if totals else None)


def _urls(cv: CV, pages: Mapping[str, str]) -> Iterator[str]:
    yield from cv_urls(cv)
    for text in pages.values():
        # Only the links a reader can click: not code, comments or reference definitions.
        yield from (link.url for link in page_links(text))


def draft(inputs: Inputs, remaining: Remaining | None = None) -> tuple[dict[str, str], Targets]:
    """Every page rendered with the snapshot's numbers, and what its links ask to fetch."""
    cv, shown = inputs.cv, inputs.totals_shown
    targets = Targets(github_user=cv.tracking.github_user if shown else None)
    pages = render_pages(
        inputs.templates, cv, inputs.old, targets, source=inputs.source, remaining=remaining
    )
    return pages, find_targets(cv, pages, totals=shown)


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
