"""`updater update`: check the target, fetch, render, and commit every changed page with
data/stats.json in one commit; no commit when no page changed."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from updater.actions import (
    Outcome,
    mask_commands,
    print_commands,
    warning_commands,
    write_step_files,
)
from updater.build import Build, Fetcher, Paths, build
from updater.changes import commit_message, shown_changes
from updater.config import Settings
from updater.cv import load_cv
from updater.errors import InputError, PublishError, SourceError, UpdaterError
from updater.files import read_bytes, unified_diff
from updater.keepalive import keep_alive, running_workflow
from updater.logs import Scrubber
from updater.pages import discover as discover_pages
from updater.publish import Head, Target, blob_id, publish
from updater.snapshot import Snapshot, dumps, parse_snapshot
from updater.summary import failures, summary_lines

log = logging.getLogger("updater")

TargetFactory = Callable[[str, str | None], Target]
Clock = Callable[[], datetime]
REPO_RE = re.compile(r"^[\w.-]+/[\w.-]+\Z")


@dataclass(frozen=True)
class UpdateOptions:
    """What `updater update` was asked to do."""

    repo: str | None
    branch: str | None
    dry_run: bool
    strict: bool
    keepalive_days: float = 50.0  # 0: never re-enable the workflow
    render_deadline: Callable[[], float] | None = None  # seconds left for rendering


@dataclass(frozen=True)
class Base:
    """What the pages are compared with: the branch on GitHub, or (dry run) the files on disk."""

    label: str
    blobs: Mapping[str, str | None]  # path -> blob id
    fetch: Callable[[str], bytes]  # blob id -> bytes

    def unchanged(self, path: str, text: str) -> bool:
        """Whether the base already holds exactly these bytes."""
        return self.blobs.get(path) == blob_id(text.encode("utf-8"))

    def read(self, path: str) -> bytes | None:
        """The base's bytes at path, None where it has no such file."""
        blob = self.blobs.get(path)
        return None if blob is None else self.fetch(blob)


def update(
    paths: Paths, fetch: Fetcher | None, open_target: TargetFactory, options: UpdateOptions,
    settings: Settings, *, now: Clock = lambda: datetime.now(UTC),
) -> int:  # fmt: skip
    """Commit every page whose text changed, with the snapshot, to the target branch."""
    scrub = Scrubber.of(settings.secrets)
    if settings.in_actions:
        print_commands(mask_commands(settings.secrets))
    repo = target_repo(options.repo, settings, paths.data)
    _require_token(options, settings)
    stats_path = _repo_path(paths.stats)
    wanted = (*_page_paths(paths), stats_path)
    reached = _reach(open_target, repo, options, wanted)
    if reached is None:
        fetch, base = None, _local_base(wanted)
    else:
        _check_checkout(reached[0].branch, options, settings)
        base = Base("on GitHub", reached[1].blobs, reached[0].read)
    result = build(paths, fetch, options.render_deadline)
    _report(result, settings, scrub)
    if options.strict and failures(result.results):
        raise SourceError("a source failed and --strict is set: nothing committed")
    pages = _pages(result, paths)
    old = _remote_snapshot(base.read(stats_path), stats_path) or result.old
    changes = tuple(shown_changes(old, result.new, result.targets))
    changed = tuple(p for p, text in pages.items() if not base.unchanged(p, text))
    message = scrub(commit_message(list(changes), changed))
    if options.dry_run:
        _print_dry_run(base, pages, changed, message, scrub)
        return 0
    assert reached is not None  # only a dry run goes on without the target
    run = _Run(*reached, Outcome(result.results, result.old, changes), options, settings, now)
    if not changed:
        return run.done(f"every page on {run.target.branch} already shows this text")
    return run.commit({**pages, stats_path: dumps(result.new)}, tuple(pages), message, scrub)


def _require_token(options: UpdateOptions, settings: Settings) -> None:
    if not options.dry_run and not settings.github_token:
        raise PublishError(
            "GITHUB_TOKEN is not set: `updater update` commits through the GitHub API and needs "
            "a token with `contents: write` (or use --dry-run)"
        )


def target_repo(repo: str | None, settings: Settings, data: Path) -> str:
    """--repo, else GITHUB_REPOSITORY, else the profile repository of tracking.github_user."""
    name = repo or settings.github_repository or _profile_repo(data)
    if not REPO_RE.match(name):
        raise InputError(f"--repo: expected OWNER/NAME, got {name!r}")
    return name


def _profile_repo(data: Path) -> str:
    """A profile README lives in the repository named after its owner: USER/USER."""
    user = load_cv(data, Path()).tracking.github_user
    if not user:
        raise InputError(
            f"no target repository: pass --repo OWNER/NAME, set GITHUB_REPOSITORY, or set "
            f"tracking.github_user in {data} (the profile repository is USER/USER)"
        )
    return f"{user}/{user}"


def _reach(
    open_target: TargetFactory, repo: str, options: UpdateOptions, paths: tuple[str, ...]
) -> tuple[Target, Head] | None:
    """Read the target before any fetch; a dry run that cannot goes on offline, saying why."""
    try:
        target = open_target(repo, options.branch)
        return target, target.head(paths)
    except PublishError as exc:
        if not options.dry_run:
            raise
        log.warning("%s\ndry run goes on offline: numbers from the snapshot, compared with the "
                    "files on disk instead of %s", exc, repo)  # fmt: skip
        return None


