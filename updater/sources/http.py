"""HTTP policy shared by the sources: one deadline, a total time budget and a size cap per
request, retries with backoff, tokens sent only to their own service, daemon worker threads."""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from queue import SimpleQueue
from types import TracebackType
from typing import Any, Self, TypeVar

import requests
from github.GithubRetry import GithubRetry
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError as urllib3_error
from urllib3.exceptions import NameResolutionError, NewConnectionError
from urllib3.exceptions import TimeoutError as urllib3_timeout
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from updater.logs import quiet_library

# PyGithub's import (GithubRetry above) gave its logger a handler of its own: undone.
quiet_library("github")

Clock = Callable[[], float]
Sleep = Callable[[float], None]
T = TypeVar("T")
R = TypeVar("R")
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})  # huggingface_hub's list
MB = 1024 * 1024
NOT_STARTED = "not started: the fetch deadline had passed"
CHUNK = 64 * 1024


class DeadlineExceeded(Exception):
    """The fetch deadline passed (or a retry would have to wait past it)."""


class RateLimited(DeadlineExceeded):
    """A rate limit whose wait fits neither the request's budget nor the deadline: the items
    keep their last known numbers at once, with the service's own reset time as the reason."""


class BudgetExceeded(requests.Timeout):
    """One request (connect, headers, body and its retries) took longer than its budget."""


class BodyTooLarge(requests.RequestException):
    """A response body grew past the cap."""


@dataclass(frozen=True)
class Policy:
    """Timeouts, retries, caps and concurrency for every request; tests pass faster values."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    request_budget: float = 30.0  # connect + headers + body + retries of one request
    max_body: int = 10 * MB
    retries: int = 3
    backoff_factor: float = 0.5
    backoff_jitter: float = 0.5
    backoff_max: float = 10.0
    # A rate limit lifting sooner is waited out, when the wait also fits what is left of the
    # request's budget and of the deadline (see _DeadlineMixin.sleep).
    rate_limit_wait: float = 60.0
    concurrency: int = 8

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) for requests."""
        return (self.connect_timeout, self.read_timeout)


@dataclass(frozen=True)
class Deadline:
    """The moment the whole run's network work must be done by, on a monotonic clock.

    Made once per process (see LiveFetcher) and shareable: publishing can check the same one.
    `sleep` is how a retry waits and `wall` tells the time of day (for "until 14:03 UTC"):
    tests pass a sleep that moves their clock, so a 60 s Retry-After is waited at once.
    """

    at: float
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    wall: Clock = time.time

    @classmethod
    def after(
        cls,
        seconds: float,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        wall: Clock = time.time,
    ) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(clock() + seconds, clock, sleep, wall)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    @property
    def expired(self) -> bool:
        """True once nothing more may start."""
        return self.remaining() <= 0


