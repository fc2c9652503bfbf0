"""Frozen records for live numbers, shared by the sources, the snapshot and the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field


def repo_key(name_with_owner: str) -> str:
    """GitHub names are case-insensitive: one key per repository."""
    return name_with_owner.lower()


@dataclass(frozen=True)
class RepoStats:
    """Numbers of one GitHub repository."""

    name_with_owner: str
    stars: int
    forks: int
    fetched_at: str
    description: str | None = None
    language: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class ModelStats:
    """Numbers of one Hugging Face model. `downloads` counts the last 30 days."""

    model_id: str
    fetched_at: str
    downloads: int | None = None
    downloads_all_time: int | None = None
    likes: int | None = None
    pipeline_tag: str | None = None
    last_modified: str | None = None
    parameters: int | None = None
    gated: bool | str = False


@dataclass(frozen=True)
class UserTotals:
    """Stars summed over the public, non-fork repositories a GitHub account owns."""

    login: str
    stars: int
    repositories: int
    fetched_at: str


TOTALS = "totals of "


def totals_item(login: str) -> str:
    """How the owner's stars total is named in failures: not a repository or model."""
    return f"{TOTALS}{login}"


@dataclass(frozen=True)
class Failure:
    """One item (or a whole source) that could not be fetched, and why, in one line."""

    item: str
    reason: str

    @property
    def is_item(self) -> bool:
        """A repository or model, as opposed to the owner's totals."""
        return not self.item.startswith(TOTALS)


@dataclass(frozen=True)
class Rename:
    """A repository the CV links under an old name."""

    old: str
    new: str


@dataclass(frozen=True)
class SourceResult:
    """What one source fetched in one run."""

    source: str
    requested: int
    repositories: tuple[RepoStats, ...] = ()
    models: tuple[ModelStats, ...] = ()
    user: UserTotals | None = None
    failures: tuple[Failure, ...] = ()
    renames: tuple[Rename, ...] = ()
    notes: tuple[str, ...] = field(default=())
