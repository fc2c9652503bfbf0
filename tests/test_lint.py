"""`updater check`: the committed README is clean; each rule finds exactly its problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from updater.cli import main
from updater.lint import check

CLEAN = "# Title\n\n## Section\n\nText with a [link](https://example.com).\n"


def findings(body: str) -> list[str]:
    """Findings for `body` placed at line 6 of a clean document."""
    return [f.format("README.md") for f in check(CLEAN + body + "\n")]


def test_committed_readme_is_clean() -> None:
    assert check((ROOT / "README.md").read_text(encoding="utf-8")) == []


def test_golden_readme_with_numbers_is_clean() -> None:
    assert check((FIXTURES / "seed" / "README.expected.md").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Hello {{ cv.name }}", "leftover template syntax"),
        ("{% if x %}shown{% endif %}", "leftover template syntax"),
        ("Stars: None", "'None' in the text: a missing value was rendered"),
        ("Downloads: nan", "'nan' in the text: a missing value was rendered"),
        (
            "[Chatbot Korea](facebook.com/groups/x)",
            "link without a scheme: facebook.com/groups/x would open as a relative path (a 404); add https://",
        ),
        ("[nothing]()", "empty link target: [nothing]()"),
        (
            '<a href="www.example.com">x</a>',
            "href=www.example.com on <a> has no scheme: it would open as a relative path; add https://",
        ),
        ("![](https://example.com/a.png)", "image without alt text: https://example.com/a.png"),
        (
            '<img src="https://example.com/a.png" width="50%">',
            "image without alt text: https://example.com/a.png",
        ),
        ("![logo](assets/logo.png)", "image URL is not absolute: assets/logo.png"),
        ('<img src="assets/logo.png" alt="logo">', "image URL is not absolute: assets/logo.png"),
        (
            "<script>alert(1)</script>",
            "<script> is removed by GitHub's sanitizer, with its content",
        ),
        ("<style>p {}</style>", "<style> is removed by GitHub's sanitizer, with its content"),
        (
            '<iframe src="https://example.com"></iframe>',
            "<iframe> is removed by GitHub's sanitizer, with its content",
        ),
        ("<marquee>hi</marquee>", "<marquee> is removed by GitHub's sanitizer"),
        ('<span style="color: red">x</span>', "style= on <span> is removed by GitHub's sanitizer"),
        ('<b onclick="steal()">x</b>', "onclick= on <b> is removed by GitHub's sanitizer"),
        (
            '<a href="javascript:alert(1)">x</a>',
            "href='javascript:alert(1)' on <a> is removed by GitHub's sanitizer",
        ),
        ("#### Too deep", "heading level 4 follows level 2: levels skipped"),
        ("## Section", "duplicate anchor #section (first at line 3)"),
    ],
)
def test_each_rule_finds_exactly_its_problem(body: str, expected: str) -> None:
    assert findings(body) == [f"README.md:6: {expected}"]


def test_code_is_not_linted() -> None:
    assert (
        findings("`{{ x }}` and `<script>`\n\n```html\n<script>None</script>\n{% raw %}\n```") == []
    )


def test_consecutive_levels_and_unique_anchors_pass() -> None:
    assert findings("### Sub\n\n#### Subsub\n\n## Other") == []


def test_urls_may_contain_the_words() -> None:
    assert findings("[kanana](https://huggingface.co/org/None-model) <sub>★ 1k</sub>") == []


def test_check_through_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(CLEAN, encoding="utf-8")
    assert main(["check", str(readme)]) == 0
    readme.write_text(CLEAN + "<script>x</script>\n", encoding="utf-8")
    assert main(["check", str(readme)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{readme}:6: <script> is removed by GitHub's sanitizer, with its content\n"
    assert "1 finding(s)" in err
    assert main(["check", str(tmp_path / "missing.md")]) == 2
