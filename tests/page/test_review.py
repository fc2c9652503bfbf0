"""The defects a reviewer found trying `check` and `preview` as a demanding new user; each
input is theirs (numbers are the review's items)."""

from __future__ import annotations

import re

import pytest

from tests.page.helpers import findings, rules
from updater.page.parse import parse
from updater.page.render import Site, render

SITE = Site("a/a", "main", frozenset({"README.md", "docs/README.md", "docs/RESUME.md"}))


def preview(text: str, page: str = "README.md", theme: str = "light") -> str:
    return render(parse(text), Site(SITE.repo, SITE.branch, SITE.pages, theme, page))


def urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src|srcset)="([^"]*)"', html)


# 1. Root-relative paths are repository paths, never a scheme or another host.
@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[x](/javascript:alert(1))", "https://github.com/a/a/blob/main/javascript:alert(1)"),
        (
            '<a href="/javascript:alert(document.domain)">x</a>',
            "https://github.com/a/a/blob/main/javascript:alert(document.domain)",
        ),
        ("![x](/data:image/svg+xml,x)", "https://github.com/a/a/raw/main/data:image/svg+xml,x"),
        ("[x](/https://evil.example/x)", "https://github.com/a/a/blob/main/https:/evil.example/x"),
    ],
)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_root_relative_paths_stay_in_the_repository(
    markdown: str, expected: str, theme: str
) -> None:
    assert urls(preview(markdown, theme=theme)) == [expected]


# 4. A data: candidate in a standalone <source srcset> is stripped.
def test_data_url_in_a_standalone_source_srcset_is_stripped() -> None:
    html = preview('<source srcset="https://a/x.png 1x, data:image/svg+xml;base64,PHN2Zz4= 2x">')
    assert "data:" not in html


# 8. A URL nothing can resolve is dropped quietly (no "Exception ignored" traceback).
def test_unresolvable_root_relative_url_does_not_raise(capsys: pytest.CaptureFixture[str]) -> None:
    html = preview('<img src="/https://[x]/a.png" alt=a>')
    assert 'alt="a"' in html
    assert "Traceback" not in capsys.readouterr().err
