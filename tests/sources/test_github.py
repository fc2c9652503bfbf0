"""The GitHub source against a fake GitHub on 127.0.0.1, through PyGithub as in production."""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import parse, validate

from tests.conftest import FAST, GITHUB_TOKEN
from tests.fakes.clock import FakeTime
from tests.fakes.github import FakeGitHub, graphql_rate_limited, rate_limited
from tests.fakes.server import Reply, json_reply
from updater.links import Targets
from updater.sources.github import GitHubClient, fetch_github, make_github, stats_query
from updater.sources.http import Deadline, Policy
from updater.stats import MAX_LIST, Failure, Listing, Release, Rename, SourceResult

T = "2026-11-26T00:00:00Z"
# For the tests that count requests: the fake validates each 100-alias query against GitHub's
# schema, which on a loaded machine can outlast FAST's read timeout and cause a retry.
PATIENT = replace(FAST, read_timeout=10)


def fetch(
    fake: FakeGitHub,
    repos: tuple[str, ...],
    user: str | None = None,
    token: str | None = GITHUB_TOKEN,
    policy: Policy = FAST,
    seconds: float = 20,
    shows: frozenset[str] = frozenset(),
    time: FakeTime | None = None,
) -> SourceResult:
    deadline = time.deadline(seconds) if time else Deadline.after(seconds)
    github = make_github(fake.url, token, policy, deadline)
    client = GitHubClient(github, fake.url + "/graphql", has_token=token is not None)
    targets = Targets(repos, (), user, shows=shows)
    with ThreadPoolExecutor(4) as pool:
        return fetch_github(client, targets, pool, deadline, lambda: T)


def stars(result: SourceResult) -> dict[str, int]:
    return {r.name_with_owner: r.stars for r in result.repositories}


