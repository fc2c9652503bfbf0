"""A fake of the Hugging Face Hub's model, dataset and Space API: `expand` returns only the
named properties (an unknown one is a 400, as on the Hub), lists paginate by the Link header,
and errors carry X-Error-Code as on the real Hub."""

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
# huggingface_hub's ExpandModelProperty_T, ExpandDatasetProperty_T and ExpandSpaceProperty_T.
EXPANDABLE = {
    "models": frozenset({
        "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt",
        "disabled", "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
        "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
        "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha",
        "siblings", "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage",
        "widgetData", "xetEnabled",
    }),
    "datasets": frozenset({
        "author", "cardData", "citation", "createdAt", "description", "disabled", "downloads",
        "downloadsAllTime", "gated", "lastModified", "likes", "paperswithcode_id", "private",
        "resourceGroup", "sha", "siblings", "tags", "trendingScore", "usedStorage", "xetEnabled",
    }),
    "spaces": frozenset({
        "author", "cardData", "createdAt", "datasets", "disabled", "lastModified", "likes",
        "models", "private", "resourceGroup", "runtime", "sdk", "sha", "siblings", "subdomain",
        "tags", "trendingScore", "usedStorage", "xetEnabled",
    }),
}  # fmt: skip


@dataclass
class Model:
    id: str
    downloads: Any = 0
    downloads_all_time: Any = 0
    likes: Any = 0
    gated: bool | str = False
    private: bool = False
    parameters: Any = 8_000_000_000
    kind: str = "models"

    def properties(self) -> dict[str, Any]:
        common = {
            "author": self.id.split("/")[0], "likes": self.likes,
            "lastModified": "2025-05-22T01:02:03.000Z", "createdAt": "2025-01-01T00:00:00.000Z",
            "private": self.private, "tags": [],
        }  # fmt: skip
        if self.kind == "spaces":
            return {**common, "sdk": "gradio", "runtime": {"stage": "RUNNING"}}
        counts = {
            "downloads": self.downloads, "downloadsAllTime": self.downloads_all_time,
            "gated": self.gated,
        }  # fmt: skip
        if self.kind == "datasets":
            return {**common, **counts, "description": "A dataset."}
        return {
            **common, **counts, "pipeline_tag": "text-generation", "library_name": "transformers",
            "safetensors": {"parameters": {"BF16": self.parameters}, "total": self.parameters} if self.parameters else None,
        }  # fmt: skip


def repo_not_found(status: int = 404) -> Reply:
    return json_reply({"error": "Repository not found"}, status, {"X-Error-Code": "RepoNotFound"})


class FakeHub(FakeServer):
    """The Hub on 127.0.0.1. `token` unlocks private repositories."""

    def __init__(self, token: str | None = None, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.token = token
        self.models: dict[str, Model] = {}
        self.repos: dict[str, dict[str, Model]] = {
            "models": self.models,
            "datasets": {},
            "spaces": {},
        }

    def add(self, model_id: str, **kw: Any) -> Model:
        return self._add("models", model_id, **kw)

    def add_dataset(self, dataset_id: str, **kw: Any) -> Model:
        return self._add("datasets", dataset_id, **kw)

    def add_space(self, space_id: str, **kw: Any) -> Model:
        return self._add("spaces", space_id, **kw)

    def _add(self, kind: str, repo_id: str, **kw: Any) -> Model:
        repo = Model(repo_id, kind=kind, **kw)
        self.repos[kind][repo_id.lower()] = repo
        return repo

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
        parts = request.path.split("/", 3)  # "", "api", kind, rest
        if len(parts) < 3 or parts[1] != "api" or parts[2] not in self.repos:
            return json_reply({"error": "Not Found"}, 404)
        kind = parts[2]
        unknown = [e for e in expand if e not in EXPANDABLE[kind]]
        if unknown:
            return json_reply({"error": f'"expand" must be one of ... (got {unknown})'}, 400)
        if len(parts) == 3:
            return self._list(kind, request, expand)
        repo = self.repos[kind].get(parts[3].lower())
        if repo is None:
            return repo_not_found()
        if not self._visible(repo, request):
            return repo_not_found(401)
        return json_reply(self._shape(repo, expand))

    def _list(self, kind: str, request: Request, expand: list[str]) -> Reply:
        author = request.query.get("author", [""])[0].lower()
        limit = int(request.query.get("limit", ["1000"])[0])
        start = int(request.query.get("cursor", ["0"])[0])
        found = sorted(
            (
                m
                for m in self.repos[kind].values()
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
            headers["Link"] = f'<{self.url}/api/{kind}?{urlencode(query)}{extra}>; rel="next"'
        return Reply(200, [self._shape(m, expand) for m in page], headers)
