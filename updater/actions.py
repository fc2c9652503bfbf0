"""GitHub Actions integration: the job summary, step outputs, annotations and secret masks.

Everything written here passes through one Scrubber: no secret and no workflow command can
come out of network data, whichever channel it reaches.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from updater.logs import Scrubber
from updater.snapshot import Snapshot
from updater.stats import SourceResult
from updater.summary import kept_times

SHA = re.compile(r"^[0-9a-f]{40}\Z")


@dataclass(frozen=True)
class Outcome:
    """What an update run did, for the people reading the Actions run page."""

    results: tuple[SourceResult, ...]
    old: Snapshot
    changes: tuple[str, ...]
    pages: tuple[str, ...] = ()  # the pages the commit changed
    commit_sha: str | None = None
    commit_url: str | None = None
    note: str = ""  # why there was no commit
    keepalive: str = ""  # what keepalive did, when it was considered
    held: tuple[str, ...] = ()  # why the page gate held the commit back, one finding a line
    allowed: tuple[str, ...] = ()  # new errors published on purpose (--allow-new-errors)
    warnings: tuple[str, ...] = ()  # for the owner: the 60-day rule's coming stop


def escape_data(value: str) -> str:
    """Workflow-command escaping of a message: %, CR and LF would end or corrupt the command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escaping of a property value (a title): also `:` and `,`, which end it."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def mask_commands(secrets: Iterable[str]) -> Iterator[str]:
    """`::add-mask::` lines so the runner hides every secret, even where it arrives altered."""
    for secret in secrets:
        if secret and "\n" not in secret and "\r" not in secret:
            yield f"::add-mask::{secret}"


def warning_command(title: str, message: str, scrub: Scrubber) -> str:
    """One `::warning` line; title and message are scrubbed, then escaped."""
    return f"::warning title={escape_property(scrub(title))}::{escape_data(scrub(message))}"


def error_command(title: str, message: str, scrub: Scrubber) -> str:
    """One `::error` line; title and message are scrubbed, then escaped."""
    return f"::error title={escape_property(scrub(title))}::{escape_data(scrub(message))}"


WARNING = "warning: "  # a source's note that needs the owner's attention, not just information


def warning_commands(results: Iterable[SourceResult], scrub: Scrubber) -> Iterator[str]:
    """`::warning` lines for every failed or stale item."""
    for result in results:
        for failure in result.failures:
            yield warning_command(f"{result.source}: {failure.item}", failure.reason, scrub)
        for rename in result.renames:
            message = f"{rename.old} is now {rename.new}: update data/cv.yaml"
            yield warning_command("renamed repository", message, scrub)
        for note in result.notes:
            if note.startswith(WARNING):
                yield warning_command(result.source, note.removeprefix(WARNING), scrub)


def print_commands(lines: Iterable[str]) -> None:
    """Write workflow commands (already built safe) to stdout, where the runner reads them."""
    for line in lines:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()


def summary_markdown(outcome: Outcome, scrub: Scrubber) -> str:
    """The markdown appended to GITHUB_STEP_SUMMARY; network text is scrubbed, one line each."""
    lines = [
        "## Profile README update",
        "",
        "| source | fetched | stale (kept) | failed |",
        "|---|---|---|---|",
    ]
    for r in outcome.results:
        stale = len(kept_times(r, outcome.old))
        failed = sum(f.is_item for f in r.failures)
        lines.append(f"| {r.source} | {r.fetched} of {r.requested} | {stale} | {failed} |")
    if not outcome.results:
        lines.append("| (offline) | numbers from data/stats.json | | |")
    # The table counts items (repositories, models, papers); the owner's totals are not one.
    failures = [(r.source, f) for r in outcome.results for f in r.failures if f.is_item]
    if failures:
        lines += ["", "**Failures** (last known numbers kept):", ""]
        lines += [f"- `{s}` {scrub.line(f.item)}: {scrub.line(f.reason)}" for s, f in failures]
    totals = [(r.source, f) for r in outcome.results for f in r.failures if not f.is_item]
    if totals:
        lines += ["", "**Totals not fetched** (last known totals kept):", ""]
        lines += [f"- `{s}` {scrub.line(f.item)}: {scrub.line(f.reason)}" for s, f in totals]
    notes = [(r.source, n) for r in outcome.results for n in r.notes]
    if notes:
        lines += ["", "**Notes:**", ""]
        lines += [f"- `{source}` {scrub.line(note)}" for source, note in notes]
    shown = ", ".join(outcome.pages) if outcome.pages else "none"
    lines += ["", f"**Pages changed:** {shown}"]
    lines += [f"- {scrub.line(c)}" for c in outcome.changes]
    if outcome.held:
        lines += ["", "**Held back by the page gate** (nothing committed):", ""]
        lines += [f"- {code_span(scrub.line(h))}" for h in outcome.held]
    if outcome.allowed:
        lines += ["", "**New errors published on purpose** (--allow-new-errors):", ""]
        lines += [f"- {code_span(scrub.line(a))}" for a in outcome.allowed]
    if outcome.commit_url:
        short, url = (outcome.commit_sha or "")[:7], scrub.line(outcome.commit_url)
        lines += ["", f"**Commit:** [{short}]({url})"]
    else:
        lines += ["", f"**No commit:** {scrub.line(outcome.note)}"]
    if outcome.keepalive:
        lines += ["", f"**Keepalive:** {scrub.line(outcome.keepalive)}"]
    lines += [f"\n**Warning:** {scrub.line(w)}" for w in outcome.warnings]
    return "\n".join(lines) + "\n"


def code_span(text: str) -> str:
    """Markdown code for text that may hold backticks or tags: fenced by a longer run."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def step_outputs(outcome: Outcome) -> str:
    """`changed`, `commit` and `pages` for later steps; each value is checked to be one line."""
    sha = outcome.commit_sha if outcome.commit_sha and SHA.match(outcome.commit_sha) else ""
    pages = ",".join(p for p in outcome.pages if re.fullmatch(r"[\w./-]+", p))
    return f"changed={'true' if sha else 'false'}\ncommit={sha}\npages={pages}\n"


def write_step_files(
    outcome: Outcome, summary: Path | None, output: Path | None, scrub: Scrubber
) -> None:
    """Append the job summary and the step outputs where Actions asks for them."""
    if summary is not None:
        with summary.open("a", encoding="utf-8") as handle:
            handle.write(summary_markdown(outcome, scrub))
    if output is not None:
        with output.open("a", encoding="utf-8") as handle:
            handle.write(step_outputs(outcome))