@pytest.fixture
def repos(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add("me/a", stars=10, forks=1, description="A", language="Rust")
    fake_github.add("me/b", stars=20, forks=2, archived=True)
    fake_github.add("org/c", stars=30, forks=3, language=None)
    return fake_github


@pytest.mark.parametrize("count", [0, 1, 2, 100])
@pytest.mark.parametrize("with_owner", [True, False])
@pytest.mark.parametrize(("owned", "releases"), [(False, False), (True, False), (True, True)])
def test_queries_are_valid_against_githubs_schema(
    github_schema: Any, count: int, with_owner: bool, owned: bool, releases: bool
) -> None:
    query = stats_query(count, with_owner, owned, releases)
    assert validate(github_schema, parse(query)) == []


def test_with_a_token_one_graphql_request_for_all(repos: FakeGitHub) -> None:
    result = fetch(repos, ("me/a", "me/b", "org/c"), user="me")
    assert stars(result) == {"me/a": 10, "me/b": 20, "org/c": 30}
    a = result.repositories[0]
    assert (a.forks, a.description, a.language, a.archived, a.fetched_at) == (
        1,
        "A",
        "Rust",
        False,
        T,
    )
    assert result.repositories[1].archived is True
    assert result.repositories[2].language is None
    assert result.user is not None
    assert (result.user.stars, result.user.repositories) == (30, 2)
    assert result.failures == ()
    assert repos.count() == 1 and repos.count("POST", "/graphql") == 1
    assert repos.requests[0].headers["authorization"] == f"token {GITHUB_TOKEN}"


def test_totals_across_several_pages_count_only_owned_public_sources(repos: FakeGitHub) -> None:
    for i in range(250):
        repos.add(f"me/r{i:03d}", stars=2)
    repos.add("me/fork", stars=1000, fork=True)
    repos.add("me/secret", stars=1000, private=True)
    result = fetch(repos, ("me/a",), user="me", policy=PATIENT)
    assert result.user is not None
    assert (result.user.stars, result.user.repositories) == (10 + 20 + 500, 252)
    assert repos.count("POST", "/graphql") == 3  # 100 + 100 + 52


def test_batches_of_a_hundred(repos: FakeGitHub) -> None:
    names = tuple(f"me/r{i:03d}" for i in range(250))
    for name in names:
        repos.add(name, stars=1)
    result = fetch(repos, names, user="me", policy=PATIENT)
    assert len(result.repositories) == 250
    assert repos.count("POST", "/graphql") == 3 + 2  # three batches, then two totals pages


def test_without_a_token_rest_gives_the_same_numbers(repos: FakeGitHub) -> None:
    with_token = fetch(repos, ("me/a", "me/b", "org/c"), user="me")
    repos.requests.clear()
    anonymous = fetch(repos, ("me/a", "me/b", "org/c"), user="me", token=None)
    assert anonymous.repositories == with_token.repositories
    assert anonymous.user == with_token.user
    assert repos.count("POST", "/graphql") == 0
    assert repos.count("GET", r"^/repos/") == 3
    assert all("authorization" not in r.headers for r in repos.requests)
    assert any("a token" in note for note in anonymous.notes)


def test_renamed_repository_is_followed_and_reported(repos: FakeGitHub) -> None:
    repos.rename("org/c", "org/c-renamed")
    for token in (GITHUB_TOKEN, None):
        result = fetch(repos, ("me/a", "org/c"), token=token)
        assert stars(result) == {"me/a": 10, "org/c-renamed": 30}
        assert result.renames == (Rename("org/c", "org/c-renamed"),)


def test_missing_and_private_fail_alone_and_keep_the_rest(repos: FakeGitHub) -> None:
    repos.add("me/private", private=True)
    for token in (GITHUB_TOKEN, None):
        result = fetch(repos, ("me/a", "me/gone", "me/private", "org/c"), token=token)
        assert stars(result) == {"me/a": 10, "org/c": 30}
        assert [f.item for f in result.failures] == ["me/gone", "me/private"]
        assert all("not found or private" in f.reason for f in result.failures)


def test_unknown_account_for_totals(repos: FakeGitHub) -> None:
    result = fetch(repos, ("me/a",), user="nobody")
    assert stars(result) == {"me/a": 10}
    assert result.user is None
    assert result.failures == (
        Failure(
            "totals of nobody",
            "GitHub account not found: check tracking.github_user in data/cv.yaml (nobody)",
        ),
    )


def test_502_then_success_is_retried(repos: FakeGitHub) -> None:
    repos.script("POST", "/graphql", json_reply({"message": "Server Error"}, 502))
    result = fetch(repos, ("me/a",))
    assert stars(result) == {"me/a": 10}
    assert repos.count("POST", "/graphql") == 2


def test_persistent_5xx_gives_up_after_the_retries(repos: FakeGitHub) -> None:
    repos.script("POST", "/graphql", *[json_reply({"message": "Server Error"}, 503)] * 3)
    result = fetch(repos, ("me/a",))
    assert result.repositories == ()
    assert result.failures == (Failure("me/a", "HTTP 503: Server Error"),)
    assert repos.count("POST", "/graphql") == 3  # the first try and two retries


def test_429_with_retry_after_waits_and_retries(repos: FakeGitHub) -> None:
    repos.script(
        "POST", "/graphql", json_reply({"message": "slow down"}, 429, {"Retry-After": "1"})
    )
    clock = FakeTime()
    assert stars(fetch(repos, ("me/a",), time=clock)) == {"me/a": 10}
    assert clock.slept == [1.0]


def test_secondary_rate_limit_403_with_retry_after_is_retried(repos: FakeGitHub) -> None:
    body = {
        "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    }
    repos.script("POST", "/graphql", json_reply(body, 403, {"Retry-After": "0"}))
    assert stars(fetch(repos, ("me/a",))) == {"me/a": 10}


def test_retry_after_past_the_deadline_gives_up_at_once(repos: FakeGitHub) -> None:
    repos.script(
        "POST", "/graphql", json_reply({"message": "slow down"}, 429, {"Retry-After": "60"})
    )
    started = time.monotonic()
    result = fetch(repos, ("me/a",), seconds=5)
    assert time.monotonic() - started < 2
    reason = result.failures[0].reason
    assert reason.startswith("rate limited by GitHub until "), reason
    assert reason.endswith(" UTC (secondary limit)")


def test_exhausted_primary_rate_limit_rest(repos: FakeGitHub) -> None:
    reset = int(time.time()) + 3600
    repos.script("GET", "/repos/me/a", rate_limited(reset))
    started = time.monotonic()
    result = fetch(repos, ("me/a", "me/b"), token=None)
    assert time.monotonic() - started < 2  # an hour away: not waited for
    assert stars(result) == {"me/b": 20}
    [failure] = result.failures
    assert failure.item == "me/a"
    until = datetime.fromtimestamp(math.ceil(reset / 60) * 60, UTC)
    assert failure.reason == f"rate limited by GitHub until {until:%H:%M} UTC (primary limit)"


def test_primary_rate_limit_resetting_soon_is_waited_out(repos: FakeGitHub) -> None:
    clock = FakeTime()  # the wait is PyGithub's, from the real time of day; its sleep is ours
    repos.script("GET", "/repos/me/a", rate_limited(int(time.time()) + 2))
    policy = Policy(
        connect_timeout=1,
        read_timeout=1,
        retries=2,
        backoff_factor=0,
        backoff_jitter=0,
        rate_limit_wait=5,
    )
    assert stars(fetch(repos, ("me/a",), token=None, policy=policy, time=clock)) == {"me/a": 10}
    assert len(clock.slept) == 1 and 0 < clock.slept[0] <= 5


def test_exhausted_graphql_rate_limit_is_a_200_with_an_error(repos: FakeGitHub) -> None:
    repos.script("POST", "/graphql", graphql_rate_limited())
    result = fetch(repos, ("me/a", "me/b"), user="me")
    assert result.repositories == ()
    assert {f.item for f in result.failures} == {"me/a", "me/b", "totals of me"}
    reason = (
        "rate limited by GitHub (GraphQL points): API rate limit already exceeded for user ID 1."
    )
    assert all(f.reason == reason for f in result.failures)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            Reply(200, "<html><body>Unicorn!</body></html>", {"Content-Type": "text/html"}),
            "invalid response",
        ),
        (Reply(200, b"", {"Content-Type": "application/json"}), "invalid response"),
        (Reply(200, b'{"data": {"r0": ', {"Content-Type": "application/json"}), "invalid response"),
        (Reply(200, b"[1, 2]", {"Content-Type": "application/json"}), "invalid response"),
    ],
    ids=["html", "empty", "invalid json", "not an object"],
)
def test_broken_bodies_fail_the_request_not_the_run(
    repos: FakeGitHub, reply: Reply, reason: str
) -> None:
    repos.script("POST", "/graphql", reply)
    result = fetch(repos, ("me/a",))
    assert result.repositories == ()
    assert result.failures[0].item == "me/a"
    assert reason in result.failures[0].reason


