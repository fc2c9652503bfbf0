"""24 profile READMEs modelled on real ones: check finds what expected.txt lists, nothing else.

The only errors are the three links to #engines in 04, which no heading or id defines (clicking
the icons goes nowhere on GitHub); everything else is a warning (alt text, a skipped level)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.page.helpers import PAGE_FIXTURES
from updater.page.check import Context, check
from updater.page.parse import parse

CORPUS = PAGE_FIXTURES / "corpus"
PAGES = sorted(CORPUS.glob("[0-9]*.md"))
EXPECTED = (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines()


def lint(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [f.format() for f in check(parse(text), Context(page.name, CORPUS, CORPUS))]


def test_the_corpus_is_large_enough() -> None:
    assert len(PAGES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_expected_findings(page: Path) -> None:
    assert lint(page) == [line for line in EXPECTED if line.startswith(page.name + ":")]


def test_no_false_errors() -> None:
    errors = [line for page in PAGES for line in lint(page) if ": error: " in line]
    assert errors == [
        f"04-skill-icon-table.md:{line}:7: error: link to #engines: no heading or id on this "
        "page has that anchor [broken-anchor]"
        for line in (18, 24, 30)
    ]


def test_findings_per_rule() -> None:
    counts = Counter(line.rsplit("[", 1)[1].rstrip("]") for line in EXPECTED)
    assert counts == {"alt-text": 19, "broken-anchor": 3, "heading-level": 1}
