"""`updater preview`: every page as standalone HTML, light and dark, as GitHub renders it."""

from __future__ import annotations

import logging
import webbrowser
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from updater.cv import load_cv
from updater.errors import InputError
from updater.files import read_text, write_atomic, write_files
from updater.gitorigin import github_remote
from updater.page.github_html import Site, file_name, preview_document
from updater.page.parse import parse
from updater.page.preview import views
from updater.page.sanitize import scheme
from updater.pages import (
    profile_repository,
    rendered,
    repository_path,
    repository_root,
    template_for,
)
from updater.words import count

log = logging.getLogger("updater")

# Relative links need a repository on github.com; with none known they point at this one.
STAND_IN = "OWNER/NAME"
# The preview folder ignores itself (as a virtual environment does), so `git add .` leaves it.
GITIGNORE = "# Written by `updater preview`: previews are not part of the repository.\n*\n"


@dataclass(frozen=True)
class PreviewOptions:
    """Where to write, what relative links resolve against, and where the inputs are."""

    output_dir: Path = Path("preview")
    repo: str | None = None  # None: tracking.github_user's profile, else the origin remote
    branch: str = "main"
    open_browser: bool = False
    root: Path | None = None  # None: the git work tree holding each page, else its folder
    data: Path = Path("data/cv.yaml")  # read only for tracking.github_user
    templates: Path | None = None  # None: templates/ in the root


def preview(files: Sequence[Path], options: PreviewOptions) -> int:
    """Write OUTPUT_DIR/PATH.html and PATH.dark.html per page (PATH: the page's path in the
    repository, so docs/README.md and README.md do not overwrite each other); with
    open_browser, show the first."""
    base = options.root or Path()
    pages = list(files) or rendered(base, options.templates)
    root = options.root or (repository_root(pages[0]) if files else Path())
    names = [repository_path(path, root) for path in pages]
    # Read from inside the repository: --root, else the git work tree holding each page.
    texts = [
        _read(path, options.root or repository_root(path), options.templates) for path in pages
    ]
    known = {repository_path(path, root) for path in rendered(root, options.templates)}
    repo, why = _repository(options, root, known | set(names))
    if repo is None:
        repo = STAND_IN
        _say_if_needed(names, texts, why)
    site = Site(repo, options.branch, frozenset(known | set(names)))
    _ignore_itself(options.output_dir)
    written = []
    for name, text in zip(names, texts, strict=True):
        # Written only inside the output folder.
        htmls = views(name, preview_document(text), site)
        write_files({options.output_dir / out: html for out, html in htmls.items()},
                    options.output_dir)  # fmt: skip
        written += list(htmls)
    log.info(
        "wrote %s to %s for %s, light and dark: %s (relative links resolved against %s at %s)",
        count(len(written), "file", "files"),
        options.output_dir,
        count(len(pages), "page", "pages"),
        ", ".join(written),
        repo,
        options.branch,
    )
    if options.open_browser:
        first = (options.output_dir / file_name(names[0], "light")).resolve()
        if not webbrowser.open(first.as_uri()):
            log.warning("no browser found to open it: open %s yourself", first)
    return 0


def _read(path: Path, root: Path, templates: Path | None) -> str:
    text = read_text(path, root)
    if text is None:
        template = template_for(path, root, templates)
        hint = f": run `updater render` first ({template} renders it)" if template.is_file() else ""
        raise InputError(f"{path}: no such file{hint}")
    return text


def _repository(options: PreviewOptions, root: Path, names: set[str]) -> tuple[str | None, str]:
    """OWNER/NAME for relative links: as given, else the profile repository of the CV's
    tracking.github_user (USER/.github for an organization's profile/README.md), else the
    root's remote on GitHub; or None and why."""
    if options.repo:
        return options.repo, ""
    user, why = _github_user(options.data, root)
    if user:
        return profile_repository(user, names), ""
    remote = github_remote(root)
    if remote:
        return remote[1], ""
    return None, f"{why}, and {root.resolve()} has no remote on GitHub"


def _github_user(data: Path, root: Path) -> tuple[str | None, str]:
    """tracking.github_user of the CV, if the file is there and valid; else why not."""
    if not data.is_file():
        return None, f"{data} is not there"
    try:
        user = load_cv(data, root).tracking.github_user
    except InputError:
        return None, f"{data} is not valid (see `updater validate`)"
    return user, "" if user else f"{data} sets no tracking.github_user"


def _say_if_needed(names: Sequence[str], texts: Sequence[str], why: str) -> None:
    """Relative links of the pages point at a stand-in repository: say so where there are any."""
    with_links = [name for name, text in zip(names, texts, strict=True) if _relative_links(text)]
    if with_links:
        log.warning(
            "%s: relative links point to github.com/%s, a stand-in (%s): pass --repo OWNER/NAME "
            "to point them at your repository",
            ", ".join(with_links),
            STAND_IN,
            why,
        )


def _relative_links(text: str) -> bool:
    document = parse(text)
    urls = [link.url for link in document.links] + [image.url for image in document.images]
    return any(url and not url.startswith(("#", "//")) and scheme(url) is None for url in urls)


def _ignore_itself(folder: Path) -> None:
    """A .gitignore of `*` in a new preview folder, or one that holds only previews."""
    ignore = folder / ".gitignore"
    if ignore.exists():
        return
    if folder.exists() and any(
        path.is_file() and path.suffix != ".html" for path in folder.rglob("*")
    ):
        return  # a folder of the person's own: nothing of theirs is hidden from git
    write_atomic(ignore, GITIGNORE, folder)
