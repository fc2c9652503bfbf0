"""HTTP policy shared by the sources: timeouts, retries with backoff and jitter, one deadline."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

import requests
from github.GithubRetry import GithubRetry
from requests.adapters import HTTPAdapter
from urllib3.exceptions import TimeoutError as urllib3_timeout
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

Clock = Callable[[], float]
T = TypeVar("T")
R = TypeVar("R")
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})  # huggingface_hub's list


class DeadlineExceeded(Exception):
    """A retry would have to wait past the fetch deadline."""


@dataclass(frozen=True)
class Policy:
    """Timeouts, retries and concurrency for every request; tests pass faster values."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    retries: int = 3
    backoff_factor: float = 0.5
    backoff_jitter: float = 0.5
    backoff_max: float = 10.0
    rate_limit_wait: float = 60.0  # a primary rate limit resetting sooner is waited out
    concurrency: int = 8

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) for requests."""
        return (self.connect_timeout, self.read_timeout)


@dataclass(frozen=True)
class Deadline:
    """The moment the whole fetch must be done by, on a monotonic clock."""

    at: float
    clock: Clock = time.monotonic

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.monotonic) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(clock() + seconds, clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())


class _DeadlineMixin(Retry):
    """Never sleep past the deadline: a wait that would cross it ends the retries instead."""

    deadline: Deadline | None

    def __init__(self, *args: Any, deadline: Deadline | None = None, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def new(self, **kw: Any) -> Self:
        kw["deadline"] = self.deadline
        return super().new(**kw)

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        wait = self.get_backoff_time()
        if response is not None and self.respect_retry_after_header:
            retry_after = self.get_retry_after(response)
            wait = retry_after if retry_after is not None else wait
        if self.deadline is not None and wait > self.deadline.remaining():
            raise DeadlineExceeded(
                f"retry would wait {wait:.0f}s, past the fetch deadline "
                f"({self.deadline.remaining():.0f}s left)"
            )
        super().sleep(response)


class DeadlineRetry(_DeadlineMixin, Retry):
    """urllib3 Retry bounded by the fetch deadline."""


class GithubDeadlineRetry(_DeadlineMixin, GithubRetry):
    """PyGithub's rate-limit-aware retry, bounded by the fetch deadline."""


def _retry_args(policy: Policy) -> dict[str, Any]:
    return {
        "total": policy.retries,
        "connect": policy.retries,
        "read": policy.retries,
        "status": policy.retries,
        "backoff_factor": policy.backoff_factor,
        "backoff_jitter": policy.backoff_jitter,
        "backoff_max": policy.backoff_max,
        "respect_retry_after_header": True,
        "raise_on_status": False,
    }


def github_retry(policy: Policy, deadline: Deadline) -> GithubDeadlineRetry:
    """Retries for PyGithub: 5xx, secondary limits, short primary limits; GET and POST only."""
    return GithubDeadlineRetry(
        deadline=deadline,
        max_rate_limit_wait=policy.rate_limit_wait,
        secondary_rate_wait=policy.rate_limit_wait,
        allowed_methods=frozenset({"GET", "POST"}),
        **_retry_args(policy),
    )


def session(policy: Policy, deadline: Deadline, headers: dict[str, str]) -> requests.Session:
    """A keep-alive session whose adapter retries idempotent GETs on the usual failures."""
    retry = DeadlineRetry(
        deadline=deadline,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        **_retry_args(policy),
    )
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=max(policy.concurrency, 10))
    http = requests.Session()
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    http.headers.update(headers)
    return http


def utc_now() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(exc: BaseException) -> str:
    """One line saying why a request failed, without URLs' query strings or headers."""
    if isinstance(exc, DeadlineExceeded):
        return str(exc)
    root = _root(exc)
    if isinstance(exc, requests.Timeout) or isinstance(root, TimeoutError | urllib3_timeout):
        return "timed out (after retries)"
    if isinstance(exc, requests.exceptions.RetryError):
        return f"gave up after retries: {root}"[:200]
    if isinstance(exc, requests.ConnectionError):
        return f"connection failed: {type(root).__name__}: {root}"[:200]
    if isinstance(exc, ValueError):
        return f"invalid response: {exc}"
    return f"{type(exc).__name__}: {exc}"[:200]


def _root(exc: BaseException) -> BaseException:
    """The innermost cause: urllib3 keeps it in `.reason`, Python in `__context__`."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    return exc


def gather(
    pool: Executor, fetch: Callable[[T], R], items: Sequence[T], deadline: Deadline
) -> list[tuple[T, R | BaseException]]:
    """Run fetch over items concurrently; an item unfinished at the deadline gets an error."""
    futures = {pool.submit(fetch, item): item for item in items}
    done, pending = wait(futures, timeout=deadline.remaining())
    for future in pending:
        future.cancel()
    outcomes: list[tuple[T, R | BaseException]] = []
    for future, item in futures.items():
        if future not in done:
            outcomes.append((item, DeadlineExceeded("not finished by the fetch deadline")))
        else:
            exc = future.exception()
            outcomes.append((item, exc if exc is not None else future.result()))
    return outcomes
