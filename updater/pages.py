"""Which pages exist: every `templates/NAME.j2` renders to `NAME` at the repository root.

The one answer for every command: the pipeline asks which templates make pages (`discover`),
`check` and `preview` ask which rendered pages are on disk (`rendered`), and where a page sits
in its repository (`repository_root`, `repository_path`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from updater.errors import InputError

SUFFIX = ".j2"
MAIN_PAGE = "README.md"


@dataclass(frozen=True)
class Page:
    """One generated page: its output name (e.g. `RESUME.md`) and its template file."""

    name: str
    template: Path


def is_page_template(path: Path) -> bool:
    """A page template: `NAME.j2` directly in the folder; `_partial.j2` files are for includes.
    Anything so named but a folder counts: reading it says what is wrong (a FIFO, a link)."""
    return (
        path.suffix == SUFFIX
        and not path.name.startswith(("_", "."))
        and (path.is_symlink() or path.exists())
        and not path.is_dir()
    )


def stray_pages(template_dir: Path) -> list[Path]:
    """Templates in a subfolder named like a page (`docs/GUIDE.md.j2`): pages render only from
    the templates folder itself, so these render nowhere. Partials (`_x.j2`) and names with no
    page extension (`parts/header.j2`) are left alone."""
    if not template_dir.is_dir():
        return []
    return sorted(
        path
        for path in template_dir.glob("*/**/*" + SUFFIX)
        if is_page_template(path) and Path(path.name.removesuffix(SUFFIX)).suffix
    )


def discover(template_dir: Path) -> tuple[Page, ...]:
    """Every page of the repository, README.md first, then by name; no list to maintain."""
    if not template_dir.is_dir():
        raise InputError(
            f"{template_dir}: no templates folder; run from the profile repository root, "
            "pass --templates DIR, or run `updater init` to create one"
        )
    pages = [
        Page(path.name.removesuffix(SUFFIX), path)
        for path in template_dir.iterdir()
        if is_page_template(path)
    ]
    if not pages:
        raise InputError(
            f"{template_dir}: no page templates (NAME.j2, e.g. README.md.j2): "
            "run `updater init` or add one"
        )
    return tuple(sorted(pages, key=lambda p: (p.name != MAIN_PAGE, p.name)))


def rendered(root: Path, template_dir: Path | None = None) -> list[Path]:
    """The rendered pages on disk, README.md first; just README.md without a templates folder."""
    templates = root / "templates" if template_dir is None else template_dir
    if not templates.is_dir():
        return [root / MAIN_PAGE]
    names = {path.name.removesuffix(SUFFIX) for path in templates.glob("*" + SUFFIX)}
    found = sorted(
        (root / name for name in names if (root / name).is_file()),
        key=lambda path: (path.name != MAIN_PAGE, path.name),
    )
    return found or [root / MAIN_PAGE]


def repository_root(page: Path) -> Path:
    """The git work tree holding the page (the nearest folder up with `.git`), else the page's
    folder: where a link to `/assets/x.png` points."""
    # The page as named, not where a symlink leads: a link out of the work tree is refused
    # when it is read, not followed to a repository of its own.
    folder = Path(os.path.abspath(page)).parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def repository_path(page: Path, root: Path) -> str:
    """The page's path in the repository (`docs/README.md`), or its name when outside it."""
    try:
        return page.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return page.name
