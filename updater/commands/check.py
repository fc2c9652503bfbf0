"""`updater check`: lint the rendered README as GitHub will show it, offline."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from updater.errors import InputError
from updater.files import read_text
from updater.lint import check as lint

log = logging.getLogger("updater")


def check(readme: Path) -> int:
    """Print every finding as `README.md:LINE: message` on stdout; exit 1 if there is any."""
    text = read_text(readme)
    if text is None:
        raise InputError(f"{readme}:1: file not found: run `updater render` first")
    findings = lint(text)
    for finding in findings:
        sys.stdout.write(finding.format(str(readme)) + "\n")
    if findings:
        log.error("%s: %d finding(s)", readme, len(findings))
        return 1
    log.info("%s: clean", readme)
    return 0