def test_html_error_page_with_5xx(repos: FakeGitHub) -> None:
    page = Reply(502, "<html>Bad gateway</html>", {"Content-Type": "text/html"})
    repos.script("POST", "/graphql", page, page, page)
    [failure] = fetch(repos, ("me/a",)).failures
    assert failure.reason.startswith("HTTP 502")


def test_timeout(repos: FakeGitHub) -> None:
    slow = Reply(200, b"{}", delay=0.6)
    repos.script("POST", "/graphql", slow, slow, slow)
    [failure] = fetch(repos, ("me/a",), policy=replace(FAST, read_timeout=0.15)).failures
    assert failure.reason == "timed out (after retries)"


def test_connection_reset_then_success(repos: FakeGitHub) -> None:
    repos.script("POST", "/graphql", Reply(reset=True))
    assert stars(fetch(repos, ("me/a",))) == {"me/a": 10}


def test_connection_reset_every_time(repos: FakeGitHub) -> None:
    repos.script("POST", "/graphql", *[Reply(reset=True)] * 3)
    [failure] = fetch(repos, ("me/a",)).failures
    assert failure.reason.startswith("connection failed")


def test_bad_token(repos: FakeGitHub) -> None:
    result = fetch(repos, ("me/a", "me/b"), token="ghs_wrong")
    reason = (
        "GitHub rejected GITHUB_TOKEN (401 Bad credentials): set a valid token, or unset it to "
        "read public numbers without one"
    )
    assert result.failures == (Failure("me/a", reason), Failure("me/b", reason))


