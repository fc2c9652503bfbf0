"""`updater update`: check the target, fetch, render, and commit every changed page with
data/stats.json in one commit; no commit when no page changed, and none when the page gate
(updater/gate.py) holds it back: a new check error, or a secret in a file to commit."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from updater.actions import (
    Outcome,
    error_command,
    mask_commands,
    print_commands,
    warning_command,
    warning_commands,
    write_step_files,
)
from updater.build import Build, Fetcher, Paths, build
from updater.changes import commit_message, shown_changes
from updater.config import Settings
from updater.cv import load_cv
from updater.errors import InputError, PublishError, SourceError, UpdaterError
from updater.files import read_bytes, read_text, unified_diff
from updater.gate import Candidate, Held, Verdict, inspect
from updater.keepalive import inactivity_warning, keep_alive, running_workflow
from updater.logs import Scrubber
from updater.pages import ORG_PAGE, SUFFIX, profile_repository
from updater.pages import discover as discover_pages
from updater.publish import Head, Target, blob_id, publish
from updater.snapshot import Snapshot, dumps, parse_snapshot
from updater.summary import failures, summary_lines
from updater.words import count

log = logging.getLogger("updater")

TargetFactory = Callable[[str, str | None], Target]
Clock = Callable[[], datetime]
REPO_RE = re.compile(r"^[\w.-]+/[\w.-]+\Z")
EXIT_HELD = 3  # the page gate held the commit back: as a refused publish


@dataclass(frozen=True)
class UpdateOptions:
    """What `updater update` was asked to do."""

    repo: str | None
    branch: str | None
    dry_run: bool
    strict: bool
    keepalive_days: float | None = None  # None (or 0): never re-enable the workflow (opt-in)
    allow_new_errors: bool = False  # publish a page that gains check errors (a deliberate change)
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
    page_paths = _page_paths(paths)
    repo = target_repo(options.repo, settings, paths.data, page_paths)
    _require_token(options, settings)
    stats_path = _repo_path(paths.stats)
    wanted = (*page_paths, stats_path)
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
    plan = _Plan(pages, changed, stats_path, dumps(result.new), message)
    verdict = _gate(paths, base, plan, settings, options)
    if settings.in_actions:
        print_commands(_held_commands(verdict, scrub))
    if options.dry_run:
        return _print_dry_run(base, plan, scrub, verdict)
    assert reached is not None  # only a dry run goes on without the target
    run = _Run(*reached, Outcome(result.results, result.old, changes), options, settings, now)
    if verdict.holds:
        return run.held(verdict)
    if not changed:
        return run.done(f"every page on {run.target.branch} already shows this text")
    return run.commit(plan.files, tuple(pages), message, scrub, verdict)


@dataclass(frozen=True)
class _Plan:
    """What the run would commit: every page, the changed ones, the snapshot, the message."""

    pages: Mapping[str, str]  # repository path -> rendered text
    changed: tuple[str, ...]
    stats_path: str
    stats: str
    message: str

    @property
    def files(self) -> dict[str, str]:
        """Every file handed to the commit (the unchanged ones are left out there)."""
        return {**self.pages, self.stats_path: self.stats}


def _gate(
    paths: Paths, base: Base, plan: _Plan, settings: Settings, options: UpdateOptions
) -> Verdict:
    """The page gate over the changed pages and every file the commit would hold."""
    changed = plan.changed
    if not changed:
        return Verdict()
    candidates = [
        Candidate(path, plan.pages[path], partial(_published, base, path), _template(paths, path))
        for path in changed
    ]
    committed = {**{path: plan.pages[path] for path in changed}, plan.stats_path: plan.stats}
    verdict = inspect(
        candidates, committed, settings.named_secrets, Path(),
        allow_new_errors=options.allow_new_errors,
    )  # fmt: skip
    if verdict.kept:
        log.info("%s the published %s already %s: not new, not held back (`updater check` "
                 "lists them)", count(verdict.kept, "error", "errors"),
                 "page" if len(changed) == 1 else "pages",
                 "has" if len(changed) == 1 else "have")  # fmt: skip
    return verdict


def _published(base: Base, path: str) -> str | None:
    data = base.read(path)
    return None if data is None else data.decode("utf-8", errors="replace")


def _template(paths: Paths, page: str) -> str | None:
    """The page's template source, which check needs to tell leftovers from literal text."""
    return read_text(paths.templates / f"{page}{SUFFIX}", paths.templates)


def _held_commands(verdict: Verdict, scrub: Scrubber) -> list[str]:
    """An annotation per finding: errors when held back, warnings when let through."""
    lines = [error_command(f"not published: {h.path}", h.format(), scrub) for h in verdict.held]
    if verdict.allowed and not verdict.secrets:
        title = "published with a new error (--allow-new-errors)"
        lines += [warning_command(title, h.format(), scrub) for h in verdict.errors]
    return lines


def _require_token(options: UpdateOptions, settings: Settings) -> None:
    if not options.dry_run and not settings.github_token:
        raise PublishError(
            "GITHUB_TOKEN is not set: `updater update` commits through the GitHub API and needs "
            "a token with `contents: write` (or use --dry-run)"
        )


def target_repo(
    repo: str | None, settings: Settings, data: Path, pages: tuple[str, ...] = ()
) -> str:
    """--repo, else GITHUB_REPOSITORY, else the profile repository of tracking.github_user
    (`pages`, the pages' repository paths, tell an organization's from a user's)."""
    name = repo or settings.github_repository or _profile_repo(data, pages)
    if not REPO_RE.match(name):
        raise InputError(f"--repo: expected OWNER/NAME, got {name!r}")
    return name


