"""The Hugging Face source against a fake Hub on 127.0.0.1, through the production client."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import FAST, HF_TOKEN
from tests.fakes.huggingface import FakeHub, repo_not_found
from tests.fakes.server import Reply, json_reply
from updater.sources.http import Deadline, session
from updater.sources.huggingface import EXPAND, HubClient, fetch_models
from updater.stats import Failure, ModelStats, SourceResult

T = "2026-11-26T00:00:00Z"


def fetch(hub: FakeHub, models: tuple[str, ...], token: str | None = HF_TOKEN) -> SourceResult:
    deadline = Deadline.after(20)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with session(FAST, deadline, headers) as http, ThreadPoolExecutor(8) as pool:
        return fetch_models(HubClient(hub.url, http, FAST), models, pool, deadline, lambda: T)


def numbers(result: SourceResult) -> dict[str, tuple[int | None, int | None]]:
    return {m.model_id: (m.downloads, m.likes) for m in result.models}


@pytest.fixture
def hub(fake_hub: FakeHub) -> FakeHub:
    fake_hub.add("org/one", downloads=1200, downloads_all_time=50_000, likes=7)
    fake_hub.add("org/two", downloads=30, likes=1, parameters=None)
    fake_hub.add("other/three", downloads=5, likes=0, gated="manual")
    return fake_hub


def test_one_request_per_model_with_only_the_needed_properties(hub: FakeHub) -> None:
    result = fetch(hub, ("org/one", "org/two"))
    assert result.models == (
        ModelStats(
            "org/one",
            T,
            1200,
            50_000,
            7,
            "text-generation",
            "2025-05-22T01:02:03.000Z",
            8_000_000_000,
            False,
        ),
        ModelStats(
            "org/two", T, 30, 0, 1, "text-generation", "2025-05-22T01:02:03.000Z", None, False
        ),
    )
    assert hub.count("GET", r"^/api/models/") == 2
    assert hub.requests[0].query["expand"] == list(EXPAND)
    assert hub.requests[0].headers["authorization"] == f"Bearer {HF_TOKEN}"


def test_downloads_30_days_and_all_time_are_kept_apart(hub: FakeHub) -> None:
    [model] = fetch(hub, ("org/one",)).models
    assert (model.downloads, model.downloads_all_time) == (1200, 50_000)


def test_one_list_request_for_an_author_with_several_models(hub: FakeHub) -> None:
    for i in range(5):
        hub.add(f"big/m{i}", downloads=i * 100, likes=i)
    hub.add("big/not-tracked")
    wanted = tuple(f"big/m{i}" for i in range(5))
    result = fetch(hub, (*wanted, "org/one"))
    assert numbers(result)["big/m3"] == (300, 3)
    assert len(result.models) == 6
    assert hub.count("GET", r"^/api/models$") == 1
    assert hub.count("GET", r"^/api/models/") == 1  # org/one alone


def test_list_pages_follow_the_link_header(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("updater.sources.huggingface.LIST_PAGE_SIZE", 2)
    for i in range(5):
        hub.add(f"big/m{i}", downloads=i)
    result = fetch(hub, tuple(f"big/m{i}" for i in range(5)))
    assert len(result.models) == 5
    assert hub.count("GET", r"^/api/models$") == 3


def test_a_model_missing_from_the_list_is_asked_for_alone(hub: FakeHub) -> None:
    for i in range(3):
        hub.add(f"big/m{i}", downloads=i)
    result = fetch(hub, ("big/m0", "big/m1", "big/m2", "big/gone"))
    assert len(result.models) == 3
    assert result.failures == (
        Failure(
            "big/gone",
            "not found or private (HTTP 404 RepoNotFound): check the link in data/cv.yaml",
            missing=True,
        ),
    )


def test_missing_and_private_models_are_reported_by_name(hub: FakeHub) -> None:
    hub.add("org/private", private=True)
    result = fetch(hub, ("org/one", "org/gone", "org/private"), token=None)
    assert numbers(result) == {"org/one": (1200, 7)}
    assert [f.item for f in result.failures] == ["org/gone", "org/private"]
    assert "HTTP 404 RepoNotFound" in result.failures[0].reason
    assert "HTTP 401 RepoNotFound" in result.failures[1].reason


def test_private_model_with_a_token(hub: FakeHub) -> None:
    hub.add("org/private", downloads=3, private=True)
    assert numbers(fetch(hub, ("org/private",))) == {"org/private": (3, 0)}


def test_gated_model_still_shows_its_public_numbers(hub: FakeHub) -> None:
    [model] = fetch(hub, ("other/three",), token=None).models
    assert (model.downloads, model.gated) == (5, "manual")


def test_502_then_success(hub: FakeHub) -> None:
    hub.script("GET", "/api/models/org/one", json_reply({"error": "bad gateway"}, 502))
    assert numbers(fetch(hub, ("org/one",))) == {"org/one": (1200, 7)}
    assert hub.count("GET") == 2


def test_429_with_retry_after(hub: FakeHub) -> None:
    hub.script(
        "GET", "/api/models/org/one", json_reply({"error": "slow down"}, 429, {"Retry-After": "1"})
    )
    started = time.monotonic()
    assert numbers(fetch(hub, ("org/one",))) == {"org/one": (1200, 7)}
    assert time.monotonic() - started >= 1


@pytest.mark.parametrize(
    ("replies", "reason"),
    [
        ([json_reply({"error": "x"}, 503)] * 3, "HTTP 503 after retries"),
        (
            [Reply(200, "<html>Hugging Face is down</html>", {"Content-Type": "text/html"})],
            "invalid response: expected JSON, got text/html",
        ),
        (
            [Reply(200, b"", {"Content-Type": "application/json"})],
            "invalid response: expected JSON",
        ),
        (
            [Reply(200, b'{"id": ', {"Content-Type": "application/json"})],
            "invalid response: expected JSON",
        ),
        ([json_reply(["not", "a", "model"])], "invalid response: expected a JSON object"),
        ([Reply(200, b"{}", delay=1.5)] * 3, "timed out (after retries)"),
        ([Reply(reset=True)] * 3, "connection failed"),
        ([repo_not_found(404)], "not found or private"),
    ],
    ids=["5xx", "html", "empty", "invalid json", "wrong shape", "timeout", "reset", "404"],
)
def test_failures_are_one_line_per_model(hub: FakeHub, replies: list[Reply], reason: str) -> None:
    hub.script("GET", "/api/models/org/one", *replies)
    result = fetch(hub, ("org/one", "org/two"))
    assert numbers(result) == {"org/two": (30, 1)}
    [failure] = result.failures
    assert failure.item == "org/one"
    assert failure.reason.startswith(reason)


def test_a_failed_author_list_falls_back_to_single_requests(hub: FakeHub) -> None:
    for i in range(3):
        hub.add(f"big/m{i}", downloads=i)
    hub.script("GET", r"^/api/models$", *[json_reply({"error": "x"}, 500)] * 3)
    assert len(fetch(hub, ("big/m0", "big/m1", "big/m2")).models) == 3