# --- untrusted answers --------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 10**40, True, "12", 1.5, None])
@pytest.mark.parametrize("token", [GITHUB_TOKEN, None], ids=["graphql", "rest"])
def test_a_bad_star_count_fails_that_repository_alone(
    repos: FakeGitHub, bad: Any, token: str | None
) -> None:
    repos.repos["me/a"].stars = bad
    result = fetch(repos, ("me/a", "me/b"), token=token)
    assert stars(result) == {"me/b": 20}
    [failure] = result.failures
    assert failure.item == "me/a" and failure.reason.startswith("invalid response")


@pytest.mark.parametrize("token", [GITHUB_TOKEN, None], ids=["graphql", "rest"])
def test_a_bad_count_in_the_owners_repositories_skips_the_totals(
    repos: FakeGitHub, token: str | None
) -> None:
    repos.repos["org/c"].stars = 10**40
    repos.add("me/z", stars=True)
    result = fetch(repos, ("org/c",), user="me", token=token)
    assert result.user is None
    assert [f.item for f in result.failures] == ["org/c", "totals of me"]


@pytest.mark.parametrize("token", [GITHUB_TOKEN, None], ids=["graphql", "rest"])
def test_network_strings_are_one_bounded_line(repos: FakeGitHub, token: str | None) -> None:
    repos.repos["me/a"].description = "x\n::error::pwned\r\x1b[2J" + "y" * 1_000_000
    repos.repos["me/a"].language = "Rust\u2028::warning::x"
    [repo] = fetch(repos, ("me/a",), token=token).repositories
    assert repo.description is not None and len(repo.description) <= 300
    assert repo.description.startswith("x ::error::pwned")
    assert not any(c in repo.description + str(repo.language) for c in "\n\r\x1b\u2028")


def test_graphql_error_entries_of_any_shape_do_not_crash(repos: FakeGitHub) -> None:
    odd = {"data": {"r0": None, "r1": None}, "errors": [{"path": 7}, {"path": "r1"}, "x", {}]}
    repos.script("POST", "/graphql", json_reply(odd))
    result = fetch(repos, ("me/a", "me/b"))
    assert [f.item for f in result.failures] == ["me/a", "me/b"]


def test_rest_totals_use_numbered_pages_never_a_servers_link(repos: FakeGitHub) -> None:
    for i in range(150):
        repos.add(f"me/r{i:03d}", stars=1)
    owned = sorted((r for r in repos.repos.values() if r.owner == "me"), key=lambda r: r.full_name)
    link = '<http://elsewhere.invalid/steal?page=2>; rel="next"'
    headers = {"Content-Type": "application/json", "Link": link}
    first_page = Reply(200, [repos.repo_json(r) for r in owned[:100]], headers)
    repos.script("GET", r"^/users/me/repos$", first_page)
    result = fetch(repos, (), user="me", token=None)
    assert result.user is not None and result.user.repositories == 152
    assert result.user.stars == 150 + 10 + 20
    assert [r.query["page"] for r in repos.requests if r.path == "/users/me/repos"] == [
        ["1"],
        ["2"],
    ]


# --- the owner's repositories and the latest releases, for the lists ---------------------------

LISTED = frozenset({"repositories", "releases"})


