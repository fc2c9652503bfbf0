"""Where this copy of the tool comes from, so `init` can pin the workflow to it: the GitHub
repository and a full commit SHA that GitHub has. From pip's record of a `git+https://` install,
from the git checkout the tool runs from, or from the record a build from a checkout wrote into
the package (build_backend/updater_build.py), in that order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from updater import __version__
from updater.adopt import REPO_RE, SHA_RE, ActionPin
from updater.errors import InputError
from updater.gitorigin import Checkout, Git, describe, github_repo, run_git

__all__ = ["Git", "github_repo", "run_git"]

DISTRIBUTION = "profile-readme-updater"
SOURCE = Path(__file__).resolve().parent.parent
RECORD = "_origin.json"
INSTALL_HINT = "pip install git+https://github.com/OWNER/NAME"


@dataclass(frozen=True)
class Origin:
    """What is known of where this copy came from: the repository and the commit to pin (each
    None when unknown), why a missing one is missing, and a note when the commit pinned is
    not the one this copy was built from."""

    repo: str | None
    sha: str | None
    why: str = "it was not installed from GitHub, nor built from a git checkout"
    note: str | None = None


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


def build_record() -> Checkout | None:
    """The checkout this copy was built from, as its build recorded it in the package."""
    try:
        text = resources.files("updater").joinpath(RECORD).read_text(encoding="utf-8")
        return Checkout.from_json(json.loads(text))
    except (OSError, ValueError):
        return None


def locate(
    record: dict[str, object] | None,
    built: Checkout | None,
    git: Git = run_git,
    source: Path | None = None,
) -> Origin:
    """Where this copy comes from: pip's record of a git install, else the checkout it runs
    from, else the record of the checkout it was built from, else nowhere known."""
    found = _from_record(record) if record else None
    if found:
        return found
    checkout = describe(SOURCE if source is None else source, git)
    if checkout:
        return _from_checkout(checkout, f"the git checkout {source or SOURCE}")
    if built:
        return _from_checkout(built, "the git checkout it was built from")
    return Origin(None, None)


def find_pin(repo: str | None, sha: str | None, origin: Origin) -> ActionPin:
    """The action to pin: the values given, else those of the origin; all that is missing is
    asked for in one message."""
    repo, sha = repo or origin.repo, sha or origin.sha
    missing = []
    if not repo:
        missing.append("--action-repo OWNER/NAME (the tool's repository on GitHub)")
    if not sha:
        missing.append("--action-ref SHA (the full SHA of a commit of it that is on GitHub)")
    if not repo or not sha:
        what = " and ".join(w for w, known in (("repository", repo), ("commit", sha)) if not known)
        raise InputError(
            f"cannot tell which {what} of updater to pin the workflow to: {origin.why}. Pass "
            f"{' and '.join(missing)}, or install the tool from GitHub: `{INSTALL_HINT}`"
        )
    if not SHA_RE.match(sha):
        raise InputError(f"--action-ref {sha}: expected a full 40-character commit SHA")
    if not REPO_RE.match(repo):
        raise InputError(f"--action-repo {repo}: expected OWNER/NAME")
    return ActionPin(repo, sha, f"{DISTRIBUTION} {__version__}")


def _from_record(record: dict[str, object]) -> Origin | None:
    vcs = record.get("vcs_info")
    url = record.get("url")
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git" or not isinstance(url, str):
        return None
    commit = vcs.get("commit_id")
    repo = github_repo(url)
    return Origin(
        repo,
        commit if isinstance(commit, str) and repo else None,
        why=f"it was installed from {url}, which is not on GitHub",
    )


def _from_checkout(checkout: Checkout, where: str) -> Origin:
    short = checkout.head[:12]
    if checkout.repo is None:
        return Origin(None, None, why=f"{where} (at {short}) has no remote on GitHub")
    if checkout.pushed is None:
        why = (
            f"no commit of {where} (at {short}) is on a branch of its remote "
            f"{checkout.remote} ({checkout.repo}) that git knows of: push it, or "
            f"`git fetch {checkout.remote}`, then install the tool again"
        )
        return Origin(checkout.repo, None, why=why)
    note = None
    if checkout.pushed != checkout.head:
        commits = "commit" if checkout.unpushed == 1 else "commits"
        note = (
            f"this copy of updater is {checkout.unpushed} {commits} ahead of {checkout.repo} on "
            f"GitHub (it is at {short}), so the workflow pins {checkout.pushed[:12]}, the newest "
            f"commit under it that GitHub has; push and install the tool again to pin {short}"
        )
    return Origin(checkout.repo, checkout.pushed, note=note)


def profile_remote(root: Path, git: Git = run_git) -> str | None:
    """OWNER/NAME of the profile repository in root, from its `origin` remote on GitHub."""
    remote = git(root, ["remote", "get-url", "origin"])
    return github_repo(remote) if remote else None


def profile_owner(root: Path, git: Git = run_git) -> str | None:
    """The owner of the profile repository in root, from its `origin` remote on GitHub."""
    repo = profile_remote(root, git)
    return repo.split("/")[0] if repo else None
