"""Semantic Scholar's recorded answers to the paper batch through LiveFetcher."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.harness import T, fetch
from tests.contract.replay import Replay
from updater.links import Targets
from updater.stats import ScholarAuthor, SourceResult

IDS = (
    "CorpusId:211530585", "CorpusId:470667", "DOI:10.2139/ssrn.2250500",
    "0f40b1f08821e22e859c6050916cec3667778613",
)  # fmt: skip


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[Replay]:
    with Replay(*request.param) as server:
        yield server
        assert server.unexpected == []


def scholar(server: Replay, key: bool = False) -> SourceResult:
    return fetch(server, Targets(papers=IDS), key=key)["semanticscholar"]


@pytest.mark.parametrize("served", [["s2-batch-with-unknown"]], indirect=True)
def test_one_batch_aligned_with_the_ids_null_for_an_unknown_paper(served: Replay) -> None:
    result = scholar(served)
    assert {p.paper_id: p.citations for p in result.papers} == {
        IDS[1]: 10670, IDS[2]: 2185, IDS[3]: 0,
    }  # fmt: skip
    assert result.notes == (f"{IDS[0]} is unknown to Semantic Scholar: no citation count",)
    assert served.requests[0].json() == {"ids": list(IDS)}
    assert served.requests[0].query["fields"] == ["citationCount"]


@pytest.mark.parametrize("served", [["s2-bad-fields"]], indirect=True)
def test_a_400_says_what_the_api_said(served: Replay) -> None:
    reasons = {f.reason for f in scholar(served).failures}
    assert reasons == {"HTTP 400: Unrecognized or unsupported fields: [unknown]"}


@pytest.mark.parametrize("served", [["s2-rate-limited"]], indirect=True)
def test_429_without_retry_after_after_the_retries(served: Replay) -> None:
    result = scholar(served)
    assert served.count() == 3
    assert {f.reason for f in result.failures} == {
        "rate limited (HTTP 429), still after retries: kept the last known numbers "
        "(SEMANTIC_SCHOLAR_API_KEY gives a dedicated limit)"
    }


@pytest.mark.parametrize("served", [["s2-forbidden-key"]], indirect=True)
def test_a_refused_key_is_named_once_with_the_fix(served: Replay) -> None:
    result = scholar(served, key=True)
    assert {f.reason for f in result.failures} == {
        "Semantic Scholar rejected SEMANTIC_SCHOLAR_API_KEY (HTTP 403: Forbidden): set a valid "
        "key, or unset it to share the public pool"
    }
    assert len(result.failures) == len(IDS)


def author(server: Replay, author_id: str, *shows: str) -> SourceResult:
    targets = Targets(scholar_author=author_id, shows=frozenset(shows))
    return fetch(server, targets)["semanticscholar"]


@pytest.mark.parametrize("served", [["s2-author"]], indirect=True)
def test_the_authors_figures_as_recorded(served: Replay) -> None:
    result = author(served, "2262347", "scholar")
    assert result.scholar == ScholarAuthor("2262347", T, "A. Turing", 22, 13236, 59)
    assert served.requests[0].query["fields"] == ["name,hIndex,citationCount,paperCount"]
    assert result.failures == ()


@pytest.mark.parametrize("served", [["s2-author-papers"]], indirect=True)
def test_the_authors_papers_page_by_next_as_recorded(served: Replay) -> None:
    result = author(served, "1723755", "papers")
    assert [r.query["offset"] for r in served.requests] == [["0"], ["100"]]  # by `next`
    assert served.left() == 0 and result.failures == () and result.notes == ()
    entries = {e.paper_id: e for e in result.listed.entries}
    assert len(entries) == 6
    assert {p.paper_id: p.citations for p in result.listed.papers}[
        "DOI:10.1073/PNAS.80.24.7547"
    ] == 56
    assert result.listed.lists[0].keys[:2] == (
        "DOI:10.1073/PNAS.80.24.7547", "DOI:10.1016/s0021-9258(18)33056-4",
    )  # fmt: skip
    cell = entries["DOI:10.1016/S0070-2161(08)60637-1"]
    assert (cell.venue, cell.year) == (None, 1983)  # an empty venue is no venue
    assert entries["DOI:10.1128/mbio.01007-23"].title == (
        "SARS-CoV-2 hijacks p38β/MAPK11 to promote virus replication"
    )


@pytest.mark.parametrize("served", [["s2-author-not-found"]], indirect=True)
def test_an_unknown_author_as_recorded(served: Replay) -> None:
    result = author(served, "0", "scholar")
    assert [(f.item, f.reason) for f in result.failures] == [(
        "totals of Semantic Scholar author 0",
        "Semantic Scholar has no author 0: check tracking.semantic_scholar_author in "
        "data/cv.yaml (the number in the author's page)",
    )]  # fmt: skip
    assert served.count() == 1  # a 404 is not retried
