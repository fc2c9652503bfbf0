"""`updater update` against a fake GitHub: one commit, no noise, no lost work, clear errors."""

from __future__ import annotations

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from tests.fakes.profile import populate
from updater.build import Paths
from updater.cli import main

REPO = "hyunwoongko/hyunwoongko"
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def site(
    profile: Paths, live_env: dict[str, str], fake_github: FakeGitHub, fake_hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
) -> FakeGitHub:  # fmt: skip
    """The profile repository on the fake GitHub, with a hand-written README and other files."""
    populate(fake_github, fake_hub)
    fake_github.add(REPO)
    fake_github.init_branch(
        REPO, {"README.md": "hand-written\n", "data/stats.json": "{}\n", "notes.txt": "mine\n"}
    )
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.chdir(profile.data.parent.parent)
    return fake_github


def writes(fake: FakeGitHub) -> list[str]:
    return [
        f"{r.method} {r.path}" for r in fake.requests if r.method in WRITES and r.path != "/graphql"
    ]


def test_first_run_makes_one_commit_with_both_files(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    before = site.head(REPO)
    assert main(["update"]) == 0
    head = site.head(REPO)
    assert head.parents == [before.sha]
    assert head.files["README.md"].startswith("# Curriculum Vitae\n")
    assert '"hyunwoongko/kss"' in head.files["data/stats.json"]
    assert head.files["notes.txt"] == "mine\n"  # other files untouched
    assert head.message.startswith(
        "Update README.md: total ★ new → 4.9k, transformer ★ new → 1.5k,"
    )
    assert "- kanana-nano-2.1b-instruct ⬇ new → 12.1k" in head.message
    assert writes(site) == [
        f"POST /repos/{REPO}/git/trees",
        f"POST /repos/{REPO}/git/commits",
        f"PATCH /repos/{REPO}/git/refs/heads/main",
    ]
    assert f"committed {head.sha[:7]} to {REPO}@main" in capsys.readouterr().err


def test_same_numbers_again_no_commit(site: FakeGitHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["update"]) == 0
    first = site.head(REPO).sha
    site.requests.clear()
    assert main(["update"]) == 0
    assert site.head(REPO).sha == first
    assert writes(site) == []
    assert "no commit: every page on main already shows this text" in capsys.readouterr().err


def test_only_stats_json_would_change_no_commit(site: FakeGitHub) -> None:
    assert main(["update"]) == 0
    first = site.head(REPO).sha
    site.repos["hyunwoongko/kss"].stars = 1301  # shown as "1.3k" before and after
    site.repos["hyunwoongko/kss"].forks += 7  # forks are kept in stats.json, not shown
    assert main(["update"]) == 0
    assert site.head(REPO).sha == first


def test_branch_moved_during_the_run_keeps_the_other_commit(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs: list[str] = []
    site.before_ref_update = lambda: theirs.append(
        site.push(REPO, {"notes.txt": "pushed meanwhile\n"}, "Their commit")
    )
    assert main(["update"]) == 0
    head = site.head(REPO)
    assert head.parents == theirs  # ours landed on top of theirs
    assert head.files["notes.txt"] == "pushed meanwhile\n"
    assert head.files["README.md"].startswith("# Curriculum Vitae")
    assert "moved during the run (attempt 1 of 3)" in capsys.readouterr().err


def test_branch_that_keeps_moving_gives_up_without_forcing(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    count = iter(range(10))

    def push() -> None:
        site.push(REPO, {"notes.txt": f"push {next(count)}\n"}, "Busy")
        site.before_ref_update = push

    site.before_ref_update = push
    assert main(["update"]) == 3
    assert site.head(REPO).message == "Busy"
    assert "kept moving; gave up after 3 attempts without forcing" in capsys.readouterr().err
    assert all('"force": true' not in r.body.decode() for r in site.requests if r.method == "PATCH")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("bad token", "GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN"),
        ("read-only token", "give the job `permissions: contents: write`"),
        (
            "missing repository",
            "repository not found, or the token cannot see it: check --repo / GITHUB_REPOSITORY",
        ),
        ("missing branch", "branch gh-pages not found: check --branch"),
    ],
)
def test_errors_exit_3_commit_nothing_and_name_the_fix(
    site: FakeGitHub, setup: str, message: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    before = site.head(REPO).sha
    args = ["update"]
    if setup == "bad token":
        site.token = "ghs_someone_else"
    elif setup == "read-only token":
        site.can_write = False
    elif setup == "missing repository":
        args += ["--repo", "hyunwoongko/nope"]
    else:
        args += ["--branch", "gh-pages"]
    assert main(args) == 3
    assert site.head(REPO).sha == before
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_no_token_refuses_before_any_work(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main(["update"]) == 3
    assert site.count() == 0
    assert "GITHUB_TOKEN is not set" in capsys.readouterr().err


def test_no_target_repository_is_a_usage_error(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY")
    assert main(["update"]) == 2
    assert main(["update", "--repo", "not a repo"]) == 2


def test_dry_run_writes_nothing_anywhere(
    site: FakeGitHub, profile: Paths, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    before = site.head(REPO).sha
    stats_before = profile.stats.read_bytes()
    assert main(["update", "--dry-run"]) == 0
    assert writes(site) == []
    assert site.head(REPO).sha == before
    assert not profile.page("README.md").exists() and profile.stats.read_bytes() == stats_before
    assert not summary.exists()
    out = capsys.readouterr().out
    assert out.startswith("--- README.md (on GitHub)\n+++ README.md (rendered)\n")
    assert "-hand-written" in out
    assert "--- commit message (dry run: nothing was written) ---\nUpdate README.md: " in out


def test_job_summary_and_outputs_under_actions(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("gh")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(folder / "summary.md"))
    monkeypatch.setenv("GITHUB_OUTPUT", str(folder / "output"))
    site.repos.pop("hyunwoongko/pecab")  # one failure to annotate
    assert main(["update"]) == 0
    sha = site.head(REPO).sha
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert "| github | 14 of 15 | 0 | 1 |" in summary
    assert "| huggingface | 5 of 5 | 0 | 0 |" in summary
    assert "- `github` hyunwoongko/pecab: not found or private" in summary
    assert "- kss ★ new → 1.3k" in summary
    assert f"**Commit:** [{sha[:7]}](https://github.com/{REPO}/commit/{sha})" in summary
    assert (folder / "output").read_text(encoding="utf-8") == f"changed=true\ncommit={sha}\n"
    out = capsys.readouterr().out
    assert "::warning title=github%3A hyunwoongko/pecab::not found or private" in out
    # A second run: no commit, and the summary says why.
    assert main(["update"]) == 0
    assert "**No commit:** every page on main already shows this text" in (
        folder / "summary.md"
    ).read_text(encoding="utf-8")
    assert (folder / "output").read_text(encoding="utf-8").endswith("changed=false\ncommit=\n")


def test_nothing_written_for_actions_outside_actions(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["update"]) == 0
    assert "::warning" not in capsys.readouterr().out
