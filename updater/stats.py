"""Frozen records for live numbers, shared by the sources, the snapshot and the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import Strict, StringConstraints

MAX_COUNT = 10**15  # more stars, downloads or citations than this is a broken answer
# A count as data/stats.json may hold it: an integer (not a boolean) from 0 to MAX_COUNT.
# Records built in code are checked at the edge of each source (sources/values.py).
Count = Annotated[int, Strict(), Interval(ge=0, le=MAX_COUNT)]
# When an item was fetched, UTC to the second (sources.http.utc_now): ordered as text.
Timestamp = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]


def repo_key(name_with_owner: str) -> str:
    """GitHub names are case-insensitive: one key per repository."""
    return name_with_owner.lower()


@dataclass(frozen=True)
class RepoStats:
    """Numbers of one GitHub repository."""

    name_with_owner: str
    stars: Count
    forks: Count
    fetched_at: Timestamp
    description: str | None = None
    language: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class ModelStats:
    """Numbers of one Hugging Face model. `downloads` counts the last 30 days."""

    model_id: str
    fetched_at: Timestamp
    downloads: Count | None = None
    downloads_all_time: Count | None = None
    likes: Count | None = None
    pipeline_tag: str | None = None
    last_modified: str | None = None
    parameters: Count | None = None
    gated: bool | str = False


@dataclass(frozen=True)
class DatasetStats:
    """Numbers of one Hugging Face dataset. `downloads` counts the last 30 days."""

    dataset_id: str
    fetched_at: Timestamp
    downloads: Count | None = None
    likes: Count | None = None
    gated: bool | str = False


@dataclass(frozen=True)
class SpaceStats:
    """Numbers of one Hugging Face Space: likes (Spaces have no downloads)."""

    space_id: str
    fetched_at: Timestamp
    likes: Count | None = None


@dataclass(frozen=True)
class PaperStats:
    """Citations of one paper, keyed by its Semantic Scholar id (`ARXIV:2306.02254`)."""

    paper_id: str
    fetched_at: Timestamp
    citations: Count | None = None


@dataclass(frozen=True)
class UserTotals:
    """Stars summed over the public, non-fork repositories a GitHub account owns."""

    login: str
    stars: Count
    repositories: Count
    fetched_at: Timestamp


@dataclass(frozen=True)
class HubOwner:
    """Downloads (last 30 days) and likes summed over every model of one Hub user or
    organisation, and how many models it has."""

    author: str
    models: Count
    downloads: Count
    likes: Count
    fetched_at: Timestamp


@dataclass(frozen=True)
class ScholarAuthor:
    """A Semantic Scholar author's figures: h-index, citations and papers."""

    author_id: str
    fetched_at: Timestamp
    name: str | None = None
    h_index: Count | None = None
    citations: Count | None = None
    paper_count: Count | None = None


@dataclass(frozen=True)
class PaperEntry:
    """A paper of an author's list as the list shows it; its citations are the paper's own
    (`papers` in the snapshot), so a paper both linked and listed has one number."""

    paper_id: str
    title: str
    year: Count | None = None
    venue: str | None = None


@dataclass(frozen=True)
class Release:
    """The latest release of a tracked repository."""

    repository: str  # OWNER/NAME, as GitHub answered
    tag: str
    published_at: Timestamp
    fetched_at: Timestamp
    name: str | None = None


# The lists a template may show (`lists.papers`, ...). Each keeps and shows at most MAX_LIST
# items, the first by its count: an author with 3,000 papers lists their 100 most cited.
ListKind = Literal["papers", "models", "datasets", "spaces", "repositories", "releases"]
LIST_KINDS: tuple[ListKind, ...] = (
    "papers", "models", "datasets", "spaces", "repositories", "releases",
)  # fmt: skip
MAX_LIST = 100


@dataclass(frozen=True)
class Listing:
    """One owner's list of one kind, as fetched: the keys of its items, first shown first
    (the items' numbers travel beside it, in `Listed`)."""

    kind: ListKind
    owner: str  # a GitHub login, a Hub author, a Semantic Scholar author id
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Listed:
    """What one source's lists brought in one run: the lists, their items' numbers (merged
    into the snapshot like any item's), papers' titles, and the tracked repositories' latest
    releases (`unreleased`: answered, with no release)."""

    lists: tuple[Listing, ...] = ()
    repositories: tuple[RepoStats, ...] = ()
    models: tuple[ModelStats, ...] = ()
    datasets: tuple[DatasetStats, ...] = ()
    spaces: tuple[SpaceStats, ...] = ()
    papers: tuple[PaperStats, ...] = ()
    entries: tuple[PaperEntry, ...] = ()
    releases: tuple[Release, ...] = ()
    unreleased: tuple[str, ...] = ()


TOTALS = "totals of "
LISTS = "list of "
# Hub renames are recorded as links (`huggingface.co/bert-base-uncased`): never an OWNER/NAME
# of GitHub, whose renames share the snapshot's `renamed`.
HUB = "huggingface.co/"


def totals_item(login: str) -> str:
    """How the owner's stars total is named in failures: not a repository or model."""
    return f"{TOTALS}{login}"


def list_item(kind: ListKind, owner: str) -> str:
    """How a list is named in failures (`list of kakaocorp's models`): not an item, so it
    never counts as a repository or model without numbers."""
    return f"{LISTS}{owner}'s {kind}"


@dataclass(frozen=True)
class Failure:
    """One item (or a whole source) that could not be fetched, and why, in one line."""

    item: str
    reason: str
    missing: bool = False  # the service says the item does not exist (not a passing fault)

    @property
    def is_item(self) -> bool:
        """A repository or model, as opposed to the owner's totals or a list."""
        return not self.item.startswith((TOTALS, LISTS))


@dataclass(frozen=True)
class Rename:
    """A repository the CV links under an old name (a Hub one as `huggingface.co/...`)."""

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
    datasets: tuple[DatasetStats, ...] = ()
    spaces: tuple[SpaceStats, ...] = ()
    papers: tuple[PaperStats, ...] = ()
    listed: Listed = field(default_factory=Listed)
    scholar: ScholarAuthor | None = None
    hub_owners: tuple[HubOwner, ...] = ()

    @property
    def fetched(self) -> int:
        """How many items (repositories, models, datasets, Spaces, papers) came back fresh;
        the items of lists are not counted (they are not the CV's)."""
        return sum(
            map(len, (self.repositories, self.models, self.datasets, self.spaces, self.papers))
        )
