"""The Hugging Face source against a fake Hub on 127.0.0.1, through the production client."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from tests.conftest import FAST, HF_TOKEN, QUICK
from tests.fakes.clock import FakeTime
from tests.fakes.huggingface import FakeHub, repo_not_found
from tests.fakes.server import FakeServer, Reply, Request, json_reply
from updater.sources.http import Deadline, Policy, session
from updater.sources.huggingface import (
    DATASET_EXPAND,
    EXPAND,
    SPACE_EXPAND,
    HubClient,
    fetch_hub,
    fetch_models,
)
from updater.stats import (
    MAX_LIST,
    DatasetStats,
    Failure,
    HubOwner,
    ModelStats,
    SourceResult,
    SpaceStats,
)

T = "2026-11-26T00:00:00Z"


def fetch(
    hub: FakeHub, models: tuple[str, ...], token: str | None = HF_TOKEN, policy: Policy = FAST,
    time: FakeTime | None = None,
) -> SourceResult:  # fmt: skip
    return fetch_all(hub, models, token=token, policy=policy, time=time)


def fetch_all(
    hub: FakeHub, models: tuple[str, ...] = (), datasets: tuple[str, ...] = (),
    spaces: tuple[str, ...] = (), token: str | None = HF_TOKEN, policy: Policy = FAST,
    authors: tuple[str, ...] = (), shows: frozenset[str] = frozenset(),
    time: FakeTime | None = None,
) -> SourceResult:  # fmt: skip
    deadline = time.deadline(20) if time else Deadline.after(20)
    secret = {"Authorization": f"Bearer {token}"} if token else None
    http = session(policy, deadline, {}, base_url=hub.url, private_headers=secret)
    with http, ThreadPoolExecutor(8) as pool:
        client = HubClient(hub.url, http, policy, has_token=token is not None)
        if not datasets and not spaces and not authors:
            return fetch_models(client, models, pool, deadline, lambda: T)
        return fetch_hub(
            client, (models, datasets, spaces), pool, deadline, lambda: T, authors=authors,
            shows=shows,
        )  # fmt: skip


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
    clock = FakeTime()
    assert numbers(fetch(hub, ("org/one",), time=clock)) == {"org/one": (1200, 7)}
    assert clock.slept == [1.0]


@pytest.mark.parametrize(
    ("replies", "reason"),
    [
        ([json_reply({"error": "x"}, 503)] * 3, "HTTP 503: x after retries"),
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
        ([Reply(200, b"{}", delay=0.6)] * 3, "timed out (after retries)"),
        ([Reply(reset=True)] * 3, "connection failed"),
        ([repo_not_found(404)], "not found or private"),
    ],
    ids=["5xx", "html", "empty", "invalid json", "wrong shape", "timeout", "reset", "404"],
)
def test_failures_are_one_line_per_model(hub: FakeHub, replies: list[Reply], reason: str) -> None:
    hub.script("GET", "/api/models/org/one", *replies)
    result = fetch(hub, ("org/one", "org/two"), policy=QUICK)
    assert numbers(result) == {"org/two": (30, 1)}
    [failure] = result.failures
    assert failure.item == "org/one"
    assert failure.reason.startswith(reason)


def test_a_failed_author_list_falls_back_to_single_requests(hub: FakeHub) -> None:
    for i in range(3):
        hub.add(f"big/m{i}", downloads=i)
    hub.script("GET", r"^/api/models$", *[json_reply({"error": "x"}, 500)] * 3)
    assert len(fetch(hub, ("big/m0", "big/m1", "big/m2")).models) == 3


# --- datasets and Spaces ------------------------------------------------------------------


@pytest.fixture
def hub_kinds(hub: FakeHub) -> FakeHub:
    hub.add_dataset("org/data", downloads=4_500, likes=12)
    hub.add_dataset("org/gated-data", downloads=80, likes=2, gated="auto")
    hub.add_dataset("org/secret-data", downloads=1, private=True)
    hub.add_space("org/demo", likes=45)
    return hub


def test_datasets_and_spaces_with_only_their_properties(hub_kinds: FakeHub) -> None:
    result = fetch_all(hub_kinds, ("org/one",), ("org/data",), ("org/demo",))
    assert result.datasets == (DatasetStats("org/data", T, 4_500, 12, False),)
    assert result.spaces == (SpaceStats("org/demo", T, 45),)
    assert result.fetched == 3 and result.requested == 3 and result.failures == ()
    # The fake answers 400 to an expand name the real Hub does not know: these are all valid.
    by_path = {r.path: r.query["expand"] for r in hub_kinds.requests}
    assert by_path["/api/datasets/org/data"] == list(DATASET_EXPAND)
    assert by_path["/api/spaces/org/demo"] == list(SPACE_EXPAND) == ["likes"]


def test_gated_dataset_shows_its_public_numbers(hub_kinds: FakeHub) -> None:
    [data] = fetch_all(hub_kinds, datasets=("org/gated-data",), token=None).datasets
    assert (data.downloads, data.likes, data.gated) == (80, 2, "auto")


def test_missing_and_private_datasets_and_spaces_fail_by_their_hub_path(
    hub_kinds: FakeHub,
) -> None:
    result = fetch_all(
        hub_kinds, datasets=("org/data", "org/gone", "org/secret-data"), spaces=("org/nope",),
        token=None,
    )  # fmt: skip
    assert [d.dataset_id for d in result.datasets] == ["org/data"]
    assert [(f.item, f.missing) for f in result.failures] == [
        ("datasets/org/gone", True),
        ("datasets/org/secret-data", True),
        ("spaces/org/nope", True),
    ]
    assert "HTTP 401 RepoNotFound" in result.failures[1].reason


def test_private_dataset_with_a_token(hub_kinds: FakeHub) -> None:
    [data] = fetch_all(hub_kinds, datasets=("org/secret-data",)).datasets
    assert data.downloads == 1


def test_one_list_request_for_an_author_with_several_datasets(hub_kinds: FakeHub) -> None:
    for i in range(3):
        hub_kinds.add_dataset(f"big/d{i}", downloads=i, likes=i)
    result = fetch_all(hub_kinds, datasets=("big/d0", "big/D1", "big/d2"))
    assert [d.dataset_id for d in result.datasets] == ["big/d0", "big/D1", "big/d2"]
    assert hub_kinds.count("GET") == 1 and hub_kinds.requests[0].path == "/api/datasets"


# --- untrusted answers --------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 10**40, True, "12", 1.5])
def test_a_bad_count_fails_that_model_alone(hub: FakeHub, bad: object) -> None:
    hub.models["org/one"].likes = bad
    result = fetch(hub, ("org/one", "org/two"))
    assert numbers(result) == {"org/two": (30, 1)}
    [failure] = result.failures
    assert failure.item == "org/one" and failure.reason.startswith("invalid response: likes")


def test_a_bad_item_in_an_author_list_is_asked_for_alone(hub: FakeHub) -> None:
    for i in range(3):
        hub.add(f"big/m{i}", downloads=i)
    hub.models["big/m1"].downloads = -5
    result = fetch(hub, ("big/m0", "big/m1", "big/m2"))
    assert [m.model_id for m in result.models] == ["big/m0", "big/m2"]
    assert [f.item for f in result.failures] == ["big/m1"]
    assert hub.count("GET", r"^/api/models/big/m1$") == 1


def test_deeply_nested_or_huge_json_is_an_invalid_response(hub: FakeHub) -> None:
    hub.script("GET", "/api/models/org/one", Reply(200, b"[" * 100_000 + b"]" * 100_000))
    hub.script(
        "GET",
        "/api/models/org/two",
        Reply(200, b'{"id": "org/two", "likes": ' + b"9" * 5000 + b"}"),
    )
    result = fetch(hub, ("org/one", "org/two"))
    assert [f.item for f in result.failures] == ["org/one", "org/two"]
    assert all(f.reason.startswith("invalid response") for f in result.failures)


def test_control_characters_never_reach_the_records(hub: FakeHub) -> None:
    hub.script("GET", "/api/models/org/one", json_reply({
        "id": "org/one", "pipeline_tag": "text\n::error::pwned\x1b[31m", "likes": 1,
    }))  # fmt: skip
    [model] = fetch(hub, ("org/one",)).models
    assert model.pipeline_tag is not None
    assert "\n" not in model.pipeline_tag and "\x1b" not in model.pipeline_tag


class Elsewhere(FakeServer):
    """Another host: records what it is sent, answers like the Hub would."""

    def handle(self, request: Request) -> Reply:
        return json_reply([{"id": "big/m0", "downloads": 1, "likes": 1}])


def test_token_never_follows_a_link_to_another_host(hub: FakeHub) -> None:
    for i in range(3):
        hub.add(f"big/m{i}", downloads=i)
    with Elsewhere() as other:
        link = f'<{other.url}/api/models?page=2>; rel="next"'
        first = [{"id": "big/m0", "downloads": 0, "likes": 0}]
        hub.script("GET", r"^/api/models$", json_reply(first, headers={"Link": link}))
        result = fetch(hub, ("big/m0", "big/m1", "big/m2"))
        assert other.count() == 0  # not followed at all
    assert len(result.models) == 3  # the list failed as a whole; each was asked for alone


def test_token_never_follows_a_redirect_to_another_host(hub: FakeHub) -> None:
    with Elsewhere() as other:
        hub.script("GET", "/api/models/org/one", Reply(307, b"", {"Location": other.url + "/x"}))
        fetch(hub, ("org/one",))
        assert other.count() == 1
        assert "authorization" not in other.requests[0].headers


def test_no_request_starts_after_the_deadline(hub: FakeHub) -> None:
    for i in range(3):
        hub.add(f"big/m{i}", downloads=i)
    hub.script("GET", r"^/api/models$", Reply(200, b"[]", delay=2.5))
    deadline = Deadline.after(0.5)
    slow = replace(FAST, read_timeout=5)  # the list request outlives the deadline
    http = session(slow, deadline, {})
    started = time.monotonic()
    with http, ThreadPoolExecutor(8) as pool:
        client = HubClient(hub.url, http, slow)
        result = fetch_models(client, ("big/m0", "big/m1", "big/m2"), pool, deadline, lambda: T)
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert result.models == ()
    # The list did not answer in time; the single requests were never sent.
    time.sleep(0.2)
    assert hub.count("GET", r"^/api/models/") == 0
    assert {f.reason for f in result.failures} == {"not started: the fetch deadline had passed"}


# --- the named authors' lists and totals ------------------------------------------------------

EVERYTHING = frozenset({"models", "datasets", "spaces", "hub_totals"})


@pytest.fixture
def lab(fake_hub: FakeHub) -> FakeHub:
    for i in range(120):
        fake_hub.add(f"Lab/m{i:03d}", downloads=i * 10, likes=i % 7)
    fake_hub.add_dataset("lab/data", downloads=4_500, likes=12)
    fake_hub.add_dataset("lab/small-data", downloads=3, likes=40)
    fake_hub.add_space("lab/demo", likes=45)
    fake_hub.add_space("lab/other-demo", likes=46)
    fake_hub.add("lab/private", downloads=10**6, private=True)
    return fake_hub


def test_one_list_request_per_named_author_and_kind(lab: FakeHub) -> None:
    result = fetch_all(lab, authors=("LAB",), shows=EVERYTHING, token=None)
    assert [r.path for r in sorted(lab.requests, key=lambda r: r.path)] == [
        "/api/datasets", "/api/models", "/api/spaces",
    ]  # fmt: skip
    assert {r.query["author"][0] for r in lab.requests} == {"lab"}
    models, datasets, spaces = result.listed.lists
    assert models.kind == "models" and models.owner == "lab" and len(models.keys) == MAX_LIST
    assert models.keys[:2] == (
        "Lab/m119",
        "Lab/m118",
    )  # most downloaded first, as the Hub spells it
    assert datasets.keys == ("lab/data", "lab/small-data")
    assert spaces.keys == ("lab/other-demo", "lab/demo")  # Spaces by likes
    assert len(result.listed.models) == MAX_LIST and result.models == ()  # no linked model
    assert result.failures == () and result.fetched == 0


def test_the_totals_count_every_public_model_of_the_owner(lab: FakeHub) -> None:
    [owner] = fetch_all(
        lab, authors=("lab",), shows=frozenset({"hub_totals"}), token=None
    ).hub_owners
    downloads = sum(i * 10 for i in range(120))  # all 120, not the 100 a list keeps
    assert owner == HubOwner("lab", 120, downloads, sum(i % 7 for i in range(120)), T)
    assert [r.path for r in lab.requests] == ["/api/models"]  # only what the pages show


def test_an_organization_and_a_user_each_get_their_own(lab: FakeHub) -> None:
    lab.add("ada/one", downloads=7, likes=1)
    result = fetch_all(lab, authors=("lab", "ada"), shows=frozenset({"hub_totals"}), token=None)
    assert {o.author: o.models for o in result.hub_owners} == {"lab": 120, "ada": 1}
    assert lab.count("GET", "^/api/models$") == 2


def test_a_linked_model_of_a_named_author_comes_from_its_list(lab: FakeHub) -> None:
    result = fetch_all(lab, ("lab/m001", "lab/m119"), authors=("lab",), shows=frozenset({"models"}))
    assert numbers(result) == {"lab/m001": (10, 1), "lab/m119": (1190, 0)}
    assert lab.count() == 1  # the list, and no request of their own


def test_nothing_is_listed_that_no_page_shows(lab: FakeHub) -> None:
    result = fetch_all(lab, ("lab/m001",), authors=("lab",), shows=frozenset())
    assert result.listed.lists == () and result.hub_owners == ()
    assert [r.path for r in lab.requests] == ["/api/models/lab/m001"]


def test_a_failing_list_fails_that_list_alone(lab: FakeHub) -> None:
    lab.script("GET", r"^/api/datasets$", *[json_reply({"error": "x"}, 500)] * 3)
    result = fetch_all(lab, authors=("lab",), shows=EVERYTHING, token=None)
    assert [listing.kind for listing in result.listed.lists] == ["models", "spaces"]
    assert [(f.item, f.reason, f.is_item) for f in result.failures] == [
        ("list of lab's datasets", "HTTP 500: x after retries", False),
    ]


def test_an_author_with_more_models_than_the_pages_read_says_so(
    lab: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("updater.sources.huggingface.LIST_PAGE_SIZE", 40)
    result = fetch_all(lab, authors=("lab",), shows=frozenset({"models"}), token=None)
    assert lab.count() == 3 and result.hub_owners[0].models == 120
    monkeypatch.setattr("updater.sources.huggingface.LIST_PAGE_SIZE", 30)
    result = fetch_all(lab, authors=("lab",), shows=frozenset({"models"}), token=None)
    assert result.notes == ("lab has more than 90 models: the list and totals count the first 90",)
