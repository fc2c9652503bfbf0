"""`updater preview`: every page as standalone HTML, light and dark, as GitHub renders it."""

from __future__ import annotations

import logging
import webbrowser
from collections.abc import Sequence
from pathlib import Path

from updater.errors import InputError
from updater.files import read_text, write_files
from updater.page.github_html import Site, file_name, preview_document
from updater.page.preview import views
from updater.pages import rendered, repository_path, repository_root
from updater.words import count

log = logging.getLogger("updater")


def preview(  # noqa: PLR0917 - one value per option
    files: Sequence[Path],
    output_dir: Path,
    repo: str,
    branch: str,
    open_browser: bool,
    root: Path | None = None,
) -> int:
    """Write OUTPUT_DIR/PATH.html and PATH.dark.html per page (PATH: the page's path in the
    repository, so docs/README.md and README.md do not overwrite each other); with
    open_browser, show the first."""
    pages = list(files) or rendered(root or Path())
    root_given = root is not None
    if root is None:
        root = repository_root(pages[0]) if files else Path()
    names = [repository_path(path, root) for path in pages]
    known = {repository_path(path, root) for path in rendered(root)}
    site = Site(repo, branch, frozenset(known | set(names)))
    for path, name in zip(pages, names, strict=True):
        # Read from inside the repository; written only inside the output folder.
        text = read_text(path, root if root_given else repository_root(path))
        if text is None:
            raise InputError(f"{path}: no such file")
        write_files(
            {
                output_dir / out: html
                for out, html in views(name, preview_document(text), site).items()
            },
            output_dir,
        )
    log.info(
        "wrote %s to %s: %s (links resolved against %s)",
        count(len(pages), "page", "pages"),
        output_dir,
        ", ".join(file_name(name, "light") for name in names),
        repo,
    )
    if open_browser:
        first = (output_dir / file_name(names[0], "light")).resolve()
        if not webbrowser.open(first.as_uri()):
            log.warning("no browser found to open it: open %s yourself", first)
    return 0
