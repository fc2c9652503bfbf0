"""The numbers shown next to links: humanized counts, one badge per link, and the totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from updater.links import Targets, classify
from updater.snapshot import Snapshot

_UNITS = ((1_000, "k"), (1_000_000, "M"), (1_000_000_000, "B"))


def humanize(value: object) -> str:
    """1,234 -> 1.2k, 56,789 -> 56.8k, 1,234,567 -> 1.2M; anything not a count -> ''.

    Never raises: 10**40 is a (long) number of B, a negative keeps its sign, and a boolean,
    a float or a string is not a count."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    if abs(value) < 1000:
        return str(value)
    with localcontext() as context:
        context.prec = len(str(abs(value))) + 2  # exact for any size: no InvalidOperation
        for divisor, suffix in _UNITS:
            scaled = (Decimal(value) / divisor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if abs(scaled) < 1000 or suffix == "B":
                return f"{scaled:f}".removesuffix(".0") + suffix
    raise AssertionError("unreachable")  # pragma: no cover


def _sub(parts: list[str]) -> str | None:
    return f" <sub>{' · '.join(parts)}</sub>" if parts else None


def _downloads_likes(downloads: int | None, likes: int | None) -> str | None:
    parts = []
    if downloads is not None:
        parts.append(f"⬇ {humanize(downloads)} last 30 days")
    if likes is not None:
        parts.append(f"♥ {humanize(likes)}")
    return _sub(parts)


def badge(snapshot: Snapshot, url: str) -> str | None:
    """The text to put right after a link to url (` <sub>★ 1.2k</sub>`), None if unknown."""
    ref = classify(url)
    if ref is None:
        return None
    if ref.kind == "repo":
        repo = snapshot.repo(ref.id)
        return _sub([f"★ {humanize(repo.stars)}"]) if repo else None
    hub = {"model": snapshot.model, "dataset": snapshot.dataset}.get(ref.kind)
    if hub is not None:
        stats = hub(ref.id)
        return _downloads_likes(stats.downloads, stats.likes) if stats else None
    if ref.kind == "space":
        space = snapshot.space(ref.id)
        return _sub([f"♥ {humanize(space.likes)}"]) if space and space.likes is not None else None
    paper = snapshot.paper(ref.id)
    cited = paper.citations if paper else None
    return _sub([f"cited by {humanize(cited)}"]) if cited is not None else None


@dataclass(frozen=True)
class Totals:
    """The headline numbers; None where not known."""

    stars: int | None
    downloads: int | None
    citations: int | None = None
    hub_downloads: int | None = None
    hub_likes: int | None = None
    hub_models: int | None = None


def totals(snapshot: Snapshot, targets: Targets) -> Totals:
    """Stars over the owner's public repositories (a user's or an organization's); 30-day
    downloads over the linked models; citations over the linked papers; 30-day downloads,
    likes and the number of models over every model of the named Hub authors."""
    user, login = snapshot.user, targets.github_user
    stars = user.stars if user and login and user.login.lower() == login.lower() else None
    downloads = [
        m.downloads for m in map(snapshot.model, targets.models) if m and m.downloads is not None
    ]
    citations = [
        p.citations for p in map(snapshot.paper, targets.papers) if p and p.citations is not None
    ]
    names = dict.fromkeys(a.lower() for a in targets.hub_authors)
    owners = [o for o in map(snapshot.hub_owners.get, names) if o is not None]
    return Totals(
        stars, _sum(downloads), _sum(citations),
        _sum([o.downloads for o in owners]), _sum([o.likes for o in owners]),
        _sum([o.models for o in owners]),
    )  # fmt: skip


def _sum(counts: list[int]) -> int | None:
    return sum(counts) if counts else None