# --- retries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What every retry of one client knows: whose server it asks (for the messages), the
    deadline, the longest wait a rate limit may take, and how much of an error body to keep."""

    service: str = "the server"
    deadline: Deadline | None = None
    max_wait: float = 60.0
    max_body: int = 10 * MB


class _DeadlineMixin(Retry):
    """Wait only when the wait fits both the request's budget and the deadline; otherwise end
    the retries at once with the true reason. Keep every error body for the message."""

    scope: Scope

    def __init__(
        self, *args: Any, scope: Scope | None = None, deadline: Deadline | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self.scope = scope or Scope(deadline=deadline)
        super().__init__(*args, **kwargs)

    @property
    def deadline(self) -> Deadline | None:
        """The fetch deadline the waits must fit."""
        return self.scope.deadline

    def new(self, **kw: Any) -> Self:
        kw["scope"] = self.scope
        return super().new(**kw)

    def increment(
        self, method: str | None = None, url: str | None = None,
        response: BaseHTTPResponse | None = None, error: Exception | None = None,
        _pool: Any = None, _stacktrace: TracebackType | None = None,
    ) -> Self:  # fmt: skip
        # urllib3 drains a response it retries: read its body first, or the message of the
        # last one (returned once the retries are spent) is lost.
        if response is not None and response.status >= 400:
            keep_body(response, self.scope.max_body)
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        told = _told_wait(self, response)
        wait = told if told is not None else self.get_backoff_time()
        limit = _limit_kind(response, self.scope.service) if response is not None else None
        watch: _Watch | None = getattr(_current, "watch", None)
        budget = watch.left() if watch is not None else math.inf
        if watch is not None and budget <= 0 and limit is None:
            # The request's budget is spent: the adapter reports that, as for any request.
            raise BudgetExceeded(f"no complete answer within {watch.seconds:g}s")
        left = self.deadline.remaining() if self.deadline is not None else math.inf
        # `>=`: with zero backoff and no time left, a retry would still start after the deadline.
        if wait >= min(budget, left) or (limit is not None and wait > self.scope.max_wait):
            raise self._refused(response, wait, limit, budget, left)
        if wait > 0:
            (self.deadline.sleep if self.deadline is not None else time.sleep)(wait)

    def _refused(
        self, response: BaseHTTPResponse | None, wait: float, limit: str | None,
        budget: float, left: float,
    ) -> DeadlineExceeded:  # fmt: skip
        """Why the retries end here: a rate limit and its reset, or the cause and the time."""
        if response is not None and limit is not None:
            until = _reset_at(response, wait, self.deadline)
            return RateLimited(f"rate limited by {self.scope.service} until {until} ({limit})")
        cause = _last_failure(self.history)
        if budget < left:
            return DeadlineExceeded(
                f"{cause}; a retry would wait {wait:.0f}s, longer than this request may still "
                f"take ({budget:.0f}s left of its budget)"
            )
        if wait >= 1:
            return DeadlineExceeded(
                f"{cause}; a retry would wait {wait:.0f}s, past the fetch deadline ({left:.0f}s "
                "left)"
            )
        return DeadlineExceeded(f"{cause}; no time was left to retry before the fetch deadline")


def _told_wait(retry: Retry, response: BaseHTTPResponse | None) -> float | None:
    """The wait the server asked for: Retry-After, else a spent IETF `RateLimit` field."""
    if response is None or not retry.respect_retry_after_header:
        return None
    after = retry.get_retry_after(response)
    if after is not None:
        return after
    field = ratelimit_field(response.headers) if response.status == 429 else None
    return float(field[2]) if field is not None and field[1] == 0 else None


def ratelimit_field(headers: Mapping[str, str]) -> tuple[str, int, int] | None:
    """(name, remaining, seconds to reset) from `RateLimit: "api";r=0;t=55` (the IETF draft
    the Hub follows), or None."""
    field = headers.get("RateLimit") or headers.get("ratelimit")
    for member in (field or "").split(","):
        name, *params = (part.strip() for part in member.split(";"))
        values = dict(p.split("=", 1) for p in params if "=" in p)
        if values.get("r", "").isdigit() and values.get("t", "").isdigit():
            return name.strip('"'), int(values["r"]), int(values["t"])
    return None


_POLICY_RE = re.compile(r"\bq\s*=\s*(\d+).*?\bw\s*=\s*(\d+)")


def _limit_kind(response: BaseHTTPResponse, service: str) -> str | None:
    """Which rate limit an answer reports, in a few words; None when it is no rate limit."""
    headers = response.headers
    if response.status not in (403, 429):
        return None
    if headers.get("x-ratelimit-remaining") == "0":
        return "primary limit"
    field = ratelimit_field(headers)
    if field is not None and field[1] == 0:
        policy = _POLICY_RE.search(headers.get("RateLimit-Policy") or "")
        quota = f" of {policy[1]} requests per {policy[2]}s" if policy else ""
        return f'the "{field[0]}" limit{quota}'
    # A 403 reaches a retry's wait only as a rate limit (GithubRetry raises the others).
    return "secondary limit" if service == "GitHub" else f"HTTP {response.status}"


def _reset_at(response: BaseHTTPResponse, wait: float, deadline: Deadline | None) -> str:
    """HH:MM UTC when the limit lifts: GitHub's own reset time, else now plus the wait."""
    reset = response.headers.get("x-ratelimit-reset") or ""
    remaining = response.headers.get("x-ratelimit-remaining")
    now = deadline.wall() if deadline is not None else time.time()
    moment = int(reset) if reset.isdigit() and remaining == "0" else now + wait
    return f"{datetime.fromtimestamp(math.ceil(moment / 60) * 60, UTC):%H:%M} UTC"


def _last_failure(history: tuple[Any, ...]) -> str:
    """What the last attempt ran into, in one line: a status, a timeout, a failed connection."""
    if not history:
        return "the request failed"
    last = history[-1]
    if last.status:
        return f"HTTP {last.status}"
    if isinstance(last.error, BaseException) and (named := _connection_failure(last.error)):
        return named
    if isinstance(last.error, urllib3_timeout):
        return "timed out"
    root = _root(last.error) if isinstance(last.error, BaseException) else last.error
    return f"connection failed: {type(root).__name__}: {root}"[:160]


class DeadlineRetry(_DeadlineMixin, Retry):
    """urllib3 Retry bounded by the request budget and the fetch deadline."""


