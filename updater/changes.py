"""What changed between two snapshots, as the pages show it (humanized numbers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from updater.badges import humanize, totals
from updater.links import Targets
from updater.lists import lists, scholar
from updater.snapshot import Snapshot

SUBJECT = "Update profile README"
MAX_IN_SUBJECT = 4


def _change(label: str, symbol: str, old: int | None, new: int | None) -> str | None:
    before, after = humanize(old), humanize(new)
    if new is None or before == after:
        return None
    return f"{label} {symbol} {before or 'new'} → {after}"


def _name(item_id: str) -> str:
    """How an item is named in a change: the part after the owner (or the id prefix)."""
    return item_id.split("/", 1)[-1] if "/" in item_id else item_id.split(":", 1)[-1]


_DOWNLOADS_LIKES = (("⬇", "downloads"), ("♥", "likes"))
# Per kind: how the snapshot finds an item, and which numbers the page shows for it.
_SHOWN: tuple[tuple[str, Callable[[Snapshot, str], object], tuple[tuple[str, str], ...]], ...] = (
    ("repositories", Snapshot.repo, (("★", "stars"),)),
    ("models", Snapshot.model, _DOWNLOADS_LIKES),
    ("datasets", Snapshot.dataset, _DOWNLOADS_LIKES),
    ("spaces", Snapshot.space, (("♥", "likes"),)),
    ("papers", Snapshot.paper, (("cited by", "citations"),)),
)


def shown_changes(old: Snapshot, new: Snapshot, targets: Targets) -> list[str]:
    """Every number whose displayed value changed: `kss ★ 1.3k → 1.4k`, `2502.18934 cited by
    12 → 15`, linked items' and listed items' alike, and the author's and Hub totals."""
    found = [_change("total", "★", _attr(old.user, "stars"), _attr(new.user, "stars"))]
    found += _figures(old, new, targets)
    listed = _listed(new, targets)
    for kind, get, numbers in _SHOWN:
        for item in dict.fromkeys([*getattr(targets, kind), *listed[kind]]):
            was, now = get(old, item), get(new, item)
            found += [_change(_name(item), sym, _attr(was, n), _attr(now, n)) for sym, n in numbers]
    return [c for c in found if c]


def _listed(snapshot: Snapshot, targets: Targets) -> dict[str, list[str]]:
    """The ids of the items the lists show, by kind as _SHOWN names them."""
    shown = lists(snapshot, targets)
    return {
        "repositories": [r.full_name for r in shown.repositories],
        "models": [m.id for m in shown.models],
        "datasets": [d.id for d in shown.datasets],
        "spaces": [s.id for s in shown.spaces],
        "papers": [p.id for p in shown.papers],
    }


def _figures(old: Snapshot, new: Snapshot, targets: Targets) -> list[str | None]:
    """The author's h-index and citations, and the Hub authors' downloads and likes."""
    was, now = scholar(old, targets), scholar(new, targets)
    before, after = totals(old, targets), totals(new, targets)
    return [
        _change("author", "h-index", was.h_index, now.h_index),
        _change("author", "cited by", was.citations, now.citations),
        _change("Hub", "⬇", before.hub_downloads, after.hub_downloads),
        _change("Hub", "♥", before.hub_likes, after.hub_likes),
    ]


def _attr(stats: object, name: str) -> int | None:
    value = getattr(stats, name, None)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def commit_message(changes: list[str], pages: Sequence[str] | None = None) -> str:
    """A subject naming the changed pages and the first changes; all changes in the body.

    Without `pages` the subject says `Update profile README`, as before pages existed."""
    subject = f"Update {', '.join(pages)}" if pages else SUBJECT
    if not changes:
        return f"{subject}\n\nThe data or a template changed; no number did.\n"
    shown = ", ".join(changes[:MAX_IN_SUBJECT])
    more = f" and {len(changes) - MAX_IN_SUBJECT} more" if len(changes) > MAX_IN_SUBJECT else ""
    body = "\n".join(f"- {c}" for c in changes)
    return f"{subject}: {shown}{more}\n\n{body}\n"
