"""Commit the generated files back to GitHub: one commit through the Git Data API, never forced."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import requests
from github import Github, GithubException, InputGitTreeElement
from github.GitCommit import GitCommit
from github.GitRef import GitRef

from updater.errors import PublishError
from updater.sources.http import DeadlineExceeded, describe

log = logging.getLogger("updater")

T = TypeVar("T")
ATTEMPTS = 3
NETWORK_ERRORS = (requests.RequestException, DeadlineExceeded)


@dataclass(frozen=True)
class Head:
    """The tip of the target branch: its ref, its commit, and the files we care about there."""

    ref: GitRef
    commit: GitCommit
    files: Mapping[str, str | None]


@dataclass(frozen=True)
class Committed:
    """A commit that landed on the branch."""

    sha: str
    url: str


class Target:
    """One branch of one repository on GitHub, read and written through PyGithub."""

    def __init__(self, github: Github, full_name: str, branch: str | None) -> None:
        self.full_name = full_name
        self.repo = _call(lambda: github.get_repo(full_name), self, "open the repository")
        self.branch = branch or self.repo.default_branch

    def head(self, paths: tuple[str, ...]) -> Head:
        """The branch tip and the current text of `paths` there (None where missing)."""
        ref = _call(lambda: self.repo.get_git_ref(f"heads/{self.branch}"), self, "read the branch")
        commit = _call(
            lambda: self.repo.get_git_commit(ref.object.sha), self, "read the head commit"
        )
        return Head(ref, commit, {p: self._read(p, commit.sha) for p in paths})

    def _read(self, path: str, sha: str) -> str | None:
        try:
            content = self.repo.get_contents(path, ref=sha)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise _publish_error(exc, self, f"read {path}") from exc
        except NETWORK_ERRORS as exc:
            raise PublishError(f"{self.full_name}: cannot read {path}: {describe(exc)}") from exc
        if isinstance(content, list):
            raise PublishError(f"{self.full_name}: {path} is a folder, expected a file")
        return content.decoded_content.decode("utf-8")

    def commit(self, head: Head, files: Mapping[str, str], message: str) -> Committed:
        """Commit `files` on top of head; move the branch to it only if nobody else moved it."""
        elements = [
            InputGitTreeElement(p, "100644", "blob", content=text) for p, text in files.items()
        ]
        tree = _call(lambda: self.repo.create_git_tree(elements, head.commit.tree), self, "write")
        commit = _call(
            lambda: self.repo.create_git_commit(message, tree, [head.commit]), self, "write"
        )
        _call(lambda: head.ref.edit(commit.sha, force=False), self, "move the branch")
        return Committed(commit.sha, commit.html_url)


class BranchMoved(Exception):
    """The ref update was refused: someone pushed while we worked."""


def publish(
    target: Target, files: Mapping[str, str], message: str, pages: tuple[str, ...]
) -> Committed | None:
    """Commit files to the branch; on a race, rebuild on the new head (never force).

    Returns None when the branch already carries the text of every page (nothing to commit).
    """
    for attempt in range(1, ATTEMPTS + 1):
        head = target.head(tuple(files))
        if all(head.files.get(page) == files[page] for page in pages):
            return None
        try:
            return target.commit(head, files, message)
        except BranchMoved:
            log.warning("%s moved during the run (attempt %d of %d): rebuilding on the new head",
                        target.branch, attempt, ATTEMPTS)  # fmt: skip
    raise PublishError(
        f"{target.full_name}: branch {target.branch} kept moving; gave up after {ATTEMPTS} "
        "attempts without forcing. Run the update again."
    )


def _call(action: Callable[[], T], target: Target, what: str) -> T:
    """Run one API call; turn its failure into one clear line (or BranchMoved on a race)."""
    try:
        return action()
    except GithubException as exc:
        if exc.status == 422 and what == "move the branch":
            raise BranchMoved from exc
        raise _publish_error(exc, target, what) from exc
    except NETWORK_ERRORS as exc:
        raise PublishError(f"{target.full_name}: cannot {what}: {describe(exc)}") from exc


def _publish_error(exc: GithubException, target: Target, what: str) -> PublishError:
    """One line naming what to fix, for the statuses a publish meets."""
    name = target.full_name
    if exc.status == 401:
        return PublishError("GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN")
    if exc.status == 403:
        return PublishError(
            f"{name}: the token may not {what} (403): give the job `permissions: contents: write` "
            "(or use a token with write access to the repository)"
        )
    if exc.status == 404 and what == "open the repository":
        return PublishError(
            f"{name}: repository not found, or the token cannot see it: "
            "check --repo / GITHUB_REPOSITORY and the token's access"
        )
    if exc.status == 404:
        return PublishError(f"{name}: branch {target.branch} not found: check --branch")
    return PublishError(f"{name}: cannot {what}: HTTP {exc.status}: {exc.message or exc.data}")