class GithubDeadlineRetry(_DeadlineMixin, GithubRetry):
    """PyGithub's rate-limit-aware retry, bounded by the request budget and the deadline."""

    def get_content(self, resp: BaseHTTPResponse, url: str) -> bytes:  # type: ignore[override]
        """The body GithubRetry inspects, read once and kept for the final answer."""
        return keep_body(resp, self.scope.max_body)


# Error bodies read while retrying, by urllib3 response: the adapter reads a body from here
# when urllib3 hands back a response whose body a retry already consumed.
_KEPT: weakref.WeakKeyDictionary[Any, bytes] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def keep_body(response: BaseHTTPResponse, limit: int) -> bytes:
    """An error response's body (decoded, at most `limit` bytes), read once and kept."""
    with _KEPT_LOCK:
        if response in _KEPT:
            return _KEPT[response]
    chunks: list[bytes] = []
    size = 0
    with contextlib.suppress(OSError, urllib3_error):
        while size <= limit and (chunk := response.read(CHUNK, decode_content=True)):
            chunks.append(chunk)
            size += len(chunk)
    body = b"".join(chunks)[:limit]
    with _KEPT_LOCK:
        _KEPT[response] = body
    return body


def _kept_body(raw: Any) -> bytes:
    with _KEPT_LOCK:
        return _KEPT.pop(raw, b"")


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


def _scope(policy: Policy, deadline: Deadline, service: str) -> Scope:
    return Scope(service, deadline, policy.rate_limit_wait, policy.max_body)


def github_retry(policy: Policy, deadline: Deadline) -> GithubDeadlineRetry:
    """Retries for PyGithub: 5xx, secondary limits, short primary limits; GET and POST only.
    How long a rate limit may be waited is decided in one place, the wait (not PyGithub)."""
    return GithubDeadlineRetry(
        scope=_scope(policy, deadline, "GitHub"),
        max_rate_limit_wait=None,
        secondary_rate_wait=policy.rate_limit_wait,  # PyGithub's own assumption: 60 s
        allowed_methods=frozenset({"GET", "POST"}),
        **_retry_args(policy),
    )


def retry(
    policy: Policy, deadline: Deadline, methods: frozenset[str], service: str = "the server"
) -> DeadlineRetry:
    """Retries on the usual transient statuses, honouring Retry-After and a spent `RateLimit`
    field, within the request budget and the deadline."""
    return DeadlineRetry(
        scope=_scope(policy, deadline, service),
        status_forcelist=RETRY_STATUSES,
        allowed_methods=methods,
        **_retry_args(policy),
    )


# --- a hard time budget per request ------------------------------------------------------
# A read timeout only bounds the idle time between two bytes: a server trickling one byte a
# second never trips it. A watchdog timer shuts the request's sockets down when its total
# budget is spent, which wakes any blocked read (plain or TLS) with an error at once.


class _Watch:
    """Shuts down every socket one request uses once its budget is spent."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.fired = False
        self.seconds, self.ends, self.clock = seconds, clock() + seconds, clock
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shutdown(sock)

    def left(self) -> float:
        """Seconds of the budget left, on the deadline's clock (a test's clock moves in sleeps)."""
        return max(0.0, self.ends - self.clock())

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)

    def __enter__(self) -> Self:
        _current.watch = self
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._timer.cancel()
        _current.watch = None


_current = threading.local()


def _shutdown(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for TLS sockets: it wakes a blocked SSL read too.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(sock: socket.socket | None) -> None:
    watch: _Watch | None = getattr(_current, "watch", None)
    if watch is not None and sock is not None:
        watch.add(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watched(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watched(self.sock)  # a kept-alive connection serving a later request
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watched(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watched(self.sock)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class BoundedAdapter(HTTPAdapter):
    """Every request: refused once the deadline passed, bounded in total time (retries
    included) and in body size, and given `headers` (a token) only through this adapter."""

    def __init__(
        self,
        policy: Policy,
        deadline: Deadline,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.policy, self.deadline = policy, deadline
        self.private_headers = dict(headers or {})
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }

    def send(  # noqa: PLR0917 - requests' own signature
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send within the budget, and read the whole body under the cap."""
        budget = min(self.policy.request_budget, self.deadline.remaining())
        if budget <= 0:
            raise DeadlineExceeded(NOT_STARTED)
        if self.private_headers:
            # A copy: requests builds redirects from the original, which must not carry them.
            request = request.copy()
            request.headers.update(self.private_headers)
        limits = (min(self.policy.connect_timeout, budget), min(self.policy.read_timeout, budget))
        with _Watch(budget, self.deadline.clock) as watch:
            try:
                response = super().send(request, True, limits, verify, cert, proxies)
                response._content = _read_capped(response, self.policy.max_body)
            except (requests.RequestException, OSError) as exc:
                if watch.fired and not isinstance(exc, BodyTooLarge):
                    raise BudgetExceeded(f"no complete answer within {budget:g}s") from exc
                raise
        # A shut-down socket can also look like a short answer ending early: never trust it.
        if watch.fired:
            raise BudgetExceeded(f"no complete answer within {budget:g}s")
        return response


