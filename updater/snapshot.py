"""data/stats.json: the last known numbers. Load, merge a run's results, serialize stably."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from updater.errors import InputError, ValidationFailed, sort_problems, with_position
from updater.files import read_text
from updater.stats import (
    HUB,
    MAX_LIST,
    DatasetStats,
    HubOwner,
    ModelStats,
    PaperEntry,
    PaperStats,
    Release,
    RepoStats,
    ScholarAuthor,
    SourceResult,
    SpaceStats,
    UserTotals,
    repo_key,
)
from updater.yamlsource import format_path

T = TypeVar("T")
FORMAT = 1
MAX_DEPTH = 64  # the snapshot is four levels deep; far more is a broken or hostile file
_LONG_INT_RE = re.compile(r"-?\d{100,}")


@dataclass(frozen=True)
class Listings:
    """The last known lists, by lower-case owner: an author's papers (their titles; citations
    are in `papers`), a Hub author's models, datasets and Spaces and a GitHub owner's
    repositories (ids whose numbers are in the snapshot's maps), and the latest release of
    each tracked repository (by lower-case OWNER/REPO)."""

    papers: Mapping[str, tuple[PaperEntry, ...]] = field(default_factory=dict)
    models: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    datasets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    spaces: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    repositories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    releases: Mapping[str, Release] = field(default_factory=dict)

    def ids_of(self, kind: str) -> Mapping[str, tuple[str, ...]]:
        """Every owner's list of models, datasets, Spaces or repositories (ids), by owner."""
        found: Mapping[str, tuple[str, ...]] = getattr(self, kind)
        return found

    def ids(self, kind: str, owner: str) -> tuple[str, ...]:
        """The ids of one owner's list of models, datasets, Spaces or repositories."""
        return self.ids_of(kind).get(owner.lower(), ())


@dataclass(frozen=True)
class Snapshot:
    """Last known numbers, keyed by lower-case OWNER/REPO, model, dataset and Space id, and by
    lower-case paper id (`arxiv:2306.02254`); the last known lists, author figures (by author
    id) and Hub authors' totals (by lower-case name)."""

    repositories: Mapping[str, RepoStats] = field(default_factory=dict)
    models: Mapping[str, ModelStats] = field(default_factory=dict)
    user: UserTotals | None = None
    renamed: Mapping[str, str] = field(default_factory=dict)
    datasets: Mapping[str, DatasetStats] = field(default_factory=dict)
    spaces: Mapping[str, SpaceStats] = field(default_factory=dict)
    papers: Mapping[str, PaperStats] = field(default_factory=dict)
    listings: Listings = field(default_factory=Listings)
    scholar: Mapping[str, ScholarAuthor] = field(default_factory=dict)
    hub_owners: Mapping[str, HubOwner] = field(default_factory=dict)

    def repo(self, name: str) -> RepoStats | None:
        """Numbers for a repository as the CV names it, following recorded renames."""
        key = repo_key(name)
        return self.repositories.get(self.renamed.get(key, key))

    def model(self, model_id: str) -> ModelStats | None:
        """Numbers for a model as the CV names it (case-insensitive, like the Hub)."""
        return self.models.get(model_id.lower())

    def dataset(self, dataset_id: str) -> DatasetStats | None:
        """Numbers for a dataset (case-insensitive)."""
        return self.datasets.get(dataset_id.lower())

    def space(self, space_id: str) -> SpaceStats | None:
        """Numbers for a Space (case-insensitive)."""
        return self.spaces.get(space_id.lower())

    def paper(self, paper_id: str) -> PaperStats | None:
        """Citations of a paper by its Semantic Scholar id (`ARXIV:2306.02254`)."""
        return self.papers.get(paper_id.lower())

    def release(self, name: str) -> Release | None:
        """The latest release of a repository as the CV names it, following renames."""
        key = repo_key(name)
        return self.listings.releases.get(self.renamed.get(key, key))


# The lists that hold ids: their items' numbers are in the snapshot's maps.
ID_LISTS = ("models", "datasets", "spaces", "repositories")
# A stored list: at most MAX_LIST items, as the lists are kept.
Ids = Annotated[tuple[str, ...], Field(max_length=MAX_LIST)]


@dataclass(frozen=True)
class _Lists:
    papers: dict[str, Annotated[tuple[PaperEntry, ...], Field(max_length=MAX_LIST)]] = field(
        default_factory=dict
    )
    models: dict[str, Ids] = field(default_factory=dict)
    datasets: dict[str, Ids] = field(default_factory=dict)
    spaces: dict[str, Ids] = field(default_factory=dict)
    repositories: dict[str, Ids] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)


