"""Every check rule fires where GitHub shows something broken, and stays quiet where it does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.page.helpers import PAGE_FIXTURES, findings, rules
from updater.page.check import RULES

REPO = PAGE_FIXTURES / "repo"
TEMPLATE = "Stars: {{ stars }} · {% raw %}{{ shown }}{% endraw %} · None of mine use Node.\n"

# rule -> (a page where it fires, a page where it does not); pages sit in tests/fixtures/page/repo.
CASES: dict[str, tuple[str, str]] = {
    "missing-file": (
        "![logo](assets/nope.png) [doc](docs/missing.md) ![x](/assets/gone.png)\n",
        "![logo](assets/logo.gif) [doc](docs/guide.md) ![x](/assets/logo.gif) [up](../../issues)\n",
    ),
    "broken-anchor": (
        "# Title\n\n[jump](#nowhere)\n",
        '# Title :rocket:\n\n## Same\n\n<h2>Other</h2>\n\n<a name="top"></a>\n\n'
        "[a](#title-rocket) [b](#other) [c](#top) [d](#user-content-same)\n",
    ),
    "no-scheme": (
        "[me](linkedin.com/in/me) <a href='www.example.com'>x</a>\n",
        "[me](https://linkedin.com/in/me) [file](docs/guide.md)\n",
    ),
    "empty-url": ('[x]() <img src="" alt="x"> <a href="">y</a>\n', "[x](#top)\n\n# Top\n"),
    "template-syntax": (
        "Hello {{ name }} and {% if x %}\n",
        "Stars: 5 · {{ shown }} · `{{ code }}`\n",
    ),
    "missing-value": ("Stars: None · ratio nan\n", "Stars: 5 · None of mine use Node.\n"),
    "stripped-tag": (
        "<center>hi</center> <font color=red>x</font> <input type=checkbox>\n",
        '<div align="center"><sub>hi</sub><picture><source srcset="https://a.b/c.png">'
        '<img src="https://a.b/d.png" alt="d"></picture></div>\n',
    ),
    "stripped-attribute": (
        '<p style="color:red" class="x">hi</p>\n',
        '<p align="center" width="50%">hi</p>\n',
    ),
    "literal-tag": (
        "<style>h1{}</style>\n\n<script>x()</script>\n\n<iframe src=https://a.b></iframe>\n",
        "`<script>` in code\n\n```html\n<script></script>\n```\n",
    ),
    "unsafe-url": (
        '[x](javascript:alert(1)) <a href="java&#x09;script:alert(1)">y</a> '
        '<a href="data:text/html,<script>">z</a> <img src="data:image/png;base64,AA" alt="d">\n',
        "[x](https://a.b) [m](mailto:me@example.org) <a href='irc://libera.chat/x'>i</a>\n",
    ),
    "event-handler": (
        '<img src="https://a.b/c.png" alt="c" onerror="alert(1)">\n',
        '<img src="https://a.b/c.png" alt="c">\n',
    ),
    "unclosed-tag": (
        "# Hi\n\n<details open ontoggle=alert(1)\n",
        "# Hi\n\n<details open>\n<summary>x</summary>\n\ny\n</details>\n",
    ),
    "theme-image": (
        "![s](https://stats.example/api?user=me&theme=dark#gh-light-mode-only)\n"
        "![s](https://a.b/logo-light.png#gh-dark-mode-only)\n\n"
        '<picture><source media="(prefers-color-scheme: dark)" srcset="https://a.b/logo-light.png">'
        '<img src="https://a.b/logo.png" alt="l"></picture>\n\n'
        "[![w](https://a.b/globe-light.svg)](https://a.b#gh-dark-mode-only)\n",
        "![s](https://stats.example/api?user=me&theme=dark#gh-dark-mode-only)\n"
        "[![w](https://a.b/globe-light.svg)](https://a.b#gh-light-mode-only)\n"
        '<a href="https://a.b#gh-dark-mode-only"><img src="https://a.b/globe-dark.svg" alt="w"></a>\n'
        "![s](https://stats.example/api?user=me&theme=default#gh-light-mode-only)\n"
        "![s](https://stats.example/api?theme=transparent#gh-light-mode-only)\n"
        "![s](https://a.b/logo-white.png#gh-dark-mode-only)\n",
    ),
    "duplicate-anchor": ("## Projects\n\ntext\n\n## Projects\n", "## Projects\n\n## Projects 2\n"),
    "alt-text": (
        '![](https://a.b/c.png) <img src="https://a.b/c.png">\n',
        '![c](https://a.b/c.png) <img src="x.png" alt="">\n'.replace("x.png", "https://a.b/x.png"),
    ),
    "unclosed-comment": (
        "# Hi\n\n<!-- draft\n\n## Hidden\n",
        "# Hi\n\n<!-- draft -->\n\n## Shown\n",
    ),
    "tag-as-text": (
        "hi <img src=https://a.b/c.png\n",
        "hi <img src=https://a.b/c.png alt=c> and \\<img and `<img`\n",
    ),
    "unknown-directive": (
        "<!-- check-disable-nextline alt-text -->\n<!-- numbers-disabel -->\n"
        "<!-- check-disable alt-txt -->\n<!-- numbers-images-next-line stars -->\n",
        "<!-- check-disable-next-line alt-text -->\n<!-- numbers-disable -->\n<!-- numbers-enable -->\n"
        "<!-- numbers-images-next-line -->\n<!-- check-list of things -->\n<!-- numbers-of-us -->\n",
    ),
    "heading-level": (
        "# One\n\n### Three\n",
        "# One\n\n## Two\n\n### Three\n\n# Four\n\n## Five\n",
    ),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires(rule: str) -> None:
    assert rule in rules(CASES[rule][0], REPO, TEMPLATE)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_quiet(rule: str) -> None:
    assert rules(CASES[rule][1], REPO, TEMPLATE) == []


def test_template_rules_need_a_template() -> None:
    """A plain README (no templates/NAME.j2) shows braces and None as its author wrote them."""
    assert rules("Hello {{ name }}: None\n") == []


def test_findings_carry_file_line_column_severity_and_rule() -> None:
    found = findings("# Hi\n\ntext ![](https://a.b/c.png) [x](#nope)\n")
    assert [f.format() for f in found] == [
        "README.md:3:6: warning: image without alt text: https://a.b/c.png [alt-text]",
        "README.md:3:29: error: link to #nope: no heading or id on this page has that anchor "
        "[broken-anchor]",
    ]
    assert found[1].annotation() == (
        "::error file=README.md,line=3,col=29,title=broken-anchor::"
        "link to #nope: no heading or id on this page has that anchor"
    )


def test_nothing_inside_comments_or_code_is_checked() -> None:
    page = (
        "<!--\n![](gone.png) <center>x</center> [a](#nope)\n-->\n\n"
        "`![](gone.png)`\n\n```\n<script>x</script> [a](#nope)\n```\n\n    <font>\n"
    )
    assert rules(page) == []


def test_blind_spots_of_the_line_linter_are_seen() -> None:
    page = (
        "[![](gone.svg)](https://a.b)\n\n"
        '<img\n  src="missing.png"\n  alt="multi-line">\n\n'
        "[ref]\n\n[ref]: docs/nothing.md\n"
    )
    assert [(f.line, f.rule) for f in findings(page, REPO)] == [
        (1, "missing-file"),
        (1, "alt-text"),
        (3, "missing-file"),
        (9, "missing-file"),
    ]


@pytest.mark.parametrize(
    ("directive", "expected"),
    [
        ("<!-- check-disable-next-line alt-text -->\n![](https://a.b/c.png)\n", []),
        ("![](https://a.b/c.png) <!-- check-disable-line -->\n", []),
        ("<!-- check-disable-file alt-text -->\n\n![](https://a.b/c.png)\n", []),
        (
            "<!-- check-disable alt-text -->\n![](https://a.b/c.png)\n<!-- check-enable -->\n\n"
            "![](https://a.b/d.png)\n",
            [5],
        ),
        ("<!-- check-disable-next-line missing-file -->\n![](https://a.b/c.png)\n", [2]),
    ],
)
def test_directives_silence_rules(directive: str, expected: list[int]) -> None:
    assert [f.line for f in findings(directive)] == expected


def test_a_directive_that_does_nothing_says_what_was_meant() -> None:
    page = (
        "<!-- check-disable-nextline alt-text -->\n![](https://a.b/c.png)\n\n"
        "<!-- numbers-disabel -->\n<!-- check-disable alt-txt -->\n"
        "<!-- numbers-images-next-line stars -->\n"
    )
    assert [f.format() for f in findings(page) if f.rule == "unknown-directive"] == [
        "README.md:1:1: error: <!-- check-disable-nextline --> is not a directive, it does "
        "nothing; did you mean check-disable-next-line? [unknown-directive]",
        "README.md:4:1: error: <!-- numbers-disabel --> is not a directive, it does nothing; "
        "did you mean numbers-disable? [unknown-directive]",
        "README.md:5:1: error: check-disable names no rule 'alt-txt'; did you mean alt-text? "
        "[unknown-directive]",
        "README.md:6:1: error: numbers-images-next-line takes no names: stars is ignored "
        "[unknown-directive]",
    ]
    # the misspelled one silences nothing: the image's finding stays
    assert "alt-text" in rules(page)


def test_the_mini_repository_is_clean() -> None:
    for page in ("README.md", "RESUME.md"):
        text = (REPO / page).read_text(encoding="utf-8")
        template = (REPO / "templates" / f"{page}.j2").read_text(encoding="utf-8")
        assert findings(text, REPO, template) == [], page


def test_a_missing_value_in_a_rendered_page(tmp_path: Path) -> None:
    shutil.copytree(REPO, tmp_path / "repo")
    readme = (REPO / "README.md").read_text(encoding="utf-8").replace("1.2k", "None")
    template = (REPO / "templates" / "README.md.j2").read_text(encoding="utf-8")
    assert [(f.line, f.rule) for f in findings(readme, tmp_path / "repo", template)] == [
        (10, "missing-value")
    ]
