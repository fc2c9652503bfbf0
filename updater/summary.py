"""The run summary: per source, what was fetched, what was kept from the snapshot, and why."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from updater.snapshot import Snapshot
from updater.stats import Failure, SourceResult


def failures(results: Iterable[SourceResult]) -> tuple[Failure, ...]:
    """Every failure of every source."""
    return tuple(f for r in results for f in r.failures)


def last_known(old: Snapshot, source: str, item: str) -> str | None:
    """When the snapshot last had numbers for item (of that source), if ever. Hub datasets
    and Spaces are named `datasets/ORG/NAME` and `spaces/ORG/NAME` in failures."""
    found: object
    if source == "github":
        found = old.repo(item)
    elif source == "semanticscholar":
        found = old.paper(item)
    elif item.startswith("datasets/"):
        found = old.dataset(item.removeprefix("datasets/"))
    elif item.startswith("spaces/"):
        found = old.space(item.removeprefix("spaces/"))
    else:
        found = old.model(item)
    at = getattr(found, "fetched_at", None)
    return at if isinstance(at, str) else None


def kept_times(result: SourceResult, old: Snapshot) -> list[str]:
    """For each failed item that keeps its numbers from the snapshot: when they were fetched."""
    return [
        t for f in result.failures if f.is_item and (t := last_known(old, result.source, f.item))
    ]


def source_line(result: SourceResult, old: Snapshot) -> str:
    """`github: fetched 14 of 15, 1 kept from the snapshot (since ...), 0 without numbers`."""
    fetched = result.fetched
    items = [f for f in result.failures if f.is_item]
    times = kept_times(result, old)
    line = f"{result.source}: fetched {fetched} of {result.requested}"
    if times:
        line += f", {len(times)} kept from the snapshot (oldest from {min(times)})"
    missing = len(items) - len(times)
    if missing:
        line += f", {missing} without numbers"
    return line


def summary_lines(results: Iterable[SourceResult], old: Snapshot) -> Iterator[str]:
    """The summary printed on stderr after every live run."""
    for result in results:
        yield source_line(result, old)
        # The line above counts items; the owner's totals are not one, so they come apart.
        yield from _failure_lines(f for f in result.failures if f.is_item)
        for failure in result.failures:
            if not failure.is_item:
                yield f"  {failure.item} (the stars total, not counted above): {failure.reason}"
        for rename in result.renames:
            yield f"  {rename.old} was renamed to {rename.new}: update data/cv.yaml"
        for note in result.notes:
            yield f"  note: {note}"


def _failure_lines(items: Iterable[Failure]) -> Iterator[str]:
    """One line per reason: a batch that failed as one does not print fifteen lines."""
    by_reason: dict[str, list[str]] = {}
    for failure in items:
        by_reason.setdefault(failure.reason, []).append(failure.item)
    for reason, names in by_reason.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        yield f"  {shown}: {reason}"
