"""`updater init [FILE ...]`: adopt hand-written pages in one command, never destroying a file.

Each FILE, named by its path from the repository root, becomes `templates/FILE.j2` (rendering
back to the same bytes); with none, README.md, or profile/README.md in an organization's `.github`
(or `.github-private`) repository, the page GitHub shows there. Beside them go a starter
`data/cv.yaml`, an empty `data/stats.json` and the update workflow. A data file, snapshot or
workflow that exists is kept as it is (`--workflow` rewrites only the workflow); an existing
template that differs is replaced only with `--force`. Whatever is replaced is first saved
beside it (`NAME.bak`, numbered if taken) and the backup's path is printed. Nothing is written
when any input is unreadable or a template would be replaced without `--force`."""

from __future__ import annotations

import logging
import re
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from updater.adopt import (
    BRANCH_RE,
    WORKFLOW_FILE,
    ActionPin,
    Writer,
    baked_numbers,
    page_writers,
    starter_cv,
    to_template,
    workflow,
)
from updater.build import find_targets
from updater.cv import parse_cv
from updater.errors import InputError, ValidationFailed
from updater.files import decode_text, read_bytes, read_text, write_files
from updater.links import Targets
from updater.origin import build_record, direct_url, find_pin, locate, profile_remote
from updater.pages import MAIN_PAGE, ORG_PAGE, SUFFIX, is_org_repository
from updater.snapshot import Snapshot, dumps
from updater.words import count

log = logging.getLogger("updater")

# One file or folder name of a page's path (templates/PATH.j2 renders to PATH): no `.`, `..`
# or hidden folder (pages are never read from one), no separator but `/`.
_PART_RE = re.compile(r"^\w[\w .@+-]*\Z")
DATA, STATS = "data/cv.yaml", "data/stats.json"
WORKFLOWS = ".github/workflows"


@dataclass(frozen=True)
class InitOptions:
    """What to adopt and how: the files, the profile's owner and branch, the action to pin."""

    files: tuple[str, ...]
    pin: ActionPin
    branch: str | None  # None: the repository's default branch, read when the workflow runs
    owner: str | None
    force: bool = False
    workflow_only: bool = False  # --workflow: (re)write the workflow and nothing else
    repo: str | None = None  # OWNER/NAME of the repository's origin on GitHub, when known
    why: str | None = None  # why these files, when init chose them (an organization's profile)


@dataclass(frozen=True)
class Step:
    """One file of the plan: what init does with it, and where the old bytes are saved."""

    rel: str
    text: str
    action: str  # "created" | "replaced" | "unchanged" | "kept" | "refused" (needs --force)
    backup: str | None = None  # repository path of the saved old file, when replaced


def init(
    root: Path,
    files: list[str],
    *,
    force: bool = False,
    action_repo: str | None = None,
    action_ref: str | None = None,
    branch: str | None = None,
    workflow_only: bool = False,
) -> int:
    """Adopt `files` in the profile repository at root, pinning the workflow to this tool."""
    if workflow_only and files:
        raise InputError(
            f"--workflow writes only {WORKFLOW_FILE}: name no files (got {' '.join(files)})"
        )
    origin = locate(direct_url(), build_record())
    pin = find_pin(action_repo, action_ref, origin)
    if origin.note and not action_ref:
        log.warning("%s", origin.note)
    if branch is not None and not BRANCH_RE.fullmatch(branch):
        raise InputError(f"--branch {branch!r}: not a branch name the workflow can use")
    repo = profile_remote(root)
    chosen, why = ((), None) if workflow_only else _pages_to_adopt(files, repo)
    owner = repo.split("/")[0] if repo else None
    options = InitOptions(chosen, pin, branch, owner, force, workflow_only, repo, why)
    return adopt(root, options)


