"""An organization adopts updater end to end: `init` in a clone of its `.github` repository takes
profile/README.md (the page GitHub shows at github.com/ORG), and `update` renders it with the
organization's totals and commits it back to ORG/.github, against the fakes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from updater.cli import main

SHA = "0123456789abcdef0123456789abcdef01234567"
PIN = ["--action-repo", "octo/updater", "--action-ref", SHA]
ORG = "acme-os"
REPO = f"{ORG}/.github"
# The profile as an organization writes it (modelled on real `.github` repositories): what it
# is, its projects linked one by one, how to take part; a banner beside it in profile/.
PROFILE = f"""\
# About Acme OS

<p align="center"><img src="images/banner.png" alt="Acme OS" width="480"></p>

Acme OS hosts tools and libraries for writing operating systems in Rust. We publish
_This Month in Acme OS_ at https://acme-os.example.org.

## Projects

- [`bootloader`](https://github.com/{ORG}/bootloader): a bootloader in pure Rust.
- [`x86-paging`](https://github.com/{ORG}/x86-paging): page tables without `unsafe` at every turn.
- [`uart`](https://github.com/{ORG}/uart): a driver for 16550 UART devices.

## Contributing

Contributions are welcome: read the [guide](../CONTRIBUTING.md), then say hello on [Zulip].

[Zulip]: https://acme-os.zulipchat.com
"""
# The repository's own page (shown at github.com/acme-os/.github, not on the profile).
REPO_README = (
    "# .github\n\nThe profile of Acme OS lives in [profile/README.md](profile/README.md).\n"
)
STARS = {"bootloader": 1_200, "x86-paging": 640, "uart": 85, "website": 15}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of acme-os/.github: the repository's README, the profile and its banner."""
    root = tmp_path / ".github"
    (root / "profile/images").mkdir(parents=True)
    (root / "profile/README.md").write_text(PROFILE, encoding="utf-8")
    (root / "profile/images/banner.png").write_bytes(b"\x89PNG\r\n")
    (root / "README.md").write_text(REPO_README, encoding="utf-8")
    (root / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", f"https://github.com/{REPO}.git")
    return root


def files(root: Path) -> dict[str, str | bytes]:
    """Every file of the checkout (not .git) as git would push it."""
    found: dict[str, str | bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(".git/"):
            data = path.read_bytes()
            found[rel] = data if rel.endswith(".png") else data.decode("utf-8")
    return found


def test_init_in_an_organization_s_github_repository_adopts_profile_readme(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--root", str(clone), *PIN]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"{REPO} is an organization's profile repository: GitHub shows its profile/README.md\n"
        f"at https://github.com/{ORG}, so init adopts profile/README.md (name the files to adopt\n"
        "others)\n\ncreated templates/profile/README.md.j2 (renders to profile/README.md)\n"
    )
    assert "profile/README.md tracks 3 GitHub repositories: the live numbers go" in out
    assert "`updater render --offline` writes profile/README.md back byte for byte" in out
    assert f"  github_user: {ORG}\n" in (clone / "data/cv.yaml").read_text(encoding="utf-8")
    assert not (clone / "templates/README.md.j2").exists()  # the repository's page is left be
    assert main(["render", "--offline", "--root", str(clone), "--data", str(clone / "data/cv.yaml"),
                 "--stats", str(clone / "data/stats.json"),
                 "--templates", str(clone / "templates")]) == 0  # fmt: skip
    assert (clone / "profile/README.md").read_text(encoding="utf-8") == PROFILE


def test_init_in_the_members_only_repository_says_so_and_naming_another_page_warns(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(clone, "remote", "set-url", "origin", f"git@github.com:{ORG}/.github-private.git")
    assert main(["init", "--root", str(clone), *PIN]) == 0
    assert f"at https://github.com/{ORG} to its members, so init" in capsys.readouterr().out
    git(clone, "remote", "set-url", "origin", f"https://github.com/{REPO}")
    assert main(["init", "--root", str(clone), *PIN, "README.md"]) == 0
    assert (
        f"warning: in {REPO}, GitHub shows profile/README.md on the organization's profile "
        f"(https://github.com/{ORG}), not README.md: adopt profile/README.md too"
    ) in capsys.readouterr().out


def test_a_missing_profile_readme_says_where_github_looks(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clone / "profile/README.md").unlink()
    assert main(["init", "--root", str(clone), *PIN]) == 2
    assert (
        "profile/README.md: no such file; GitHub shows an organization's profile from "
        "profile/README.md of its .github repository: create it (one line will do), then run "
        "init again"
    ) in capsys.readouterr().err
    assert not (clone / "templates").exists()


def test_update_commits_the_profile_with_the_organization_s_totals_to_its_github_repository(
    clone: Path, live_env: dict[str, str], fake_github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    for name, stars in STARS.items():
        fake_github.add(f"{ORG}/{name}", stars=stars)
    fake_github.add(REPO)
    assert main(["init", "--root", str(clone), *PIN]) == 0
    template = clone / "templates/profile/README.md.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(  # the organization shows its total, as a person edits the template
        text.replace("## Projects\n", "## Projects\n\n★ {{ totals.stars | humanize }} stars.\n"),
        encoding="utf-8",
    )
    fake_github.init_branch(REPO, files(clone))  # pushed as init and the edit left it
    before = fake_github.head(REPO)
    monkeypatch.chdir(clone)
    capsys.readouterr()
    # Offline, and outside Actions (no GITHUB_REPOSITORY): tracking.github_user's profile
    # repository, which for a profile/README.md page is ORG/.github.
    assert main(["update", "--retries", "0"]) == 0
    head = fake_github.head(REPO)
    assert head.parents == [before.sha]
    page = head.text("profile/README.md")
    assert "★ 1.9k stars.\n" in page  # 1,200 + 640 + 85 + 15 over the organization's repositories
    assert f"[`bootloader`](https://github.com/{ORG}/bootloader) <sub>★ 1.2k</sub>:" in page
    assert '<img src="images/banner.png" alt="Acme OS" width="480">' in page  # the gate let it by
    assert head.text("README.md") == REPO_README  # the repository's own page is not touched
    trees = [r.json() for r in fake_github.requests if r.path.endswith("/git/trees")]
    assert sorted(e["path"] for e in trees[-1]["tree"]) == ["data/stats.json", "profile/README.md"]
    assert head.message.startswith("Update profile/README.md: total ★ new → 1.9k,")
    assert f"committed {head.sha[:7]} to {REPO}@main" in capsys.readouterr().err


def test_update_in_actions_targets_the_repository_the_workflow_runs_in(
    clone: Path, live_env: dict[str, str], fake_github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    private = f"{ORG}/.github-private"
    fake_github.add(f"{ORG}/bootloader", stars=1_200)
    fake_github.add(private)
    assert main(["init", "--root", str(clone), *PIN]) == 0
    fake_github.init_branch(private, files(clone))
    fake_github.add(REPO)
    fake_github.init_branch(REPO, {"README.md": "the public one\n"})
    monkeypatch.chdir(clone)
    monkeypatch.setenv("GITHUB_REPOSITORY", private)  # what Actions sets
    assert main(["update", "--retries", "0"]) == 0
    assert "<sub>★ 1.2k</sub>" in fake_github.head(private).text("profile/README.md")
    assert fake_github.head(REPO).message == "Initial commit"


# The organization-badges workflow as its action's README tells one to write it: it rewrites
# the part of profile/README.md between two markers and pushes (joshjohanning's
# organization-readme-badge-generator).
BADGES_WORKFLOW = """\
name: update-organization-readme-badges
on:
  schedule:
    - cron: '0 7 * * *'
  workflow_dispatch:
jobs:
  generate-badges:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: badges
        uses: joshjohanning/organization-readme-badge-generator@v1
        with:
          organization: ${{ github.repository_owner }}
          token: ${{ secrets.ADMIN_TOKEN }}
      - name: add to readme
        run: |
          readme=profile/README.md
          startMarker="<!-- start organization badges -->"
          endMarker="<!-- end organization badges -->"
          # ... replace what is between the markers ...
          git add $readme
          git commit -m "Update organization badges" && git push
"""


def test_init_warns_of_the_workflow_that_already_writes_the_profile(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clone / ".github/workflows").mkdir(parents=True)
    (clone / ".github/workflows/badges.yml").write_text(BADGES_WORKFLOW, encoding="utf-8")
    assert main(["init", "--root", str(clone), *PIN]) == 0
    assert (
        "warning: .github/workflows/badges.yml already writes profile/README.md (it names "
        "profile/README.md and runs git commit or git push): two bots would commit the same page"
    ) in capsys.readouterr().out
