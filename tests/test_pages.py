"""Which pages exist (updater/pages.py): `templates/PATH.j2` renders to `PATH`, folders included,
and every command that reads or writes pages takes a page in a folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import paths_args
from updater.build import Paths, build
from updater.cli import main
from updater.errors import InputError
from updater.pages import (
    Page,
    discover,
    is_org_repository,
    page_names,
    partials,
    profile_repository,
    rendered,
    template_for,
)
from updater.snapshot import Snapshot, dumps

# An organization's profile as people write it: what the organization is, its projects, how to
# take part (modelled on real `.github` repositories' profile/README.md).
ORG_TEMPLATE = """\
# {{ cv.title }}

<img src="images/banner.png" alt="Acme OS: tools for writing operating systems" width="600">

{% include "profile/_about.j2" %}

## Projects

- [bootloader](https://github.com/acme-os/bootloader): a bootloader in pure Rust.
- [x86-paging](https://github.com/acme-os/x86-paging): page tables, safely.

## Contributing

Read the [contributing guide](../CONTRIBUTING.md) and say hello on [Zulip].
{% include "_footer.j2" %}

[Zulip]: https://acme-os.zulipchat.com
"""


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_a_template_in_a_folder_renders_to_that_path_in_the_repository(tmp_path: Path) -> None:
    write(tmp_path, {
        "README.md.j2": "x", "profile/README.md.j2": "x", "docs/guide/INSTALL.md.j2": "x",
        "A.md.j2": "x", "_part.j2": "x", "profile/_links.j2": "x", "profile/notes.txt": "x",
    })  # fmt: skip
    pages = discover(tmp_path)
    assert [p.name for p in pages] == [
        "README.md", "A.md", "profile/README.md", "docs/guide/INSTALL.md",
    ]  # fmt: skip
    assert pages[2] == Page("profile/README.md", tmp_path / "profile/README.md.j2")
    assert {page.folder for page in pages} == {tmp_path}  # include names start there
    assert partials(tmp_path) == [tmp_path / "_part.j2", tmp_path / "profile/_links.j2"]


def test_hidden_folders_and_linked_folders_hold_no_pages(tmp_path: Path) -> None:
    write(tmp_path, {"README.md.j2": "x", ".github/workflows/ci.yml.j2": "x", ".x/_p.j2": "x"})
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    write(outside, {"EVIL.md.j2": "x"})
    os.symlink(outside, tmp_path / "linked")
    assert [p.name for p in discover(tmp_path)] == ["README.md"]
    assert page_names(tmp_path) == ["README.md"]
    assert partials(tmp_path) == []


def test_a_page_where_another_needs_a_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"profile.j2": "x", "profile/README.md.j2": "x"})
    with pytest.raises(InputError) as info:
        discover(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'profile.j2'}: renders to the file profile, where "
        f"{tmp_path / 'profile/README.md.j2'} needs a folder of that name to render "
        "profile/README.md: rename one of them"
    )


def test_no_page_anywhere_says_how_a_page_is_named(tmp_path: Path) -> None:
    write(tmp_path, {"profile/_links.j2": "x"})
    with pytest.raises(InputError, match=r"no page templates \(PATH.j2, e.g. README.md.j2 or "):
        discover(tmp_path)


def test_rendered_pages_and_their_templates_in_folders(tmp_path: Path) -> None:
    write(tmp_path, {
        "templates/README.md.j2": "x", "templates/profile/README.md.j2": "x",
        "templates/docs/UNRENDERED.md.j2": "x", "README.md": "x", "profile/README.md": "x",
    })  # fmt: skip
    assert rendered(tmp_path) == [tmp_path / "README.md", tmp_path / "profile/README.md"]
    page = tmp_path / "profile/README.md"
    assert template_for(page, tmp_path) == tmp_path / "templates/profile/README.md.j2"
    assert template_for(page, tmp_path, tmp_path / "layout") == (
        tmp_path / "layout/profile/README.md.j2"
    )


def test_the_repository_github_shows_a_profile_from() -> None:
    assert profile_repository("ada", ["README.md"]) == "ada/ada"
    assert profile_repository("acme-os", ["README.md", "profile/README.md"]) == "acme-os/.github"
    assert is_org_repository("acme-os/.github") and is_org_repository("acme-os/.GitHub-private")
    assert not is_org_repository("ada/ada") and not is_org_repository("acme-os/github")


@pytest.fixture
def org(tmp_path: Path) -> Paths:
    """An organization's `.github` checkout: a page in profile/, with partials, an image beside
    it and the contributing guide at the root."""
    write(tmp_path, {
        "data/cv.yaml": "title: Acme OS\nsections: []\ntracking:\n  github_user: acme-os\n",
        "data/stats.json": dumps(Snapshot()),
        "templates/profile/README.md.j2": ORG_TEMPLATE,
        "templates/profile/_about.j2": "Tools and libraries for writing operating systems.\n",
        "templates/_footer.j2": "\n<sub>Kept current by updater.</sub>\n",
        "profile/images/banner.png": "png",
        "CONTRIBUTING.md": "# Contributing\n",
    })  # fmt: skip
    (tmp_path / ".git").mkdir()  # the work tree's root: where `/x` and `../x` are looked up
    return Paths(
        tmp_path / "data/cv.yaml", tmp_path / "data/stats.json", tmp_path / "templates", tmp_path
    )


def test_a_page_in_a_folder_includes_by_names_relative_to_the_templates_folder(
    org: Paths,
) -> None:
    text = build(org, None).pages["profile/README.md"]
    assert "Tools and libraries for writing operating systems.\n" in text
    assert text.endswith(
        "<sub>Kept current by updater.</sub>\n\n[Zulip]: https://acme-os.zulipchat.com\n"
    )


def test_render_writes_the_folder_and_render_check_reads_it_back(
    org: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (org.root / "profile/images/banner.png").unlink()
    (org.root / "profile/images").rmdir()
    (org.root / "profile").rmdir()  # a fresh clone of .github has no profile/ folder yet
    assert main(["render", "--offline", *paths_args(org)]) == 0
    page = org.root / "profile/README.md"
    assert page.read_text(encoding="utf-8").startswith("# Acme OS\n")
    assert f"wrote {page}" in capsys.readouterr().err
    assert main(["render", "--offline", "--check", *paths_args(org)]) == 0
    page.write_text("# Acme OS, edited by hand\n", encoding="utf-8")
    assert main(["render", "--offline", "--check", *paths_args(org)]) == 1
    out, err = capsys.readouterr()
    assert f"--- {page} (on disk)" in out
    assert f"out of date: {page}: run `updater render`" in err


def test_validate_names_pages_by_path_and_warns_of_a_page_another_includes(
    org: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (org.templates / "profile/header.j2").write_text("# Acme\n", encoding="utf-8")
    template = org.templates / "profile/README.md.j2"
    template.write_text('{% include "profile/header.j2" %}\n' + ORG_TEMPLATE, encoding="utf-8")
    assert main(["validate", *paths_args(org)]) == 0
    err = capsys.readouterr().err
    assert f"{org.templates}: valid: profile/README.md, profile/header (2 pages)" in err
    assert (
        f"warning: {org.templates / 'profile/header.j2'}: a page (it renders to profile/header), "
        "and profile/README.md.j2 includes it: if it is only a part of other pages, name it "
        "profile/_header.j2 (a partial, never written)"
    ) in err


def test_an_include_named_from_the_page_s_own_folder_is_not_found_and_says_why(
    org: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    template = org.templates / "profile/README.md.j2"
    template.write_text(ORG_TEMPLATE.replace("profile/_about.j2", "_about.j2"), encoding="utf-8")
    assert main(["validate", *paths_args(org)]) == 2
    assert (
        f"{template}:5:12: '_about.j2': no such template in the templates folder (names are "
        "relative to it, from a page in a folder too: _NAME.j2, or FOLDER/_NAME.j2 for a "
        "partial in a folder of it)"
    ) in capsys.readouterr().err
