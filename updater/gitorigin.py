"""Where a git checkout stands on GitHub: the GitHub repository of one of its remotes, and the
newest commit of its history that GitHub has, the one a workflow can pin.

Standard library only: the build backend (build_backend/updater_build.py) loads this file by
path, before any of the tool's dependencies are installed, to record it in the wheel."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# https://github.com/OWNER/NAME(.git), git@github.com:OWNER/NAME(.git), ssh://git@github.com/...
_GITHUB_URL_RE = re.compile(
    r"^(?:git\+)?(?:https?://|ssh://git@|git@)github\.com[/:]"
    r"(?P<repo>[A-Za-z0-9-]+/[\w.-]+?)(?:\.git)?/?\Z"
)
# Remotes asked first: a clone's own, then the one a fork's clone usually names its parent.
_PREFERRED = ("origin", "upstream")

Git = Callable[[Path, list[str]], str | None]


def run_git(cwd: Path, args: list[str]) -> str | None:
    """`git ARGS` in cwd: its stdout stripped, or None when git fails or is missing."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def github_repo(url: str) -> str | None:
    """OWNER/NAME of a GitHub remote or clone URL, else None."""
    match = _GITHUB_URL_RE.match(url.strip())
    return match["repo"] if match else None


@dataclass(frozen=True)
class Checkout:
    """A git checkout: its HEAD, and (when one of its remotes is on GitHub) that repository,
    the newest commit of HEAD's history on one of that remote's branches, and how many
    commits of HEAD are on none of them."""

    head: str
    repo: str | None = None
    remote: str | None = None
    pushed: str | None = None
    unpushed: int = 0

    def to_json(self) -> dict[str, object]:
        """The record the build writes into the package (updater/_origin.json)."""
        return {
            "head": self.head,
            "repo": self.repo,
            "remote": self.remote,
            "pushed": self.pushed,
            "unpushed": self.unpushed,
        }

    @classmethod
    def from_json(cls, data: object) -> Checkout | None:
        """The record read back, or None when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("head"), str):
            return None
        text = {k: data.get(k) if isinstance(data.get(k), str) else None for k in cls._TEXT}
        unpushed = data.get("unpushed")
        count = unpushed if isinstance(unpushed, int) and not isinstance(unpushed, bool) else 0
        return cls(data["head"], text["repo"], text["remote"], text["pushed"], count)

    _TEXT = ("repo", "remote", "pushed")


def describe(path: Path, git: Git = run_git) -> Checkout | None:
    """The checkout whose work tree is exactly `path`, else None (a folder inside another
    repository, such as a virtual environment in a clone, is not a checkout of the tool)."""
    if not (path / ".git").exists():
        return None
    top = git(path, ["rev-parse", "--show-toplevel"])
    head = git(path, ["rev-parse", "--verify", "--quiet", "HEAD"])
    if not top or not head or Path(top).resolve() != path.resolve():
        return None
    found = github_remote(path, git)
    if found is None:
        return Checkout(head)
    remote, repo = found
    pushed, unpushed = newest_pushed(path, remote, git)
    return Checkout(head, repo, remote, pushed, unpushed)


def github_remote(path: Path, git: Git = run_git) -> tuple[str, str] | None:
    """(remote, OWNER/NAME) of the first remote on GitHub: origin, upstream, then by name.

    The URL as configured, before `url.<base>.insteadOf` rewrites it: a mirror that stands in
    for GitHub still names the repository on GitHub."""
    listed = git(path, ["config", "--get-regexp", r"^remote\..*\.url$"]) or ""
    urls: dict[str, str] = {}
    for line in listed.splitlines():
        key, _, url = line.partition(" ")
        urls.setdefault(key.removeprefix("remote.").removesuffix(".url"), url)
    order = [name for name in _PREFERRED if name in urls]
    order += sorted(name for name in urls if name not in _PREFERRED)
    for name in order:
        repo = github_repo(urls[name])
        if repo:
            return name, repo
    return None


def newest_pushed(path: Path, remote: str, git: Git = run_git) -> tuple[str | None, int]:
    """The newest commit of HEAD's history on a branch of `remote` that git knows of (its
    remote-tracking branches), and how many of HEAD's commits are on none; (None, n) if none."""
    listed = git(path, ["rev-list", "--boundary", "HEAD", "--not", f"--remotes={remote}"])
    if listed is None:
        return None, 0
    lines = listed.split()
    unpushed = [line for line in lines if not line.startswith("-")]
    if not unpushed:
        return git(path, ["rev-parse", "HEAD"]), 0
    boundary = [line[1:] for line in lines if line.startswith("-")]
    if not boundary:
        return None, len(unpushed)
    # Several pushed parents (a merge of two pushed branches): the newest by commit time.
    newest = git(path, ["rev-list", "--no-walk=sorted", "--max-count=1", *boundary])
    return newest or boundary[0], len(unpushed)