@dataclass(frozen=True)
class _File:
    format: int
    repositories: dict[str, RepoStats]
    models: dict[str, ModelStats]
    user: UserTotals | None = None
    renamed: dict[str, str] = field(default_factory=dict)
    datasets: dict[str, DatasetStats] = field(default_factory=dict)
    spaces: dict[str, SpaceStats] = field(default_factory=dict)
    papers: dict[str, PaperStats] = field(default_factory=dict)
    lists: _Lists = field(default_factory=_Lists)
    scholar: dict[str, ScholarAuthor] = field(default_factory=dict)
    hub_owners: dict[str, HubOwner] = field(default_factory=dict)


_ADAPTER = TypeAdapter(_File)


def load_snapshot(path: Path, root: Path) -> Snapshot:
    """Read data/stats.json (inside the repository root); a missing file is an empty snapshot,
    an unreadable or broken one an InputError naming FILE:LINE:COL."""
    try:
        text = read_text(path, root)
    except InputError as exc:
        raise InputError(with_position(str(exc))) from exc
    return Snapshot() if text is None else parse_snapshot(text, str(path))


def parse_snapshot(text: str, source: str) -> Snapshot:
    """Validate snapshot JSON text; every problem is an InputError naming FILE:LINE:COL."""
    raw = _parse_json(text, source)
    try:
        data = _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        problems = [_problem(text, source, err) for err in exc.errors()]
        raise ValidationFailed(sort_problems(problems)) from exc
    if data.format != FORMAT:
        raise InputError(f"{source}:1:1: format: expected {FORMAT}, got {data.format}")
    # Keys are matched case-insensitively, as the services name things: a key written by hand
    # as `Owner/Repo` must still reach the links to it.
    lists = data.lists
    listings = Listings(
        _lower(lists.papers), _lower(lists.models), _lower(lists.datasets),
        _lower(lists.spaces), _lower(lists.repositories), _lower(lists.releases),
    )  # fmt: skip
    return Snapshot(
        _lower(data.repositories), _lower(data.models), data.user,
        {k.lower(): v.lower() for k, v in data.renamed.items()},
        _lower(data.datasets), _lower(data.spaces), _lower(data.papers),
        listings, dict(data.scholar), _lower(data.hub_owners),
    )  # fmt: skip


def _lower(items: Mapping[str, T]) -> dict[str, T]:
    return {key.lower(): value for key, value in items.items()}


def _parse_json(text: str, source: str) -> object:
    """json.loads, with huge integers and deep nesting reported where they are, not raised."""
    fix = "fix the file or delete it to start over"
    try:
        return json.loads(text.removeprefix("\ufeff"))  # an editor's byte-order mark
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        line, col = _position(text, _too_deep(text))
        raise InputError(f"{source}:{line}:{col}: JSON nested too deeply; {fix}") from exc
    except ValueError as exc:  # an integer of thousands of digits
        match = _LONG_INT_RE.search(text)
        line, col = _position(text, match.start() if match else 0)
        raise InputError(f"{source}:{line}:{col}: number too large; {fix}") from exc


