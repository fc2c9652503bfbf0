"""Commit the generated files back to GitHub: one commit through the Git Data API, never forced.

Remote files are read as git blobs (any size, any encoding) and compared as bytes through their
blob ids; every request runs under the publishing deadline, however slowly the server answers.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from threading import Thread
from typing import NamedTuple, TypeVar
from urllib.parse import quote

import requests
from github import Github, GithubException, InputGitTreeElement
from github.GitCommit import GitCommit
from github.GitRef import GitRef
from github.Repository import Repository

from updater.errors import PublishError
from updater.sources.http import Deadline, DeadlineExceeded, RateLimited, describe

log = logging.getLogger("updater")

T = TypeVar("T")
Trees = dict[str, dict[str, tuple[str, str]]]  # tree id -> name -> (type, id)
ATTEMPTS = 3
NETWORK_ERRORS = (requests.RequestException, DeadlineExceeded)
# Where each kind of protection lets an identity through; the token that commits must be one.
BYPASS = {
    "branch": "Settings > Branches, the rule for the branch: allow the bot to bypass it",
    "ruleset": "Settings > Rules > Rulesets, the ruleset: add the bot to its bypass list",
}
BYPASS_FIX = (
    "To publish, let the identity that commits through ({where}; the bot is a GitHub App or a "
    "user whose token is passed as GITHUB_TOKEN), or publish to another branch with --branch NAME"
)


class Protection(NamedTuple):
    """One protection as GitHub names it in a refusal, and what it means for the bot."""

    said: re.Pattern[str]  # GitHub's words, classic protection and rulesets alike
    name: str
    why: str
    bypass: bool = True  # whether letting the bot through is the fix


def _p(pattern: str, name: str, why: str, bypass: bool = True) -> Protection:
    return Protection(re.compile(pattern, re.IGNORECASE), name, why, bypass)


# In the order they are tested: "Waiting on code owner review" is about code owners, not
# reviews in general. Messages as GitHub sends them (API answers, and the GH006/GH013 lines
# of a refused push, which carry the same words).
PROTECTIONS = (
    _p(r"status checks? .*(?:is|are) expected", "required status checks",
       "a commit the bot makes has no passing checks when it lands"),
    _p(r"verified signatures|must be signed", "required signatures",
       "the commit the bot makes carries no signature GitHub verifies"),
    _p(r"merge commits|linear history", "required linear history",
       "the branch may not gain merge commits"),
    _p(r"code owner", "code owner review", "a direct commit has no code owner's review"),
    _p(r"pull request|approv\w* reviews?", "required pull request and reviews",
       "a direct commit has no pull request and no review"),
    _p(r"merge queue", "merge queue", "only the merge queue may update the branch"),
    _p(r"deploy", "required deployments", "the branch wants a successful deployment first"),
    _p(r"secret", "push protection (secret scanning)",
       "GitHub found what looks like a secret in the generated files: remove it from "
       "data/cv.yaml; letting the bot through would publish it", bypass=False),
    _p(r"file path|file extension|file size|path length", "push rules",
       "a generated file breaks a push rule (restricted path, extension, size or path length)"),
    _p(r"cannot update this protected ref|locked", "locked branch or restricted updates",
       "nobody may update the branch"),
    _p(r"not authorized to push|not allowed to push", "push restrictions",
       "only the people, teams and apps listed may push"),
)  # fmt: skip


def blob_id(data: bytes) -> str:
    """The id git (and GitHub) gives a file with these bytes: equal ids, equal bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's id


@dataclass(frozen=True)
class Head:
    """The tip of the target branch: its ref, its commit, and the blob id of each file asked for."""

    ref: GitRef
    commit: GitCommit
    blobs: Mapping[str, str | None]  # path -> blob id, None where the branch has no such file

    @property
    def committed_at(self) -> datetime:
        """When the tip was committed (the committer's date)."""
        return self.commit.committer.date

    def unchanged(self, path: str, data: bytes) -> bool:
        """Whether the branch already holds exactly these bytes at path."""
        return self.blobs.get(path) == blob_id(data)


@dataclass(frozen=True)
class Committed:
    """A commit that landed on the branch."""

    sha: str
    url: str