def _profile_repo(data: Path, pages: tuple[str, ...]) -> str:
    """Where GitHub shows the owner's profile from: a user's README.md from USER/USER, an
    organization's profile/README.md from ORG/.github (`.github-private`, the members-only
    one, only when named: --repo, or GITHUB_REPOSITORY in Actions)."""
    user = load_cv(data, Path()).tracking.github_user
    if not user:
        raise InputError(
            f"no target repository: pass --repo OWNER/NAME, set GITHUB_REPOSITORY, or set "
            f"tracking.github_user in {data} (the profile repository is USER/USER, or "
            f"ORG/.github for an organization's {ORG_PAGE})"
        )
    return profile_repository(user, pages)


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
    """A run that reached its target: it commits, or says why not (warns of the 60-day rule)."""

    target: Target
    head: Head
    outcome: Outcome
    options: UpdateOptions
    settings: Settings
    now: Clock

    def done(self, note: str, held: tuple[Held, ...] = ()) -> int:
        """Say why there is no commit, warn or keep alive as due, write the summary."""
        if not held:
            log.info("no commit: %s", note)
        s, kept = self.settings, ""
        warnings: tuple[str, ...] = ()
        if s.in_actions and self.options.keepalive_days:  # opted in
            kept = keep_alive(
                lambda w: self.target.enable_workflow(w.repo, w.file),
                running_workflow(s.workflow_ref), last_commit=self.head.committed_at,
                now=self.now(), days=self.options.keepalive_days, branch=self.target.branch,
            )  # fmt: skip
        if s.in_actions and (not self.options.keepalive_days or kept.startswith("failed")):
            warnings = self._inactivity()
        lines = tuple(h.format() for h in held)
        done = replace(self.outcome, note=note, keepalive=kept, held=lines, warnings=warnings)
        write_step_files(done, s.step_summary, s.step_output, Scrubber.of(s.secrets))
        return EXIT_HELD if held else 0

    def _inactivity(self) -> tuple[str, ...]:
        """The 60-day rule's warning, from day 50 without a commit: log, annotation, summary."""
        warning = inactivity_warning(self.head.committed_at, self.now(), self.target.branch)
        if warning is None:
            return ()
        log.warning("%s", warning)
        scrub = Scrubber.of(self.settings.secrets)
        print_commands([warning_command("scheduled runs will stop", warning, scrub)])
        return (warning,)

    def held(self, verdict: Verdict) -> int:
        """The gate held the commit back: every finding, why, and what to do; exit 3."""
        for held in verdict.held:
            log.error("%s", held.format(), extra={"plain": True})
        reason = "held back by the page gate, nothing committed: " + verdict.explain(
            f"on {self.target.branch}"
        )
        log.error("%s", reason)
        return self.done(reason, verdict.held)

    def commit(
        self, files: Mapping[str, str], pages: tuple[str, ...], message: str, scrub: Scrubber,
        verdict: Verdict,
    ) -> int:  # fmt: skip
        """Publish the changed files in one commit; say what landed where."""
        for held in verdict.errors:  # only here when let through on purpose
            log.warning("published on purpose (--allow-new-errors): %s", held.format())
        committed = publish(self.target, files, message, pages, self.head)
        if committed is None:
            return self.done(f"the pages on {self.target.branch} were updated meanwhile")
        branch, s = self.target.branch, self.settings
        log.info("committed %s to %s@%s: %s",
                 committed.sha[:7], self.target.full_name, branch, committed.url)  # fmt: skip
        changed = tuple(p for p in pages if not self.head.unchanged(p, files[p].encode("utf-8")))
        done = replace(
            self.outcome, pages=changed, commit_sha=committed.sha, commit_url=committed.url,
            allowed=tuple(h.format() for h in verdict.errors),
        )  # fmt: skip
        write_step_files(done, s.step_summary, s.step_output, scrub)
        return 0


def _print_dry_run(base: Base, plan: _Plan, scrub: Scrubber, verdict: Verdict) -> int:
    """The diff of every changed page against the base, the commit message, and the gate's
    verdict: exit 3 when the real run would commit nothing, as it would exit."""
    pages, changed, message = plan.pages, plan.changed, plan.message
    secret = {h.path: h for h in verdict.secrets}
    for path in changed:
        if path in secret:
            held = secret[path]
            sys.stdout.write(
                f"{path} (rendered): not shown: line {held.line} {held.message}, which must "
                "never be published; `updater update` would refuse to commit it\n"
            )
            continue
        current = base.read(path)
        old = None if current is None else current.decode("utf-8", errors="replace")
        diff = unified_diff(old, pages[path], f"{path} ({base.label})", f"{path} (rendered)")
        sys.stdout.write(scrub("".join(diff)))
    if not changed:
        sys.stdout.write(f"every page ({base.label}) already shows this text: nothing would be "
                         "committed\n")  # fmt: skip
        return 0
    sys.stdout.write(f"\n--- commit message (dry run: nothing was written) ---\n{message}")
    if not verdict.holds:
        for held in verdict.errors:
            sys.stdout.write(f"published on purpose (--allow-new-errors): {held.format()}\n")
        return 0
    reason = verdict.explain(f"{base.label}")
    sys.stdout.write("\n--- held back: `updater update` would commit nothing (exit 3) ---\n")
    sys.stdout.write(scrub("".join(f"{held.format()}\n" for held in verdict.held)))
    sys.stdout.write(scrub(reason) + "\n")
    log.error("dry run: the page gate would hold this commit back: %s", reason)
    return EXIT_HELD