def _check_checkout(branch: str, options: UpdateOptions, settings: Settings) -> None:
    """In Actions, publish only the branch that was checked out: never mix two branches."""
    ref = settings.github_ref
    if options.dry_run or not settings.in_actions or ref is None or ref == f"refs/heads/{branch}":
        return
    checked_out = ref.removeprefix("refs/heads/")
    raise InputError(
        f"this run checked out {ref} but would commit to {branch}: the data, template and code "
        f"of one branch would be published to another. Run the workflow on {branch}, pass "
        f"--branch {checked_out} to publish there, or use --dry-run"
    )


def _local_base(paths: tuple[str, ...]) -> Base:
    found = {p: data for p in paths if (data := read_bytes(Path(p), Path())) is not None}
    by_id = {blob_id(data): data for data in found.values()}
    return Base("on disk", {p: blob_id(d) for p, d in found.items()}, by_id.__getitem__)


def _page_paths(paths: Paths) -> tuple[str, ...]:
    """The repository paths of the pages a build renders (read first, to check the target)."""
    return tuple(_repo_path(paths.page(page.name)) for page in discover_pages(paths.templates))


def _pages(result: Build, paths: Paths) -> dict[str, str]:
    """Repository path -> rendered text, one entry per page."""
    return {_repo_path(paths.page(name)): text for name, text in result.pages.items()}


def _repo_path(path: Path) -> str:
    """The path inside the repository: relative to the current directory, the repository root."""
    relative = Path(os.path.relpath(path)) if path.is_absolute() else path
    if relative.parts and relative.parts[0] == "..":
        raise InputError(f"{path}: must be inside the repository (run from its root)")
    return relative.as_posix()


def _remote_snapshot(data: bytes | None, source: str) -> Snapshot | None:
    """The branch's snapshot, the base the changes are named against; None if unusable."""
    if data is None:
        return None
    try:
        return parse_snapshot(data.decode("utf-8"), f"{source} (on GitHub)")
    except (UpdaterError, UnicodeDecodeError) as exc:
        not_utf8 = isinstance(exc, UnicodeDecodeError)
        reason = f"{source} (on GitHub) is not UTF-8" if not_utf8 else exc
        log.warning("%s; naming the changes against the local snapshot instead", reason)
        return None


def _report(result: Build, settings: Settings, scrub: Scrubber) -> None:
    for line in summary_lines(result.results, result.old):
        log.info("%s", line)
    if settings.in_actions:
        print_commands(warning_commands(result.results, scrub))


@dataclass(frozen=True)
class _Run:
    """A run that reached its target: it commits, or says why not (and keeps the workflow alive)."""

    target: Target
    head: Head
    outcome: Outcome
    options: UpdateOptions
    settings: Settings
    now: Clock

    def done(self, note: str) -> int:
        """Say why there is no commit, keep the workflow alive if due, write the summary."""
        log.info("no commit: %s", note)
        s, kept = self.settings, ""
        if s.in_actions and self.options.keepalive_days > 0:
            kept = keep_alive(
                lambda w: self.target.enable_workflow(w.repo, w.file),
                running_workflow(s.workflow_ref), last_commit=self.head.committed_at,
                now=self.now(), days=self.options.keepalive_days, branch=self.target.branch,
            )  # fmt: skip
        done = replace(self.outcome, note=note, keepalive=kept)
        write_step_files(done, s.step_summary, s.step_output, Scrubber.of(s.secrets))
        return 0

    def commit(
        self, files: Mapping[str, str], pages: tuple[str, ...], message: str, scrub: Scrubber
    ) -> int:
        """Publish the changed files in one commit; say what landed where."""
        committed = publish(self.target, files, message, pages, self.head)
        if committed is None:
            return self.done(f"the pages on {self.target.branch} were updated meanwhile")
        branch, s = self.target.branch, self.settings
        log.info("committed %s to %s@%s: %s",
                 committed.sha[:7], self.target.full_name, branch, committed.url)  # fmt: skip
        changed = tuple(p for p in pages if not self.head.unchanged(p, files[p].encode("utf-8")))
        done = replace(
            self.outcome, pages=changed, commit_sha=committed.sha, commit_url=committed.url
        )
        write_step_files(done, s.step_summary, s.step_output, scrub)
        return 0


def _print_dry_run(
    base: Base, pages: Mapping[str, str], changed: tuple[str, ...], message: str, scrub: Scrubber
) -> None:
    """The diff of every changed page against the base, and the commit message."""
    for path in changed:
        current = base.read(path)
        old = None if current is None else current.decode("utf-8", errors="replace")
        diff = unified_diff(old, pages[path], f"{path} ({base.label})", f"{path} (rendered)")
        sys.stdout.write(scrub("".join(diff)))
    if not changed:
        sys.stdout.write(f"every page ({base.label}) already shows this text: nothing would be "
                         "committed\n")  # fmt: skip
        return
    sys.stdout.write(f"\n--- commit message (dry run: nothing was written) ---\n{message}")
