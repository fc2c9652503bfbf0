"""Hugging Face Hub: downloads (last 30 days and all time), likes and more for each model."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any

import requests

from updater.sources.http import Deadline, DeadlineExceeded, Policy, describe, gather
from updater.stats import Failure, ModelStats, SourceResult

log = logging.getLogger(__name__)

EXPAND = (
    "downloads",
    "downloadsAllTime",
    "likes",
    "pipeline_tag",
    "lastModified",
    "safetensors",
    "gated",
)
# From this many tracked models by one author on, one list request beats one request each.
LIST_THRESHOLD = 3
LIST_PAGE_SIZE = 1000
LIST_MAX_PAGES = 3
EXPECTED = (requests.RequestException, ValueError, DeadlineExceeded)


class HubError(Exception):
    """The Hub answered with an error status."""

    def __init__(self, status: int, code: str | None) -> None:
        self.status, self.code = status, code
        super().__init__(f"HTTP {status}" + (f" {code}" if code else ""))

    @property
    def reason(self) -> str:
        """What the status means for the README, in one line."""
        if self.status in (401, 404) or self.code == "RepoNotFound":
            return f"not found or private ({self}): check the link in data/cv.yaml"
        if self.code == "GatedRepo":
            return f"gated and not readable ({self})"
        if self.status == 429:
            return f"rate limited ({self}), still after retries"
        return f"{self} after retries"


@dataclass(frozen=True)
class HubClient:
    """The Hub API at `endpoint`, through one keep-alive session."""

    endpoint: str
    http: requests.Session
    policy: Policy

    def model(self, model_id: str, fetched_at: str) -> ModelStats:
        """GET /api/models/{id} with only the properties we show."""
        data = self._get(f"{self.endpoint}/api/models/{model_id}", {"expand": list(EXPAND)})
        return parse_model(data, model_id, fetched_at)

    def author_models(self, author: str, fetched_at: str) -> dict[str, ModelStats]:
        """Every model of an author, a page of 1000 at a time (by the Link header), keyed by id."""
        url: str | None = f"{self.endpoint}/api/models"
        params: dict[str, Any] | None = {
            "author": author,
            "limit": LIST_PAGE_SIZE,
            "expand": list(EXPAND),
        }
        found: dict[str, ModelStats] = {}
        for _ in range(LIST_MAX_PAGES):
            if url is None:
                break
            response = self._request(url, params)
            page = _json(response)
            if not isinstance(page, list):
                raise ValueError("expected a JSON list of models")
            for item in page:
                stats = parse_model(item, str(item.get("id", "")), fetched_at)
                found[stats.model_id.lower()] = stats
            url, params = response.links.get("next", {}).get("url"), None
        return found

    def _get(self, url: str, params: dict[str, Any]) -> Any:
        return _json(self._request(url, params))

    def _request(self, url: str, params: dict[str, Any] | None) -> requests.Response:
        response = self.http.get(url, params=params, timeout=self.policy.timeout)
        if response.status_code != 200:
            raise HubError(response.status_code, response.headers.get("X-Error-Code"))
        return response


def _json(response: requests.Response) -> Any:
    kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
    try:
        return response.json()
    except ValueError as exc:
        raise ValueError(f"expected JSON, got {kind} ({len(response.content)} bytes)") from exc


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_model(data: Any, model_id: str, fetched_at: str) -> ModelStats:
    """Turn the Hub's JSON for one model into a record; anything malformed is a ValueError."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ValueError("expected a JSON object with the model's id")
    safetensors = data.get("safetensors")
    gated = data.get("gated", False)
    return ModelStats(
        model_id=model_id or data["id"],
        fetched_at=fetched_at,
        downloads=_int(data.get("downloads")),
        downloads_all_time=_int(data.get("downloadsAllTime")),
        likes=_int(data.get("likes")),
        pipeline_tag=_str(data.get("pipeline_tag")),
        last_modified=_str(data.get("lastModified")),
        parameters=_int(safetensors.get("total")) if isinstance(safetensors, dict) else None,
        gated=gated if gated in (False, True, "auto", "manual") else False,
    )


def reason(exc: BaseException) -> str:
    """One line for a failed request."""
    return exc.reason if isinstance(exc, HubError) else describe(exc)


def _authors(models: Iterable[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for model in models:
        groups[model.split("/")[0].lower()].append(model)
    return groups


def fetch_models(
    client: HubClient,
    models: tuple[str, ...],
    pool: Executor,
    deadline: Deadline,
    now: Callable[[], str],
) -> SourceResult:
    """Numbers for every model: author lists where they save requests, single requests else."""
    fetched_at = now()
    groups = _authors(models)
    listed = [a for a, ms in groups.items() if len(ms) >= LIST_THRESHOLD]
    found: dict[str, ModelStats] = {}
    failures: list[Failure] = []
    for author, outcome in gather(
        pool, lambda a: client.author_models(a, fetched_at), listed, deadline
    ):
        if isinstance(outcome, BaseException):
            _expected(outcome)
            log.debug("listing %s failed (%s); asking model by model", author, reason(outcome))
        else:
            found.update(outcome)
    rest = [m for m in models if m.lower() not in found]
    for model, result in gather(pool, lambda m: client.model(m, fetched_at), rest, deadline):
        if isinstance(result, BaseException):
            _expected(result)
            failures.append(Failure(model, reason(result)))
        else:
            found[model.lower()] = result
    stats = tuple(_named(found[m.lower()], m) for m in models if m.lower() in found)
    return SourceResult("huggingface", len(models), models=stats, failures=tuple(failures))


def _named(stats: ModelStats, model_id: str) -> ModelStats:
    """Key the record by the id the CV uses."""
    return stats if stats.model_id == model_id else replace(stats, model_id=model_id)


def _expected(exc: BaseException) -> None:
    """Request failures become summary lines; anything else is a bug and propagates."""
    if not isinstance(exc, (HubError, *EXPECTED)):
        raise exc