def _too_deep(text: str) -> int:
    """Offset of the first bracket past MAX_DEPTH, outside strings."""
    depth, in_string, escaped = 0, False, False
    for offset, char in enumerate(text):
        if in_string:
            escaped, in_string = (
                (not escaped and char == "\\"),
                in_string and (escaped or char != '"'),
            )
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif char in "]}":
            depth -= 1
    return 0


_EXPECTED = {
    "int_type": "expected a whole number, e.g. 1349",
    "int_parsing": "expected a whole number, e.g. 1349",
    "int_from_float": "expected a whole number, e.g. 1349",
    "finite_number": "expected a whole number, e.g. 1349",
    "greater_than_equal": "expected a count of 0 or more",
    "less_than_equal": "expected a count of at most 10^15",
    "string_type": "expected text in quotes",
    "bool_type": "expected true or false",
    "dict_type": "expected an object ({...})",
    "model_type": "expected an object ({...})",
    "dataclass_type": "expected an object ({...})",
    "missing": "required key is missing",
    "string_pattern_mismatch": "expected a UTC time such as 2026-11-20T03:17:00Z",
}


def _problem(text: str, source: str, err: ErrorDetails) -> str:
    """One snapshot problem at the line of the key it is about, in plain words."""
    path = tuple(err["loc"])
    line, col = _position(text, _key_offset(text, path))
    if not path:
        return f"{source}:1:1: expected a JSON object with format, repositories and models"
    where = format_path(path)
    what = _EXPECTED.get(err["type"], err["msg"])
    got = "" if err["type"] == "missing" else f", got {str(err.get('input'))[:40]!r}"
    return f"{source}:{line}:{col}: {where}: {what}{got}; fix it, or delete the file to start over"


def _key_offset(text: str, path: tuple[str | int, ...]) -> int:
    """Where the deepest key of path is written (searching key after key), else 0."""
    offset = found = 0
    for part in path:
        if isinstance(part, int):
            continue
        at = text.find(json.dumps(part, ensure_ascii=False), offset)
        if at < 0:
            break
        offset = found = at
    return found


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def dumps(snapshot: Snapshot) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    body = {
        "format": FORMAT,
        "repositories": {k: asdict(v) for k, v in snapshot.repositories.items()},
        "models": {k: asdict(v) for k, v in snapshot.models.items()},
        "user": asdict(snapshot.user) if snapshot.user else None,
        "renamed": dict(snapshot.renamed),
    }
    # Written only when there is something, so that older snapshots stay byte-identical.
    if snapshot.datasets:
        body["datasets"] = {k: asdict(v) for k, v in snapshot.datasets.items()}
    if snapshot.spaces:
        body["spaces"] = {k: asdict(v) for k, v in snapshot.spaces.items()}
    if snapshot.papers:
        body["papers"] = {k: asdict(v) for k, v in snapshot.papers.items()}
    lists = _dump_lists(snapshot.listings)
    if lists:
        body["lists"] = lists
    if snapshot.scholar:
        body["scholar"] = {k: asdict(v) for k, v in snapshot.scholar.items()}
    if snapshot.hub_owners:
        body["hub_owners"] = {k: asdict(v) for k, v in snapshot.hub_owners.items()}
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _dump_lists(listings: Listings) -> dict[str, object]:
    """Each kind of list that holds something (so that older snapshots stay the same)."""
    found: dict[str, object] = {}
    for kind in ID_LISTS:
        if lists := listings.ids_of(kind):
            found[kind] = {owner: list(ids) for owner, ids in lists.items()}
    if papers := listings.papers:
        found["papers"] = {a: [asdict(e) for e in entries] for a, entries in papers.items()}
    if listings.releases:
        found["releases"] = {k: asdict(v) for k, v in listings.releases.items()}
    return found


