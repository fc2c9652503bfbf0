"""Issue 17: every output channel is neutral. No line of text output reads as a workflow command
(except those the tool means to send), the preview's bar links pass the body's URL checks, the
preview's placeholders cannot collide with page text, and every pattern matches whole strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import paths_args
from updater.build import Paths
from updater.cli import main
from updater.page.sanitize import url_kept

SHA = "0123456789abcdef0123456789abcdef01234567"


def command_lines(text: str) -> list[str]:
    """Lines the Actions runner would take for workflow commands (it trims leading blanks)."""
    return [line for line in text.splitlines() if line.lstrip().startswith("::")]


def test_check_never_prints_a_page_name_as_a_workflow_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "::error title=Injected::x.md"
    (tmp_path / name).write_text("# Title\n\n[a link](None)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", name]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"./{name}:3:1: error: ") and command_lines(out) == []
    # Annotations are the commands --format github means to send, with the name escaped.
    assert main(["check", "--format", "github", name]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("::error file=%3A%3Aerror title=Injected%3A%3Ax.md,line=3,")


def test_render_check_diff_lines_never_read_as_workflow_commands(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (profile.templates / "README.md.j2").write_text(
        "# {{ cv.title }}\n::add-mask::Test\n##[set-env name=X]y\nnew\n", encoding="utf-8"
    )
    profile.page("README.md").write_text(
        "# Curriculum Vitae\n::add-mask::Test\n##[set-env name=X]y\nold\n", encoding="utf-8"
    )
    assert main(["render", "--offline", "--check", *paths_args(profile)]) == 1
    out = capsys.readouterr().out
    assert "-old\n+new\n" in out  # still a diff a person reads
    assert command_lines(out) == [] and "##[" not in out


def preview_of(tmp_path: Path, pages: dict[str, str]) -> dict[str, str]:
    """`updater preview` of these pages (each with its template): output file -> HTML."""
    (tmp_path / "templates").mkdir()
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        (tmp_path / "templates" / f"{name}.j2").write_text(text, encoding="utf-8")
    out = tmp_path / "preview"
    assert (
        main(["preview", "--root", str(tmp_path), "--repo", "o/o", "--output-dir", str(out)]) == 0
    )
    return {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}


def test_the_preview_bar_links_pass_the_body_url_checks(tmp_path: Path) -> None:
    evil = "javascript:document.title='XBAR',{}.md"
    previews = preview_of(tmp_path, {"README.md": "# Home\n", evil: "# Evil\n"})
    assert len(previews) == 4
    for html in previews.values():
        bar = re.search(r'<nav class="preview-bar.*?</nav>', html, re.DOTALL)
        assert bar is not None
        hrefs = re.findall(r'href="([^"]*)"', bar[0])
        assert hrefs and all(url_kept("a", "href", href) for href in hrefs)
        assert 'href="javascript:' not in html
    assert (
        'href="./javascript:document.title=&#x27;XBAR&#x27;,%7B%7D.md.html"'
        in previews["README.md.html"]
    )


def test_placeholder_text_on_a_page_is_kept_as_text(tmp_path: Path) -> None:
    page = "# zq9math3qz\n\nzq9math0qz and zq9view9qz next to $x$ and $$y$$\n"
    previews = preview_of(tmp_path, {"README.md": page})
    html = previews["README.md.html"]
    assert "zq9math3qz</h1>" in html and "zq9math0qz and zq9view9qz next to" in html
    assert '<span class="math math-inline">$x$</span>' in html


def test_an_attribute_holding_placeholder_text_is_not_replaced(tmp_path: Path) -> None:
    page = '<img alt="zq9math0qz" src="a.png"> and &#122;q10math0qz next to $x$\n'
    html = preview_of(tmp_path, {"README.md": page})["README.md.html"]
    assert 'alt="zq9math0qz"' in html and "zq10math0qz next to" in html
    assert '<span class="math math-inline">$x$</span>' in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--branch", "main\n"], "--branch 'main\\n': not a branch name the workflow can use"),
        (["--branch", "x.lock\n"], "not a branch name the workflow can use"),
        (["--action-repo", "octo/updater\n"], "octo/updater"),
        (["--action-ref", SHA + "\n"], SHA),
        (["README.md\n"], "README.md\n: each name on a page's path holds letters"),
    ],
)
def test_init_patterns_match_whole_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "README.md").write_text("# Me\n", encoding="utf-8")
    options = {"--action-repo": "octo/updater", "--action-ref": SHA, "--branch": "main"}
    files = args if len(args) == 1 else []
    options.update(zip(args[::2], args[1::2], strict=True) if not files else {})
    argv = [part for option, value in options.items() for part in (option, value)]
    assert main(["init", "--root", str(tmp_path), *argv, *files]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]  # no workflow written


def test_update_repository_pattern_matches_the_whole_string(
    profile: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(profile.root)
    assert main(["update", "--dry-run", "--offline", "--repo", "octo/octo\n"]) == 2
    assert "--repo: expected OWNER/NAME, got 'octo/octo\\n'" in capsys.readouterr().err


def test_data_patterns_match_whole_strings(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    text = profile.data.read_text(encoding="utf-8")
    profile.data.write_text(
        text.replace("github_user: hyunwoongko", 'github_user: "hyunwoongko\\n"'), encoding="utf-8"
    )
    assert main(["validate", *paths_args(profile)]) == 2
    assert (
        "tracking.github_user: expected a GitHub user or organization name"
        in capsys.readouterr().err
    )
