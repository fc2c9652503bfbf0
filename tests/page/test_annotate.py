"""annotate() inserts a badge after each link that gets one; links() lists what a page links."""

from __future__ import annotations

import pytest

from tests.page.helpers import PAGE_FIXTURES
from updater.page.annotate import PageLink, annotate, links
from updater.page.github_html import Site, render
from updater.page.parse import parse

BADGE = " <sub>★ 1.2k</sub>"
REPO = "https://github.com/octo/repo"


def badge(url: str) -> str | None:
    return BADGE if url.rstrip("/") == REPO else None


def never(url: str) -> str | None:
    return None


@pytest.mark.parametrize(
    "page",
    [
        f"# Hi\r\n\r\n[repo]({REPO})\r\n",
        f"\ufeff# Hi\n\n[repo]({REPO})",
        f"Türkçe ve 한국어 和中文 עברית [repo]({REPO})\n",
        f"<p align=center><a href='{REPO}'>x</a></p>\n\n`[a]({REPO})`",
        "",
        "\n\n\r\n",
    ],
)
def test_identical_when_no_link_gets_a_badge(page: str) -> None:
    assert annotate(page, never) == page


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (f"See [repo]({REPO}) now.\n", f"See [repo]({REPO}){BADGE} now.\n"),
        (f"- one\n- [repo]({REPO})\n", f"- one\n- [repo]({REPO}){BADGE}\n"),
        (
            f"| name | link |\n|---|---|\n| a | [repo]({REPO}) |\n",
            f"| name | link |\n|---|---|\n| a | [repo]({REPO}){BADGE} |\n",
        ),
        (f"## [repo]({REPO}) ##\n", f"## [repo]({REPO}){BADGE} ##\n"),
        (f"[repo]({REPO})\n---\n", f"[repo]({REPO}){BADGE}\n---\n"),
        (f"> quote\n> [repo]({REPO})\n", f"> quote\n> [repo]({REPO}){BADGE}\n"),
        (f"> - [repo]({REPO} 'title')\n", f"> - [repo]({REPO} 'title'){BADGE}\n"),
        (f"[![logo](logo.png)]({REPO})\n", f"[![logo](logo.png)]({REPO}){BADGE}\n"),
        (f"<{REPO}>\n", f"<{REPO}>{BADGE}\n"),
        (f"Code at {REPO}.\n", f"Code at {REPO}{BADGE}.\n"),
        (f"(see {REPO})\n", f"(see {REPO}){BADGE}\n".replace(f"){BADGE}", f"{BADGE})")),
    ],
    ids=[
        "paragraph",
        "list",
        "table-cell",
        "atx-heading",
        "setext-heading",
        "blockquote",
        "quoted-list-title",
        "image-wrapped",
        "autolink",
        "bare-url",
        "bare-url-in-parens",
    ],
)
def test_badge_after_markdown_links(page: str, expected: str) -> None:
    assert annotate(page, badge) == expected


def test_reference_links_get_the_badge_at_each_use_not_the_definition() -> None:
    page = f"[full][r], [Collapsed][] and [r].\n\n[r]: {REPO}\n[collapsed]: {REPO}\n"
    assert annotate(page, badge) == (
        f"[full][r]{BADGE}, [Collapsed][]{BADGE} and [r]{BADGE}.\n\n[r]: {REPO}\n[collapsed]: {REPO}\n"
    )


def test_html_links_get_the_badge_after_the_closing_tag() -> None:
    page = (
        '<div align="center">\n'
        f'  <a href="{REPO}"><img src="a.svg" alt="a"></a>\n'
        f"  <a\n    href='{REPO}'\n    title=\"multi-line\">\n    repo\n  </a>\n"
        "</div>\n\n"
        f'Inline <a href="{REPO}">repo</a> here.\n'
    )
    assert annotate(page, badge) == (
        '<div align="center">\n'
        f'  <a href="{REPO}"><img src="a.svg" alt="a"></a>{BADGE}\n'
        f"  <a\n    href='{REPO}'\n    title=\"multi-line\">\n    repo\n  </a>{BADGE}\n"
        "</div>\n\n"
        f'Inline <a href="{REPO}">repo</a>{BADGE} here.\n'
    )


