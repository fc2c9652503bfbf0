"""`updater init [FILE ...]`: adopt hand-written pages in one command.

Each FILE becomes `templates/FILE.j2` (rendering back to the same bytes), beside a starter
`data/cv.yaml`, an empty `data/stats.json` and the update workflow. Nothing is written when
any input is unreadable or any target exists (unless --force)."""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from updater.adopt import BRANCH_RE, WORKFLOW_FILE, ActionPin, starter_cv, to_template, workflow
from updater.errors import InputError, ValidationFailed
from updater.files import decode_text, read_bytes, write_atomic
from updater.origin import (
    build_record,
    default_branch,
    direct_url,
    find_pin,
    locate,
    profile_owner,
)
from updater.pages import SUFFIX
from updater.snapshot import Snapshot, dumps

log = logging.getLogger("updater")

# A page renders at the repository root, as templates/NAME.j2 does: no folder in its name.
_PAGE_NAME_RE = re.compile(r"^\w[\w .@+-]*\Z")


@dataclass(frozen=True)
class InitOptions:
    """What to adopt and how: the files, the profile's owner and branch, the action to pin."""

    files: tuple[str, ...]
    pin: ActionPin
    branch: str
    owner: str | None
    force: bool = False


def init(
    root: Path,
    files: list[str],
    *,
    force: bool = False,
    action_repo: str | None = None,
    action_ref: str | None = None,
    branch: str | None = None,
) -> int:
    """Adopt `files` in the profile repository at root, pinning the workflow to this tool."""
    origin = locate(direct_url(), build_record())
    pin = find_pin(action_repo, action_ref, origin)
    if origin.note and not action_ref:
        log.warning("%s", origin.note)
    branch = branch or default_branch(root)
    if not BRANCH_RE.match(branch):
        raise InputError(f"--branch {branch}: not a branch name the workflow can use")
    options = InitOptions(tuple(files), pin, branch, profile_owner(root), force)
    return adopt(root, options)


def adopt(root: Path, options: InitOptions) -> int:
    """Write the templates, data, snapshot and workflow; print what was created and what next."""
    pages = {name: _read_page(root, name) for name in options.files}
    plan = {f"templates/{name}{SUFFIX}": to_template(text, name) for name, text in pages.items()}
    plan["data/cv.yaml"] = starter_cv(options.owner, options.pin)
    plan["data/stats.json"] = dumps(Snapshot())
    plan[WORKFLOW_FILE] = workflow(options.pin, options.branch)
    existing = [rel for rel in plan if (root / rel).exists()]
    if existing and not options.force:
        raise ValidationFailed(
            [f"{root / rel}: already exists; pass --force to overwrite it" for rel in existing]
        )
    for rel, text in plan.items():
        write_atomic(root / rel, text, root)
    sys.stdout.write(report(plan, existing, options))
    return 0


def _read_page(root: Path, name: str) -> str:
    if not _PAGE_NAME_RE.match(name):
        where = (
            "it is in a folder: only files at the repository root can be adopted (pages render "
            "there); run init in the profile repository's root and name the file alone"
            if "/" in name or "\\" in name
            else "a page's name holds letters, digits, spaces and . _ - @ +, like README.md"
        )
        raise InputError(f"{name}: {where}")
    path = root / name
    # The one checked read: inside the repository, a regular file, under the cap.
    data = read_bytes(path, root)
    if data is None:
        raise InputError(f"{path}: no such file; run from the profile repository root")
    return decode_text(path, data, nul_is_binary=False)


def report(plan: dict[str, str], replaced: list[str], options: InitOptions) -> str:
    """What init created and the next steps, as printed on stdout."""
    lines = [
        f"{'overwrote' if rel in replaced else 'created'} {rel}{_what(rel, options)}"
        for rel in plan
    ]
    pages = ", ".join(options.files)
    steps = NEXT_STEPS.format(pages=pages, branch=options.branch, repo=options.pin.repo)
    return "\n".join(lines) + "\n\n" + steps


def _what(rel: str, options: InitOptions) -> str:
    if rel.startswith("templates/"):
        return f" (renders to {rel.removeprefix('templates/').removesuffix(SUFFIX)})"
    if rel == WORKFLOW_FILE:
        pin = options.pin
        return f" (nightly; uses {pin.repo}@{pin.sha[:12]}, commits to {options.branch})"
    if rel == "data/cv.yaml" and not options.owner:
        return " (set tracking.github_user to your login for the stars total)"
    return ""


NEXT_STEPS = """\
Next steps:
  1. Check that nothing changed: `updater render --offline` writes {pages} back byte for byte.
  2. See the numbers: `updater render` (with GITHUB_TOKEN set, fewer requests) puts the live
     stars after each GitHub repository link, downloads and likes after each Hugging Face
     model or dataset link, likes after each Space, and citations after each paper link.
  3. Edit the page in templates/ (it is the old file with Jinja-looking text escaped), or move
     content into data/cv.yaml and lay it out from there: the manual's "Change the layout".
  4. Optional: add a repository secret HF_TOKEN (a read token; Settings > Secrets and
     variables > Actions) if you link private or gated Hugging Face models.
  5. The workflow commits to the branch {branch}, and only a run on it publishes. If your
     default branch is another, run `updater init --force --branch NAME` before editing.
  6. Commit and push templates/, data/ and .github/, then run it once: Actions > Update
     profile README > Run workflow (tick "Dry run" to see the diff first). On a fork, first
     enable workflows on the Actions tab. From now on edit templates/ or data/, not {pages}.
Manual: https://github.com/{repo}/blob/main/docs/README.md#adopt-it-for-your-profile
"""