def _read_capped(response: requests.Response, limit: int) -> bytes:
    """The (decoded) body, refusing to hold more than `limit` bytes of it."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(f"response body over {limit // MB or limit} MB: not read")
            chunks.append(chunk)
    finally:
        response.close()
    # Empty here when a retry read the body first (see keep_body): that copy is the body.
    return b"".join(chunks) or _kept_body(response.raw)


def session(
    policy: Policy,
    deadline: Deadline,
    headers: Mapping[str, str],
    *,
    base_url: str | None = None,
    private_headers: Mapping[str, str] | None = None,
    methods: frozenset[str] = frozenset({"GET"}),
    service: str = "the server",
) -> requests.Session:
    """A keep-alive session with bounded requests; `private_headers` go only to `base_url`.
    `service` names the server in messages ("rate limited by the Hugging Face Hub until ...")."""
    max_retries = retry(policy, deadline, methods, service)
    size = max(policy.concurrency, 10)
    http = requests.Session()
    http.max_redirects = 5
    for prefix in ("http://", "https://"):
        http.mount(prefix, BoundedAdapter(policy, deadline, None, max_retries=max_retries,
                                          pool_maxsize=size))  # fmt: skip
    if base_url and private_headers:
        # requests picks the longest matching prefix: only URLs under base_url get the token,
        # whatever a redirect or a pagination link points to.
        http.mount(
            base_url.rstrip("/") + "/",
            BoundedAdapter(policy, deadline, private_headers, max_retries=max_retries,
                           pool_maxsize=size),
        )  # fmt: skip
    http.headers.update(headers)
    return http


def same_origin(url: str, base_url: str) -> bool:
    """True when url lies under base_url (scheme, host, port and path prefix)."""
    return url.lower().startswith(base_url.rstrip("/").lower() + "/")


def load_json(content: bytes, kind: str = "") -> Any:
    """Parse untrusted JSON: huge integers and deep nesting are a ValueError, not a crash."""
    try:
        return json.loads(content)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    except ValueError as exc:
        got = f"got {kind} " if kind else ""
        raise ValueError(f"expected JSON, {got}({len(content)} bytes): {str(exc)[:80]}") from exc


# --- threads ----------------------------------------------------------------------------------


class DaemonPool(Executor):
    """A thread pool whose workers are daemon threads: a request still hanging when the run is
    over never keeps the process alive (ThreadPoolExecutor's workers are joined at exit)."""

    def __init__(self, workers: int, name: str) -> None:
        self._workers, self._name = workers, name
        self._queue: SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((future, partial(fn, *args, **kwargs)))
        with self._lock:
            if len(self._threads) < self._workers:
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        return future

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, call = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = call()
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Tell the workers to stop; never waits for a request still in flight."""
        with self._lock:
            for _ in self._threads:
                self._queue.put(None)


def utc_now() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(exc: BaseException) -> str:
    """One line saying why a request failed, without URLs' query strings or headers."""
    if isinstance(exc, DeadlineExceeded | BudgetExceeded | BodyTooLarge):
        return str(exc)
    root = _root(exc)
    timed_out = isinstance(exc, requests.Timeout) or isinstance(
        root, TimeoutError | urllib3_timeout
    )
    named = _connection_failure(root) or ("timed out (after retries)" if timed_out else None)
    if named:
        return named
    if isinstance(exc, requests.exceptions.RetryError):
        return f"gave up after retries: {root}"[:200]
    if isinstance(exc, requests.ConnectionError):
        return f"connection failed: {type(root).__name__}: {root}"[:200]
    if isinstance(exc, ValueError):
        return f"invalid response: {exc}"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]


def _connection_failure(exc: BaseException) -> str | None:
    """A connection that never opened, named as such: urllib3 makes these timeouts by class."""
    if isinstance(exc, NameResolutionError):
        host = re.search(r"Failed to resolve '([^']*)'", str(exc))
        name = host[1] if host else "the host"
        return f"name resolution failed for {name}: check the network, and the API's URL"
    if isinstance(exc, NewConnectionError):
        return f"connection failed: {str(exc).rsplit(': ', 1)[-1]}"[:200]
    return None


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
    if deadline.expired:
        return [(item, DeadlineExceeded(NOT_STARTED)) for item in items]
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
