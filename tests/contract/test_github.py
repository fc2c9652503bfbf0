"""GitHub's recorded answers (REST, GraphQL) through LiveFetcher: numbers, renames, partial
answers, pagination, and the errors, each read from the body GitHub sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.harness import fetch
from tests.contract.replay import Replay
from updater.links import Targets
from updater.stats import Failure, Rename, SourceResult, UserTotals


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[Replay]:
    with Replay(*request.param) as server:
        yield server
        assert server.unexpected == []


def github(server: Replay, targets: Targets, token: bool = False) -> SourceResult:
    return fetch(server, targets, token=token)["github"]


@pytest.mark.parametrize("served", [["github-rest-renamed"]], indirect=True)
def test_rest_a_renamed_repository_is_followed_and_the_rename_reported(served: Replay) -> None:
    result = github(served, Targets(("protoncoin/protoncoin",)))
    assert served.left() == 0
    [repo] = result.repositories
    assert (repo.name_with_owner, repo.stars, repo.forks, repo.language) == (
        "padima2/protoncoin", 5, 21, "C++",
    )  # fmt: skip
    assert repo.description == "HiggsProject main repository"
    assert result.renames == (Rename("protoncoin/protoncoin", "padima2/protoncoin"),)


@pytest.mark.parametrize("served", [["github-rest-retried"]], indirect=True)
def test_rest_a_500_then_the_repository(served: Replay) -> None:
    [repo] = github(served, Targets(("PyGithub/PyGithub",))).repositories
    assert served.left() == 0
    assert (repo.stars, repo.forks, repo.language) == (2256, 765, "Python")


@pytest.mark.parametrize("served", [["github-rest-5xx-exhausted"]], indirect=True)
def test_rest_5xx_until_the_retries_are_spent_says_what_github_said(served: Replay) -> None:
    result = github(served, Targets(("PyGithub/PyGithub",)))
    assert result.failures == (Failure("PyGithub/PyGithub", "HTTP 502: Server Error"),)


@pytest.mark.parametrize("served", [["github-rest-not-found"]], indirect=True)
def test_rest_404_is_missing_with_the_fix(served: Replay) -> None:
    result = github(served, Targets(("jacquev6/Xxx",)))
    assert result.failures == (
        Failure("jacquev6/Xxx", "not found or private: check the link in data/cv.yaml", True),
    )


@pytest.mark.parametrize("served", [["github-rest-owner-repos"]], indirect=True)
def test_rest_owner_totals_from_a_page_of_repositories(served: Replay) -> None:
    result = github(served, Targets((), (), "jacquev6"))
    assert result.user == UserTotals("jacquev6", 16, 10, "2026-12-03T14:02:00Z")
    assert served.requests[0].query["type"] == ["owner"]


@pytest.mark.parametrize("served", [["github-rest-bad-credentials"]], indirect=True)
def test_a_rejected_token_is_one_reason_for_every_item(served: Replay) -> None:
    result = github(served, Targets(("PyGithub/PyGithub", "jacquev6/Xxx")), token=True)
    reason = (
        "GitHub rejected GITHUB_TOKEN (401 Bad credentials): set a valid token, or unset it to "
        "read public numbers without one"
    )
    assert result.failures == (
        Failure("PyGithub/PyGithub", reason),
        Failure("jacquev6/Xxx", reason),
    )


@pytest.mark.parametrize("served", [["github-graphql-partial"]], indirect=True)
def test_graphql_a_partial_answer_keeps_the_found_and_names_the_missing(served: Replay) -> None:
    result = github(served, Targets(("PyGithub/PyGithub", "jacquev6/Xxx")), token=True)
    assert [(r.name_with_owner, r.stars) for r in result.repositories] == [
        ("PyGithub/PyGithub", 2256)
    ]
    assert result.failures == (
        Failure("jacquev6/Xxx", "not found or private: check the link in data/cv.yaml", True),
    )
    query = served.requests[0].json()
    assert query["variables"] == {"o0": "PyGithub", "n0": "PyGithub", "o1": "jacquev6", "n1": "Xxx"}
