"""The Semantic Scholar source against a fake Graph API on 127.0.0.1, through the production
client: one batch, aligned answers, unknown papers, rate limits, faults, and the key; an
author's figures and papers (paged past 1,000, bounded, one item per paper)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import FAST
from tests.fakes.clock import FakeTime
from tests.fakes.scholar import FakeScholar, paper
from tests.fakes.server import FakeServer, Reply, Request, json_reply
from updater.sources.http import DaemonPool, Deadline, session
from updater.sources.scholar import (
    AUTHOR_FIELDS,
    FIELDS,
    PAPER_FIELDS,
    ScholarClient,
    fetch_papers,
    fetch_scholar,
    paper_ids,
)
from updater.stats import MAX_LIST, Listing, PaperEntry, PaperStats, ScholarAuthor, SourceResult

T = "2026-11-26T00:00:00Z"
KEY = "s2_SECRETscholarKEY0123456789"
PAPERS = ("ARXIV:2502.18934", "ACL:2024.findings-acl.135", "DOI:10.1000/xyz123")


def fetch(
    fake: FakeScholar, papers: tuple[str, ...], key: str | None = KEY, seconds: float = 20,
    time: FakeTime | None = None,
) -> SourceResult:  # fmt: skip
    deadline = time.deadline(seconds) if time else Deadline.after(seconds)
    secret = {"x-api-key": key} if key else None
    post = frozenset({"POST"})
    http = session(FAST, deadline, {}, base_url=fake.base_url, private_headers=secret, methods=post,
                   service="Semantic Scholar")  # fmt: skip
    with http:
        client = ScholarClient(fake.base_url, http, FAST, has_key=key is not None)
        return fetch_papers(client, papers, DaemonPool(4, "test"), deadline, lambda: T)


def fetch_author(
    fake: FakeScholar, papers: tuple[str, ...] = (), shows: frozenset[str] = frozenset({"scholar", "papers"}),
    author: str = "1741101",
) -> SourceResult:  # fmt: skip
    deadline = Deadline.after(20)
    http = session(FAST, deadline, {}, base_url=fake.base_url, private_headers={"x-api-key": KEY},
                   methods=frozenset({"GET", "POST"}), service="Semantic Scholar")  # fmt: skip
    with http:
        client = ScholarClient(fake.base_url, http, FAST, has_key=True)
        return fetch_scholar(
            client, papers, DaemonPool(4, "test"), deadline, lambda: T, author=author, shows=shows
        )


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
    clock = FakeTime()
    assert cited(fetch(scholar, PAPERS[:1], time=clock)) == {"ARXIV:2502.18934": 120}
    assert clock.slept == [1.0] and scholar.count() == 2


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


# --- an author's figures and papers ----------------------------------------------------------


@pytest.fixture
def author(scholar: FakeScholar) -> FakeScholar:
    scholar.add_author(
        "1741101", name="Ada Park", h_index=12, citations=1500, paper_count=4,
        papers=[
            paper(1, 95, ArXiv="2306.02254", DOI="10.48550/arXiv.2306.02254"),
            paper(2, 3, ACL="2024.findings-acl.135", venue=None),
            paper(3, 1234, DOI="10.1145/3580305.3599571", year=None),
            paper(4, None),
            {"paperId": "x", "title": None, "externalIds": {"CorpusId": 9}},  # no title
        ],
    )  # fmt: skip
    return scholar


def test_the_author_and_their_papers_in_one_request_each(author: FakeScholar) -> None:
    result = fetch_author(author)
    assert result.scholar == ScholarAuthor("1741101", T, "Ada Park", 12, 1500, 4)
    assert author.count("GET") == 2 and author.count("POST") == 0  # no paper linked: no batch
    first, second = sorted(author.requests, key=lambda r: r.path)
    assert first.path == "/graph/v1/author/1741101" and first.query["fields"] == [AUTHOR_FIELDS]
    assert second.path == "/graph/v1/author/1741101/papers"
    assert second.query == {"fields": [PAPER_FIELDS], "offset": ["0"], "limit": ["1000"]}
    assert result.failures == () and result.notes == () and result.fetched == 0


def test_papers_are_listed_most_cited_first_under_their_best_id(author: FakeScholar) -> None:
    listed = fetch_author(author).listed
    ids = ("DOI:10.1145/3580305.3599571", "ARXIV:2306.02254", "ACL:2024.findings-acl.135",
           "CorpusId:100004")  # fmt: skip
    assert listed.lists == (Listing("papers", "1741101", ids),)
    assert [p.citations for p in listed.papers] == [1234, 95, 3, None]
    assert listed.entries[0] == PaperEntry(ids[0], "Paper 3", None, "ACL")
    assert listed.entries[2] == PaperEntry(ids[2], "Paper 2", 2024, None)  # no venue: None


def test_a_paper_the_cv_links_keeps_the_id_the_cv_uses(author: FakeScholar) -> None:
    author.add("ARXIV:2306.02254", 96)
    result = fetch_author(author, papers=("arxiv:2306.02254", "CorpusId:100002"))
    assert result.listed.lists[0].keys[1:3] == ("arxiv:2306.02254", "CorpusId:100002")
    assert author.count("POST") == 1 and author.count("GET") == 2  # all three at once
    assert cited(result) == {"arxiv:2306.02254": 96}  # the CV's own number, from the batch


def test_paging_past_1000_papers(scholar: FakeScholar) -> None:
    scholar.add_author("7", papers=[paper(i, i) for i in range(1500)])
    result = fetch_author(scholar, author="7", shows=frozenset({"papers"}))
    pages = [r.query["offset"] for r in scholar.requests]
    assert pages == [["0"], ["1000"]] and result.notes == ()
    assert len(result.listed.papers) == MAX_LIST == 100
    assert [p.citations for p in result.listed.papers[:3]] == [1499, 1498, 1497]


def test_paging_is_bounded_and_says_so(scholar: FakeScholar) -> None:
    scholar.add_author("7", papers=[paper(i, i) for i in range(3500)])
    result = fetch_author(scholar, author="7", shows=frozenset({"papers"}))
    assert scholar.count() == 3
    assert result.notes == (
        "author 7 has more than 3,000 papers: listed the most cited of the first 3,000",
    )
    assert result.listed.papers[0].citations == 2999


def test_a_next_offset_that_does_not_move_is_an_invalid_answer(scholar: FakeScholar) -> None:
    scholar.script("GET", "/papers$", json_reply({"offset": 0, "next": 0, "data": []}))
    scholar.add_author("7")
    result = fetch_author(scholar, author="7", shows=frozenset({"papers"}))
    assert scholar.count() == 1 and result.listed.lists == ()
    assert [f.reason for f in result.failures] == [
        "invalid response: next: expected an offset past 0, got '0'"
    ]


def test_an_unknown_author_names_the_setting(scholar: FakeScholar) -> None:
    result = fetch_author(scholar, author="99")
    fix = (
        "Semantic Scholar has no author 99: check tracking.semantic_scholar_author in "
        "data/cv.yaml (the number in the author's page)"
    )
    assert [(f.item, f.reason) for f in result.failures] == [
        ("totals of Semantic Scholar author 99", fix), ("list of 99's papers", fix),
    ]  # fmt: skip
    assert not any(f.is_item for f in result.failures)  # no paper is without its number
    assert result.scholar is None and result.listed.lists == ()


def test_rate_limited_author_requests_fail_alone(author: FakeScholar) -> None:
    author.add("ARXIV:2306.02254", 96)
    author.script("GET", "/author/", *[json_reply({"message": "Too Many Requests"}, 429)] * 6)
    result = fetch_author(author, papers=("ARXIV:2306.02254",))
    assert author.count("GET") == 6  # each of the two, with its two retries
    assert {f.reason for f in result.failures} == {
        "rate limited (HTTP 429), still after retries: kept the last known numbers "
        "(SEMANTIC_SCHOLAR_API_KEY gives a dedicated limit)"
    }
    assert cited(result) == {"ARXIV:2306.02254": 96}  # the batch still came back


def test_nothing_is_asked_of_the_author_that_no_page_shows(author: FakeScholar) -> None:
    result = fetch_author(author, shows=frozenset({"scholar"}))
    assert [r.path for r in author.requests] == ["/graph/v1/author/1741101"]
    assert result.listed.lists == () and result.scholar is not None
    assert fetch_author(author, shows=frozenset()).scholar is None
    assert author.count() == 1


@pytest.mark.parametrize(
    ("external", "ids"),
    [
        ({"ArXiv": "2306.02254", "DOI": "10.48550/arXiv.2306.02254", "CorpusId": 5},
         ["ARXIV:2306.02254", "CorpusId:5"]),
        ({"DOI": "10.18653/v1/2024.findings-acl.135"}, ["ACL:2024.findings-acl.135"]),
        ({"ArXiv": "hep-th/9901001"}, ["ARXIV:hep-th/9901001"]),
        ({"ArXiv": "not an id", "DOI": "10.1000/a b", "CorpusId": True, "ACL": 7}, []),
        ({"DOI": "10.1002/(SICI)1097-4571"}, ["DOI:10.1002/(SICI)1097-4571"]),
        (None, []),
    ],
)  # fmt: skip
def test_external_ids_map_to_the_batch_ids(external: object, ids: list[str]) -> None:
    assert paper_ids(external) == ids


def test_titles_and_venues_are_cleaned_and_bounded(scholar: FakeScholar) -> None:
    scholar.add_author("7", papers=[
        paper(1, 1, title="A\x1b[31m title\u202e" + "x" * 400, venue="V\nenue"),
    ])  # fmt: skip
    [entry] = fetch_author(scholar, author="7").listed.entries
    assert entry.title.startswith("A [31m title ") and len(entry.title) == 300
    assert entry.venue == "V enue"
