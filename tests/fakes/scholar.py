"""A fake of the Semantic Scholar Graph API's POST /graph/v1/paper/batch: one answer per id,
in order, null for unknown papers; only known fields; at most 500 ids; an optional key."""

from __future__ import annotations

from typing import Any

from tests.fakes.server import FakeServer, Reply, Request, json_reply

PAPER_FIELDS = frozenset({"paperId", "title", "year", "citationCount", "externalIds", "url"})
BATCH_PATH = "/graph/v1/paper/batch"


class FakeScholar(FakeServer):
    """Semantic Scholar on 127.0.0.1; `key`, when set, is required in x-api-key."""

    def __init__(self, key: str | None = None, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.key = key
        self.papers: dict[str, int] = {}

    @property
    def base_url(self) -> str:
        return self.url + "/graph/v1"

    def add(self, paper_id: str, citations: Any) -> None:
        """A paper known under this id (`ARXIV:2502.18934`, `ACL:...`, `DOI:...`)."""
        self.papers[paper_id.lower()] = citations

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != BATCH_PATH:
            return json_reply({"message": "Not Found"}, 404)
        if self.key is not None and request.headers.get("x-api-key") != self.key:
            return json_reply({"message": "Forbidden"}, 403)
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
