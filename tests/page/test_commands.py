"""`updater check` and `updater preview` through the real entry point; page discovery."""

from __future__ import annotations

import subprocess
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


def test_preview_says_how_many_files_it_wrote_and_ignores_its_folder(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository(in_repo, {"README.md": "# Hi\n", "RESUME.md": "# CV\n"})
    assert main(["preview", "--repo", "o/o"]) == 0
    assert capsys.readouterr().err == (
        "wrote 4 files to preview for 2 pages, light and dark: README.md.html, "
        "README.md.dark.html, RESUME.md.html, RESUME.md.dark.html (relative links resolved "
        "against o/o at main)\n"
    )
    # git leaves the folder out: `git add .` in the profile repository never commits it.
    assert (in_repo / "preview" / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")


def test_preview_hides_no_folder_of_the_person_s_own(in_repo: Path) -> None:
    repository(in_repo, {"README.md": "# Hi\n"})
    (in_repo / "site").mkdir()
    (in_repo / "site" / "index.md").write_text("mine\n", encoding="utf-8")
    assert main(["preview", "--repo", "o/o", "--output-dir", "site"]) == 0
    assert (in_repo / "site" / "README.md.html").is_file()
    assert not (in_repo / "site" / ".gitignore").exists()


def test_preview_needs_no_cv_and_takes_the_repository_from_the_cv_or_git(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository(in_repo, {"README.md": "[resume](docs/RESUME.pdf)\n"})
    readme = in_repo / "preview" / "README.md.html"
    assert main(["preview"]) == 0  # no data/cv.yaml, no git: a stand-in, and why
    err = capsys.readouterr().err
    assert err.startswith(
        "warning: README.md: relative links point to github.com/OWNER/NAME, a stand-in "
        "(data/cv.yaml is not there, and "
    )
    assert "has no remote on GitHub): pass --repo OWNER/NAME" in err
    subprocess.run(["git", "init", "-q"], cwd=in_repo, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:octo/octo.git"], cwd=in_repo, check=True
    )
    assert main(["preview"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert "https://github.com/octo/octo/blob/main/docs/RESUME.pdf" in readme.read_text("utf-8")
    (in_repo / "data").mkdir()
    (in_repo / "data" / "cv.yaml").write_text("tracking:\n  github_user: ada\n", encoding="utf-8")
    assert main(["preview"]) == 0
    assert "https://github.com/ada/ada/blob/main/docs/RESUME.pdf" in readme.read_text("utf-8")


def test_preview_without_relative_links_needs_no_repository(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository(in_repo, {"README.md": "# Hi [home](https://example.com) [top](#hi)\n"})
    assert main(["preview"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_preview_and_check_find_the_pages_through_templates(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository(in_repo, {"README.md": "# Hi\n", "CV.md": "[x](#nope)\n"})
    (in_repo / "templates").rename(in_repo / "layout")
    assert main(["check", "--templates", "layout", "--data", "none.yaml", "--stats", "x"]) == 1
    assert "CV.md:1:1: error: link to #nope" in capsys.readouterr().out
    assert main(["preview", "--repo", "o/o", "--templates", "layout", "--stats", "x"]) == 0
    assert (in_repo / "preview" / "CV.md.html").is_file()


# An organization's profile page in its folder, as GitHub shows it from the `.github` repository:
# links relative to profile/, to the repository root (`../`, `/`), and to files that are not
# there from profile/ (though they are at the root).
PROFILE = """\
# Acme OS

![banner](images/banner.png)

Stars: None

- [Contributing](../CONTRIBUTING.md), under the [license](/LICENSE)
- [Code of conduct](CODE_OF_CONDUCT.md)
- ![logo](../images/logo.png)
"""


@pytest.fixture
def org_repo(in_repo: Path) -> Path:
    """A checkout of acme-os/.github with profile/README.md rendered from its template."""
    (in_repo / ".git").mkdir()
    (in_repo / "profile/images").mkdir(parents=True)
    (in_repo / "profile/images/banner.png").write_bytes(b"png")
    (in_repo / "templates/profile").mkdir(parents=True)
    template = PROFILE.replace("Stars: None", "Stars: {{ totals.stars }}")
    (in_repo / "templates/profile/README.md.j2").write_text(template, encoding="utf-8")
    (in_repo / "profile/README.md").write_text(PROFILE, encoding="utf-8")
    for name in ("CONTRIBUTING.md", "LICENSE", "CODE_OF_CONDUCT.md"):
        (in_repo / name).write_text("x\n", encoding="utf-8")
    (in_repo / "data").mkdir()
    (in_repo / "data/cv.yaml").write_text("tracking:\n  github_user: acme-os\n", "utf-8")
    return in_repo


def test_check_resolves_a_page_s_links_from_its_own_folder(
    org_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 1  # finds profile/README.md through its template
    assert capsys.readouterr().out.splitlines() == [
        "profile/README.md:5:8: error: 'None' in the text: a templated value was missing "
        "[missing-value]",
        "profile/README.md:8:3: error: link to CODE_OF_CONDUCT.md: no such file in the "
        "repository [missing-file]",
        "profile/README.md:9:3: error: image to ../images/logo.png: no such file in the "
        "repository [missing-file]",
    ]


def test_preview_resolves_a_page_s_links_from_its_own_folder_in_the_org_repository(
    org_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for rel in ("README.md", "templates/README.md.j2"):  # the repository's own page
        (org_repo / rel).write_text("[profile](profile/README.md)\n", encoding="utf-8")
    assert main(["preview"]) == 0  # the repository: tracking.github_user's .github
    assert "relative links resolved against acme-os/.github at main" in capsys.readouterr().err
    html = (org_repo / "preview/profile/README.md.html").read_text(encoding="utf-8")
    blob = "https://github.com/acme-os/.github/blob/main/"
    raw = "https://github.com/acme-os/.github/raw/main/"
    assert f'src="{raw}profile/images/banner.png"' in html
    assert f'href="{blob}CONTRIBUTING.md"' in html and f'href="{blob}LICENSE"' in html
    assert f'href="{blob}profile/CODE_OF_CONDUCT.md"' in html
    assert f'src="{raw}images/logo.png"' in html
    readme = (org_repo / "preview/README.md.html").read_text(encoding="utf-8")
    assert 'href="profile/README.md.html"' in readme  # a page previewed with it