@pytest.fixture
def owner(fake_github: FakeGitHub) -> FakeGitHub:
    for i in range(130):  # two pages of the owner's repositories
        fake_github.add(f"lab/r{i:03d}", stars=i, forks=i // 2, description=f"R {i}")
    fake_github.add("lab/fork", stars=10**6, fork=True)
    fake_github.add("lab/secret", stars=10**6, private=True)
    fake_github.organizations.add("lab")
    return fake_github


def test_the_owners_repositories_come_with_the_totals_pages(owner: FakeGitHub) -> None:
    result = fetch(owner, (), user="lab", shows=LISTED)
    assert owner.count() == 2  # the two pages the totals read anyway
    assert result.user is not None and (result.user.stars, result.user.repositories) == (
        sum(range(130)), 130,
    )  # fmt: skip
    [listing] = result.listed.lists
    assert listing == Listing(
        "repositories", "lab", tuple(f"lab/r{i:03d}" for i in range(129, 29, -1))
    )
    assert len(result.listed.repositories) == MAX_LIST
    top = result.listed.repositories[0]
    assert (top.name_with_owner, top.stars, top.forks, top.description) == (
        "lab/r129",
        129,
        64,
        "R 129",
    )
    assert result.repositories == () and result.fetched == 0  # the CV's own: none


def test_an_organization_owns_like_a_user_without_a_token(owner: FakeGitHub) -> None:
    result = fetch(owner, (), user="lab", token=None, shows=LISTED)
    assert result.user is not None and result.user.stars == sum(range(130))
    assert [r.path for r in owner.requests] == ["/users/lab/repos"] * 2
    assert result.listed.lists[0].keys[0] == "lab/r129" and len(result.listed.lists[0].keys) == 100
    assert result.notes[-1] == "releases need GITHUB_TOKEN (GraphQL): kept the last known releases"


def test_the_latest_release_of_each_tracked_repository_in_the_batch(owner: FakeGitHub) -> None:
    owner.repos["lab/r001"].release = {
        "tagName": "v1.2", "name": "Faster", "publishedAt": "2026-10-01T12:00:00Z",
    }  # fmt: skip
    owner.repos["lab/r002"].release = {"tagName": "v0.1", "name": None, "publishedAt": None}
    result = fetch(owner, ("lab/r001", "lab/r002", "lab/r003"), shows=frozenset({"releases"}))
    assert owner.count() == 1
    assert result.listed.releases == (
        Release("lab/r001", "v1.2", "2026-10-01T12:00:00Z", T, "Faster"),
    )
    assert result.listed.unreleased == ("lab/r002", "lab/r003")  # unpublished, and none
    assert "latestRelease" in owner.queries[0]


def test_a_malformed_release_keeps_the_stars(owner: FakeGitHub) -> None:
    owner.repos["lab/r001"].release = {"tagName": "v1", "name": "x", "publishedAt": "yesterday"}
    result = fetch(owner, ("lab/r001",), shows=frozenset({"releases"}))
    assert stars(result) == {"lab/r001": 1}
    assert result.listed.releases == () and result.listed.unreleased == ()  # last known kept


def test_no_list_fields_are_asked_that_no_page_shows(owner: FakeGitHub) -> None:
    result = fetch(owner, ("lab/r001",), user="lab")
    assert (
        "latestRelease" not in owner.queries[0]
        and "RepoStats" not in owner.queries[0].split("nodes")[1][:30]
    )
    assert result.listed.lists == () and result.listed.repositories == ()


def test_a_failed_owner_page_fails_the_totals_and_the_list(owner: FakeGitHub) -> None:
    owner.script("POST", "/graphql", json_reply({"data": {}}), graphql_rate_limited())
    result = fetch(owner, (), user="lab", shows=LISTED)
    assert result.listed.lists == ()
    assert [f.item for f in result.failures] == ["totals of lab", "list of lab's repositories"]
