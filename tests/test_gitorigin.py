"""Where a checkout stands on GitHub, read from real git repositories in a temporary folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from updater.gitorigin import describe, github_remote, newest_pushed

GITHUB = "https://github.com/octo/updater.git"


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_COMMITTER_DATE": date} if date else None
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.strip()


def commit(repo: Path, message: str, date: str | None = None) -> str:
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of a bare repository that stands in for GitHub: its configured URL is GitHub's,
    which `url.<bare>.insteadOf` sends to the bare repository, as a mirror would."""
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    repo = tmp_path / "tool"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", f"url.{bare}.insteadOf", GITHUB)
    git(repo, "remote", "add", "origin", GITHUB)
    commit(repo, "first")
    git(repo, "push", "-q", "origin", "main")
    return repo


def test_a_pushed_checkout_pins_its_head(clone: Path) -> None:
    checkout = describe(clone)
    assert checkout is not None
    head = git(clone, "rev-parse", "HEAD")
    assert (checkout.head, checkout.repo, checkout.remote) == (head, "octo/updater", "origin")
    assert (checkout.pushed, checkout.unpushed) == (head, 0)


def test_commits_not_pushed_pin_the_newest_pushed_ancestor(clone: Path) -> None:
    pushed = commit(clone, "second")
    git(clone, "push", "-q", "origin", "main")
    commit(clone, "local 1")
    head = commit(clone, "local 2")
    checkout = describe(clone)
    assert checkout is not None
    assert (checkout.head, checkout.pushed, checkout.unpushed) == (head, pushed, 2)


def test_a_merge_of_two_pushed_branches_pins_the_newer(clone: Path) -> None:
    git(clone, "switch", "-q", "-c", "topic")
    newer = commit(clone, "topic", date="2030-01-01T00:00:00")  # newer than main's below
    git(clone, "push", "-q", "origin", "topic")
    git(clone, "switch", "-q", "main")
    commit(clone, "main 2")
    git(clone, "push", "-q", "origin", "main")
    git(clone, "merge", "-q", "--no-ff", "-m", "merge", "topic")
    assert newest_pushed(clone, "origin") == (newer, 1)


def test_nothing_fetched_from_the_remote_pins_nothing(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "remote", "add", "origin", "git@github.com:octo/updater.git")
    commit(tmp_path, "first")
    commit(tmp_path, "second")
    checkout = describe(tmp_path)
    assert checkout is not None
    assert (checkout.repo, checkout.pushed, checkout.unpushed) == ("octo/updater", None, 2)


def test_a_remote_off_github_is_no_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "remote", "add", "origin", "https://gitlab.com/octo/updater.git")
    head = commit(tmp_path, "first")
    checkout = describe(tmp_path)
    assert checkout is not None
    assert (checkout.head, checkout.repo, checkout.pushed) == (head, None, None)


def test_origin_then_upstream_then_other_remotes_by_name(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "zeta", "https://github.com/z/updater")
    git(tmp_path, "remote", "add", "alpha", "https://github.com/a/updater")
    assert github_remote(tmp_path) == ("alpha", "a/updater")
    git(tmp_path, "remote", "add", "upstream", "git@github.com:up/updater.git")
    assert github_remote(tmp_path) == ("upstream", "up/updater")
    git(tmp_path, "remote", "add", "origin", "file:///srv/mirror")  # not GitHub: skipped
    assert github_remote(tmp_path) == ("upstream", "up/updater")


def test_a_folder_inside_a_checkout_is_not_one(clone: Path) -> None:
    inner = clone / ".venv" / "lib" / "site-packages"
    inner.mkdir(parents=True)
    assert describe(inner) is None
    assert describe(clone.parent) is None  # no .git at all
