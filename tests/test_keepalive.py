"""The 60-day rule against the fake GitHub: by default a warning from day 50, naming the day the
schedule stops; keepalive (re-enabling the workflow) only when opted in, never an empty commit."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import manual
from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from tests.fakes.profile import populate
from updater.build import Paths
from updater.cli import main
from updater.errors import PublishError
from updater.keepalive import Workflow, keep_alive, running_workflow

REPO = "hyunwoongko/hyunwoongko"
WORKFLOW_REF = f"{REPO}/.github/workflows/update-readme.yml@refs/heads/main"
NOW = datetime(2026, 11, 27, 3, 17, tzinfo=UTC)
OPT_IN = ["update", "--keepalive-days", "50"]


@pytest.fixture
def site(
    profile: Paths, live_env: dict[str, str], fake_github: FakeGitHub, fake_hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
) -> FakeGitHub:  # fmt: skip
    """The profile repository, already current (one update ran), inside a GitHub Actions run."""
    populate(fake_github, fake_hub)
    fake_github.add(REPO)
    fake_github.init_branch(REPO, {"README.md": "hand-written\n"})
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.chdir(profile.data.parent.parent)
    manual(profile)
    assert main(["update"]) == 0  # outside Actions: commits, and no keepalive
    assert fake_github.enabled == []
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKFLOW_REF", WORKFLOW_REF)
    monkeypatch.setenv("GITHUB_REF", "refs/heads/main")
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return fake_github


def age_head(site: FakeGitHub, days: float) -> None:
    site.head(REPO).date = datetime.now(UTC) - timedelta(days=days)


def summary() -> str:
    return Path(os.environ["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")


def test_old_head_and_no_change_enables_the_workflow_once(site: FakeGitHub) -> None:
    age_head(site, 53)
    head = site.head(REPO).sha
    assert main(OPT_IN) == 0
    assert site.enabled == [(REPO, "update-readme.yml")]
    assert site.head(REPO).sha == head  # never an empty commit
    assert site.count("PUT") == 1
    assert "**Keepalive:** kept update-readme.yml alive at " in summary()
    assert "restarts GitHub's 60-day clock (the last commit on main is 53 days old)" in summary()


def test_fresh_head_enables_nothing_and_says_when_it_would(site: FakeGitHub) -> None:
    age_head(site, 12)
    assert main(OPT_IN) == 0
    assert site.enabled == []
    due = (datetime.now(UTC) + timedelta(days=38)).strftime("%Y-%m-%d")
    assert "not needed: the last commit on main is 12 days old; update-readme.yml is " in summary()
    assert f"(a run without a commit from {due} on)" in summary()


def test_a_commit_made_enables_nothing(site: FakeGitHub) -> None:
    age_head(site, 80)
    site.repos["hyunwoongko/kss"].stars = 9_999  # the README changes
    head = site.head(REPO).sha
    assert main(OPT_IN) == 0
    assert site.head(REPO).parents == [head]
    assert site.enabled == []


def test_option_sets_the_age_and_zero_turns_it_off(site: FakeGitHub) -> None:
    age_head(site, 20)
    assert main(["update", "--keepalive-days", "0"]) == 0
    assert site.enabled == []
    assert main(["update", "--keepalive-days", "15"]) == 0
    assert site.enabled == [(REPO, "update-readme.yml")]


def test_off_by_default_a_quiet_fortnight_says_nothing(site: FakeGitHub) -> None:
    age_head(site, 49)
    assert main(["update"]) == 0
    assert site.enabled == [] and site.count("PUT") == 0
    assert "Keepalive" not in summary() and "Warning" not in summary()


def test_off_by_default_from_day_50_it_warns_with_the_stop_date_and_the_fix(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    age_head(site, 53)
    last = site.head(REPO).date
    head = site.head(REPO).sha
    capsys.readouterr()
    assert main(["update"]) == 0
    assert site.enabled == [] and site.count("PUT") == 0  # no API call: nothing re-enabled
    assert site.head(REPO).sha == head  # and no commit made to look active
    stop = (last + timedelta(days=60)).strftime("%Y-%m-%d")
    out, err = capsys.readouterr()
    said = (
        "the last commit on main is 53 days old: GitHub disables the scheduled workflows of a "
        f"public repository after 60 days without activity, so the nightly runs stop on {stop}. "
        "Any push to the repository restarts the clock; once they have stopped, re-enable the "
        "workflow on the Actions tab (select it, then Enable workflow)"
    )
    assert f"warning: {said}" in err
    assert f"\n**Warning:** {said}\n" in summary()
    annotations = [line for line in out.splitlines() if line.startswith("::warning")]
    assert annotations == [f"::warning title=scheduled runs will stop::{said}"]


def test_past_day_60_the_warning_says_the_runs_may_have_stopped(site: FakeGitHub) -> None:
    age_head(site, 75)
    assert main(["update"]) == 0
    assert "so the nightly runs may have stopped on " in summary()


def test_forbidden_warns_with_the_fix_and_stays_green(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    age_head(site, 55)
    site.can_enable_workflows = False
    capsys.readouterr()
    assert main(OPT_IN) == 0
    err = capsys.readouterr().err
    assert "warning: keepalive failed: " in err
    assert (
        "cannot re-enable update-readme.yml (HTTP 403: Resource not accessible by integration)"
        in err
    )
    assert "give the job `permissions: actions: write`" in err
    assert "**Keepalive:** failed: " in summary()


def test_outside_actions_nothing(site: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS")
    age_head(site, 90)
    assert main(["update"]) == 0
    assert site.enabled == []
    assert site.count("PUT") == 0


def test_dry_run_enables_nothing(site: FakeGitHub) -> None:
    age_head(site, 90)
    assert main([*OPT_IN, "--dry-run"]) == 0
    assert site.count("PUT") == 0


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (WORKFLOW_REF, Workflow(REPO, "update-readme.yml")),
        ("o/r/.github/workflows/nightly.yaml@refs/tags/v1", Workflow("o/r", "nightly.yaml")),
        ("o/r/.github/workflows/sub/x.yml@refs/heads/main", None),
        ("garbage", None),
        (None, None),
    ],
)
def test_running_workflow_is_read_from_github_workflow_ref(
    ref: str | None, expected: Workflow | None
) -> None:
    assert running_workflow(ref) == expected


def test_keep_alive_without_a_workflow_file_says_so() -> None:
    calls: list[Workflow] = []
    note = keep_alive(
        calls.append, None, last_commit=NOW - timedelta(days=70), now=NOW, days=50, branch="main"
    )
    assert calls == [] and "GITHUB_WORKFLOW_REF does not name a workflow file" in note


def test_keep_alive_failure_is_a_note_not_an_error() -> None:
    def refuse(workflow: Workflow) -> None:
        raise PublishError("no")

    note = keep_alive(
        refuse, Workflow("o/r", "f.yml"), last_commit=NOW - timedelta(days=50), now=NOW, days=50,
        branch="main",
    )  # fmt: skip
    assert note == "failed: no"
