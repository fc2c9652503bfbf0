"""Hugging Face Hub: downloads (last 30 days and all time) and likes of models, datasets and
Spaces, one list request per author where that saves requests, one request per item else."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, TypeVar

import requests

from updater.sources import values
from updater.sources.http import (
    Deadline,
    DeadlineExceeded,
    Policy,
    describe,
    gather,
    load_json,
    same_origin,
)
from updater.stats import (
    HUB,
    MAX_LIST,
    DatasetStats,
    Failure,
    HubOwner,
    Listed,
    Listing,
    ModelStats,
    Rename,
    SourceResult,
    SpaceStats,
    list_item,
)

log = logging.getLogger(__name__)

# Only the properties shown; names as huggingface_hub's Expand*Property_T (an unknown one is a 400).
EXPAND = (
    "downloads",
    "downloadsAllTime",
    "likes",
    "pipeline_tag",
    "lastModified",
    "safetensors",
    "gated",
)
DATASET_EXPAND = ("downloads", "likes", "gated")
SPACE_EXPAND = ("likes",)
# From this many tracked items of one kind by one author on, one list request beats one each.
LIST_THRESHOLD = 3
LIST_PAGE_SIZE = 1000
LIST_MAX_PAGES = 3
EXPECTED = (requests.RequestException, ValueError, DeadlineExceeded)

S = TypeVar("S", ModelStats, DatasetStats, SpaceStats)
_ID_RE = re.compile(r"[A-Za-z0-9_.-]{1,100}(?:/[A-Za-z0-9_.-]{1,100})?")  # legacy ids: one part


class HubError(Exception):
    """The Hub answered with an error status; `message` is what it said (X-Error-Message or
    the body's `error`), `token_sent` whether HF_TOKEN went with the request."""

    def __init__(
        self, status: int, code: str | None, message: str | None = None, token_sent: bool = False
    ) -> None:
        self.status = status
        self.code = values.text(code, 40)
        self.message = values.text(message, 160)
        self.token_sent = token_sent
        super().__init__(f"HTTP {status}" + (f" {self.code}" if self.code else ""))

    @property
    def token_rejected(self) -> bool:
        """The Hub refused HF_TOKEN itself (not the repository): one cause for every item."""
        said = (self.message or "").lower()
        return (
            self.token_sent
            and self.status == 401
            and self.code != "RepoNotFound"
            and any(words in said for words in REJECTED_TOKEN)
        )

    @property
    def missing(self) -> bool:
        """The Hub says there is no such (readable) repository."""
        if self.token_rejected:
            return False
        return self.status in (401, 404) or self.code == "RepoNotFound"

    @property
    def reason(self) -> str:
        """What the status means for the README, in one line, with the Hub's own words."""
        if self.token_rejected:
            return (
                f"the Hub rejected HF_TOKEN ({self}: {self.message}): set a valid token, or "
                "unset HF_TOKEN to read public repositories without one"
            )
        if self.missing:
            return f"not found or private ({self}): check the link in data/cv.yaml"
        said = f": {self.message}" if self.message else ""
        if self.code == "GatedRepo":
            return f"gated and not readable ({self}{said})"
        if self.status == 429:
            return f"rate limited by the Hugging Face Hub ({self}{said}), still after retries"
        return f"{self}{said} after retries"


# How the Hub words a refused token (huggingface_hub tells them from a missing repository so).
REJECTED_TOKEN = ("invalid credentials", "invalid user token", "invalid username or password")


def _gated(value: Any) -> bool | str:
    return value if value in (False, True, "auto", "manual") else False


def parse_model(data: Any, model_id: str, fetched_at: str) -> ModelStats:
    """Turn the Hub's JSON for one model into a record; anything malformed is a ValueError."""
    data = _object(data)
    safetensors = data.get("safetensors")
    total = safetensors.get("total") if isinstance(safetensors, dict) else None
    return ModelStats(
        model_id=model_id or values.name(data["id"], "id"),
        fetched_at=fetched_at,
        downloads=values.optional_count(data.get("downloads"), "downloads"),
        downloads_all_time=values.optional_count(data.get("downloadsAllTime"), "downloadsAllTime"),
        likes=values.optional_count(data.get("likes"), "likes"),
        pipeline_tag=values.text(data.get("pipeline_tag")),
        last_modified=values.text(data.get("lastModified")),
        parameters=values.optional_count(total, "parameters"),
        gated=_gated(data.get("gated", False)),
    )


def parse_dataset(data: Any, dataset_id: str, fetched_at: str) -> DatasetStats:
    """A dataset's downloads (last 30 days), likes and gating."""
    data = _object(data)
    return DatasetStats(
        dataset_id=dataset_id or values.name(data["id"], "id"),
        fetched_at=fetched_at,
        downloads=values.optional_count(data.get("downloads"), "downloads"),
        likes=values.optional_count(data.get("likes"), "likes"),
        gated=_gated(data.get("gated", False)),
    )


def parse_space(data: Any, space_id: str, fetched_at: str) -> SpaceStats:
    """A Space's likes."""
    data = _object(data)
    return SpaceStats(
        space_id=space_id or values.name(data["id"], "id"),
        fetched_at=fetched_at,
        likes=values.optional_count(data.get("likes"), "likes"),
    )


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ValueError("expected a JSON object with the repository's id")
    return data


@dataclass(frozen=True)
class Kind(Generic[S]):
    """One kind of Hub repository: its API path, the properties asked for, its parser."""

    path: Literal["models", "datasets", "spaces"]
    expand: tuple[str, ...]
    parse: Callable[[Any, str, str], S]
    ident: Callable[[S], str]
    named: Callable[[S, str], S]


MODELS: Kind[ModelStats] = Kind(
    "models", EXPAND, parse_model, lambda s: s.model_id, lambda s, i: replace(s, model_id=i)
)
DATASETS: Kind[DatasetStats] = Kind(
    "datasets", DATASET_EXPAND, parse_dataset, lambda s: s.dataset_id,
    lambda s, i: replace(s, dataset_id=i),
)  # fmt: skip
SPACES: Kind[SpaceStats] = Kind(
    "spaces", SPACE_EXPAND, parse_space, lambda s: s.space_id, lambda s, i: replace(s, space_id=i)
)


@dataclass(frozen=True)
class HubClient:
    """The Hub API at `endpoint`, through one keep-alive session (`has_token`: it sends
    HF_TOKEN, so a 401 may be the token's fault rather than the repository's)."""

    endpoint: str
    http: requests.Session
    policy: Policy
    has_token: bool = False

    def model(self, model_id: str, fetched_at: str) -> ModelStats:
        """GET /api/models/{id} with only the properties we show."""
        return self.one(MODELS, model_id, fetched_at)

    def one(self, kind: Kind[S], repo_id: str, fetched_at: str) -> S:
        """GET /api/{kind}/{id} with only the properties we show."""
        return self.current(kind, repo_id, fetched_at)[0]

    def current(self, kind: Kind[S], repo_id: str, fetched_at: str) -> tuple[S, str]:
        """The numbers (keyed by `repo_id`) and the id the Hub answered under: a renamed or
        legacy id (bert-base-uncased) is redirected to its current name."""
        url = f"{self.endpoint}/api/{kind.path}/{repo_id}"
        data = _json(self._request(url, {"expand": list(kind.expand)}))
        stats = kind.parse(data, repo_id, fetched_at)
        now = data.get("id") if isinstance(data, dict) else None
        return stats, now if isinstance(now, str) and _ID_RE.fullmatch(now) else repo_id

    def author_models(self, author: str, fetched_at: str) -> dict[str, ModelStats]:
        """Every model of an author, keyed by lower-case id."""
        return self.by_author(MODELS, author, fetched_at)

    def by_author(self, kind: Kind[S], author: str, fetched_at: str) -> dict[str, S]:
        """Every repository of this kind by an author, a page of 1000 at a time (by the Link
        header, followed only within the endpoint), keyed by lower-case id."""
        return self.listing(kind, author, fetched_at)[0]

    def listing(self, kind: Kind[S], author: str, fetched_at: str) -> tuple[dict[str, S], bool]:
        """by_author, and whether pages were left unread past LIST_MAX_PAGES."""
        url: str | None = f"{self.endpoint}/api/{kind.path}"
        params: dict[str, Any] | None = {
            "author": author,
            "limit": LIST_PAGE_SIZE,
            "expand": list(kind.expand),
        }
        found: dict[str, S] = {}
        for _ in range(LIST_MAX_PAGES):
            if url is None:
                break
            response = self._request(url, params)
            page = _json(response)
            if not isinstance(page, list):
                raise ValueError(f"expected a JSON list of {kind.path}")
            for item in page:
                try:
                    stats = kind.parse(item, "", fetched_at)
                except (ValueError, KeyError):
                    continue  # asked for alone later, where it fails alone
                found[kind.ident(stats).lower()] = stats
            url, params = self._next(response), None
        return found, url is not None

    def _next(self, response: requests.Response) -> str | None:
        url = response.links.get("next", {}).get("url")
        if url and not same_origin(url, self.endpoint):
            raise ValueError("the next page is on another host: not followed")
        return url

    def _request(self, url: str, params: dict[str, Any] | None) -> requests.Response:
        response = self.http.get(url, params=params, timeout=self.policy.timeout)
        if response.status_code != 200:
            raise HubError(
                response.status_code, response.headers.get("X-Error-Code"),
                _message(response), self.has_token,
            )  # fmt: skip
        return response


def _message(response: requests.Response) -> str | None:
    """The Hub's own words for an error: X-Error-Message, else the body's `error`."""
    header = response.headers.get("X-Error-Message")
    if header:
        return header
    try:
        body = load_json(response.content)
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def _json(response: requests.Response) -> Any:
    kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
    return load_json(response.content, kind)


def reason(exc: BaseException) -> str:
    """One line for a failed request."""
    return exc.reason if isinstance(exc, HubError) else describe(exc)


def _authors(ids: Iterable[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for repo_id in ids:
        groups[repo_id.split("/")[0].lower()].append(repo_id)
    return groups


def _named(kind: Kind[S], stats: S, repo_id: str) -> S:
    """Key the record by the id the CV uses."""
    return stats if kind.ident(stats) == repo_id else kind.named(stats, repo_id)


def _item(kind: Kind[Any], repo_id: str) -> str:
    """How an item is named in failures: datasets and Spaces by their path on the Hub."""
    return repo_id if kind is MODELS else f"{kind.path}/{repo_id}"


# --- the lists of the named authors ------------------------------------------------------

# Which kinds of an author's repositories each shown name needs (`hub_totals`: the totals
# over an author's models).
_NEEDS: tuple[tuple[str, Kind[Any]], ...] = (
    ("models", MODELS), ("hub_totals", MODELS), ("datasets", DATASETS), ("spaces", SPACES),
)  # fmt: skip


def _owned_lists(authors: tuple[str, ...], shows: frozenset[str]) -> list[tuple[Kind[Any], str]]:
    """One list request per named author and kind the pages show."""
    kinds = list(dict.fromkeys(kind for name, kind in _NEEDS if name in shows))
    names = dict.fromkeys(author.lower() for author in authors)  # the Hub's names: any case
    return [(kind, author) for author in names for kind in kinds]


def _rank(kind: Kind[S], stats: S) -> tuple[int, int, str]:
    """Most downloaded first (Spaces: most liked), then most liked, then by id."""
    downloads = getattr(stats, "downloads", None)
    return (-(downloads if downloads is not None else -1), -(stats.likes or 0), kind.ident(stats))


@dataclass
class _Lists:
    """The named authors' lists as they come in: the kept items, the lists, the totals."""

    fetched_at: str
    listings: list[Listing] = field(default_factory=list)
    kept: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    owners: list[HubOwner] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: Kind[Any], author: str, found: dict[str, Any], more: bool) -> None:
        best = sorted(found.values(), key=lambda stats: _rank(kind, stats))[:MAX_LIST]
        self.kept[kind.path] += best
        self.listings.append(Listing(kind.path, author, tuple(map(kind.ident, best))))
        if more:
            self.notes.append(
                f"{author} has more than {LIST_MAX_PAGES * LIST_PAGE_SIZE:,} {kind.path}: the "
                f"list and totals count the first {LIST_MAX_PAGES * LIST_PAGE_SIZE:,}"
            )
        if kind is MODELS:
            self.owners.append(_owner(author, found.values(), self.fetched_at))

    def listed(self) -> Listed:
        models, datasets, spaces = (tuple(self.kept[k]) for k in ("models", "datasets", "spaces"))
        return Listed(tuple(self.listings), models=models, datasets=datasets, spaces=spaces)


def _owner(author: str, models: Iterable[ModelStats], fetched_at: str) -> HubOwner:
    """Downloads (last 30 days) and likes over every model of the author."""
    listed = list(models)
    downloads = values.count(sum(m.downloads or 0 for m in listed), "total downloads")
    likes = values.count(sum(m.likes or 0 for m in listed), "total likes")
    return HubOwner(author, len(listed), downloads, likes, fetched_at)


def fetch_hub(
    client: HubClient,
    ids: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    pool: Executor,
    deadline: Deadline,
    now: Callable[[], str],
    *,
    authors: tuple[str, ...] = (),
    shows: frozenset[str] = frozenset(),
) -> SourceResult:
    """Numbers for every (model, dataset, Space) id, and the named authors' lists and totals
    the pages show; failures are inside the result.

    Two rounds over all three kinds at once: author lists (those the pages show, and those
    that save requests), then single requests for the rest. A failing Hub costs one round of
    retries, not one a kind.
    """
    fetched_at = now()
    wanted: tuple[tuple[Kind[Any], tuple[str, ...]], ...] = (
        (MODELS, ids[0]), (DATASETS, ids[1]), (SPACES, ids[2]),
    )  # fmt: skip
    run = _Run(client, pool, deadline, fetched_at)
    run.lists(wanted, _owned_lists(authors, shows))
    run.singles([(k, i) for k, kind_ids in wanted for i in kind_ids])
    return SourceResult(
        "huggingface",
        sum(len(kind_ids) for _, kind_ids in wanted),
        models=run.got(*wanted[0]),
        datasets=run.got(*wanted[1]),
        spaces=run.got(*wanted[2]),
        failures=tuple(run.failures),
        renames=tuple(run.renames),
        notes=tuple(run.owned.notes),
        listed=run.owned.listed(),
        hub_owners=tuple(run.owned.owners),
    )


@dataclass
class _Run:
    """One fetch: what was found, by (kind path, lower-case id), and what failed."""

    client: HubClient
    pool: Executor
    deadline: Deadline
    fetched_at: str
    found: dict[tuple[str, str], Any] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    owned: _Lists = field(init=False)

    def __post_init__(self) -> None:
        self.owned = _Lists(self.fetched_at)

    def lists(
        self, wanted: Iterable[tuple[Kind[Any], tuple[str, ...]]],
        owned: list[tuple[Kind[Any], str]],
    ) -> None:  # fmt: skip
        """The first round: the named authors' lists, and an author's list where it saves
        requests for the linked items (a failed one of those: they are asked one by one)."""
        jobs = [
            (kind, author)
            for kind, kind_ids in wanted
            for author, group in _authors(kind_ids).items()
            if len(group) >= LIST_THRESHOLD
        ]
        jobs += [job for job in owned if job not in jobs]
        at = self.fetched_at
        for (kind, author), listed in gather(
            self.pool, lambda job: self.client.listing(job[0], job[1], at), jobs, self.deadline
        ):
            if isinstance(listed, BaseException):
                _expected(listed)
                log.debug("listing %s of %s failed (%s); asking one by one", kind.path, author,
                          reason(listed))  # fmt: skip
                if (kind, author) in owned:
                    self.failures.append(Failure(list_item(kind.path, author), reason(listed)))
                continue
            self.found.update({(kind.path, key): stats for key, stats in listed[0].items()})
            if (kind, author) in owned:
                self.owned.add(kind, author, *listed)

    def singles(self, items: list[tuple[Kind[Any], str]]) -> None:
        """The second round: one request for each item no list brought."""
        rest = [(k, i) for k, i in items if (k.path, i.lower()) not in self.found]
        at = self.fetched_at
        for (kind, repo_id), result in gather(
            self.pool, lambda item: self.client.current(item[0], item[1], at), rest, self.deadline
        ):
            if isinstance(result, BaseException):
                _expected(result)
                missing = isinstance(result, HubError) and result.missing
                self.failures.append(Failure(_item(kind, repo_id), reason(result), missing=missing))
                continue
            stats, answered_as = result
            self.found[(kind.path, repo_id.lower())] = stats
            if answered_as.lower() != repo_id.lower():
                self.renames.append(Rename(hub_link(kind, repo_id), hub_link(kind, answered_as)))

    def got(self, kind: Kind[Any], kind_ids: tuple[str, ...]) -> tuple[Any, ...]:
        """The numbers of these ids, each keyed by the id the CV uses."""
        keys = ((i, (kind.path, i.lower())) for i in kind_ids)
        return tuple(_named(kind, self.found[key], i) for i, key in keys if key in self.found)


def hub_link(kind: Kind[Any], repo_id: str) -> str:
    """How a Hub rename is recorded and shown: the link as written, without the scheme
    (`huggingface.co/bert-base-uncased`), never to be taken for a GitHub OWNER/NAME."""
    return f"{HUB}{_item(kind, repo_id)}"


def fetch_models(
    client: HubClient,
    models: tuple[str, ...],
    pool: Executor,
    deadline: Deadline,
    now: Callable[[], str],
) -> SourceResult:
    """Numbers for models only."""
    return fetch_hub(client, (models, (), ()), pool, deadline, now)


def _expected(exc: BaseException) -> None:
    """Request failures become summary lines; anything else is a bug and propagates."""
    if not isinstance(exc, (HubError, *EXPECTED)):
        raise exc
