"""`updater preview`: the README as one standalone HTML page, rendered the way GitHub does."""

from __future__ import annotations

import logging
import webbrowser
from pathlib import Path

from updater.errors import InputError
from updater.files import read_text, write_atomic
from updater.preview import page

log = logging.getLogger("updater")


def preview(readme: Path, output: Path, repo: str, branch: str, open_browser: bool) -> int:
    """Write the preview page; with open_browser, show it in the default browser."""
    text = read_text(readme)
    if text is None:
        raise InputError(f"{readme}:1: file not found: run `updater render` first or pass --readme")
    write_atomic(output, page(text, repo, branch))
    log.info("wrote %s (links resolved against https://github.com/%s)", output, repo)
    if open_browser:
        webbrowser.open(output.resolve().as_uri())
    return 0
