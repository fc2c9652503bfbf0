"""A fake of the Semantic Scholar Graph API: POST /graph/v1/paper/batch (one answer per id,
in order, null for unknown papers; at most 500 ids), GET /graph/v1/author/{id} and
GET /graph/v1/author/{id}/papers (paged by offset and limit, at most 1,000 a page, `next`
absent on the last page; an unknown author is a 404 as the API words it). Only known fields
are accepted (an unknown one is a 400); an optional key is required when set."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.server import FakeServer, Reply, Request, json_reply

PAPER_FIELDS = frozenset({
    "paperId", "title", "year", "citationCount", "externalIds", "url", "venue", "corpusId",
})  # fmt: skip
AUTHOR_FIELDS = frozenset({
    "authorId", "name", "hIndex", "citationCount", "paperCount", "url", "affiliations",
    "homepage", "externalIds",
})  # fmt: skip
BATCH_PATH = "/graph/v1/paper/batch"
_AUTHOR_RE = re.compile(r"/graph/v1/author/([^/]+)(/papers)?")


@dataclass
class Author:
    """An author in the fake: figures and papers (as the API's paper objects)."""

    author_id: str
    name: str = "Hyunwoong Ko"
    h_index: Any = 12
    citations: Any = 1500
    paper_count: Any = 30
    papers: list[dict[str, Any]] = field(default_factory=list)


def paper(
    n: int, citations: Any = 0, *, title: str | None = None, year: int | None = 2024,
    venue: str | None = "ACL", **external: Any,
) -> dict[str, Any]:  # fmt: skip
    """A paper object as /author/{id}/papers answers it (CorpusId always; others as given)."""
    sha = f"{n:040x}"
    return {
        "paperId": sha, "title": title or f"Paper {n}", "year": year, "venue": venue,
        "citationCount": citations, "externalIds": {"CorpusId": 100000 + n, **external},
        "url": f"https://www.semanticscholar.org/paper/{sha}",
    }  # fmt: skip


class FakeScholar(FakeServer):
    """Semantic Scholar on 127.0.0.1; `key`, when set, is required in x-api-key."""

    def __init__(self, key: str | None = None, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.key = key
        self.papers: dict[str, int] = {}
        self.authors: dict[str, Author] = {}

    @property
    def base_url(self) -> str:
        return self.url + "/graph/v1"

    def add(self, paper_id: str, citations: Any) -> None:
        """A paper known under this id (`ARXIV:2502.18934`, `ACL:...`, `DOI:...`)."""
        self.papers[paper_id.lower()] = citations

    def add_author(self, author_id: str, **kw: Any) -> Author:
        """An author known under this id."""
        author = Author(author_id, **kw)
        self.authors[author_id] = author
        return author

    def handle(self, request: Request) -> Reply:
        if self.key is not None and request.headers.get("x-api-key") != self.key:
            return json_reply({"message": "Forbidden"}, 403)
        author = _AUTHOR_RE.fullmatch(request.path)
        if request.method == "GET" and author:
            return self._author(request, author[1], bool(author[2]))
        if request.method != "POST" or request.path != BATCH_PATH:
            return json_reply({"message": "Not Found"}, 404)
        fields = ",".join(request.query.get("fields", ["paperId,title"])).split(",")
        unknown = [f for f in fields if f not in PAPER_FIELDS]
        if unknown:
            return json_reply({"error": f"Unrecognized or unsupported fields: {unknown}"}, 400)
        body = request.json()
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or len(ids) > 500:
            return json_reply({"error": "ids must be a list of at most 500"}, 400)
        return json_reply([self._paper(i, fields) for i in ids])

    def _paper(self, paper_id: str, fields: list[str]) -> dict[str, Any] | None:
        if paper_id.lower() not in self.papers:
            return None
        known = {"paperId": f"s2-{paper_id}", "citationCount": self.papers[paper_id.lower()],
                 "title": "A paper", "year": 2025}  # fmt: skip
        return {"paperId": known["paperId"], **{f: known[f] for f in fields if f in known}}

    def _author(self, request: Request, author_id: str, papers: bool) -> Reply:
        fields = ",".join(request.query.get("fields", ["name"])).split(",")
        allowed = PAPER_FIELDS if papers else AUTHOR_FIELDS
        unknown = [f for f in fields if f not in allowed]
        if unknown:
            return json_reply({"error": f"Unrecognized or unsupported fields: {unknown}"}, 400)
        author = self.authors.get(author_id)
        if author is None:
            return json_reply({"error": f"Author with id {author_id} not found"}, 404)
        if papers:
            return self._papers(request, author, fields)
        known = {"name": author.name, "hIndex": author.h_index, "paperCount": author.paper_count,
                 "citationCount": author.citations}  # fmt: skip
        return json_reply({"authorId": author_id, **{f: known[f] for f in fields if f in known}})

    def _papers(self, request: Request, author: Author, fields: list[str]) -> Reply:
        offset = int(request.query.get("offset", ["0"])[0])
        limit = int(request.query.get("limit", ["100"])[0])
        if limit > 1000:
            return json_reply({"error": "limit must be <= 1000"}, 400)
        page = author.papers[offset : offset + limit]
        data = [{"paperId": p["paperId"], **{f: p[f] for f in fields if f in p}} for p in page]
        more = {"next": offset + limit} if offset + limit < len(author.papers) else {}
        return json_reply({"offset": offset, **more, "data": data})