@pytest.mark.parametrize(
    "page",
    [
        f"Use `[repo]({REPO})` or `{REPO}`.\n",
        f"```md\n[repo]({REPO})\n<{REPO}>\n```\n",
        f"~~~\n{REPO}\n~~~\n",
        f"Text\n\n    [repo]({REPO})\n",
        f"<!-- [repo]({REPO}) <a href='{REPO}'>x</a> -->\n",
        f"Inline <!-- {REPO} --> comment.\n",
        f"[r]: {REPO}\n",
        f"[repo]({REPO}) ![stars](https://img.shields.io/github/stars/octo/repo?style=social)\n",
        f"[![stars](https://img.shields.io/github/stars/octo/repo)]({REPO})\n",
        f'<a href="{REPO}"><img src="https://badgen.net/github/stars/octo/repo"></a>\n',
        f"[repo]({REPO}) [![stars](https://img.shields.io/github/stars/octo/repo)]({REPO}/stargazers)\n",
        f"| [repo]({REPO}) | ![stars](https://img.shields.io/github/stars/octo/repo) |\n|-|-|\n",
        f'<img src="{REPO}/logo.png">\n',
        f"![repo]({REPO})\n",
    ],
    ids=[
        "code-span",
        "fenced",
        "tilde-fenced",
        "indented",
        "html-comment",
        "inline-comment",
        "definition",
        "stars-badge-after",
        "stars-badge-inside",
        "html-badge-inside",
        "linked-badge-after",
        "badge-in-next-cell",
        "image-src",
        "image",
    ],
)
def test_never_touched(page: str) -> None:
    assert annotate(page, badge) == page


def test_badge_for_another_target_does_not_count() -> None:
    page = f"[repo]({REPO}) ![stars](https://img.shields.io/github/stars/octo/other)\n"
    assert annotate(page, badge) == page.replace(f"{REPO})", f"{REPO}){BADGE}", 1)


@pytest.mark.parametrize(
    "other",
    [
        "https://img.shields.io/nuget/dt/repo",  # a package's downloads, not the stars
        "https://static.pepy.tech/badge/repo",
        "https://img.shields.io/github/forks/octo/repo",
    ],
)
def test_a_badge_showing_another_number_leaves_the_stars_missing(other: str) -> None:
    page = f"| [repo]({REPO}) | ![downloads]({other}) |\n|-|-|\n"
    assert annotate(page, badge) == page.replace(f"{REPO})", f"{REPO}){BADGE}", 1)


def test_line_endings_bom_and_missing_final_newline_are_kept() -> None:
    page = f"\ufeff# Title\r\n\r\n- [repo]({REPO})\r\n- x"
    assert annotate(page, badge) == f"\ufeff# Title\r\n\r\n- [repo]({REPO}){BADGE}\r\n- x"


def test_idempotent() -> None:
    once = annotate(f"[repo]({REPO})\n", badge)
    assert annotate(once, badge) == once


def test_links_lists_visible_links_with_positions() -> None:
    page = (
        "# Me\n\n"
        f"[a]({REPO}) and <https://huggingface.co/org/model>\n"
        "see https://arxiv.org/abs/2401.00001.\n\n"
        '<p><a href="https://pypi.org/project/pkg">pkg</a></p>\n\n'
        "[ref]\n\n[ref]: https://example.org\n"
        "`https://not.a/link`\n"
    )
    assert links(page) == [
        PageLink(REPO, 3, 1, "inline", "a"),
        PageLink(
            "https://huggingface.co/org/model",
            3,
            39,
            "autolink",
            "https://huggingface.co/org/model",
        ),
        PageLink(
            "https://arxiv.org/abs/2401.00001", 4, 5, "bare", "https://arxiv.org/abs/2401.00001"
        ),
        PageLink("https://pypi.org/project/pkg", 6, 4, "html", "pkg"),
        PageLink("https://example.org", 8, 1, "reference", "ref"),
    ]


def github_repo_badge(url: str) -> str | None:
    parts = url.split("/")
    is_repo = url.startswith("https://github.com/") and len(parts) == 5 and all(parts[3:])
    return " <sub>★ 9</sub>" if is_repo else None


def test_annotating_the_corpus_keeps_every_link_and_shows_every_badge() -> None:
    """On 24 real-world-modelled READMEs: same links rendered, each badge rendered as `<sub>`."""
    inserted = 0
    for path in sorted((PAGE_FIXTURES / "corpus").glob("[0-9]*.md")):
        original = path.read_text(encoding="utf-8")
        annotated = annotate(original, github_repo_badge)
        count = annotated.count("<sub>★ 9</sub>")
        inserted += count
        before, after = (render(parse(text), Site("o/o", "main")) for text in (original, annotated))
        assert after.count("<sub>★ 9</sub>") == count, path.name
        assert after.replace("<sub>★ 9</sub>", "").replace(" </", "</") == before.replace(
            " </", "</"
        ) or [link.url for link in links(annotated)] == [link.url for link in links(original)], (
            path.name
        )
    assert inserted > 50
