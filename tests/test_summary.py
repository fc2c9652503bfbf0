"""The run summary: every line's numbers match the items it lists; the owner's totals, which
are not an item, come on a line of their own (in the log and in the job summary)."""

from __future__ import annotations

import re

from updater.actions import Outcome, summary_markdown
from updater.logs import Scrubber
from updater.snapshot import Snapshot
from updater.stats import Failure, SourceResult, totals_item
from updater.summary import summary_lines

DOWN = "rate limited (HTTP 403)"
REPOS = [f"simonw/repo-{i:02d}" for i in range(14)]


def all_failed(user: str | None = "simonw") -> SourceResult:
    failures = [Failure(name, DOWN) for name in REPOS]
    if user:
        failures.append(Failure(totals_item(user), DOWN))
    return SourceResult("github", len(REPOS), failures=tuple(failures))


def listed(line: str) -> int:
    """How many names a failure line lists: `a, b, c and 11 more: why` is 14."""
    names = line.strip().rsplit(": ", 1)[0]
    more = re.search(r" and (\d+) more$", names)
    return len(names.split(", ")) + (int(more[1]) if more else 0)


def test_the_count_of_items_without_numbers_is_the_count_listed() -> None:
    lines = list(summary_lines([all_failed()], Snapshot()))
    assert lines[0] == "github: fetched 0 of 14, 14 without numbers"
    [items] = [line for line in lines[1:] if "simonw/repo" in line]
    assert listed(items) == 14
    assert lines[1:] == [
        f"  simonw/repo-00, simonw/repo-01, simonw/repo-02 and 11 more: {DOWN}",
        f"  totals of simonw (the stars total, not counted above): {DOWN}",
    ]


def test_totals_alone_do_not_make_a_failed_item() -> None:
    only = SourceResult("github", 0, failures=(Failure(totals_item("simonw"), DOWN),))
    assert list(summary_lines([only], Snapshot())) == [
        "github: fetched 0 of 0",
        f"  totals of simonw (the stars total, not counted above): {DOWN}",
    ]


def test_the_job_summary_table_counts_items_and_lists_the_totals_apart() -> None:
    text = summary_markdown(Outcome((all_failed(),), Snapshot(), ()), Scrubber())
    assert "| github | 0 of 14 | 0 | 14 |" in text
    failures = text.split("**Failures** (last known numbers kept):\n\n", 1)[1].split("\n\n")[0]
    assert len(failures.splitlines()) == 14
    assert (
        f"**Totals not fetched** (last known totals kept):\n\n- `github` totals of simonw: {DOWN}"
        in text
    )