def _pages_to_adopt(files: list[str], repo: str | None) -> tuple[tuple[str, ...], str | None]:
    """The files named, else the page GitHub shows from this repository: README.md, or in an
    organization's `.github` (or `.github-private`) repository profile/README.md, and why."""
    if files:
        return tuple(files), None
    if repo is None or not is_org_repository(repo):
        return (MAIN_PAGE,), None
    owner, name = repo.split("/")
    view = " to its members" if name.lower() == ".github-private" else ""
    return (ORG_PAGE,), (
        f"{repo} is an organization's profile repository: GitHub shows its {ORG_PAGE} at "
        f"https://github.com/{owner}{view}, so init adopts {ORG_PAGE} (name the files to "
        "adopt others)"
    )


def adopt(root: Path, options: InitOptions) -> int:
    """Write the templates, data, snapshot and workflow; print what was done and what next."""
    pages = {name: _read_page(root, name) for name in options.files}
    wanted = _wanted(pages, options)
    steps = [_step(root, rel, text, options) for rel, text in wanted.items()]
    refused = [s.rel for s in steps if s.action == "refused"]
    if refused:
        raise ValidationFailed(
            [
                f"{root / rel}: already exists and differs; pass --force to replace it (the "
                "old one is then saved beside it as a backup)"
                for rel in refused
            ]
        )
    plan = {root / s.rel: s.text for s in steps if s.action in ("created", "replaced")}
    plan |= {root / s.backup: _old_text(root, s.rel) for s in steps if s.backup is not None}
    write_files(plan, root)
    writers = page_writers(_other_workflows(root), options.files, options.pin.repo)
    warnings = [_writer_line(w) for w in writers]
    warnings += [_baked_line(name, b) for name, text in pages.items() if (b := baked_numbers(text))]
    warnings += _not_shown(options)
    sys.stdout.write(report(steps, _tracked(pages), warnings, options))
    return 0


def _wanted(pages: Mapping[str, str], options: InitOptions) -> dict[str, str]:
    """Every file init would write, with the text it would hold."""
    wanted = {f"templates/{name}{SUFFIX}": to_template(text, name) for name, text in pages.items()}
    if not options.workflow_only:
        wanted[DATA] = starter_cv(options.owner, options.pin)
        wanted[STATS] = dumps(Snapshot())
    wanted[WORKFLOW_FILE] = workflow(options.pin, options.branch)
    return wanted


def _step(root: Path, rel: str, text: str, options: InitOptions) -> Step:
    """What to do with one file: never lose the bytes of one that exists and differs."""
    old = read_bytes(root / rel, root)
    if old is None:
        return Step(rel, text, "created")
    if old == text.encode("utf-8"):
        return Step(rel, text, "unchanged")
    replaceable = (
        options.workflow_only if rel == WORKFLOW_FILE else options.force and _is_template(rel)
    )
    if replaceable:
        return Step(rel, text, "replaced", _free_backup(root, rel))
    # An existing data file, snapshot or workflow is the owner's: kept. A template is refused.
    return Step(rel, text, "refused" if _is_template(rel) else "kept")


def _is_template(rel: str) -> bool:
    return rel.startswith("templates/")


def _free_backup(root: Path, rel: str) -> str:
    """`REL.bak`, else `REL.bak.1`, `REL.bak.2`...: never an existing file. The suffix keeps
    a backup out of every list the tool and GitHub read (pages, partials, workflows)."""
    candidate, n = f"{rel}.bak", 0
    while (root / candidate).exists() or (root / candidate).is_symlink():
        n += 1
        candidate = f"{rel}.bak.{n}"
    return candidate


def _old_text(root: Path, rel: str) -> str:
    """The bytes of a file about to be replaced, as text for the backup (kept byte for byte)."""
    data = read_bytes(root / rel, root) or b""
    return decode_text(root / rel, data, nul_is_binary=False)


def _other_workflows(root: Path) -> dict[str, str]:
    """The repository's other workflow files (path -> text), to find another bot on a page."""
    folder = root / WORKFLOWS
    if not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        rel = f"{WORKFLOWS}/{path.name}"
        if path.suffix not in (".yml", ".yaml") or rel == WORKFLOW_FILE:
            continue
        try:
            text = read_text(path, root)
        except InputError:
            continue  # not readable as text: not a workflow GitHub runs either
        if text is not None:
            found[rel] = text
    return found


