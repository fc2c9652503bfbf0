"""`updater check` and `updater preview` through the real entry point; page discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from updater.cli import main
from updater.pages import rendered


def repository(root: Path, pages: dict[str, str], templated: bool = True) -> Path:
    for name, text in pages.items():
        (root / name).write_text(text, encoding="utf-8")
        if templated:
            (root / "templates").mkdir(exist_ok=True)
            (root / "templates" / f"{name}.j2").write_text(text, encoding="utf-8")
    return root


def test_rendered_takes_rendered_templates_readme_first(tmp_path: Path) -> None:
    repository(tmp_path, {"RESUME.md": "x", "README.md": "x", "A.md": "x"})
    (tmp_path / "templates" / "UNRENDERED.md.j2").write_text("x", encoding="utf-8")
    assert [p.name for p in rendered(tmp_path)] == ["README.md", "A.md", "RESUME.md"]


def test_rendered_without_templates_is_the_readme(tmp_path: Path) -> None:
    assert rendered(tmp_path) == [tmp_path / "README.md"]


@pytest.fixture
def in_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exit_1_on_errors_only(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repository(
        in_repo, {"README.md": "# Hi\n\n![](https://a.b/c.png)\n", "RESUME.md": "[x](#no)\n"}
    )
    assert main(["check", "README.md"]) == 0
    assert main(["check", "--strict", "README.md"]) == 1
    assert main(["check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "README.md:3:1: warning: image without alt text: https://a.b/c.png [alt-text]",
        "RESUME.md:1:1: error: link to #no: no heading or id on this page has that anchor "
        "[broken-anchor]",
    ]


def test_github_annotations(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repository(in_repo, {"README.md": "[x](missing.md)\n"})
    assert main(["check", "--format", "github"]) == 1
    assert capsys.readouterr().out == (
        "::error file=README.md,line=1,col=1,title=missing-file::"
        "link to missing.md: no such file in the repository\n"
    )


def test_template_rules_use_the_page_template(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository(in_repo, {"README.md": "Stars: None\n"}, templated=False)
    (in_repo / "templates").mkdir()
    (in_repo / "templates" / "README.md.j2").write_text("Stars: {{ stars }}\n", encoding="utf-8")
    assert main(["check"]) == 1
    assert "[missing-value]" in capsys.readouterr().out


def test_missing_page_is_an_input_error(in_repo: Path) -> None:
    assert main(["check", "NOPE.md"]) == 2


def test_links_to_another_page_need_its_anchor(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository(
        in_repo,
        {
            "README.md": "[cv](RESUME.md#education) [x](RESUME.md#nope)\n",
            "RESUME.md": "## Education\n",
        },
    )
    assert main(["check"]) == 1
    assert capsys.readouterr().out == (
        "README.md:1:27: error: link to RESUME.md#nope: no heading or id on RESUME.md has that "
        "anchor [broken-anchor]\n"
    )


def test_preview_open_without_a_browser_says_so(
    in_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repository(in_repo, {"README.md": "# Hi\n"})
    monkeypatch.setattr("webbrowser.open", lambda url: False)  # what it returns with no browser
    assert main(["preview", "--repo", "o/o", "--output-dir", str(in_repo / "out"), "--open"]) == 0
    err = capsys.readouterr().err
    assert "no browser found to open it: open " in err and "README.md.html yourself" in err
