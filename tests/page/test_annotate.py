"""annotate() inserts a badge after each link that gets one; links() lists what a page links."""

from __future__ import annotations

import re

import pytest

from tests.page.helpers import PAGE_FIXTURES, rules
from updater.links import classify
from updater.page.annotate import PageLink, annotate, is_profile_card, links, stars_card
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
        (
            f"[![logo](logo.png) repo]({REPO})\n<a href='{REPO}'><img src=a.png> repo</a>\n",
            f"[![logo](logo.png) repo]({REPO}){BADGE}\n<a href='{REPO}'><img src=a.png> repo</a>{BADGE}\n",
        ),
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
        "image-and-text",
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
        f'  <a href="{REPO}"><img src="a.svg" alt="a"></a>\n'
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
        f"[![logo](logo.png)]({REPO})\n",
        f'<a href="{REPO}">\n  <picture><source srcset="d.png"><img src="l.png" alt="l"></picture>\n</a>\n',
        f"<a href='{REPO}'></a>\n",
        f"<details>\n\n  <!-- cards - {REPO} -->\n  <!-- more -->\n",
        f"[^1]: see {REPO}\n",
        f"<div>\n<!-- draft\n\n[repo]({REPO})\n",
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
        "image-only",
        "picture-only",
        "empty",
        "comment-after-blank-line",
        "footnote-nobody-cites",
        "hidden-by-an-open-comment",
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


NUMBERS = PAGE_FIXTURES / "numbers"
# The stars the fixtures' links have (the card tools' as they were when the issue was filed).
STARS = {
    "anuraghazra/github-readme-stats": "71.2k",
    "denvercoder1/readme-typing-svg": "6.1k",
    "denvercoder1/github-readme-streak-stats": "5.4k",
    "ryo-ma/github-profile-trophy": "6k",
    "python/cpython": "64.5k",
    "postgres/postgres": "16.9k",
    "tokio-rs/tokio": "28.1k",
    "ana-souza/fila": "2.3k",
    "ana-souza/rotas": "412",
    "ana-souza/cache-lite": "88",
    "ana-souza/tinyq": "57",
    "ana-souza/notas": "19",
    "laravel/scout": "1.6k",
}


def stars(url: str) -> str | None:
    ref = classify(url)
    if ref is None or ref.kind != "repo" or ref.id.lower() not in STARS:
        return None
    return f" <sub>★ {STARS[ref.id.lower()]}</sub>"


@pytest.mark.parametrize("name", ["card-style-profile", "comment-case", "directives"])
def test_numbers_only_where_they_inform(name: str) -> None:
    """Each fixture, annotated, is its `.annotated.md`: numbers after text links, none after
    cards, logos or badges, none inside comments, none where a directive says so."""
    page = (NUMBERS / f"{name}.md").read_text(encoding="utf-8")
    expected = (NUMBERS / f"{name}.annotated.md").read_text(encoding="utf-8")
    assert annotate(page, stars) == expected
    assert annotate(expected, stars) == expected


def test_the_card_style_page_gets_numbers_after_its_text_links_only() -> None:
    page = (NUMBERS / "card-style-profile.md").read_text(encoding="utf-8")
    annotated = annotate(page, stars)
    assert re.findall(r"\]\((https://github\.com/[^)]+)\) <sub>", annotated) == [
        "https://github.com/ana-souza/fila",
        "https://github.com/tokio-rs/tokio",
        "https://github.com/anuraghazra/github-readme-stats",
    ]
    assert annotated.count("<sub>") == 3
    # the card tool's stars are never next to a card
    assert "username=ana-souza" not in "".join(
        line for line in annotated.splitlines() if "71.2k" in line
    )


