"""The manual's examples run: its data validates, its layout example renders to the pages it
shows, its numbers example renders from the snapshot it shows, its `init` output and workflow
are what `init` prints and writes, and its reference tables list every command and action
input there is."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from updater.adopt import ActionPin, workflow
from updater.build import Paths, build
from updater.cli import build_parser, main
from updater.cv import parse_cv
from updater.origin import DISTRIBUTION
from updater.page.github_html import slug
from updater.snapshot import parse_snapshot

MANUAL = ROOT / "docs" / "README.md"
TEXT = MANUAL.read_text(encoding="utf-8")
# A fenced block, with the `<!-- example GROUP: PATH -->` comment right before it, if any.
_BLOCK_RE = re.compile(
    r"(?:<!-- example (?P<group>[\w-]+): (?P<path>\S+) -->\n)?"
    r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
BLOCKS = list(_BLOCK_RE.finditer(TEXT))
SHA = "1234567890abcdef1234567890abcdef12345678"


def example(group: str) -> dict[str, str]:
    """The files of one example in the manual: path -> text."""
    return {b["path"]: b["body"] for b in BLOCKS if b["group"] == group}


def test_every_yaml_block_that_is_data_validates() -> None:
    data = [
        b
        for b in BLOCKS
        if b["info"] == "yaml" and (b["group"] is None or b["path"] == "data/cv.yaml")
    ]
    assert len(data) >= 3
    for block in data:
        parse_cv(block["body"], f"docs/README.md:{TEXT.count(chr(10), 0, block.start()) + 1}")


def render_example(files: dict[str, str], folder: Path) -> dict[str, str]:
    """Write an example's inputs (paths with a folder) and render its pages offline."""
    for path, text in files.items():
        if "/" in path:
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
    paths = Paths(folder / "data/cv.yaml", folder / "data/stats.json", folder / "templates", folder)
    return dict(build(paths, None).pages)


def test_the_layout_example_renders_the_pages_it_shows(tmp_path: Path) -> None:
    files = example("layout")
    assert {"data/cv.yaml", "templates/README.md.j2", "templates/RESUME.md.j2"} <= set(files)
    pages = render_example(files, tmp_path)
    shown = {path: text for path, text in files.items() if "/" not in path}
    assert shown == {"README.md": pages["README.md"], "RESUME.md": pages["RESUME.md"]}
    assert "_macros.j2" not in str(list(pages))  # a partial is not a page


def test_the_numbers_example_renders_the_page_it_shows_from_the_snapshot_shown(
    tmp_path: Path,
) -> None:
    files = example("numbers")
    assert {"data/cv.yaml", "data/stats.json", "templates/README.md.j2"} <= set(files)
    snapshot = parse_snapshot(files["data/stats.json"], "docs/README.md")
    assert snapshot.datasets and snapshot.spaces and snapshot.papers and snapshot.renamed
    assert render_example(files, tmp_path) == {"README.md": files["README.md"]}


def test_the_init_example_is_what_init_prints_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = example("init")
    page = "# Hi\n\nMy sentence splitter: [kss](https://github.com/hyunwoongko/kss).\n"
    (tmp_path / "README.md").write_text(page, encoding="utf-8")
    argv = ["init", "--root", str(tmp_path)]
    assert main([*argv, "--action-repo", "hyunwoongko/hyunwoongko", "--action-ref", SHA]) == 0
    assert capsys.readouterr().out == shown["output"]
    written = (tmp_path / ".github/workflows/update-readme.yml").read_text(encoding="utf-8")
    assert shown[".github/workflows/update-readme.yml"] == written
    pin = ActionPin("hyunwoongko/hyunwoongko", SHA, f"{DISTRIBUTION} 0.1.0")
    assert written == workflow(pin)  # the default branch, read when it runs


COMMAND_TABLE = TEXT.split("## Commands", 1)[1].split("### Exit codes", 1)[0]
# Options the paragraph above the table explains for every command, and help and -v.
SHARED_OPTIONS = {"-h", "--help", "-v", "--verbose", "--data", "--stats", "--templates", "--root"}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """Each command's parser, by name."""
    [commands] = [a for a in build_parser()._actions if a.dest == "command"]
    return dict(commands.choices or {})


def test_the_command_table_lists_every_command() -> None:
    listed = set(re.findall(r"^\| `updater (\w+)", COMMAND_TABLE, re.MULTILINE))
    assert listed == set(subcommands())


def test_the_command_table_names_each_command_s_options_as_its_parser_does() -> None:
    rows = dict(re.findall(r"^\| `updater (\w+)([^`]*)`", COMMAND_TABLE, re.MULTILINE))
    for name, parser in subcommands().items():
        options = {o for a in parser._actions for o in a.option_strings}
        shown = set(re.findall(r"--[\w-]+", rows[name]))
        assert shown <= options, (name, shown - options)
        assert options - SHARED_OPTIONS <= shown, (name, options - SHARED_OPTIONS - shown)


def test_the_action_table_lists_every_input() -> None:
    inputs = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["inputs"]
    table = TEXT.split("### The action", 1)[1].split("## Commands", 1)[0]
    assert set(re.findall(r"^\| `([\w-]+)` \|", table, re.MULTILINE)) == set(inputs)


def test_the_manual_links_every_example_folder() -> None:
    folders = sorted(p.name for p in (ROOT / "docs" / "examples").iterdir() if p.is_dir())
    assert folders
    for name in folders:
        assert f"](examples/{name}/)" in TEXT, name


def test_every_link_within_the_manual_lands_on_a_heading() -> None:
    outside_code = re.sub(r"^```.*?^```$", "", TEXT, flags=re.MULTILINE | re.DOTALL)
    headings = {slug(h) for h in re.findall(r"^#+ (.+)$", outside_code, re.MULTILINE)}
    anchors = re.findall(r"\]\(#([^)]+)\)", outside_code)
    assert anchors
    for anchor in anchors:
        assert anchor in headings, anchor


def test_every_relative_link_of_the_manual_exists() -> None:
    prose = re.sub(r"^```.*?^```$", "", TEXT, flags=re.MULTILINE | re.DOTALL)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    targets = re.findall(r"\]\((?!https?:|#|mailto:)([^)\s]+)\)", prose)
    assert targets
    for target in targets:
        assert (MANUAL.parent / target.split("#")[0]).exists(), target


def test_the_lists_example_renders_what_it_shows_from_the_example_profiles_data(
    tmp_path: Path,
) -> None:
    files = example("lists")
    shutil.copytree(ROOT / "docs/examples/from-sources/data", tmp_path / "data")
    pages = render_example({"templates/README.md.j2": files["templates/README.md.j2"]}, tmp_path)
    assert pages == {"README.md": files["README.md"]}
    assert "<sub>cited by 518</sub>" in files["README.md"]  # a listed paper gets its number


def test_the_organization_init_example_is_what_init_prints_in_a_github_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = example("org-init")
    (tmp_path / "profile").mkdir()
    page = "# Acme OS\n\nTools for writing operating systems: [bootloader](https://github.com/acme-os/bootloader).\n"
    (tmp_path / "profile/README.md").write_text(page, encoding="utf-8")
    for args in (["init", "-q"], ["remote", "add", "origin", "https://github.com/acme-os/.github"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True)
    argv = ["init", "--root", str(tmp_path)]
    assert main([*argv, "--action-repo", "hyunwoongko/hyunwoongko", "--action-ref", SHA]) == 0
    assert capsys.readouterr().out == shown["output"]
    assert "  github_user: acme-os\n" in (tmp_path / "data/cv.yaml").read_text(encoding="utf-8")
