"""HTTP policy shared by the sources: one deadline, a total time budget and a size cap per
request, retries with backoff, tokens sent only to their own service, daemon worker threads."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
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
from urllib3.exceptions import NameResolutionError, NewConnectionError
from urllib3.exceptions import TimeoutError as urllib3_timeout
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

Clock = Callable[[], float]
T = TypeVar("T")
R = TypeVar("R")
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})  # huggingface_hub's list
MB = 1024 * 1024
NOT_STARTED = "not started: the fetch deadline had passed"
CHUNK = 64 * 1024


class DeadlineExceeded(Exception):
    """The fetch deadline passed (or a retry would have to wait past it)."""


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
    rate_limit_wait: float = 60.0  # a primary rate limit resetting sooner is waited out
    concurrency: int = 8

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) for requests."""
        return (self.connect_timeout, self.read_timeout)


@dataclass(frozen=True)
class Deadline:
    """The moment the whole run's network work must be done by, on a monotonic clock.

    Made once per process (see LiveFetcher) and shareable: publishing can check the same one.
    """

    at: float
    clock: Clock = time.monotonic

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.monotonic) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(clock() + seconds, clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    @property
    def expired(self) -> bool:
        """True once nothing more may start."""
        return self.remaining() <= 0


# --- retries --------------------------------------------------------------------------------


class _DeadlineMixin(Retry):
    """Never sleep past the deadline: a wait that would reach it ends the retries instead."""

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
        # `>=`: with zero backoff and no time left, a retry would still start after the deadline.
        if self.deadline is not None and wait >= self.deadline.remaining():
            left = self.deadline.remaining()
            # The cause first: what failed is what the owner can act on, not the wait.
            raise DeadlineExceeded(
                f"{_last_failure(self.history)}; a retry would wait {wait:.0f}s, past the fetch "
                f"deadline ({left:.0f}s left)"
                if wait >= 1
                else f"{_last_failure(self.history)}; no time was left to retry before the fetch "
                "deadline"
            )
        super().sleep(response)


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


def retry(policy: Policy, deadline: Deadline, methods: frozenset[str]) -> DeadlineRetry:
    """Retries on the usual transient statuses, honouring Retry-After, within the deadline."""
    return DeadlineRetry(
        deadline=deadline,
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

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shutdown(sock)

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
        with _Watch(budget) as watch:
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
    return b"".join(chunks)


def session(
    policy: Policy,
    deadline: Deadline,
    headers: Mapping[str, str],
    *,
    base_url: str | None = None,
    private_headers: Mapping[str, str] | None = None,
    methods: frozenset[str] = frozenset({"GET"}),
) -> requests.Session:
    """A keep-alive session with bounded requests; `private_headers` go only to `base_url`."""
    max_retries = retry(policy, deadline, methods)
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