def _tracked(pages: Mapping[str, str]) -> dict[str, Targets]:
    """What each adopted page links that updater tracks (the starter CV adds nothing)."""
    cv = parse_cv("title: null\nsections: []\n", "(starter)")
    return {name: find_targets(cv, {name: text}) for name, text in pages.items()}


def _not_shown(options: InitOptions) -> list[str]:
    """In an organization's profile repository, a page GitHub does not show on the profile."""
    repo = options.repo
    files = options.files
    if repo is None or not is_org_repository(repo) or not files or ORG_PAGE in files:
        return []
    return [
        f"warning: in {repo}, GitHub shows {ORG_PAGE} on the organization's profile "
        f"(https://github.com/{repo.split('/')[0]}), not {', '.join(files)}: adopt "
        f"{ORG_PAGE} too (`updater init {ORG_PAGE}`) if the profile should have live numbers"
    ]


def _read_page(root: Path, name: str) -> str:
    _check_page_name(name)
    path = root / name
    # The one checked read: inside the repository, a regular file, under the cap.
    data = read_bytes(path, root)
    if data is None:
        hint = "run from the profile repository root"
        if name == ORG_PAGE:
            hint = (
                f"GitHub shows an organization's profile from {ORG_PAGE} of its .github "
                "repository: create it (one line will do), then run init again"
            )
        raise InputError(f"{path}: no such file; {hint}")
    return decode_text(path, data, nul_is_binary=False)


def _check_page_name(name: str) -> None:
    """A page is named by its path from the repository root, inside it: `profile/README.md`."""
    parts = name.split("/")
    problem = None
    if "\\" in name:
        problem = "write folders with / (profile/README.md), as GitHub names paths"
    elif name.startswith("/") or ":" in parts[0]:
        problem = "an absolute path: name the page by its path from the repository root"
    elif ".." in parts:
        problem = "`..` leads out of the repository: name the page by its path from its root"
    elif bad := [p for p in parts[:-1] if p.startswith(".")]:
        problem = (
            f"in the folder {bad[0]}: pages are never rendered into a folder whose name starts "
            "with '.' (.github holds workflows, which the update's token may not commit)"
        )
    elif parts[-1].startswith("_"):
        problem = "a template named _NAME.j2 is a partial for includes, never rendered: rename it"
    elif not all(_PART_RE.match(part) for part in parts):
        problem = (
            "each name on a page's path holds letters, digits, spaces and . _ - @ +, like "
            "README.md or profile/README.md"
        )
    if problem:
        raise InputError(f"{name}: {problem}")


def report(
    steps: list[Step], tracked: Mapping[str, Targets], warnings: list[str], options: InitOptions
) -> str:
    """What init did, what the pages track, what to look out for, and the next steps."""
    lines = [textwrap.fill(options.why, 92), ""] if options.why else []
    lines += [f"{s.action} {s.rel}{_what(s, options)}" for s in steps]
    if tracked:
        lines += ["", *(_tracking_line(name, t) for name, t in tracked.items())]
    if warnings:
        lines += ["", *warnings]
    if options.workflow_only:
        return "\n".join(lines) + "\n"
    pages = ", ".join(options.files)
    numbers = NUMBERS if any(_kinds(t) for t in tracked.values()) else NO_NUMBERS
    steps_text = NEXT_STEPS.format(
        pages=pages, numbers=numbers.format(pages=pages), branch=_branch_step(options),
        repo=options.pin.repo,
    )  # fmt: skip
    return "\n".join(lines) + "\n\n" + steps_text


def _what(step: Step, options: InitOptions) -> str:
    rel = step.rel
    if step.action == "kept":
        if rel == WORKFLOW_FILE:
            return (
                " (yours, it differs from what init writes: `updater init --workflow` "
                "rewrites it, saving yours)"
            )
        return " (yours: init never replaces it)"
    saved = f"; the old one is saved as {step.backup}" if step.backup else ""
    if _is_template(rel):
        return f" (renders to {rel.removeprefix('templates/').removesuffix(SUFFIX)}{saved})"
    if rel == WORKFLOW_FILE:
        pin = options.pin
        return f" (nightly; uses {pin.repo}@{pin.sha[:12]}, {_publishes(options)}{saved})"
    if rel == DATA and step.action == "created" and not options.owner:
        return " (set tracking.github_user to your login for the stars total)"
    return ""


