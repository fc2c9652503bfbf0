"""What changed between two snapshots, as the README shows it (humanized numbers)."""

from __future__ import annotations

from collections.abc import Sequence

from updater.links import Targets
from updater.render import humanize
from updater.snapshot import Snapshot
from updater.stats import ModelStats, RepoStats, UserTotals

MAX_IN_SUBJECT = 4


def _change(label: str, symbol: str, old: int | None, new: int | None) -> str | None:
    before, after = humanize(old), humanize(new)
    if new is None or before == after:
        return None
    return f"{label} {symbol} {before or 'new'} → {after}"


def shown_changes(old: Snapshot, new: Snapshot, targets: Targets) -> list[str]:
    """Every number whose displayed value changed: `kss ★ 1.3k → 1.4k`."""
    found = [_change("total", "★", _stars(old.user), _stars(new.user))]
    for name in targets.repositories:
        label = name.split("/")[1]
        found.append(_change(label, "★", _stars(old.repo(name)), _stars(new.repo(name))))
    for model in targets.models:
        label, was, now = model.split("/")[1], old.model(model), new.model(model)
        found.append(_change(label, "⬇", _get(was, "downloads"), _get(now, "downloads")))
        found.append(_change(label, "♥", _get(was, "likes"), _get(now, "likes")))
    return [c for c in found if c]


def _get(stats: ModelStats | None, name: str) -> int | None:
    value = getattr(stats, name, None)
    return value if isinstance(value, int) else None


def _stars(stats: RepoStats | UserTotals | None) -> int | None:
    return None if stats is None else stats.stars


def commit_message(changes: list[str], pages: Sequence[str] = ("README.md",)) -> str:
    """A subject naming the pages and the first changes, and all of them in the body."""
    subject = f"Update {', '.join(pages)}"
    if not changes:
        return f"{subject}\n\nThe data or a template changed; the numbers did not.\n"
    shown = ", ".join(changes[:MAX_IN_SUBJECT])
    more = f" and {len(changes) - MAX_IN_SUBJECT} more" if len(changes) > MAX_IN_SUBJECT else ""
    body = "\n".join(f"- {c}" for c in changes)
    return f"{subject}: {shown}{more}\n\n{body}\n"
