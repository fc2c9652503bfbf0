"""Semantic Scholar Graph API: citation counts of every linked paper, in one batch request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import requests

from updater.sources import values
from updater.sources.http import Deadline, DeadlineExceeded, Policy, describe, gather, load_json
from updater.stats import Failure, PaperStats, SourceResult

FIELDS = "citationCount"  # only what the README shows; an unknown field is a 400
BATCH = 500  # ids per POST /paper/batch, the API's limit
EXPECTED = (requests.RequestException, ValueError, DeadlineExceeded)


class ScholarError(Exception):
    """Semantic Scholar answered with an error status."""

    def __init__(self, status: int, message: str | None, key_sent: bool = False) -> None:
        self.status, self.message, self.key_sent = status, message, key_sent
        super().__init__(f"HTTP {status}" + (f": {message}" if message else ""))

    @property
    def reason(self) -> str:
        """What the status means, in one line."""
        if self.status == 429:
            return (
                "rate limited (HTTP 429), still after retries: kept the last known numbers "
                "(SEMANTIC_SCHOLAR_API_KEY gives a dedicated limit)"
            )
        if self.status in (401, 403) and self.key_sent:
            return (
                f"Semantic Scholar rejected SEMANTIC_SCHOLAR_API_KEY ({self}): set a valid key, "
                "or unset it to share the public pool"
            )
        return f"{self}"


@dataclass(frozen=True)
class ScholarClient:
    """The Graph API at `base_url` (…/graph/v1), through one keep-alive session (`has_key`:
    it sends SEMANTIC_SCHOLAR_API_KEY, so a 403 is the key's fault)."""

    base_url: str
    http: requests.Session
    policy: Policy
    has_key: bool = False

    def batch(self, ids: Sequence[str], fetched_at: str) -> list[PaperStats | ValueError | None]:
        """POST /paper/batch: one answer per id, in order; None for a paper it does not know."""
        response = self.http.post(
            f"{self.base_url}/paper/batch",
            params={"fields": FIELDS},
            json={"ids": list(ids)},
            timeout=self.policy.timeout,
        )
        kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
        if response.status_code != 200:
            raise ScholarError(response.status_code, _message(response.content), self.has_key)
        answer = load_json(response.content, kind)
        if not isinstance(answer, list) or len(answer) != len(ids):
            raise ValueError("expected a JSON list with one entry per id")
        return [
            _paper(item, paper_id, fetched_at) for item, paper_id in zip(answer, ids, strict=True)
        ]


def _paper(item: Any, paper_id: str, fetched_at: str) -> PaperStats | ValueError | None:
    if item is None:
        return None
    try:
        if not isinstance(item, dict):
            raise ValueError("expected a paper object or null")
        citations = values.count(item.get("citationCount"), "citationCount")
    except ValueError as exc:
        return exc
    return PaperStats(paper_id, fetched_at, citations)


def _message(content: bytes) -> str | None:
    """The API's own one-line error (`{"error": ...}` or `{"message": ...}`), if any."""
    try:
        data = load_json(content)
    except ValueError:
        return None
    if isinstance(data, dict):
        text = data.get("error") or data.get("message")
        return values.text(text, 120)
    return None


def reason(exc: BaseException) -> str:
    """One line for a failed request."""
    return exc.reason if isinstance(exc, ScholarError) else describe(exc)


def fetch_papers(
    client: ScholarClient,
    papers: tuple[str, ...],
    pool: Executor,
    deadline: Deadline,
    now: Callable[[], str],
) -> SourceResult:
    """Citations of every paper; unknown papers are notes, failures keep the last known numbers."""
    fetched_at = now()
    batches = [tuple(papers[i : i + BATCH]) for i in range(0, len(papers), BATCH)]
    found: list[PaperStats] = []
    failures: list[Failure] = []
    unknown: list[str] = []
    for ids, outcome in gather(pool, lambda b: client.batch(b, fetched_at), batches, deadline):
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, (ScholarError, *EXPECTED)):
                raise outcome
            failures.extend(Failure(i, reason(outcome)) for i in ids)
            continue
        for paper_id, answer in zip(ids, outcome, strict=True):
            if answer is None:
                unknown.append(paper_id)
            elif isinstance(answer, ValueError):
                failures.append(Failure(paper_id, f"invalid response: {answer}"))
            else:
                found.append(answer)
    notes = tuple(f"{p} is unknown to Semantic Scholar: no citation count" for p in unknown)
    return SourceResult(
        "semanticscholar", len(papers), papers=tuple(found), failures=tuple(failures), notes=notes
    )