def merge(old: Snapshot, results: Iterable[SourceResult]) -> Snapshot:
    """New numbers replace old ones; anything not fetched keeps its last known value and time.

    A recorded rename is dropped when its old name now is a repository of its own, or no longer
    exists: the old target's numbers must not be shown under that name forever."""
    repos, models = dict(old.repositories), dict(old.models)
    datasets, spaces, papers = dict(old.datasets), dict(old.spaces), dict(old.papers)
    renamed, user = dict(old.renamed), old.user
    lists, scholar, owners = _Merging(old.listings), dict(old.scholar), dict(old.hub_owners)
    for result in results:
        for key in stale_renames(result, renamed):
            del renamed[key]
        for rename in result.renames:
            old_key, new_key = repo_key(rename.old), repo_key(rename.new)
            renamed[old_key] = new_key
            if old_key in repos:
                repos.setdefault(new_key, repos.pop(old_key))
        # A list's items first: an item the CV also links gets the CV's fetch, one number.
        for found in (result.listed, result):
            repos.update({repo_key(r.name_with_owner): r for r in found.repositories})
            models.update({m.model_id.lower(): m for m in found.models})
            datasets.update({d.dataset_id.lower(): d for d in found.datasets})
            spaces.update({s.space_id.lower(): s for s in found.spaces})
            papers.update({p.paper_id.lower(): p for p in found.papers})
        lists.add(result)
        user = result.user or user
        scholar.update({result.scholar.author_id: result.scholar} if result.scholar else {})
        owners.update({o.author.lower(): o for o in result.hub_owners})
    return Snapshot(
        repos, models, user, renamed, datasets, spaces, papers, lists.done(), scholar, owners
    )


@dataclass
class _Merging:
    """The lists as a run's results replace them: a list not fetched keeps its last known
    items; a repository answered without a release loses its old one."""

    old: Listings
    ids: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    papers: dict[str, tuple[PaperEntry, ...]] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = {kind: dict(self.old.ids_of(kind)) for kind in ID_LISTS}
        self.papers, self.releases = dict(self.old.papers), dict(self.old.releases)

    def add(self, result: SourceResult) -> None:
        listed = result.listed
        entries = {e.paper_id.lower(): e for e in listed.entries}
        for listing in listed.lists:
            owner = listing.owner.lower()
            if listing.kind == "papers":
                kept = (entries.get(k.lower()) for k in listing.keys)
                self.papers[owner] = tuple(e for e in kept if e is not None)
            else:
                self.ids[listing.kind][owner] = listing.keys
        for name in listed.unreleased:
            self.releases.pop(repo_key(name), None)
        self.releases.update({repo_key(r.repository): r for r in listed.releases})

    def done(self) -> Listings:
        ids = self.ids
        return Listings(
            self.papers, ids["models"], ids["datasets"], ids["spaces"], ids["repositories"],
            self.releases,
        )  # fmt: skip


def stale_renames(result: SourceResult, renamed: Mapping[str, str]) -> list[str]:
    """Old names (keys of `renamed`) that this result shows no longer redirect: each source
    judges its own (GitHub's OWNER/NAME keys, the Hub's `huggingface.co/...` links)."""
    if result.source == "huggingface":
        answered = hub_fresh(result) | {HUB + f.item.lower() for f in result.failures if f.missing}
        return [key for key in renamed if key.startswith(HUB) and key in answered]
    if result.source != "github":
        return []
    taken = {repo_key(r.name_with_owner) for r in result.repositories}
    gone = {repo_key(f.item) for f in result.failures if f.missing}
    return [key for key in renamed if not key.startswith(HUB) and (key in taken or key in gone)]


def hub_fresh(result: SourceResult) -> set[str]:
    """The Hub links (`huggingface.co/...`, lower case) this result answered under their own
    name, not redirected."""
    ids = [m.model_id for m in result.models]
    ids += [f"datasets/{d.dataset_id}" for d in result.datasets]
    ids += [f"spaces/{s.space_id}" for s in result.spaces]
    moved = {r.old.lower() for r in result.renames}
    return {HUB + i.lower() for i in ids} - moved
