"""Settings read once from the environment (in cli.py) and passed down as a frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_GITHUB_API = "https://api.github.com"
DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_SEMANTIC_SCHOLAR_API = "https://api.semanticscholar.org/graph/v1"


@dataclass(frozen=True)
class Settings:
    """Endpoints, tokens and Actions files, as GitHub Actions and huggingface_hub define them."""

    github_api_url: str = DEFAULT_GITHUB_API
    github_graphql_url: str = DEFAULT_GITHUB_API + "/graphql"
    github_token: str | None = None
    github_repository: str | None = None
    hf_endpoint: str = DEFAULT_HF_ENDPOINT
    hf_token: str | None = None
    semantic_scholar_api_url: str = DEFAULT_SEMANTIC_SCHOLAR_API
    semantic_scholar_api_key: str | None = None
    in_actions: bool = False
    step_summary: Path | None = None
    step_output: Path | None = None
    github_ref: str | None = None  # GITHUB_REF: what the run checked out (refs/heads/BRANCH)
    workflow_ref: str | None = None  # GITHUB_WORKFLOW_REF: OWNER/REPO/.github/workflows/F@REF

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from environment variables; empty values count as unset."""

        def get(name: str) -> str | None:
            return env.get(name, "").strip() or None

        api = (get("GITHUB_API_URL") or DEFAULT_GITHUB_API).rstrip("/")
        return cls(
            github_api_url=api,
            github_graphql_url=(get("GITHUB_GRAPHQL_URL") or _graphql_for(api)).rstrip("/"),
            github_token=get("GITHUB_TOKEN"),
            github_repository=get("GITHUB_REPOSITORY"),
            hf_endpoint=(get("HF_ENDPOINT") or DEFAULT_HF_ENDPOINT).rstrip("/"),
            hf_token=get("HF_TOKEN"),
            semantic_scholar_api_url=(
                get("SEMANTIC_SCHOLAR_API_URL") or DEFAULT_SEMANTIC_SCHOLAR_API
            ).rstrip("/"),
            semantic_scholar_api_key=get("SEMANTIC_SCHOLAR_API_KEY"),
            in_actions=env.get("GITHUB_ACTIONS") == "true",
            step_summary=Path(s) if (s := get("GITHUB_STEP_SUMMARY")) else None,
            step_output=Path(s) if (s := get("GITHUB_OUTPUT")) else None,
            github_ref=get("GITHUB_REF"),
            workflow_ref=get("GITHUB_WORKFLOW_REF"),
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in output."""
        return tuple(self.named_secrets.values())

    @property
    def named_secrets(self) -> dict[str, str]:
        """Each secret that is set, by the name of its variable: what a refusal names."""
        tokens = {
            "GITHUB_TOKEN": self.github_token,
            "HF_TOKEN": self.hf_token,
            "SEMANTIC_SCHOLAR_API_KEY": self.semantic_scholar_api_key,
        }
        return {name: value for name, value in tokens.items() if value}


def _graphql_for(api: str) -> str:
    """GitHub Enterprise serves GraphQL at /api/graphql beside /api/v3."""
    return api.removesuffix("/v3") + "/graphql"
