"""`updater update`: fetch, render, and commit every changed page with data/stats.json."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from updater.actions import Outcome, warning_commands, write_step_files
from updater.build import Build, Fetcher, Paths, build
from updater.changes import commit_message, shown_changes
from updater.config import Settings
from updater.errors import InputError, PublishError, SourceError, UpdaterError
from updater.files import unified_diff
from updater.publish import Target, publish
from updater.snapshot import Snapshot, dumps, parse_snapshot
from updater.summary import failures, summary_lines

log = logging.getLogger("updater")

TargetFactory = Callable[[str, str | None], Target]
REPO_RE = re.compile(r"^[\w.-]+/[\w.-]+$")


@dataclass(frozen=True)
class UpdateOptions:
    """What `updater update` was asked to do."""

    repo: str | None
    branch: str | None
    dry_run: bool
    strict: bool


def update(
    paths: Paths, fetch: Fetcher | None, open_target: TargetFactory, options: UpdateOptions,
    settings: Settings,
) -> int:  # fmt: skip
    """Commit the changed pages and the snapshot to the target branch when a page changed."""
    repo = _target_repo(options.repo, settings)
    if not options.dry_run and not settings.github_token:
        raise PublishError(
            "GITHUB_TOKEN is not set: `updater update` commits through the GitHub API and needs "
            "a token with `contents: write` (or use --dry-run)"
        )
    result = build(paths, fetch)
    _report(result, settings)
    if options.strict and failures(result.results):
        raise SourceError("a source failed and --strict is set: nothing committed")
    stats_path = _repo_path(paths.stats)
    page_paths = {name: _repo_path(paths.page(name)) for name in result.pages}
    target = open_target(repo, options.branch)
    head = target.head((*page_paths.values(), stats_path))
    remote_old = _remote_snapshot(head.files.get(stats_path), stats_path) or result.old
    changes = tuple(shown_changes(remote_old, result.new, result.targets))
    changed = {
        page_paths[name]: text
        for name, text in result.pages.items()
        if head.files.get(page_paths[name]) != text
    }
    outcome = Outcome(result.results, result.old, changes)
    if not changed:
        return _done(outcome, f"every page on {target.branch} already shows this text", settings)
    message = commit_message(list(changes), tuple(changed))
    if options.dry_run:
        for path, text in changed.items():
            _print_dry_run(head.files.get(path), text, path)
        sys.stdout.write(f"\n--- commit message (dry run: nothing was written) ---\n{message}")
        return 0
    files = {**changed, stats_path: dumps(result.new)}
    committed = publish(target, files, message, tuple(changed))
    if committed is None:
        return _done(outcome, f"the pages on {target.branch} were updated meanwhile", settings)
    log.info("committed %s to %s@%s: %s", committed.sha[:7], repo, target.branch, committed.url)
    done = replace(outcome, commit_sha=committed.sha, commit_url=committed.url)
    write_step_files(done, settings.step_summary, settings.step_output)
    return 0


def _target_repo(repo: str | None, settings: Settings) -> str:
    name = repo or settings.github_repository
    if not name:
        raise InputError("no target repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
    if not REPO_RE.match(name):
        raise InputError(f"--repo: expected OWNER/NAME, got {name!r}")
    return name


def _repo_path(path: Path) -> str:
    """The path inside the repository: relative to the current directory, the repository root."""
    relative = Path(os.path.relpath(path)) if path.is_absolute() else path
    if relative.parts and relative.parts[0] == "..":
        raise InputError(f"{path}: must be inside the repository (run from its root)")
    return relative.as_posix()


def _remote_snapshot(text: str | None, source: str) -> Snapshot | None:
    if text is None:
        return None
    try:
        return parse_snapshot(text, f"{source} (on GitHub)")
    except UpdaterError as exc:
        log.warning("%s; comparing against the local snapshot instead", exc)
        return None


def _report(result: Build, settings: Settings) -> None:
    for line in summary_lines(result.results, result.old):
        log.info("%s", line)
    if settings.in_actions:
        for line in warning_commands(result.results):
            print(line)


def _done(outcome: Outcome, note: str, settings: Settings) -> int:
    log.info("no commit: %s", note)
    write_step_files(replace(outcome, note=note), settings.step_summary, settings.step_output)
    return 0


def _print_dry_run(current: str | None, rendered: str, path: str) -> None:
    sys.stdout.writelines(
        unified_diff(current, rendered, f"{path} (on GitHub)", f"{path} (rendered)")
    )
