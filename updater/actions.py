"""GitHub Actions integration: the job summary, step outputs and warning annotations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from updater.snapshot import Snapshot
from updater.stats import SourceResult
from updater.summary import kept_times


@dataclass(frozen=True)
class Outcome:
    """What an update run did, for the people reading the Actions run page."""

    results: tuple[SourceResult, ...]
    old: Snapshot
    changes: tuple[str, ...]
    commit_sha: str | None = None  # the README changed exactly when a commit was made
    commit_url: str | None = None
    note: str = ""  # why there was no commit


def _escape(value: str) -> str:
    """Workflow-command escaping: %, CR and LF would end or corrupt the command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def warning_commands(results: Iterable[SourceResult]) -> Iterator[str]:
    """`::warning` lines for every failed or stale item."""
    for result in results:
        for failure in result.failures:
            title = (
                _escape(f"{result.source}: {failure.item}").replace(":", "%3A").replace(",", "%2C")
            )
            yield f"::warning title={title}::{_escape(failure.reason)}"
        for rename in result.renames:
            message = f"{rename.old} is now {rename.new}: update data/cv.yaml"
            yield f"::warning title=renamed repository::{_escape(message)}"


def summary_markdown(outcome: Outcome) -> str:
    """The markdown appended to GITHUB_STEP_SUMMARY."""
    lines = [
        "## Profile README update",
        "",
        "| source | fetched | stale (kept) | failed |",
        "|---|---|---|---|",
    ]
    for r in outcome.results:
        stale = len(kept_times(r, outcome.old))
        fetched = len(r.repositories) + len(r.models)
        lines.append(f"| {r.source} | {fetched} of {r.requested} | {stale} | {len(r.failures)} |")
    if not outcome.results:
        lines.append("| (offline) | numbers from data/stats.json | | |")
    failures = [(r.source, f) for r in outcome.results for f in r.failures]
    if failures:
        lines += ["", "**Failures** (last known numbers kept):", ""]
        lines += [f"- `{source}` {f.item}: {f.reason}" for source, f in failures]
    lines += ["", "**README:** " + ("changed" if outcome.commit_sha else "unchanged")]
    lines += [f"- {c}" for c in outcome.changes]
    if outcome.commit_url:
        lines += ["", f"**Commit:** [{(outcome.commit_sha or '')[:7]}]({outcome.commit_url})"]
    else:
        lines += ["", f"**No commit:** {outcome.note}"]
    return "\n".join(lines) + "\n"


def write_step_files(outcome: Outcome, summary: Path | None, output: Path | None) -> None:
    """Append the job summary and the `changed` / `commit` outputs where Actions asks for them."""
    if summary is not None:
        with summary.open("a", encoding="utf-8") as handle:
            handle.write(summary_markdown(outcome))
    if output is not None:
        with output.open("a", encoding="utf-8") as handle:
            handle.write(f"changed={'true' if outcome.commit_sha else 'false'}\n")
            handle.write(f"commit={outcome.commit_sha or ''}\n")