def test_what_is_fetched_is_what_a_reader_sees_and_numbers_go_nowhere_else() -> None:
    """`links` (what is fetched) and `annotate` read the same links: numbered ones are among
    them, and a link GitHub does not show (a comment, hidden text) is in neither."""
    for path in [*sorted((PAGE_FIXTURES / "corpus").glob("[0-9]*.md")), *NUMBERS.glob("*.md")]:
        page = path.read_text(encoding="utf-8")
        fetched = {link.url for link in links(page)}
        marked = annotate(page, lambda url: f" ⟪{url}⟫")
        assert set(re.findall(r" ⟪(.*?)⟫", marked)) <= fetched, path.name
    page = (NUMBERS / "comment-case.md").read_text(encoding="utf-8")
    assert [link.url for link in links(page)] == [
        "https://github.com/laravel/scout",
        "https://github.com/laravel/scout",
    ]


@pytest.mark.parametrize(
    "image",
    [
        "https://github-readme-stats.vercel.app/api/pin/?username=o&repo=r&theme=radical",
        "https://denvercoder1-github-readme-stats.vercel.app/api/pin?username=o&repo=r",
        "https://stats.example.org/api/pin/?username=o&repo=r",  # a self-hosted instance
        "https://gh-card.dev/repos/o/r.svg",
        "https://gh-card.dev/repos/o/r.png?fullname=",
        "https://opengraph.githubassets.com/1/o/r",
        "https://socialify.git.ci/o/r/image?language=1&stargazers=1&theme=Dark",
    ],
)
def test_cards_that_show_a_repositorys_stars(image: str) -> None:
    assert stars_card(image) == "o/r"
    assert not is_profile_card(image)
    page = f"[![card]({image})](https://github.com/o/r)\n\n<!-- numbers-images-file -->\n"
    assert annotate(page, lambda url: BADGE) == page  # never a second number


@pytest.mark.parametrize(
    "image",
    [
        "https://github-readme-stats.vercel.app/api?username=o&show_icons=true",
        "https://github-readme-stats.vercel.app/api/top-langs/?username=o&layout=compact",
        "https://github-readme-stats-eight-theta.vercel.app/api?username=o",
        "https://streak-stats.demolab.com?user=o&theme=radical",
        "https://github-readme-streak-stats.herokuapp.com/?user=o",
        "https://github-profile-trophy.vercel.app/?username=o",
        "https://github-readme-activity-graph.vercel.app/graph?username=o",
        "https://readme-typing-svg.demolab.com?lines=Hello",
        "https://komarev.com/ghpvc/?username=o",
        "https://github-profile-summary-cards.vercel.app/api/cards/stats?username=o",
    ],
)
def test_profile_cards_never_get_their_tools_number(image: str) -> None:
    assert stars_card(image) is None
    assert is_profile_card(image)
    page = f"<!-- numbers-images-file -->\n\n[![card]({image})](https://github.com/tool/repo)\n"
    assert annotate(page, lambda url: BADGE) == page


def test_socialify_without_its_star_count_is_no_count() -> None:
    assert stars_card("https://socialify.git.ci/o/r/image?language=1&theme=Dark") is None


@pytest.mark.parametrize(
    ("page", "numbered"),
    [
        (f"<!-- numbers-disable-file -->\n\n[repo]({REPO})\n", False),
        (f"[repo]({REPO})\n\n<!-- numbers-disable-file -->\n", False),
        (f"<!-- numbers-images-file -->\n\n[![logo](logo.png)]({REPO})\n", True),
        (f"[![logo](logo.png)]({REPO}) <!-- numbers-images-line -->\n", True),
        # a misspelled directive does nothing (check reports it)
        (f"<!-- numbers-disable-nextline -->\n[repo]({REPO})\n", True),
        # a range ends where it is ended, and only that range
        (
            f"<!-- numbers-disable -->\n<!-- numbers-images-end -->\n\n[repo]({REPO})\n",
            False,
        ),
    ],
)
def test_page_wide_and_line_directives(page: str, numbered: bool) -> None:
    assert (BADGE in annotate(page, badge)) is numbered


def test_the_fixtures_directives_are_all_known_to_check() -> None:
    for path in NUMBERS.glob("*.md"):
        assert "unknown-directive" not in rules(path.read_text(encoding="utf-8")), path.name
