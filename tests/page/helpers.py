"""Helpers for the page tests: a throwaway repository with a page, checked or rendered."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from updater.page.check import Context, Finding, check
from updater.page.parse import parse

PAGE_FIXTURES = FIXTURES / "page"


def findings(markdown: str, root: Path | None = None, template: str | None = None) -> list[Finding]:
    """Check a page that sits at the root of `root` (default: a directory with no files)."""
    base = root if root is not None else Path("/nonexistent-repository")
    return check(parse(markdown), Context("README.md", base, base, template))


def rules(markdown: str, root: Path | None = None, template: str | None = None) -> list[str]:
    """The rule of each finding, in order."""
    return [finding.rule for finding in findings(markdown, root, template)]
