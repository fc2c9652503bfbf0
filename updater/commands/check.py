"""`updater check`: lint each page as GitHub will show it, offline."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from updater.adopt import unescape
from updater.errors import InputError
from updater.files import read_text
from updater.page.check import ERROR, Context, Finding, anchors
from updater.page.check import check as lint
from updater.page.pages import discover
from updater.page.parse import Document, parse

log = logging.getLogger("updater")


def check(
    files: Sequence[Path], strict: bool = False, output_format: str = "text", root: Path = Path()
) -> int:
    """Print every finding on stdout; exit 1 on errors (and on warnings with strict)."""
    documents = {path: _parse(path) for path in files or discover(root)}
    pages = {str(path.resolve()): anchors(document) for path, document in documents.items()}
    findings: list[Finding] = []
    for path, document in documents.items():
        template = read_text(path.parent / "templates" / f"{path.name}.j2")
        template = unescape(template) if template is not None else None  # adopted pages
        findings += lint(document, Context(str(path), path.parent, root, template, pages))
    for finding in findings:
        line = finding.annotation() if output_format == "github" else finding.format()
        sys.stdout.write(line + "\n")
    errors = sum(finding.severity == ERROR for finding in findings)
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    (log.error if failed else log.info)("%d error(s), %d warning(s)", errors, warnings)
    return 1 if failed else 0


def _parse(path: Path) -> Document:
    text = read_text(path)
    if text is None:
        raise InputError(f"{path}:1: file not found: run `updater render` first")
    return parse(text)
