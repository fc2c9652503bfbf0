"""Which pages exist: every `templates/PATH.j2` renders to `PATH` in the repository, folders
included (`templates/profile/README.md.j2` makes `profile/README.md`).

The one answer for every command: the pipeline asks which templates make pages (`discover`)
and which partials they may include (`partials`), `check` and `preview` ask which rendered
pages are on disk (`rendered`), which template a page comes from (`template_for`), where a
page sits in its repository (`repository_root`, `repository_path`), and which repository
GitHub shows it from (`profile_repository`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from updater.errors import InputError

SUFFIX = ".j2"
MAIN_PAGE = "README.md"
# GitHub shows an organization's profile from profile/README.md of its `.github` repository
# (the members-only one from `.github-private`), and a user's from README.md of USER/USER.
ORG_PAGE = "profile/README.md"
ORG_REPOSITORIES = (".github", ".github-private")


@dataclass(frozen=True)
class Page:
    """One generated page: its path in the repository (`README.md`, `profile/README.md`) and
    its template file (`templates/profile/README.md.j2`)."""

    name: str
    template: Path

    @property
    def folder(self) -> Path:
        """The templates folder the page's name is relative to (include names are too)."""
        return self.template.parents[len(PurePosixPath(self.name).parts) - 1]


def is_page_template(path: Path) -> bool:
    """A page template: `NAME.j2`; `_partial.j2` files are for includes. Anything so named but
    a folder counts: reading it says what is wrong (a FIFO, a link)."""
    return (
        path.suffix == SUFFIX
        and not path.name.startswith(("_", "."))
        and (path.is_symlink() or path.exists())
        and not path.is_dir()
    )


def _templates(template_dir: Path) -> Iterator[Path]:
    """Every `*.j2` under the folder, in sorted order. Folders whose name starts with `.` are
    skipped (`.github/` holds workflows, which the update's token may not commit), and linked
    folders are not followed: a template is read only from inside the templates folder."""
    for folder, subfolders, files in os.walk(template_dir):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(files):
            if name.endswith(SUFFIX):
                yield Path(folder, name)


def _name(path: Path, template_dir: Path) -> str:
    return path.relative_to(template_dir).as_posix().removesuffix(SUFFIX)


def _order(name: str) -> tuple[bool, int, str]:
    """README.md first, then the pages at the root, then those in folders, by path."""
    return name != MAIN_PAGE, name.count("/"), name


def discover(template_dir: Path) -> tuple[Page, ...]:
    """Every page of the repository, README.md first, then by path; no list to maintain."""
    if not template_dir.is_dir():
        raise InputError(
            f"{template_dir}: no templates folder; run from the profile repository root, "
            "pass --templates DIR, or run `updater init` to create one"
        )
    pages = [
        Page(_name(path, template_dir), path)
        for path in _templates(template_dir)
        if is_page_template(path)
    ]
    if not pages:
        raise InputError(
            f"{template_dir}: no page templates (PATH.j2, e.g. README.md.j2 or "
            "profile/README.md.j2): run `updater init` or add one"
        )
    _refuse_file_and_folder(pages)
    return tuple(sorted(pages, key=lambda p: _order(p.name)))


def _refuse_file_and_folder(pages: list[Page]) -> None:
    """`templates/profile.j2` beside `templates/profile/README.md.j2`: one path would be a file
    and a folder at once, so no page could be written."""
    names = {page.name: page for page in pages}
    for page in pages:
        for parent in PurePosixPath(page.name).parents:
            clash = names.get(str(parent))
            if clash is not None:
                raise InputError(
                    f"{clash.template}: renders to the file {clash.name}, where "
                    f"{page.template} needs a folder of that name to render {page.name}: "
                    "rename one of them"
                )


def partials(template_dir: Path) -> list[Path]:
    """Every partial (`_NAME.j2`) anywhere under the templates folder, by path."""
    if not template_dir.is_dir():
        return []
    return [path for path in _templates(template_dir) if path.name.startswith("_")]


def page_names(template_dir: Path) -> list[str]:
    """The path of every page the templates folder renders, without reading or checking it."""
    if not template_dir.is_dir():
        return []
    return [_name(p, template_dir) for p in _templates(template_dir) if is_page_template(p)]


def rendered(root: Path, template_dir: Path | None = None) -> list[Path]:
    """The rendered pages on disk, README.md first; just README.md without a templates folder."""
    templates = root / "templates" if template_dir is None else template_dir
    if not templates.is_dir():
        return [root / MAIN_PAGE]
    found = [root / name for name in sorted(page_names(templates), key=_order)]
    return [path for path in found if path.is_file()] or [root / MAIN_PAGE]


def template_for(page: Path, root: Path, template_dir: Path | None = None) -> Path:
    """The template a rendered page comes from: `templates/PATH.j2`, PATH being the page's path
    in the repository at root (`profile/README.md` -> `templates/profile/README.md.j2`)."""
    templates = root / "templates" if template_dir is None else template_dir
    return templates / (repository_path(page, root) + SUFFIX)


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


def is_org_repository(repo: str) -> bool:
    """Whether OWNER/NAME is an organization's profile repository (`.github`, or
    `.github-private` for the members-only profile): GitHub shows its profile/README.md."""
    return repo.partition("/")[2].lower() in ORG_REPOSITORIES


def profile_repository(owner: str, pages: Iterable[str]) -> str:
    """The repository GitHub shows OWNER's profile from, by the pages it renders: OWNER/.github
    when one is profile/README.md (an organization's), else OWNER/OWNER (a user's)."""
    return f"{owner}/.github" if ORG_PAGE in pages else f"{owner}/{owner}"
