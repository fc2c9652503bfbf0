"""`updater preview`: each GitHub feature from a fixture, asserted on the HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.page.helpers import PAGE_FIXTURES
from updater.cli import main
from updater.page.github_html import Site, render
from updater.page.parse import parse
from updater.page.preview import stylesheet, views

FEATURES = PAGE_FIXTURES / "preview"
SITE = Site("octo/octo", "main", frozenset({"README.md", "RESUME.md"}))


def html(name: str, theme: str = "light") -> str:
    text = (FEATURES / f"{name}.md").read_text(encoding="utf-8")
    return render(parse(text), Site(SITE.repo, SITE.branch, SITE.pages, theme))


def test_emoji_shortcodes_become_emoji_and_keep_their_name_in_the_anchor() -> None:
    # github/markup#1231 (GitHub staff): `## :desert_island: Installation` has the anchor
    # `desert_island-installation`.
    out = html("emoji")
    assert '<g-emoji class="g-emoji" alias="rocket">🚀</g-emoji> Launch' in out
    assert 'alias="+1">👍</g-emoji>' in out
    assert ":not_an_emoji:" in out and "<code>:rocket:</code>" in out
    assert 'id="user-content-rocket-launch-tada"' in out


def test_footnotes() -> None:
    out = html("footnotes")
    assert '<sup><a href="#user-content-fn-src" id="user-content-fnref-src">1</a></sup>' in out
    assert '<section class="footnotes">' in out
    assert '<li id="user-content-fn-src">' in out and 'href="#user-content-fnref-src"' in out


@pytest.mark.parametrize("kind", ["note", "tip", "important", "warning", "caution"])
def test_alerts(kind: str) -> None:
    out = html("alerts")
    assert (
        f'<div class="markdown-alert markdown-alert-{kind}">\n'
        f'<p class="markdown-alert-title">{kind.capitalize()}</p>'
    ) in out
    assert out.count("<blockquote>") == 1 and "[!NOTE] inside" in out
    assert out.count("<div") == out.count("</div>") == 5


def test_math_is_kept_verbatim() -> None:
    out = html("math")
    assert '<span class="math math-inline">$a_1 * b_2 = c_{*}$</span>' in out
    assert '<span class="math math-inline">$\\sqrt{x_1}$</span>' in out
    assert "$$\n\\frac{a_b}{c_d} \\times \\left[ x \\right]\n$$" in out
    assert "prices $5 and $10." in out
    assert '<pre lang="math"><code>E = mc^2' in out


def test_mermaid_shows_its_source() -> None:
    assert '<pre lang="mermaid"><code>graph TD;\n  A--&gt;B;\n</code></pre>' in html("mermaid")


@pytest.mark.parametrize(
    ("theme", "shown", "hidden"),
    [
        (
            "light",
            ["theme=default#gh-light-mode-only", "logo-light.png"],
            ["theme=dark", "logo-dark"],
        ),
        (
            "dark",
            ["theme=dark#gh-dark-mode-only", "logo-dark.png"],
            ["theme=default", "logo-light"],
        ),
    ],
)
def test_theme_images_and_picture(theme: str, shown: list[str], hidden: list[str]) -> None:
    out = html("themes", theme)
    for url in shown:
        assert url in out
    for url in hidden:
        assert url not in out
    assert "<source" not in out and "logo-fallback" not in out


def test_relative_root_relative_and_page_links() -> None:
    out = html("paths")
    raw, blob = "https://github.com/octo/octo/raw/main/", "https://github.com/octo/octo/blob/main/"
    assert f'<img src="{raw}assets/x.png" alt="root">' in out
    assert f'<img src="{raw}assets/y.png" alt="rel">' in out
    assert f'href="{blob}docs/a.md"' in out and f'href="{blob}docs/b.md"' in out
    assert '<a href="RESUME.md.html">resume</a>' in out
    assert '<a href="RESUME.md.html#user-content-education">education</a>' in out
    assert '<a href="#user-content-paths">top</a>' in out
    assert '<a href="irc://irc.libera.chat/python">irc</a>' in out
    assert '<a href="xmpp:me@example.org">xmpp</a>' in out


def test_user_content_ids_and_anchor_links() -> None:
    out = html("anchors")
    assert 'id="user-content-über-uns-wave"' in out  # shortcode name kept
    assert 'id="user-content-projects"' in out and 'id="user-content-projects-1"' in out
    assert '<h2 id="user-content-custom">' in out
    assert 'href="#user-content-projects-1"' in out and 'href="#user-content-custom"' in out


def test_what_github_strips() -> None:
    out = html("stripped")
    for tag in ("<center", "<font", "<input", "style="):
        assert tag not in out
    assert "centered" in out and '<p align="center">kept align</p>' in out
    assert "&lt;style&gt;h1 { color: red }&lt;/style&gt;" in out


def test_task_lists_quotes_details_and_tables() -> None:
    out = html("tasks")
    assert '<ul class="contains-task-list">' in out
    assert (
        '<li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" '
        "disabled checked> done</li>"
    ) in out
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in out
    assert "<summary><h2>" in out and "<table>" in out


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_github_markdown_css_styles_each_feature(theme: str) -> None:
    css = stylesheet(theme)
    for selector in (
        ".markdown-body summary h2",
        ".markdown-body .task-list-item {",
        ".markdown-body blockquote {",
        ".markdown-body .markdown-alert.markdown-alert-caution",
        ".markdown-body table tr",
    ):
        assert selector in css
    licence = Path(__file__).parents[2] / "updater/page/assets/github-markdown-css.LICENSE"
    assert "MIT License" in licence.read_text(encoding="utf-8")


def test_views_link_pages_within_their_theme() -> None:
    text = (FEATURES / "paths.md").read_text(encoding="utf-8")
    pages = views("README.md", parse(text), SITE)
    assert set(pages) == {"README.md.html", "README.md.dark.html"}
    dark = pages["README.md.dark.html"]
    assert 'data-color-mode="dark"' in dark and stylesheet("dark") in dark
    assert '<a href="RESUME.md.dark.html#user-content-education">education</a>' in dark
    assert '<a href="README.md.html">light</a>' in dark
    assert views("README.md", parse(text), SITE) == pages  # deterministic


def test_preview_command_writes_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "templates").mkdir()
    for name, body in (("README.md", "[cv](RESUME.md)\n"), ("RESUME.md", "# CV\n")):
        (repo / name).write_text(body, encoding="utf-8")
        (repo / "templates" / f"{name}.j2").write_text(body, encoding="utf-8")
    (repo / "templates" / "DRAFT.md.j2").write_text("not rendered", encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["preview", "--repo", "octo/octo"]) == 0
    written = sorted(path.name for path in (repo / "preview").iterdir())
    assert written == [
        ".gitignore",  # the previews are never committed
        "README.md.dark.html",
        "README.md.html",
        "RESUME.md.dark.html",
        "RESUME.md.html",
    ]
    readme = (repo / "preview" / "README.md.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="RESUME.md.html">cv</a>', readme)


def test_preview_of_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    assert main(["preview", str(tmp_path / "NOPE.md"), "--repo", "o/r"]) == 2


@pytest.mark.parametrize(
    ("theme", "dark", "light"), [("dark", "min", "max"), ("light", "max", "min")]
)
def test_a_picture_that_asks_the_viewport_is_left_to_the_browser(
    theme: str, dark: str, light: str
) -> None:
    text = (
        "<picture>\n"
        '<source media="(prefers-color-scheme: dark) and (max-width: 600px)" srcset="d-s.png">\n'
        '<source media="(prefers-color-scheme: light)" srcset="l.png">\n'
        '<source media="(prefers-color-scheme: no-preference)" srcset="n.png">\n'
        '<img alt="logo" src="fallback.png">\n'
        "</picture>\n"
    )
    out = render(parse(text), Site("o/o", "main", theme=theme))
    assert f'media="({dark}-width: 0px) and (max-width: 600px)"' in out
    assert f'media="({light}-width: 0px)"' in out
    assert 'media="(max-width: 0px)" srcset="https://github.com/o/o/raw/main/n.png"' in out
    assert "fallback.png" in out and "prefers-color-scheme" not in out


@pytest.mark.parametrize(("theme", "hidden"), [("light", "dark"), ("dark", "light")])
def test_links_to_the_other_themes_fragment_are_hidden_as_github_hides_them(
    theme: str, hidden: str
) -> None:
    text = f"[![w](https://a.b/globe-{hidden}.svg)](https://a.b#gh-{hidden}-mode-only)\n"
    document = views("README.md", parse(text), Site("o/o", "main"))[
        "README.md.html" if theme == "light" else "README.md.dark.html"
    ]
    rule = f'.markdown-body [href$="#gh-{hidden}-mode-only"]'
    assert rule in document and f'href="https://a.b#gh-{hidden}-mode-only"' in document
