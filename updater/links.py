"""Which repositories and models to track: discovered from the links in the data and pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from updater.stats import repo_key

_NAME = r"[A-Za-z0-9_.-]+"
# A repository link is exactly https://github.com/OWNER/REPO (a file inside it is not).
GITHUB_REPO_RE = re.compile(
    rf"https://github\.com/({_NAME})/({_NAME}?)(?:\.git)?/?(?=[)\s\"'<>]|$)"
)
# Models live at https://huggingface.co/ORG/NAME; datasets, spaces and docs are other kinds.
HF_MODEL_RE = re.compile(rf"https://huggingface\.co/({_NAME})/({_NAME})/?(?=[)\s\"'<>]|$)")
_HF_NOT_MODELS = frozenset({"datasets", "spaces", "docs", "blog", "papers", "collections", "api"})


@dataclass(frozen=True)
class Targets:
    """The repositories and models one run fetches, in page order, without duplicates."""

    repositories: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    github_user: str | None = None


def hf_model(url: str) -> str | None:
    """ORG/MODEL when url is exactly a Hugging Face model link."""
    match = HF_MODEL_RE.fullmatch(url.rstrip("/"))
    return f"{match[1]}/{match[2]}" if match and match[1] not in _HF_NOT_MODELS else None


def discover(urls: Iterable[str], github_user: str | None) -> Targets:
    """Every repository and model among `urls`, in order, once each."""
    repos: dict[str, str] = {}
    models: dict[str, str] = {}
    for url in urls:
        repo = GITHUB_REPO_RE.fullmatch(url)
        if repo:
            repos.setdefault(repo_key(f"{repo[1]}/{repo[2]}"), f"{repo[1]}/{repo[2]}")
        model = hf_model(url)
        if model:
            models.setdefault(model.lower(), model)
    return Targets(tuple(repos.values()), tuple(models.values()), github_user)
