"""Where this copy of the tool comes from, so `init` can pin the workflow to it: the GitHub
repository and the full commit SHA, from pip's record of a git install or from a git checkout."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from updater import __version__
from updater.adopt import REPO_RE, SHA_RE, ActionPin
from updater.errors import InputError

DISTRIBUTION = "profile-readme-updater"
# https://github.com/OWNER/NAME(.git), git@github.com:OWNER/NAME(.git), ssh://git@github.com/...
_GITHUB_URL_RE = re.compile(
    r"^(?:git\+)?(?:https?://|ssh://git@|git@)github\.com[/:]"
    r"(?P<repo>[A-Za-z0-9-]+/[\w.-]+?)(?:\.git)?/?$"
)
SOURCE = Path(__file__).resolve().parent.parent

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


def direct_url() -> dict[str, object] | None:
    """pip's record of where the installed distribution came from (PEP 610), if any."""
    # Several copies may be visible (an .egg-info in the current folder, say): the installed
    # one is the copy that has the record.
    for dist in metadata.distributions(name=DISTRIBUTION):
        text = dist.read_text("direct_url.json")
        try:
            data = json.loads(text) if text else None
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict):
            return data
    return None


def find_pin(
    repo: str | None,
    sha: str | None,
    record: dict[str, object] | None,
    git: Git = run_git,
    source: Path | None = None,
) -> ActionPin:
    """The action to pin: given values first, then a git install's record, then a checkout."""
    source = SOURCE if source is None else source
    found_repo, found_sha = _from_record(record) if record else (None, None)
    if found_sha is None and (source / ".git").exists():
        found_sha = git(source, ["rev-parse", "HEAD"])
        remote = git(source, ["remote", "get-url", "origin"])
        found_repo = found_repo or (github_repo(remote) if remote else None)
    repo, sha = repo or found_repo, sha or found_sha
    if not sha:
        raise InputError(
            "cannot tell which commit of updater to pin the workflow to (it was not installed "
            "from git): pass --action-ref SHA, the full commit SHA of the tool on GitHub"
        )
    if not SHA_RE.match(sha):
        raise InputError(f"--action-ref {sha}: expected a full 40-character commit SHA")
    if not repo:
        raise InputError(
            "cannot tell the tool's GitHub repository (it was not installed from GitHub): pass "
            "--action-repo OWNER/NAME, the repository whose action.yml the workflow should run "
            "(install with `pip install git+https://github.com/OWNER/NAME` to have both found)"
        )
    if not REPO_RE.match(repo):
        raise InputError(f"--action-repo {repo}: expected OWNER/NAME")
    return ActionPin(repo, sha, f"{DISTRIBUTION} {__version__}")


def _from_record(record: dict[str, object]) -> tuple[str | None, str | None]:
    vcs = record.get("vcs_info")
    url = record.get("url")
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git":
        return None, None
    commit = vcs.get("commit_id")
    repo = github_repo(url) if isinstance(url, str) else None
    return repo, commit if isinstance(commit, str) else None


def profile_owner(root: Path, git: Git = run_git) -> str | None:
    """The owner of the profile repository in root, from its `origin` remote on GitHub."""
    remote = git(root, ["remote", "get-url", "origin"])
    repo = github_repo(remote) if remote else None
    return repo.split("/")[0] if repo else None
