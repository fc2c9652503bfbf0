"""A fake of the Hugging Face Hub's model API: `expand` returns only the named properties,
lists paginate by the Link header, and errors carry X-Error-Code as on the real Hub."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.fakes.server import FakeServer, Reply, Request, json_reply

DEFAULT_PROPERTIES = (
    "author",
    "downloads",
    "likes",
    "lastModified",
    "pipeline_tag",
    "library_name",
    "tags",
    "gated",
    "private",
    "createdAt",
)


@dataclass
class Model:
    id: str
    downloads: int = 0
    downloads_all_time: int = 0
    likes: int = 0
    gated: bool | str = False
    private: bool = False
    parameters: int | None = 8_000_000_000

    def properties(self) -> dict[str, Any]:
        return {
            "author": self.id.split("/")[0], "downloads": self.downloads,
            "downloadsAllTime": self.downloads_all_time, "likes": self.likes,
            "lastModified": "2025-05-22T01:02:03.000Z", "createdAt": "2025-01-01T00:00:00.000Z",
            "pipeline_tag": "text-generation", "library_name": "transformers", "tags": ["transformers"],
            "gated": self.gated, "private": self.private,
            "safetensors": {"parameters": {"BF16": self.parameters}, "total": self.parameters} if self.parameters else None,
        }  # fmt: skip


def repo_not_found(status: int = 404) -> Reply:
    return json_reply({"error": "Repository not found"}, status, {"X-Error-Code": "RepoNotFound"})


class FakeHub(FakeServer):
    """The Hub on 127.0.0.1. `token` unlocks private models."""

    def __init__(self, token: str | None = None, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.token = token
        self.models: dict[str, Model] = {}

    def add(self, model_id: str, **kw: Any) -> Model:
        model = Model(model_id, **kw)
        self.models[model_id.lower()] = model
        return model

    def _visible(self, model: Model, request: Request) -> bool:
        return not model.private or request.headers.get("authorization") == f"Bearer {self.token}"

    def _shape(self, model: Model, expand: list[str]) -> dict[str, Any]:
        props = model.properties()
        wanted = expand or list(DEFAULT_PROPERTIES)
        return {
            "_id": f"id-{model.id}",
            "id": model.id,
            **{k: props[k] for k in wanted if k in props},
        }

    def handle(self, request: Request) -> Reply:
        expand = request.query.get("expand", [])
        if request.path == "/api/models":
            return self._list(request, expand)
        if request.path.startswith("/api/models/"):
            model = self.models.get(request.path.removeprefix("/api/models/").lower())
            if model is None:
                return repo_not_found()
            if not self._visible(model, request):
                return repo_not_found(401)
            return json_reply(self._shape(model, expand))
        return json_reply({"error": "Not Found"}, 404)

    def _list(self, request: Request, expand: list[str]) -> Reply:
        author = request.query.get("author", [""])[0].lower()
        limit = int(request.query.get("limit", ["1000"])[0])
        start = int(request.query.get("cursor", ["0"])[0])
        found = sorted(
            (
                m
                for m in self.models.values()
                if m.id.split("/")[0].lower() == author and self._visible(m, request)
            ),
            key=lambda m: m.id,
        )
        page = found[start : start + limit]
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if start + limit < len(found):
            query = {
                **{k: v[0] for k, v in request.query.items() if k != "expand"},
                "cursor": start + limit,
            }
            extra = "".join(f"&expand={e}" for e in expand)
            headers["Link"] = f'<{self.url}/api/models?{urlencode(query)}{extra}>; rel="next"'
        return Reply(200, [self._shape(m, expand) for m in page], headers)
