"""The defects a reviewer found trying `check` and `preview` as a demanding new user; each
input is theirs (numbers are the review's items)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.page.helpers import PAGE_FIXTURES, findings, rules
from updater.cli import main
from updater.page.check import Finding
from updater.page.github_html import Site, preview_document, render
from updater.page.parse import parse

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


# 2 and 22. Every kind of link is checked: autolinks too.
@pytest.mark.parametrize("markdown", ["<javascript:alert(1)>", "<data:text/html,x>"])
def test_autolinks_with_unsafe_schemes_are_errors(markdown: str) -> None:
    assert rules(markdown) == ["unsafe-url"]


def test_autolinks_get_the_url_rules() -> None:
    assert rules("<https://example.com/None>\n", template="x") == ["missing-value"]


# 3. Content nested deep is read and checked like any other.
def test_content_nested_32_deep_is_checked() -> None:
    text = ">" * 32 + " [x](javascript:alert(1)) <img src=x onerror=alert(1)> ![](missing.png)\n"
    assert {"unsafe-url", "event-handler", "missing-file"} <= set(rules(text))


@pytest.mark.parametrize(
    "text",
    [
        ">" * 100 + " [x](javascript:alert(1))\n",
        "".join("  " * i + "- x\n" for i in range(40)) + "  " * 40 + "- [x](javascript:x)\n",
    ],
)
def test_content_nested_a_hundred_deep_is_read_and_checked(text: str) -> None:
    assert rules(text) == ["unsafe-url"]


# 5. <noscript> content is raw text for the sanitizer: the <img> after </noscript> is real.
def test_check_sees_the_img_the_sanitizer_keeps_after_noscript() -> None:
    text = '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'
    assert "<img" in preview(text)
    assert "event-handler" in rules(text)


# 6. cmark percent-encodes the tab: GitHub keeps a relative link, and says so.
def test_tab_entity_in_a_markdown_destination_is_a_relative_link() -> None:
    [finding] = findings("[x](java&#x09;script:alert(1))")
    assert finding.rule == "missing-file"
    assert "java%09script:alert(1)" in finding.message


# 7. Malformed declarations never crash.
@pytest.mark.parametrize(
    "text", ["<p><![ ]>", "<div><![ ", "<div>\n<![data:", "<div></ x", "<a><!x"]
)
def test_malformed_declarations_do_not_crash(text: str) -> None:
    findings(text)
    preview(text)


# 10. A <picture>'s <img> may have no src: the chosen <source> shows.
def test_picture_img_without_src_is_fine() -> None:
    text = (
        '<picture><source media="(prefers-color-scheme: dark)" srcset="https://a/d.png">'
        '<source media="(prefers-color-scheme: light)" srcset="https://a/l.png">'
        "<img width=100%></picture>"
    )
    assert "empty-url" not in rules(text)
    [alt] = findings(text)
    assert alt.message == "image without alt text: (no src)"  # 44


# 11. A srcset URL runs to whitespace: its commas stay.
def test_srcset_commas_inside_a_url_stay() -> None:
    text = '<source srcset="https://skillicons.dev/icons?i=js,html,css,wasm&theme=dark">'
    assert rules(text) == []
    assert "i=js,html,css,wasm" in preview(f"<picture>{text}<img alt=x></picture>")


# 12 and 13. Footnotes are not reference definitions; #top and footnote ids are reachable.
def test_footnotes_and_their_ids() -> None:
    text = "Text[^1].\n\n[^1]: note\n\n[a](#top) [b](#fn-1) [c](#user-content-fn-1) [d](#fnref-1)"
    assert rules(text + " [e](#footnote-label)\n") == []


# 14. Shortcodes keep their name in the anchor, in check and preview alike.
def test_shortcode_anchor_matches_github() -> None:
    text = "## :rocket: Launch\n\n[go](#rocket-launch)\n"
    assert rules(text) == []
    assert 'id="user-content-rocket-launch"' in preview(text)


# 15. Headings with no text have an empty anchor: nothing to link, nothing duplicated.
def test_empty_anchors_are_not_duplicates() -> None:
    assert rules("# 👨‍💻\n\n## 🚀\n\n## 🚀\n") == []


# 17. A tag continued into the next block is closed by the next `>`: the image shows.
def test_tag_continued_past_a_blank_line_is_not_dropped() -> None:
    text = '<p align="center">\n  <img src="https://a/b.png"\n       alt="logo"\n\n</p>\n'
    assert "unclosed-tag" not in rules(text)


# 19. Inline code is not linted.
def test_none_inside_inline_code_tags_is_code() -> None:
    assert rules("Set it to <code>None</code> or <kbd>None</kbd>.\n", template="x") == []


# 20. Text inside Jinja tags is not literal text of the template.
def test_unrendered_template_is_reported() -> None:
    template = "Hi {{ name }}!\n{{ '{{' }} literal\n"
    assert rules("Hi {{ name }}!\n{{ literal\n", template=template) == ["template-syntax"]


# 21. An unclosed comment hides the rest of the page.
def test_unclosed_comment_is_an_error() -> None:
    assert rules("# Hi\n\n<!-- todo\n\n## Projects\n") == ["unclosed-comment"]


# 23. Ids as GitHub assigns them; HTML headings take part.
def test_duplicate_anchors_follow_githubs_numbering() -> None:
    assert rules("## Foo\n\n## Foo\n\n## Foo-1\n") == ["duplicate-anchor", "duplicate-anchor"]
    assert rules("<h2>Same</h2>\n\n## Same\n") == ["duplicate-anchor"]
    html = preview("## Foo\n\n## Foo\n\n## Foo-1\n")
    assert re.findall(r'id="user-content-([^"]*)"', html) == ["foo", "foo-1", "foo-1-1"]


# 24. Tags GitHub cannot read are shown as text.
@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)",
        "hi <img src=https://a/b.png\n",
        '<img src="https://a/b.png" alt="a" /onerror=alert(1)>\n',
    ],
)
def test_tags_shown_as_text_are_reported(text: str) -> None:
    assert "tag-as-text" in rules(text)


# Commands: the reviewer's repositories, rebuilt in tmp_path.
def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


# 9. A closed pipe ends quietly, as git does (SIGPIPE: 141).
def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    write(tmp_path, {"big.md": "[x](#no)\n" * 5_000})  # findings well past a pipe's buffer
    process = subprocess.Popen(
        [sys.executable, "-m", "updater", "check", "big.md"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in error and "internal error" not in error


# 16. The repository root is the git work tree holding the page, else the page's folder.
def test_root_is_the_work_tree_of_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = write(
        tmp_path / "repo",
        {".git/HEAD": "", "assets/banner.png": "", "README.md": "![b](/assets/banner.png)\n"},
    )
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert main(["check", "../README.md"]) == 0
    write(tmp_path, {"other/assets/banner.png": ""})
    # --root names the repository: a page outside it is not read.
    assert main(["check", "--root", str(tmp_path / "other"), "../README.md"]) == 2
    assert "outside the repository" in capsys.readouterr().err
    assert main(["check", "--root", str(tmp_path), "../README.md"]) == 1
    assert "missing-file" in capsys.readouterr().out


# 27, 28, 29. Pages named by their path; links from a subfolder resolve from it and reach the
# local previews.
def test_preview_of_pages_in_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path,
        {
            "README.md": "# Root\n\n[resume](docs/RESUME.md)\n",
            "docs/README.md": "[home](../README.md) [img](../x.png)\n",
            "docs/RESUME.md": "# Resume\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    args = ["preview", "--repo", "a/a", "--output-dir", "out"]
    assert main([*args, "README.md", "docs/README.md", "docs/RESUME.md"]) == 0
    names = sorted(
        path.relative_to(tmp_path / "out").as_posix() for path in tmp_path.glob("out/**/*.html")
    )
    assert names == [
        "README.md.dark.html",
        "README.md.html",
        "docs/README.md.dark.html",
        "docs/README.md.html",
        "docs/RESUME.md.dark.html",
        "docs/RESUME.md.html",
    ]
    docs = (tmp_path / "out/docs/README.md.html").read_text(encoding="utf-8")
    assert '<a href="../README.md.html">home</a>' in docs
    assert "https://github.com/a/a/blob/main/x.png" in docs
    root = (tmp_path / "out/README.md.dark.html").read_text(encoding="utf-8")
    assert '<a href="docs/RESUME.md.dark.html">resume</a>' in root


# 43. A missing file is named as such.
def test_missing_file_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "RAEDME.md"]) == 2
    error = capsys.readouterr().err
    assert "RAEDME.md: no such file" in error and "render" not in error


# 41. One line per finding.
def test_a_finding_is_one_line() -> None:
    [finding] = findings('<a href="jav&#x0A;ascript:x">y</a>')
    assert "\n" not in finding.format() and "\\x0a" in finding.message


# 42. Workflow command properties are escaped as the Actions toolkit does.
def test_github_format_escapes_properties() -> None:
    finding = Finding("a,b:c.md", 1, 2, "empty-url", "50% done\nnext")
    assert finding.annotation() == (
        "::error file=a%2Cb%3Ac.md,line=1,col=2,title=empty-url::50%25 done%0Anext"
    )


# 18. Browsers read `\` as `/` in an HTML attribute's http(s) URL.
def test_backslash_paths_in_html(tmp_path: Path) -> None:
    write(tmp_path, {"assets/sub/x.png": ""})
    assert rules('<img src="assets\\sub\\x.png" alt=x>', tmp_path) == []
    assert "assets/sub/x.png" in preview('<img src="assets\\sub\\x.png" alt=x>')


# 31. Math in a heading: the id is from the text.
def test_math_in_a_heading_id() -> None:
    html = preview("## Energy $E=mc^2$\n")
    assert 'id="user-content-energy-emc2"' in html


# 32. Alerts hold any blocks; not inside lists.
def test_alerts() -> None:
    html = preview(
        "> [!TIP]\n> - item\n\n> [!WARNING]\n> ```sh\n> rm\n> ```\n\n- > [!NOTE]\n  > x\n"
    )
    assert html.count('class="markdown-alert ') == 2
    assert "markdown-alert-tip" in html and "markdown-alert-warning" in html
    assert "[!NOTE]" in html


# 33 and 36. GitHub's custom emoji are images; shortcodes in <tt> stay text.
def test_custom_emoji_and_verbatim_text() -> None:
    html = preview(":octocat: :shipit: <tt>:rocket:</tt>\n")
    assert 'src="https://github.githubassets.com/images/icons/emoji/octocat.png"' in html
    assert "shipit.png" in html and "<tt>:rocket:</tt>" in html


# 39. Quotes nested past the preview's depth are flattened (their text kept) before sanitizing.
def test_deep_quotes_are_bounded_in_the_preview() -> None:
    html = preview(">" * 5_000 + " deep\n")
    assert "deep" in html and html.count("<blockquote>") == 64


# 38. Range directives: each finding is looked up, not every range scanned.
def test_many_directive_ranges() -> None:
    text = "".join(
        f"<!-- check-disable -->\n[x](#a{i})\n<!-- check-enable -->\n[y](#b{i})\n\n"
        for i in range(300)
    )
    assert [finding.line for finding in findings(text)] == [4 + 5 * i for i in range(300)]


# 34. GitHub's slug keeps Ruby's \p{Word}: letter numbers (Ⅻ) stay, other numbers (①, ²) go.
def test_slug_drops_other_numbers() -> None:
    assert rules("## Ⅻ roman ① circled x²\n\n[a](#ⅻ-roman--circled-x)\n") == []


# The variation selector an emoji leaves in an anchor (GitHub keeps it: a Mark) is named.
def test_anchor_with_an_invisible_variation_selector_is_explained() -> None:
    [finding] = findings("## ⚙️ Settings\n\n[a](#-settings)\n")
    assert "#%EF%B8%8F-settings" in finding.message
    assert rules("## ⚙️ Settings\n\n[a](#%EF%B8%8F-settings)\n") == []


def test_a_path_with_a_line_break_stays_on_one_line() -> None:
    assert Finding("a\nb.md", 1, 1, "empty-url", "x").format() == (
        "a\\x0ab.md:1:1: error: x [empty-url]"
    )


REVIEW = PAGE_FIXTURES / "review"


def test_the_reviewers_anchor_page() -> None:
    """Heading ids as GitHub makes them: the links that miss are the ones GitHub breaks too
    (the invisible U+FE0F an emoji leaves, `-launch` for a shortcode, other numbers)."""
    text = (REVIEW / "anchors.md").read_text(encoding="utf-8")
    broken = [f.message.split(":")[0] for f in findings(text) if f.rule == "broken-anchor"]
    assert broken == [
        "link to #-file-cabinet",
        "link to #-settings",
        "link to #foo-2",
        "link to #-launch",
        "link to #ⅻ-roman-①-circled-x²",
        "link to #대한",
    ]


def test_the_reviewers_picture_page() -> None:
    text = (REVIEW / "picture-without-src.md").read_text(encoding="utf-8")
    assert {f.severity for f in findings(text)} == {"warning"}
    dark = preview(text, theme="dark")
    assert 'src="https://devicons.acavalkyrie.workers.dev/icons?i=platformio%2Cavr%2Crust' in dark
    assert "theme=dark" in dark and "theme=light" not in dark


# 37. The preview skips the markdown parse when no math is possible; the output is the same.
@pytest.mark.parametrize(
    "path",
    sorted((PAGE_FIXTURES / "corpus").glob("*.md"))
    + sorted((PAGE_FIXTURES / "preview").glob("*.md")),
    ids=lambda path: path.name,
)
def test_the_preview_without_the_markdown_parse_is_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    site = Site("a/a", "main", frozenset({"README.md"}))
    assert render(preview_document(text), site) == render(parse(text), site)


def test_math_next_to_code_still_parses() -> None:
    assert preview_document("`a`$x$").texts and preview_document("$`x`$").code_spans
    assert preview_document("costs $5 and $10\n\n```\n$ make\n```\n").texts == ()


def test_a_link_to_a_previewed_page_with_an_escaped_space() -> None:
    html = render(parse("[r](My%20Page.md)"), Site("a/a", "main", frozenset({"My Page.md"})))
    assert 'href="My%20Page.md.html"' in html
