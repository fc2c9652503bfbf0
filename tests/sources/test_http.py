"""The shared HTTP policy against misbehaving servers on 127.0.0.1: total budgets, body caps,
the deadline, tokens bound to their host, daemon workers and untrusted JSON."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError

from tests.conftest import FAST
from tests.fakes.misbehaving import MODES, Misbehaving, Mode
from tests.fakes.server import FakeServer, Reply, Request, json_reply
from updater.sources.http import (
    BodyTooLarge,
    BudgetExceeded,
    DaemonPool,
    Deadline,
    DeadlineExceeded,
    DeadlineRetry,
    Policy,
    describe,
    load_json,
    ratelimit_field,
    same_origin,
    session,
)

QUICK = Policy(connect_timeout=0.4, read_timeout=0.4, request_budget=0.6, retries=2,
               backoff_factor=0, backoff_jitter=0, max_body=1024 * 1024)  # fmt: skip


class Echo(FakeServer):
    def handle(self, request: Request) -> Reply:
        return json_reply({"path": request.path})


@pytest.fixture
def echo() -> Iterator[Echo]:
    with Echo() as server:
        yield server


def get(url: str, policy: Policy = QUICK, seconds: float = 20) -> requests.Response:
    with session(policy, Deadline.after(seconds), {}) as http:
        return http.get(url, timeout=policy.timeout)


@pytest.mark.parametrize("mode", MODES)
def test_every_misbehaviour_ends_within_the_budget(mode: Mode) -> None:
    with Misbehaving(mode, interval=0.2) as bad:
        started = time.monotonic()
        with pytest.raises((BudgetExceeded, BodyTooLarge)) as info:
            get(bad.url + "/x")
        elapsed = time.monotonic() - started
    # Retries included: one budget for the whole request, whatever the trickle.
    assert elapsed < QUICK.request_budget + 1.5
    expected = BodyTooLarge if mode in ("endless", "oversized") else BudgetExceeded
    assert isinstance(info.value, expected)
    assert describe(info.value) in (
        f"no complete answer within {QUICK.request_budget:g}s",
        "response body over 1 MB: not read",
    )


def test_nothing_starts_after_the_deadline(echo: Echo) -> None:
    with pytest.raises(DeadlineExceeded, match="not started"):
        get(echo.url + "/x", seconds=0)
    assert echo.count() == 0


def test_zero_backoff_retries_stop_at_the_deadline() -> None:
    class Failing(FakeServer):
        def handle(self, request: Request) -> Reply:
            return json_reply({}, 503, {"Retry-After": "0"})

    policy = Policy(retries=1000, backoff_factor=0, backoff_jitter=0, request_budget=60)
    with Failing(latency=0.05) as failing:
        started = time.monotonic()
        with pytest.raises((DeadlineExceeded, BudgetExceeded)):
            get(failing.url, policy, seconds=0.5)
        assert time.monotonic() - started < 2
        assert failing.count() < 20  # not a thousand


def test_a_body_under_the_cap_is_read_whole(echo: Echo) -> None:
    assert get(echo.url + "/x").json() == {"path": "/x"}


def test_private_headers_go_only_under_their_base_url(echo: Echo) -> None:
    with Echo() as other:
        http = session(QUICK, Deadline.after(20), {"User-Agent": "t"},
                       base_url=echo.url + "/api", private_headers={"x-api-key": "K"})  # fmt: skip
        with http:
            http.get(echo.url + "/api/a")
            http.get(echo.url + "/apix")  # same host, outside the base path
            http.get(other.url + "/api/a")  # another port: another origin
    assert [r.headers.get("x-api-key") for r in echo.requests] == ["K", None]
    assert "x-api-key" not in other.requests[0].headers
    assert all(r.headers["user-agent"] == "t" for r in echo.requests + other.requests)


def test_same_origin() -> None:
    assert same_origin("https://huggingface.co/api/models?cursor=2", "https://huggingface.co")
    assert same_origin("https://HuggingFace.co/api", "https://huggingface.co/")
    assert not same_origin("https://huggingface.co.evil.com/api", "https://huggingface.co")
    assert not same_origin("https://huggingface.co@evil.com/", "https://huggingface.co")
    assert not same_origin("http://huggingface.co/api", "https://huggingface.co")


def test_daemon_pool_runs_work_on_daemon_threads_and_never_waits_on_shutdown() -> None:
    pool = DaemonPool(2, "t")
    release = threading.Event()
    stuck = pool.submit(release.wait)
    assert pool.submit(lambda: threading.current_thread().daemon).result(timeout=5) is True
    started = time.monotonic()
    pool.shutdown(wait=True)
    assert time.monotonic() - started < 0.5 and not stuck.done()
    release.set()
    assert stuck.result(timeout=5) is True


def test_daemon_pool_hands_exceptions_to_the_caller() -> None:
    pool = DaemonPool(1, "t")
    with pytest.raises(ZeroDivisionError):
        pool.submit(lambda: 1 // 0).result(timeout=5)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 200_000 + b"]" * 200_000, "JSON nested too deeply"),
        (b"9" * 5000, "expected JSON"),
        (b"{", "expected JSON"),
        (b"", "expected JSON"),
    ],
    ids=["deep", "huge-int", "truncated", "empty"],
)
def test_untrusted_json_is_a_value_error_never_a_crash(content: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_json(content)


def test_fast_policy_keeps_its_budget_default() -> None:
    assert FAST.request_budget == Policy().request_budget == 30.0
    assert Policy().max_body == 10 * 1024 * 1024


def test_bounded_requests_keep_the_connection_alive(echo: Echo) -> None:
    with session(QUICK, Deadline.after(20), {}) as http:
        for _ in range(5):
            assert http.get(echo.url + "/x").json() == {"path": "/x"}
    assert echo.count() == 5 and echo.connections() == 1


def test_a_name_that_does_not_resolve_is_named_as_such() -> None:
    failure = NameResolutionError("api.github.com", None, "[Errno -2] Name or service not known")  # type: ignore[arg-type]
    given_up = MaxRetryError(None, "/graphql", failure)  # type: ignore[arg-type]
    assert describe(given_up) == (
        "name resolution failed for api.github.com: check the network, and the API's URL"
    )


def test_when_the_deadline_ends_the_retries_the_cause_comes_first() -> None:
    failure = NameResolutionError("huggingface.co", None, "[Errno -2] Name or service not known")  # type: ignore[arg-type]
    retry = DeadlineRetry(deadline=Deadline.after(0), total=3, backoff_factor=0)
    retry = retry.increment("GET", "/api/models", error=failure)
    with pytest.raises(DeadlineExceeded) as info:
        retry.sleep()
    assert str(info.value) == (
        "name resolution failed for huggingface.co: check the network, and the API's URL; "
        "no time was left to retry before the fetch deadline"
    )


@pytest.mark.parametrize(
    ("field", "parsed"),
    [
        ('"api";r=0;t=55', ("api", 0, 55)),
        ('"api";t=12;r=3', ("api", 3, 12)),
        ('"resolvers";r=10;t=5, "api";r=0;t=55', ("resolvers", 10, 5)),
        ("garbage", None),
        ("", None),
    ],
)
def test_the_ietf_ratelimit_field(field: str, parsed: tuple[str, int, int] | None) -> None:
    assert ratelimit_field({"RateLimit": field}) == parsed


def test_a_retry_after_longer_than_the_request_budget_ends_at_once() -> None:
    class Busy(FakeServer):
        def handle(self, request: Request) -> Reply:
            return json_reply({"error": "maintenance"}, 503, {"Retry-After": "40"})

    slept: list[float] = []
    deadline = Deadline.after(100, sleep=slept.append)
    with (
        Busy() as busy,
        session(Policy(request_budget=30), deadline, {}) as http,
        pytest.raises(DeadlineExceeded) as info,
    ):
        http.get(busy.url)
    assert str(info.value) == (
        "HTTP 503; a retry would wait 40s, longer than this request may still take "
        "(30s left of its budget)"
    )
    assert slept == [] and busy.count() == 1