def _branch_step(options: InitOptions) -> str:
    if options.branch is None:
        return DEFAULT_BRANCH_STEP
    return GIVEN_BRANCH_STEP.format(branch=options.branch)


def _publishes(options: InitOptions) -> str:
    if options.branch is None:
        return "publishes to the default branch"
    return f"publishes to {options.branch}"


KINDS = (
    ("repositories", "GitHub repository", "GitHub repositories"),
    ("models", "Hugging Face model", "Hugging Face models"),
    ("datasets", "dataset", "datasets"),
    ("spaces", "Space", "Spaces"),
    ("papers", "paper", "papers"),
)


def _kinds(targets: Targets) -> list[str]:
    return [
        count(len(getattr(targets, field)), one, many)
        for field, one, many in KINDS
        if getattr(targets, field)
    ]


def _tracking_line(name: str, targets: Targets) -> str:
    kinds = _kinds(targets)
    if kinds:
        return f"{name} tracks {', '.join(kinds)}: the live numbers go right after each link"
    return (
        f"{name} links nothing updater tracks (no GitHub repository, Hugging Face model, "
        "dataset or Space, or paper): the page keeps its text until you add such a link or "
        "lay content out from data/cv.yaml"
    )


def _baked_line(name: str, baked: list[str]) -> str:
    return (
        f"warning: {name} already holds {count(len(baked), 'number', 'numbers')} updater wrote "
        f"(like `{baked[0].strip()}`): they are now fixed text in templates/{name}{SUFFIX}, "
        "beside which the live numbers would be added again. Delete them there, or adopt the "
        "page as you wrote it (restore the saved template if --force replaced it)"
    )


def _writer_line(writer: Writer) -> str:
    return (
        f"warning: {writer.workflow} already writes {writer.page} ({writer.evidence}): two "
        f"bots would commit the same page, and each update replaces {writer.page} with what "
        f"templates/{writer.page}{SUFFIX} renders, undoing the other's changes. Move what it "
        "adds into the template and disable that workflow, or do not adopt the page"
    )


DEFAULT_BRANCH_STEP = """\
  5. The workflow publishes to the repository's default branch, read when it runs (main or
     master alike); any other run is a dry run with a read-only token. To publish to another
     branch, `updater init --workflow --branch NAME` rewrites only the workflow."""
GIVEN_BRANCH_STEP = """\
  5. The workflow publishes to {branch}, and only a run on it does; any other run is a dry
     run with a read-only token. `updater init --workflow` (no --branch) makes it follow the
     default branch instead; it rewrites only the workflow."""
NUMBERS = """\
  2. See the numbers: `updater render` (with GITHUB_TOKEN set, fewer requests) puts the live
     stars after each GitHub repository link, downloads and likes after each Hugging Face
     model or dataset link, likes after each Space, and citations after each paper link."""
NO_NUMBERS = """\
  2. No numbers yet: nothing on {pages} links a GitHub repository, Hugging Face model,
     dataset or Space, or paper. Add such links (or lay content out from data/cv.yaml) and
     `updater render` puts the live numbers after them."""
NEXT_STEPS = """\
Next steps:
  1. Check that nothing changed: `updater render --offline` writes {pages} back byte for byte.
{numbers}
  3. Edit the page in templates/ (it is the old file with Jinja-looking text escaped), or move
     content into data/cv.yaml and lay it out from there: the manual's "Change the layout".
  4. Optional: add a repository secret HF_TOKEN (a read token; Settings > Secrets and
     variables > Actions) if you link private or gated Hugging Face models.
{branch}
  6. Commit and push templates/, data/ and .github/, then run it once: Actions > Update
     profile README > Run workflow (tick "Dry run" to see the diff first). On a fork, first
     enable workflows on the Actions tab. From now on edit templates/ or data/, not {pages}.
Manual: https://github.com/{repo}/blob/main/docs/README.md#adopt-it-for-your-profile
"""
