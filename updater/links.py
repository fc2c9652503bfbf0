"""Which repositories and models to track: discovered from the links in the CV."""

from __future__ import annotations

import re
from dataclasses import dataclass

from updater.cv import CV
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
    """The repositories and models one run fetches, in CV order, without duplicates."""

    repositories: tuple[str, ...]
    models: tuple[str, ...]
    github_user: str | None


def hf_model(url: str) -> str | None:
    """ORG/MODEL when url is exactly a Hugging Face model link."""
    match = HF_MODEL_RE.fullmatch(url.rstrip("/"))
    return f"{match[1]}/{match[2]}" if match and match[1] not in _HF_NOT_MODELS else None


def discover(cv: CV) -> Targets:
    """Every repository and model the CV links, plus the extra ones under `tracking`."""
    repos: dict[str, str] = {}
    models: dict[str, str] = {}
    for text in cv.texts():
        for m in GITHUB_REPO_RE.finditer(text):
            repos.setdefault(repo_key(f"{m[1]}/{m[2]}"), f"{m[1]}/{m[2]}")
        for m in HF_MODEL_RE.finditer(text):
            if m[1] not in _HF_NOT_MODELS:
                models.setdefault(f"{m[1]}/{m[2]}".lower(), f"{m[1]}/{m[2]}")
    for name in cv.tracking.repositories:
        repos.setdefault(repo_key(name), name)
    for model in cv.tracking.models:
        models.setdefault(model.lower(), model)
    return Targets(tuple(repos.values()), tuple(models.values()), cv.tracking.github_user)