class Target:
    """One branch of one repository on GitHub, read and written through PyGithub.

    Every call is bounded by `deadline` as a whole, not only between bytes: a server that
    trickles its answer cannot hold the run past --deadline.
    """

    def __init__(
        self, github: Github, full_name: str, branch: str | None, deadline: Deadline
    ) -> None:
        self.full_name = full_name
        self.deadline = deadline
        self.branch = ""
        self.repo: Repository = self._call(
            lambda: github.get_repo(full_name), "open the repository"
        )
        self.branch = branch or self.repo.default_branch

    def head(self, paths: tuple[str, ...]) -> Head:
        """The branch tip and the blob id of each of `paths` there."""
        ref = self._call(lambda: self.repo.get_git_ref(f"heads/{self.branch}"), "read the branch")
        commit = self._call(lambda: self.repo.get_git_commit(ref.object.sha), "read the branch")
        trees: Trees = {}
        return Head(ref, commit, {p: self._blob_at(commit.tree.sha, p, trees) for p in paths})

    def _blob_at(self, root: str, path: str, trees: Trees) -> str | None:
        """Walk the trees one folder at a time (a recursive listing may be truncated)."""
        sha, *folders = [root, *path.split("/")[:-1]]
        for folder in folders:
            entry = self._entries(sha, trees).get(folder)
            if entry is None or entry[0] != "tree":
                return None
            sha = entry[1]
        entry = self._entries(sha, trees).get(path.rsplit("/", 1)[-1])
        if entry is not None and entry[0] != "blob":
            raise PublishError(
                f"{self.full_name}: {path} is a {entry[0]} on {self.branch}, expected a file"
            )
        return entry[1] if entry else None

    def _entries(self, sha: str, trees: Trees) -> dict[str, tuple[str, str]]:
        if sha not in trees:
            tree = self._call(lambda: self.repo.get_git_tree(sha), "read the branch's files")
            trees[sha] = {e.path: (e.type, e.sha) for e in tree.tree}
        return trees[sha]

    def read(self, blob: str) -> bytes:
        """The bytes of one blob, whatever their size (up to GitHub's 100 MB) and encoding."""
        found = self._call(lambda: self.repo.get_git_blob(blob), "read a file")
        if found.encoding == "base64":
            return base64.b64decode(found.content)
        return found.content.encode("utf-8")  # encoding "utf-8": the text as it is

    def commit(self, head: Head, files: Mapping[str, str], message: str) -> Committed:
        """Commit `files` on top of head; move the branch to it only if nobody else moved it."""
        elements = [
            InputGitTreeElement(p, "100644", "blob", content=text) for p, text in files.items()
        ]
        tree = self._call(lambda: self.repo.create_git_tree(elements, head.commit.tree), "write")
        commit = self._call(
            lambda: self.repo.create_git_commit(message, tree, [head.commit]), "write"
        )
        self._call(lambda: head.ref.edit(commit.sha, force=False), "move the branch")
        return Committed(commit.sha, commit.html_url)

    def enable_workflow(self, repo: str, file: str) -> None:
        """Re-enable a workflow (a no-op on an enabled one, which restarts its 60-day clock)."""
        url = f"/repos/{repo}/actions/workflows/{quote(file, safe='')}/enable"
        try:
            within(self.deadline, lambda: self.repo.requester.requestJsonAndCheck("PUT", url))
        except GithubException as exc:
            fix = (
                "give the job `permissions: actions: write`"
                if exc.status in (401, 403)
                else "check GITHUB_WORKFLOW_REF"
            )
            raise PublishError(
                f"{repo}: cannot re-enable {file} (HTTP {exc.status}: "
                f"{_github_message(exc)[:200]}): {fix}"
            ) from exc
        except (FutureTimeout, *NETWORK_ERRORS) as exc:
            raise PublishError(f"{repo}: cannot re-enable {file}: {describe(exc)}") from exc

    def _call(self, action: Callable[[], T], what: str) -> T:
        """Run one API call within the deadline; turn its failure into one clear error."""
        try:
            return within(self.deadline, action)
        except GithubException as exc:
            raise _publish_error(exc, self, what) from exc
        except FutureTimeout as exc:
            raise self._out_of_time(what) from exc
        except RateLimited as exc:
            raise PublishError(
                f"{self.full_name}: cannot {what}: {exc}; run the update again after that"
            ) from exc
        except NETWORK_ERRORS as exc:
            if self.deadline.expired:
                # The socket's timeout is the time left, so it may notice the deadline first.
                raise self._out_of_time(what) from exc
            raise PublishError(
                f"{self.full_name}: cannot {what}: {describe(exc)}: check the network, and "
                "GITHUB_API_URL if you set it; then run the update again"
            ) from exc

    def _out_of_time(self, what: str) -> PublishError:
        """The error for a call that the deadline ended, whichever timer noticed first."""
        maybe = " (GitHub may still apply it)" if what == "move the branch" else ""
        return PublishError(
            f"{self.full_name}: cannot {what}: no answer within the time left for publishing "
            f"(--deadline){maybe}; run the update again, or raise --deadline"
        )


