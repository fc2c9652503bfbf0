"""The Semantic Scholar source against a fake Graph API on 127.0.0.1, through the production
client: one batch, aligned answers, unknown papers, rate limits, faults, and the key."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import FAST
from tests.fakes.scholar import FakeScholar
from tests.fakes.server import FakeServer, Reply, Request, json_reply
from updater.sources.http import DaemonPool, Deadline, session
from updater.sources.scholar import FIELDS, ScholarClient, fetch_papers
from updater.stats import PaperStats, SourceResult

T = "2026-11-26T00:00:00Z"
KEY = "s2_SECRETscholarKEY0123456789"
PAPERS = ("ARXIV:2502.18934", "ACL:2024.findings-acl.135", "DOI:10.1000/xyz123")


def fetch(
    fake: FakeScholar, papers: tuple[str, ...], key: str | None = KEY, seconds: float = 20
) -> SourceResult:
    deadline = Deadline.after(seconds)
    secret = {"x-api-key": key} if key else None
    post = frozenset({"POST"})
    http = session(FAST, deadline, {}, base_url=fake.base_url, private_headers=secret, methods=post,
                   service="Semantic Scholar")  # fmt: skip
    with http:
        client = ScholarClient(fake.base_url, http, FAST, has_key=key is not None)
        return fetch_papers(client, papers, DaemonPool(4, "test"), deadline, lambda: T)


def cited(result: SourceResult) -> dict[str, int | None]:
    return {p.paper_id: p.citations for p in result.papers}


@pytest.fixture
def scholar() -> Iterator[FakeScholar]:
    with FakeScholar(key=KEY) as fake:
        fake.add("ARXIV:2502.18934", 120)
        fake.add("ACL:2024.findings-acl.135", 7)
        fake.add("DOI:10.1000/xyz123", 0)
        yield fake


def test_one_batch_request_asking_only_for_the_shown_field(scholar: FakeScholar) -> None:
    result = fetch(scholar, PAPERS)
    assert result.papers == (
        PaperStats("ARXIV:2502.18934", T, 120),
        PaperStats("ACL:2024.findings-acl.135", T, 7),
        PaperStats("DOI:10.1000/xyz123", T, 0),
    )
    assert scholar.count() == 1 and result.fetched == 3 and result.source == "semanticscholar"
    [request] = scholar.requests
    assert (request.method, request.path) == ("POST", "/graph/v1/paper/batch")
    assert request.query["fields"] == [FIELDS] == ["citationCount"]
    assert request.json() == {"ids": list(PAPERS)}
    assert request.headers["x-api-key"] == KEY


def test_unknown_papers_are_notes_not_failures(scholar: FakeScholar) -> None:
    result = fetch(scholar, ("ARXIV:2502.18934", "ARXIV:0000.00000"))
    assert cited(result) == {"ARXIV:2502.18934": 120}
    assert result.failures == ()
    assert result.notes == ("ARXIV:0000.00000 is unknown to Semantic Scholar: no citation count",)


def test_no_key_no_header(scholar: FakeScholar) -> None:
    scholar.key = None
    fetch(scholar, PAPERS, key=None)
    assert "x-api-key" not in scholar.requests[0].headers


def test_more_than_500_papers_are_split_in_batches(scholar: FakeScholar) -> None:
    papers = tuple(f"DOI:10.1000/{i}" for i in range(501))
    result = fetch(scholar, papers)
    assert scholar.count() == 2 and len(result.notes) == 501


def test_429_with_retry_after_is_waited_out(scholar: FakeScholar) -> None:
    scholar.script("POST", "batch", json_reply({"message": "Too Many Requests"}, 429,
                                               {"Retry-After": "1"}))  # fmt: skip
    started = time.monotonic()
    assert cited(fetch(scholar, PAPERS[:1])) == {"ARXIV:2502.18934": 120}
    assert time.monotonic() - started >= 1 and scholar.count() == 2


def test_429_without_retry_after_backs_off_then_keeps_the_last_numbers(
    scholar: FakeScholar,
) -> None:
    scholar.script("POST", "batch", *[json_reply({"message": "Too Many Requests"}, 429)] * 3)
    result = fetch(scholar, PAPERS[:1])
    assert result.papers == () and scholar.count() == 3  # FAST: 2 retries
    [failure] = result.failures
    assert failure.item == "ARXIV:2502.18934"
    assert failure.reason.startswith("rate limited (HTTP 429), still after retries")
    assert "SEMANTIC_SCHOLAR_API_KEY" in failure.reason


def test_retry_after_past_the_deadline_gives_up_at_once(scholar: FakeScholar) -> None:
    scholar.script("POST", "batch", json_reply({}, 429, {"Retry-After": "60"}))
    started = time.monotonic()
    [failure] = fetch(scholar, PAPERS[:1], seconds=5).failures
    assert time.monotonic() - started < 4
    assert failure.reason.startswith("rate limited by Semantic Scholar until "), failure.reason
    assert failure.reason.endswith(" UTC (HTTP 429)")


@pytest.mark.parametrize(
    ("replies", "reason"),
    [
        ([json_reply({"message": "Internal"}, 500)] * 3, "HTTP 500"),
        ([json_reply({"message": "bad"}, 502), json_reply({"x": 1}, 200)], "invalid response"),
        ([Reply(200, "<html>down</html>", {"Content-Type": "text/html"})], "invalid response"),
        ([json_reply([None])], "invalid response: expected a JSON list with one entry per id"),
        ([json_reply({"error": "Unrecognized or unsupported fields"}, 400)], "HTTP 400"),
        (
            [json_reply({"message": "Forbidden"}, 403)],
            "Semantic Scholar rejected SEMANTIC_SCHOLAR_API_KEY (HTTP 403: Forbidden): set a valid key",
        ),
        ([Reply(reset=True)] * 3, "connection failed"),
    ],
    ids=["5xx", "5xx-then-garbage", "html", "misaligned", "400", "403", "reset"],
)
def test_faults_fail_the_batch_not_the_run(
    scholar: FakeScholar, replies: list[Reply], reason: str
) -> None:
    scholar.script("POST", "batch", *replies)
    result = fetch(scholar, PAPERS[:2])
    assert result.papers == ()
    assert [f.item for f in result.failures] == list(PAPERS[:2])
    assert all(f.reason.startswith(reason) or reason in f.reason for f in result.failures)


@pytest.mark.parametrize("bad", [-1, 10**40, True, "12", 1.5, None])
def test_a_bad_count_fails_that_paper_alone(scholar: FakeScholar, bad: object) -> None:
    scholar.add("ARXIV:2502.18934", bad)
    result = fetch(scholar, PAPERS[:2])
    assert cited(result) == {"ACL:2024.findings-acl.135": 7}
    [failure] = result.failures
    assert failure.item == "ARXIV:2502.18934"
    assert failure.reason.startswith("invalid response: citationCount")


def test_the_key_goes_only_to_its_own_host(scholar: FakeScholar) -> None:
    class Elsewhere(FakeServer):
        def handle(self, request: Request) -> Reply:
            return json_reply([{"paperId": "x", "citationCount": 1}])

    with Elsewhere() as other:
        scholar.script("POST", "batch", Reply(307, b"", {"Location": other.url + "/batch"}))
        fetch(scholar, PAPERS[:1])
        assert other.count() == 1
        assert "x-api-key" not in other.requests[0].headers
        assert KEY.encode() not in repr(other.requests).encode()
