"""Semantic Scholar Graph API: citation counts of every linked paper, in one batch request;
an author's figures and most cited papers, in one request each (more pages past 1,000 papers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import requests

from updater.links import ACL_ID_RE, ARXIV_ID_RE, DOI_RE, doi_id
from updater.sources import values
from updater.sources.http import Deadline, DeadlineExceeded, Policy, describe, gather, load_json
from updater.stats import (
    MAX_LIST,
    TOTALS,
    Failure,
    Listed,
    Listing,
    PaperEntry,
    PaperStats,
    ScholarAuthor,
    SourceResult,
    list_item,
)

FIELDS = "citationCount"  # only what the README shows; an unknown field is a 400
BATCH = 500  # ids per POST /paper/batch, the API's limit
AUTHOR_FIELDS = "name,hIndex,citationCount,paperCount"
PAPER_FIELDS = "title,year,venue,citationCount,externalIds,url"
PAPERS_PAGE = 1000  # papers per page of /author/{id}/papers, the API's limit
# Pages of an author's papers read, one after another: 3,000 papers. Past that the list is
# the most cited of the first 3,000 the API returns, and a note says so.
MAX_PAPER_PAGES = 3
EXPECTED = (requests.RequestException, ValueError, DeadlineExceeded)


class ScholarError(Exception):
    """Semantic Scholar answered with an error status."""

    def __init__(self, status: int, message: str | None, key_sent: bool = False) -> None:
        self.status, self.message, self.key_sent = status, message, key_sent
        super().__init__(f"HTTP {status}" + (f": {message}" if message else ""))

    @property
    def reason(self) -> str:
        """What the status means, in one line."""
        if self.status == 429:
            return (
                "rate limited (HTTP 429), still after retries: kept the last known numbers "
                "(SEMANTIC_SCHOLAR_API_KEY gives a dedicated limit)"
            )
        if self.status in (401, 403) and self.key_sent:
            return (
                f"Semantic Scholar rejected SEMANTIC_SCHOLAR_API_KEY ({self}): set a valid key, "
                "or unset it to share the public pool"
            )
        return f"{self}"


@dataclass(frozen=True)
class ScholarClient:
    """The Graph API at `base_url` (…/graph/v1), through one keep-alive session (`has_key`:
    it sends SEMANTIC_SCHOLAR_API_KEY, so a 403 is the key's fault)."""

    base_url: str
    http: requests.Session
    policy: Policy
    has_key: bool = False

    def author(self, author_id: str, fetched_at: str) -> ScholarAuthor:
        """GET /author/{id}: the author's name, h-index, citations and paper count."""
        data = self._get(f"/author/{author_id}", {"fields": AUTHOR_FIELDS})
        if not isinstance(data, dict):
            raise ValueError("expected an author object")
        return ScholarAuthor(
            author_id=author_id,
            fetched_at=fetched_at,
            name=values.text(data.get("name")),
            h_index=values.optional_count(data.get("hIndex"), "hIndex"),
            citations=values.optional_count(data.get("citationCount"), "citationCount"),
            paper_count=values.optional_count(data.get("paperCount"), "paperCount"),
        )

    def author_papers(self, author_id: str) -> tuple[list[Any], bool]:
        """GET /author/{id}/papers, 1,000 a page by `offset`, at most MAX_PAPER_PAGES pages:
        every paper object, and whether more were left unread."""
        found: list[Any] = []
        offset: int | None = 0
        for _ in range(MAX_PAPER_PAGES):
            page = self._get(
                f"/author/{author_id}/papers",
                {"fields": PAPER_FIELDS, "offset": offset, "limit": PAPERS_PAGE},
            )
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise ValueError("expected an object with a list of papers in data")
            found += page["data"]
            offset = _next_offset(page.get("next"), offset or 0)
            if offset is None:
                return found, False
        return found, True

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        response = self.http.get(
            f"{self.base_url}{path}", params=params, timeout=self.policy.timeout
        )
        if response.status_code != 200:
            raise ScholarError(response.status_code, _message(response.content), self.has_key)
        kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
        return load_json(response.content, kind)

    def batch(self, ids: Sequence[str], fetched_at: str) -> list[PaperStats | ValueError | None]:
        """POST /paper/batch: one answer per id, in order; None for a paper it does not know."""
        response = self.http.post(
            f"{self.base_url}/paper/batch",
            params={"fields": FIELDS},
            json={"ids": list(ids)},
            timeout=self.policy.timeout,
        )
        kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
        if response.status_code != 200:
            raise ScholarError(response.status_code, _message(response.content), self.has_key)
        answer = load_json(response.content, kind)
        if not isinstance(answer, list) or len(answer) != len(ids):
            raise ValueError("expected a JSON list with one entry per id")
        return [
            _paper(item, paper_id, fetched_at) for item, paper_id in zip(answer, ids, strict=True)
        ]


def _next_offset(value: Any, offset: int) -> int | None:
    """The next page's offset; a `next` that does not move forward is a broken answer."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= offset:
        raise ValueError(f"next: expected an offset past {offset}, got {str(value)[:20]!r}")
    return value


def _paper(item: Any, paper_id: str, fetched_at: str) -> PaperStats | ValueError | None:
    if item is None:
        return None
    try:
        if not isinstance(item, dict):
            raise ValueError("expected a paper object or null")
        citations = values.count(item.get("citationCount"), "citationCount")
    except ValueError as exc:
        return exc
    return PaperStats(paper_id, fetched_at, citations)


def _message(content: bytes) -> str | None:
    """The API's own one-line error (`{"error": ...}` or `{"message": ...}`), if any."""
    try:
        data = load_json(content)
    except ValueError:
        return None
    if isinstance(data, dict):
        text = data.get("error") or data.get("message")
        return values.text(text, 120)
    return None


def reason(exc: BaseException) -> str:
    """One line for a failed request."""
    return exc.reason if isinstance(exc, ScholarError) else describe(exc)


# --- an author's papers, as a list ------------------------------------------------------


def paper_ids(external: Any) -> list[str]:
    """A paper's ids as the batch takes them, best known first: arXiv, ACL Anthology, DOI
    (arXiv and ACL DOIs as their own ids), corpus id. Malformed ids are left out."""
    if not isinstance(external, dict):
        return []
    ids: list[str] = []
    arxiv, acl, doi = (external.get(k) for k in ("ArXiv", "ACL", "DOI"))
    if isinstance(arxiv, str) and ARXIV_ID_RE.fullmatch(arxiv):
        ids.append(f"ARXIV:{arxiv}")
    if isinstance(acl, str) and ACL_ID_RE.fullmatch(acl):
        ids.append(f"ACL:{acl}")
    if isinstance(doi, str) and DOI_RE.fullmatch(doi):
        ids.append(doi_id(doi))
    corpus = external.get("CorpusId")
    if isinstance(corpus, int) and not isinstance(corpus, bool) and 0 <= corpus < 10**12:
        ids.append(f"CorpusId:{corpus}")
    return list(dict.fromkeys(ids))


def _listed_paper(
    item: Any, linked: dict[str, str], fetched_at: str
) -> tuple[PaperEntry, PaperStats] | None:
    """A paper of the list, keyed by the id the CV links it under if it does (one item, one
    number), else its best id; None for one without a title or a usable id."""
    if not isinstance(item, dict):
        return None
    ids = paper_ids(item.get("externalIds"))
    title = values.text(item.get("title"), values.LONG)
    if not ids or not title:
        return None
    key = next((linked[i.lower()] for i in ids if i.lower() in linked), ids[0])
    year = item.get("year")
    try:
        citations = values.optional_count(item.get("citationCount"), "citationCount")
        year = values.optional_count(year, "year") if isinstance(year, int) else None
    except ValueError:
        return None
    venue = values.text(item.get("venue")) or None
    return PaperEntry(key, title, year, venue), PaperStats(key, fetched_at, citations)


def listed_papers(
    author_id: str, items: list[Any], linked: Sequence[str], fetched_at: str
) -> Listed:
    """The author's MAX_LIST most cited papers (then newest), one item per paper."""
    by_id = {paper_id.lower(): paper_id for paper_id in linked}
    found: dict[str, tuple[PaperEntry, PaperStats]] = {}
    for item in items:
        paper = _listed_paper(item, by_id, fetched_at)
        if paper is not None:
            found.setdefault(paper[0].paper_id.lower(), paper)
    best = sorted(found.values(), key=lambda p: (-(p[1].citations or -1), -(p[0].year or 0)))
    kept = best[:MAX_LIST]
    return Listed(
        lists=(Listing("papers", author_id, tuple(e.paper_id for e, _ in kept)),),
        papers=tuple(s for _, s in kept),
        entries=tuple(e for e, _ in kept),
    )


def author_item(author_id: str) -> str:
    """How the author's figures are named in failures: not a paper."""
    return f"{TOTALS}Semantic Scholar author {author_id}"


def _author_reason(exc: BaseException, author_id: str) -> str:
    if isinstance(exc, ScholarError) and exc.status == 404:
        return (
            f"Semantic Scholar has no author {author_id}: check "
            "tracking.semantic_scholar_author in data/cv.yaml (the number in the author's page)"
        )
    return reason(exc)


# --- one run --------------------------------------------------------------------------------


@dataclass
class _Collected:
    papers: list[PaperStats] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    author: ScholarAuthor | None = None
    listed: Listed = field(default_factory=Listed)


# One request of a run: ("batch", ids), ("author", (id,)) or ("papers", (id,)).
Job = tuple[str, tuple[str, ...]]


def fetch_scholar(
    client: ScholarClient,
    papers: tuple[str, ...],
    pool: Executor,
    deadline: Deadline,
    now: Callable[[], str],
    *,
    author: str | None = None,
    shows: frozenset[str] = frozenset(),
) -> SourceResult:
    """Citations of every linked paper, and, for the author when the pages show them, their
    figures (`scholar`) and most cited papers (`papers`), all requests at once. Unknown papers
    are notes; failures keep the last known numbers and lists."""
    fetched_at = now()
    jobs: list[Job] = [("batch", papers[i : i + BATCH]) for i in range(0, len(papers), BATCH)]
    jobs += [(kind, (author,)) for kind in ("scholar", "papers") if author and kind in shows]
    out = _Collected()

    def run(job: Job) -> Any:
        kind, ids = job
        if kind == "batch":
            return client.batch(ids, fetched_at)
        if kind == "scholar":
            return client.author(ids[0], fetched_at)
        return client.author_papers(ids[0])

    for job, outcome in gather(pool, run, jobs, deadline):
        if isinstance(outcome, BaseException) and not isinstance(outcome, _FAILURES):
            raise outcome
        _collect(job, outcome, out, papers, fetched_at)
    return SourceResult(
        "semanticscholar", len(papers), papers=tuple(out.papers), failures=tuple(out.failures),
        notes=tuple(out.notes), listed=out.listed, scholar=out.author,
    )  # fmt: skip


_FAILURES = (ScholarError, *EXPECTED)


def _collect(
    job: Job, outcome: Any, out: _Collected, linked: Sequence[str], fetched_at: str
) -> None:
    kind, ids = job
    if kind == "batch":
        _collect_batch(ids, outcome, out)
    elif isinstance(outcome, BaseException):
        item = author_item(ids[0]) if kind == "scholar" else list_item("papers", ids[0])
        out.failures.append(Failure(item, _author_reason(outcome, ids[0])))
    elif kind == "scholar":
        out.author = outcome
    else:
        items, more = outcome
        out.listed = listed_papers(ids[0], items, linked, fetched_at)
        if more:
            out.notes.append(
                f"author {ids[0]} has more than {MAX_PAPER_PAGES * PAPERS_PAGE:,} papers: "
                f"listed the most cited of the first {MAX_PAPER_PAGES * PAPERS_PAGE:,}"
            )


def _collect_batch(ids: tuple[str, ...], outcome: Any, out: _Collected) -> None:
    if isinstance(outcome, BaseException):
        out.failures.extend(Failure(i, reason(outcome)) for i in ids)
        return
    for paper_id, answer in zip(ids, outcome, strict=True):
        if answer is None:
            out.notes.append(f"{paper_id} is unknown to Semantic Scholar: no citation count")
        elif isinstance(answer, ValueError):
            out.failures.append(Failure(paper_id, f"invalid response: {answer}"))
        else:
            out.papers.append(answer)


def fetch_papers(
    client: ScholarClient,
    papers: tuple[str, ...],
    pool: Executor,
    deadline: Deadline,
    now: Callable[[], str],
) -> SourceResult:
    """Citations of every paper; unknown papers are notes, failures keep the last known numbers."""
    return fetch_scholar(client, papers, pool, deadline, now)