def within(deadline: Deadline, action: Callable[[], T]) -> T:
    """The result of action, or TimeoutError once the deadline passes (the call is abandoned).

    The call runs in a daemon thread so that an abandoned one never holds the process open.
    """
    future: Future[T] = Future()

    def run() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(action())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who decides
                future.set_exception(exc)

    Thread(target=run, name="publish", daemon=True).start()
    return future.result(timeout=deadline.remaining())


class BranchMoved(PublishError):
    """The ref update was refused as not a fast forward: someone pushed while we worked."""


def publish(
    target: Target, files: Mapping[str, str], message: str, paths: tuple[str, ...],
    head: Head | None = None,
) -> Committed | None:  # fmt: skip
    """Commit the changed ones of files; on a race, rebuild on the new head (never force).

    Only `paths` (the pages) decide whether there is anything to commit: None when the branch
    already shows every one of them as rendered. The other files ride along when they differ.
    `head`, read earlier, saves reading it again: if the branch moved since, the ref update is
    refused as not a fast forward and the next attempt reads the new head.
    """
    for attempt in range(1, ATTEMPTS + 1):
        head = head if attempt == 1 and head is not None else target.head(tuple(files))
        changed = changed_files(head, files)
        if not set(changed) & set(paths):
            return None
        try:
            return target.commit(head, changed, message)
        except BranchMoved:
            log.warning("%s moved during the run (attempt %d of %d): rebuilding on the new head",
                        target.branch, attempt, ATTEMPTS)  # fmt: skip
    raise PublishError(
        f"{target.full_name}: branch {target.branch} kept moving; gave up after {ATTEMPTS} "
        "attempts without forcing. Run the update again."
    )


def changed_files(head: Head, files: Mapping[str, str]) -> dict[str, str]:
    """The files whose bytes differ from the branch's (or that it lacks)."""
    return {p: text for p, text in files.items() if not head.unchanged(p, text.encode("utf-8"))}


def _github_message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    text = data.get("message") if isinstance(data.get("message"), str) else exc.message
    return str(text or "")


def _refusal(exc: GithubException, target: Target) -> PublishError:
    """A refused ref update: a race is worth retrying, a protection or a ruleset is not, and
    each protection GitHub names gets its own line and fix."""
    said = _github_message(exc)
    quoted = re.sub(r"\s+", " ", said).strip()[:300]
    where = f"{target.full_name}: branch {target.branch}"
    if "not a fast forward" in said.lower():
        return BranchMoved(f"{where} moved during the run")
    named = [p for p in PROTECTIONS if p.said.search(said)]
    ruleset = "rule violation" in said.lower()
    if not named and not ruleset and "protected branch" not in said.lower():
        return PublishError(f'{where}: GitHub refused to move the branch ({exc.status} "{quoted}")')
    guard = "guarded by a ruleset" if ruleset else "protected"
    parts = [
        f'{where} is {guard}: GitHub refused the commit ({exc.status} "{quoted}"); nothing was '
        "changed."
    ]
    if named:
        parts.append("In the way: " + "; ".join(f"{p.name} ({p.why})" for p in named) + ".")
    if all(p.bypass for p in named):
        parts.append(BYPASS_FIX.format(where=BYPASS["ruleset" if ruleset else "branch"]))
    return PublishError(" ".join(parts))


def _publish_error(exc: GithubException, target: Target, what: str) -> PublishError:
    """One line naming what to fix, for the statuses a publish meets."""
    # 422 for classic protection and most rules; 409 for some ruleset refusals.
    if exc.status in (409, 422) and what == "move the branch":
        return _refusal(exc, target)
    return PublishError(_status_message(exc, target, what))


def _status_message(exc: GithubException, target: Target, what: str) -> str:
    name, status = target.full_name, exc.status
    said = f"HTTP {status}: {_github_message(exc)[:300]}"
    if status == 401:
        return (
            "GitHub rejected the token (401 Bad credentials): GITHUB_TOKEN is wrong, expired or "
            "revoked; set a valid one"
        )
    if status == 403:
        return (
            f"{name}: the token may not {what} (403): give the job `permissions: contents: write` "
            "(or use a token with write access to the repository)"
        )
    if status == 404 and what in ("open the repository", "read the branch"):
        if what == "read the branch":
            return f"{name}: branch {target.branch} not found: check --branch"
        return (
            f"{name}: repository not found, or the token cannot see it: "
            "check --repo / GITHUB_REPOSITORY and the token's access"
        )
    if status >= 500:
        return f"{name}: cannot {what}: GitHub failed ({said}); run the update again"
    return f"{name}: cannot {what}: {said}"
