"""`updater preview`: every page as standalone HTML, light and dark, as GitHub renders it."""

from __future__ import annotations

import logging
import webbrowser
from collections.abc import Sequence
from pathlib import Path

from updater.errors import InputError
from updater.files import read_text, write_atomic
from updater.page.pages import discover
from updater.page.parse import parse
from updater.page.preview import views
from updater.page.render import Site, file_name

log = logging.getLogger("updater")


def preview(  # noqa: PLR0917 - one value per option
    files: Sequence[Path],
    output_dir: Path,
    repo: str,
    branch: str,
    open_browser: bool,
    root: Path = Path(),
) -> int:
    """Write OUTPUT_DIR/NAME.html and NAME.dark.html per page; with open_browser, show the first."""
    pages = list(files) or discover(root)
    site = Site(repo, branch, frozenset(path.name for path in [*discover(root), *pages]))
    for path in pages:
        text = read_text(path)
        if text is None:
            raise InputError(f"{path}:1: file not found: run `updater render` first")
        for name, html in views(path.name, parse(text), site).items():
            write_atomic(output_dir / name, html)
    log.info("wrote %d page(s) to %s (links resolved against %s)", len(pages), output_dir, repo)
    if open_browser:
        webbrowser.open((output_dir / file_name(pages[0].name, "light")).resolve().as_uri())
    return 0
