"""The lists and figures a template sees (`lists`, `scholar`), built from the snapshot.

Every item's number is the snapshot's number for that item, the one the badge after its link
shows: a paper the CV links and the author's list holds is one item with one count. Every
`url` is the item's canonical link, so a page printing `[{{ p.title }}]({{ p.url }})` gets
the number right after it. Each list is sorted by its count and holds at most MAX_LIST items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

from updater.links import Kind, Ref, Targets, url_of
from updater.snapshot import Snapshot
from updater.stats import MAX_LIST, repo_key

T = TypeVar("T")


@dataclass(frozen=True)
class Paper:
    """A paper of the author's list: `citations` is None when not known; `year` and `venue`
    when Semantic Scholar has none."""

    title: str
    url: str
    id: str  # the Semantic Scholar id its number is kept under: ARXIV:..., DOI:..., ...
    citations: int | None = None
    year: int | None = None
    venue: str | None = None


@dataclass(frozen=True)
class HubItem:
    """A model, dataset or Space of a named Hub author; `downloads` counts the last 30 days
    (None for a Space)."""

    id: str
    url: str
    downloads: int | None = None
    likes: int | None = None


@dataclass(frozen=True)
class Repository:
    """A public, non-fork repository of `tracking.github_user`."""

    name: str  # the repository's own name, e.g. kss
    full_name: str  # OWNER/NAME
    url: str
    stars: int
    forks: int
    description: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ReleaseItem:
    """The latest release of a tracked repository; `name` is None when the release has no
    title of its own (show `tag` then)."""

    repository: str  # OWNER/NAME
    tag: str
    url: str  # the release's page (no number: it is not a repository's link)
    date: str  # YYYY-MM-DD, when it was published
    name: str | None = None


@dataclass(frozen=True)
class Lists:
    """Every list, each sorted by its count (releases: newest first), at most MAX_LIST items;
    empty until fetched (see tracking in data/cv.yaml)."""

    papers: tuple[Paper, ...] = ()
    models: tuple[HubItem, ...] = ()
    datasets: tuple[HubItem, ...] = ()
    spaces: tuple[HubItem, ...] = ()
    repositories: tuple[Repository, ...] = ()
    releases: tuple[ReleaseItem, ...] = ()


@dataclass(frozen=True)
class Scholar:
    """`tracking.semantic_scholar_author`'s figures; None where not known."""

    name: str | None = None
    url: str | None = None  # the author's page on Semantic Scholar
    h_index: int | None = None
    citations: int | None = None
    paper_count: int | None = None


def scholar(snapshot: Snapshot, targets: Targets) -> Scholar:
    """The figures of the author the data names (nothing shown for another author's)."""
    author = targets.scholar_author
    found = snapshot.scholar.get(author) if author else None
    if author is None or found is None:
        return Scholar()
    url = f"https://www.semanticscholar.org/author/{author}"
    return Scholar(found.name, url, found.h_index, found.citations, found.paper_count)


def lists(snapshot: Snapshot, targets: Targets) -> Lists:
    """Every list of the owners the data names."""
    hub = targets.hub_authors
    return Lists(
        papers=_papers(snapshot, targets.scholar_author),
        models=_hub(snapshot, "models", "model", hub),
        datasets=_hub(snapshot, "datasets", "dataset", hub),
        spaces=_hub(snapshot, "spaces", "space", hub),
        repositories=_repositories(snapshot, targets.github_user),
        releases=_releases(snapshot, targets.repositories),
    )


def _best(items: Iterable[T], rank: Callable[[T], tuple[object, ...]]) -> tuple[T, ...]:
    return tuple(sorted(items, key=rank)[:MAX_LIST])


def _count(value: int | None) -> int:
    """Unknown counts sort last."""
    return -1 if value is None else value


def _papers(snapshot: Snapshot, author: str | None) -> tuple[Paper, ...]:
    entries = snapshot.listings.papers.get(author, ()) if author else ()
    found = []
    for entry in entries:
        stats = snapshot.paper(entry.paper_id)
        url = url_of(Ref("paper", entry.paper_id))
        citations = stats.citations if stats else None
        found.append(Paper(entry.title, url, entry.paper_id, citations, entry.year, entry.venue))
    return _best(found, lambda p: (-_count(p.citations), -(p.year or 0), p.title))


def _hub(snapshot: Snapshot, kind: str, ref: Kind, authors: tuple[str, ...]) -> tuple[HubItem, ...]:
    get = {"models": snapshot.model, "datasets": snapshot.dataset, "spaces": snapshot.space}[kind]
    found: dict[str, HubItem] = {}
    for repo_id in _ids(snapshot, kind, authors):
        stats = get(repo_id)
        if stats is not None and repo_id.lower() not in found:
            downloads = getattr(stats, "downloads", None)
            url = url_of(Ref(ref, repo_id))
            found[repo_id.lower()] = HubItem(repo_id, url, downloads, stats.likes)
    return _best(found.values(), lambda i: (-_count(i.downloads), -_count(i.likes), i.id.lower()))


def _ids(snapshot: Snapshot, kind: str, owners: Iterable[str]) -> Iterator[str]:
    for owner in owners:
        yield from snapshot.listings.ids(kind, owner)


def _repositories(snapshot: Snapshot, login: str | None) -> tuple[Repository, ...]:
    found = []
    for name in _ids(snapshot, "repositories", (login,) if login else ()):
        repo = snapshot.repo(name)
        if repo is not None:
            full = repo.name_with_owner
            found.append(Repository(
                full.split("/")[1], full, url_of(Ref("repo", full)), repo.stars, repo.forks,
                repo.description, repo.language,
            ))  # fmt: skip
    return _best(found, lambda r: (-r.stars, repo_key(r.full_name)))


def _releases(snapshot: Snapshot, repositories: tuple[str, ...]) -> tuple[ReleaseItem, ...]:
    found: dict[str, tuple[str, ReleaseItem]] = {}
    for name in repositories:
        release = snapshot.release(name)
        if release is not None:
            full, at = release.repository, release.published_at
            url = f"https://github.com/{full}/releases/tag/{quote(release.tag)}"
            item = ReleaseItem(full, release.tag, url, at[:10], release.name)
            found.setdefault(repo_key(full), (at, item))
    by_name = sorted(found.values(), key=lambda pair: pair[1].repository.lower())
    newest = sorted(by_name, key=lambda pair: pair[0], reverse=True)
    return tuple(item for _, item in newest[:MAX_LIST])
