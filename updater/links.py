"""What each link points to (repository, model, dataset, Space, paper), and the targets of a run."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote

from updater.cv import CV
from updater.stats import repo_key

Kind = Literal["repo", "model", "dataset", "space", "paper"]

_NAME = r"[A-Za-z0-9_.-]+"
_END = r"(?=[)\s\"'<>]|$)"

_GITHUB_RE = re.compile(rf"https?://(?:www\.)?github\.com/({_NAME})/({_NAME}?)(?:\.git)?/?")
# First path segments of github.com that are pages, not accounts.
_GITHUB_NOT_OWNERS = frozenset({
    "about", "apps", "collections", "customer-stories", "enterprise", "events", "explore",
    "features", "login", "marketplace", "new", "notifications", "orgs", "organizations",
    "pricing", "pulls", "issues", "search", "security", "settings", "sponsors", "topics",
    "trending", "users", "join", "codespaces", "readme", "site",
})  # fmt: skip
_HF_HOST = r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)"
_HF_RE = re.compile(rf"{_HF_HOST}/(?:(datasets|spaces)/)?({_NAME})/({_NAME})/?")
# First path segments of huggingface.co that are not model owners.
_HF_NOT_OWNERS = frozenset({
    "datasets", "spaces", "docs", "blog", "papers", "collections", "api", "models",
    "organizations", "settings", "join", "login", "pricing", "tasks", "learn", "chat", "posts",
    "enterprise", "new", "notifications", "search",
})  # fmt: skip
_HF_ONE_RE = re.compile(rf"{_HF_HOST}/({_NAME})/?")
# The Hub's legacy models: the un-namespaced ids of the first canonical models, moved under
# organisations in 2024 (bert-base-uncased is google-bert/bert-base-uncased now, gpt2 is
# openai-community/gpt2); the Hub redirects each old id to its current name. They are a
# closed set (no new model gets an id without an owner), and the only one-segment paths that
# are models: huggingface.co/google is an organisation, huggingface.co/NAME mostly a user.
# The list: the shortcut names transformers shipped for its pretrained models.
LEGACY_MODELS = frozenset({
    "bert-base-uncased", "bert-large-uncased", "bert-base-cased", "bert-large-cased",
    "bert-base-multilingual-uncased", "bert-base-multilingual-cased", "bert-base-chinese",
    "bert-base-german-cased", "bert-large-uncased-whole-word-masking",
    "bert-large-cased-whole-word-masking",
    "bert-large-uncased-whole-word-masking-finetuned-squad",
    "bert-large-cased-whole-word-masking-finetuned-squad", "bert-base-cased-finetuned-mrpc",
    "bert-base-german-dbmdz-cased", "bert-base-german-dbmdz-uncased",
    "openai-gpt", "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "distilgpt2",
    "transfo-xl-wt103", "xlnet-base-cased", "xlnet-large-cased", "ctrl", "camembert-base",
    "xlm-mlm-en-2048", "xlm-mlm-ende-1024", "xlm-mlm-enfr-1024", "xlm-mlm-enro-1024",
    "xlm-mlm-tlm-xnli15-1024", "xlm-mlm-xnli15-1024", "xlm-clm-enfr-1024", "xlm-clm-ende-1024",
    "xlm-mlm-17-1280", "xlm-mlm-100-1280",
    "roberta-base", "roberta-large", "roberta-large-mnli", "distilroberta-base",
    "roberta-base-openai-detector", "roberta-large-openai-detector",
    "distilbert-base-uncased", "distilbert-base-uncased-distilled-squad",
    "distilbert-base-cased", "distilbert-base-cased-distilled-squad",
    "distilbert-base-german-cased", "distilbert-base-multilingual-cased",
    "distilbert-base-uncased-finetuned-sst-2-english",
    "albert-base-v1", "albert-large-v1", "albert-xlarge-v1", "albert-xxlarge-v1",
    "albert-base-v2", "albert-large-v2", "albert-xlarge-v2", "albert-xxlarge-v2",
    "t5-small", "t5-base", "t5-large", "t5-3b", "t5-11b",
    "xlm-roberta-base", "xlm-roberta-large", "xlm-roberta-large-finetuned-conll02-dutch",
    "xlm-roberta-large-finetuned-conll02-spanish",
    "xlm-roberta-large-finetuned-conll03-english",
    "xlm-roberta-large-finetuned-conll03-german",
})  # fmt: skip
_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})"
_ARXIV_RE = re.compile(
    rf"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/{_ARXIV_ID}(?:v\d+)?(?:\.pdf)?/?"
)
# Hugging Face's page of an arXiv paper (huggingface.co/papers/2306.02254): the same paper.
_HF_PAPER_RE = re.compile(rf"{_HF_HOST}/papers/(\d{{4}}\.\d{{4,5}})(?:v\d+)?/?")
_ACL_ID = r"(\d{4}\.[a-z0-9-]+\.\d+|[A-Z]\d{2}-\d{4})"
_ACL_RE = re.compile(rf"https?://(?:www\.)?aclanthology\.org/{_ACL_ID}(?:v\d+)?(?:\.pdf)?/?")
_DOI_RE = re.compile(r"https?://(?:dx\.|www\.)?doi\.org/(10\.\d{4,9}(?:/|%2[Ff])\S+)")
# Semantic Scholar's own link for a paper by its corpus id: what a listed paper with no arXiv,
# ACL Anthology or DOI id links to.
_CORPUS_RE = re.compile(r"https?://api\.semanticscholar\.org/CorpusI[Dd]:(\d{1,12})/?")
# DOIs of the two kinds above: the same paper under the id Semantic Scholar knows best.
_ARXIV_DOI_RE = re.compile(rf"10\.48550/arxiv\.{_ARXIV_ID}", re.IGNORECASE)
_ACL_DOI_RE = re.compile(rf"10\.18653/v1/{_ACL_ID}", re.IGNORECASE)
_URL_RE = re.compile(r"https?://[^\s)\]<>\"'`]+")


@dataclass(frozen=True)
class Ref:
    """What a link points to: a kind and the id its service uses (`ARXIV:2306.02254` for papers)."""

    kind: Kind
    id: str


def classify(url: str) -> Ref | None:
    """The repository, model, dataset, Space or paper a URL is exactly a link to, else None."""
    url = url.strip()
    for parse in (_github, _huggingface, _paper):
        ref = parse(url)
        if ref is not None:
            return ref
    return None


def _github(url: str) -> Ref | None:
    match = _GITHUB_RE.fullmatch(url)
    if not match or not match[2] or match[1].lower() in _GITHUB_NOT_OWNERS:
        return None
    return Ref("repo", f"{match[1]}/{match[2]}")


def _huggingface(url: str) -> Ref | None:
    if (one := _HF_ONE_RE.fullmatch(url)) and one[1].lower() in LEGACY_MODELS:
        return Ref("model", one[1])
    match = _HF_RE.fullmatch(url)
    if not match:
        return None
    section, owner, name = match[1], match[2], match[3]
    if section:
        return Ref("dataset" if section == "datasets" else "space", f"{owner}/{name}")
    if owner.lower() in _HF_NOT_OWNERS:
        return None
    return Ref("model", f"{owner}/{name}")


def _paper(url: str) -> Ref | None:
    if match := _ARXIV_RE.fullmatch(url) or _HF_PAPER_RE.fullmatch(url):
        return Ref("paper", f"ARXIV:{match[1]}")
    if match := _ACL_RE.fullmatch(url):
        return Ref("paper", f"ACL:{match[1]}")
    if match := _DOI_RE.fullmatch(url):
        return Ref("paper", doi_id(unquote(match[1]).rstrip("/")))
    if match := _CORPUS_RE.fullmatch(url):
        return Ref("paper", f"CorpusId:{match[1]}")
    return None


ARXIV_ID_RE = re.compile(_ARXIV_ID)
ACL_ID_RE = re.compile(_ACL_ID)
DOI_RE = re.compile(r"10\.\d{4,9}/[^\s]{1,200}")
_HUB_PATHS = {"model": "", "dataset": "datasets/", "space": "spaces/"}


def url_of(ref: Ref) -> str:
    """The canonical link to an item: `classify` reads it back as the same item, so a page
    printing it gets the item's number."""
    if ref.kind == "repo":
        return f"https://github.com/{ref.id}"
    if ref.kind in _HUB_PATHS:
        return f"https://huggingface.co/{_HUB_PATHS[ref.kind]}{ref.id}"
    scheme, _, value = ref.id.partition(":")
    if scheme == "ARXIV":
        return f"https://arxiv.org/abs/{value}"
    if scheme == "ACL":
        return f"https://aclanthology.org/{value}"
    if scheme == "DOI":  # parentheses and the like would end a markdown link early
        return f"https://doi.org/{quote(value, safe='/:;.-_')}"
    return f"https://api.semanticscholar.org/CorpusID:{value}"


def doi_id(doi: str) -> str:
    """The Semantic Scholar id for a DOI; arXiv and ACL Anthology DOIs map to their own ids."""
    if match := _ARXIV_DOI_RE.fullmatch(doi):
        return f"ARXIV:{match[1]}"
    if match := _ACL_DOI_RE.fullmatch(doi):
        return f"ACL:{match[1]}"
    return f"DOI:{doi}"


def key(ref: Ref) -> str:
    """One key per item, by each service's case rules (all five compare ids case-insensitively,
    old arXiv ids aside, whose archive part is lower case anyway)."""
    return repo_key(ref.id) if ref.kind == "repo" else ref.id.lower()


@dataclass(frozen=True)
class Targets:
    """What one run fetches, in CV order, without duplicates."""

    repositories: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    github_user: str | None = None
    datasets: tuple[str, ...] = ()
    spaces: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()
    # One-segment huggingface.co/NAME links taken for a user or organisation page (not a
    # legacy model id, nor the owner of a tracked item): said in a note, never silent.
    untracked: tuple[str, ...] = ()
    scholar_author: str | None = None  # tracking.semantic_scholar_author
    hub_authors: tuple[str, ...] = ()  # tracking.huggingface_authors
    # What the pages show of the lists and figures (`scholar`, `papers`, `models`, ...,
    # `hub_totals`): only those are fetched.
    shows: frozenset[str] = frozenset()


def discover(urls: Iterable[str], github_user: str | None) -> Targets:
    """Every repository, model, dataset, Space and paper among the URLs, first mention first."""
    kinds: tuple[Kind, ...] = ("repo", "model", "dataset", "space", "paper")
    found: dict[Kind, dict[str, str]] = {kind: {} for kind in kinds}
    pages: dict[str, str] = {}
    for url in urls:
        ref = classify(url)
        if ref is not None:
            found[ref.kind].setdefault(key(ref), ref.id)
        elif (one := _HF_ONE_RE.fullmatch(url.strip())) and one[1].lower() not in _HF_NOT_OWNERS:
            pages.setdefault(one[1].lower(), one[1])
    ids = {kind: tuple(items.values()) for kind, items in found.items()}
    owners = {i.split("/")[0].lower() for kind in ("model", "dataset", "space") for i in ids[kind]}
    untracked = tuple(name for low, name in pages.items() if low not in owners)
    return Targets(
        ids["repo"], ids["model"], github_user, ids["dataset"], ids["space"], ids["paper"],
        untracked,
    )  # fmt: skip


def untracked_notes(targets: Targets) -> tuple[str, ...]:
    """One note per one-segment Hub link that is not tracked, saying why and what to write."""
    return tuple(
        f"huggingface.co/{name} is not tracked: taken for a user or organization page (it is "
        "not a legacy model id); a model is linked as huggingface.co/OWNER/NAME"
        for name in targets.untracked
    )


def urls_in(text: str) -> Iterator[str]:
    """Every http(s) URL in a piece of markdown or plain text."""
    for match in _URL_RE.finditer(text):
        yield match[0].rstrip(".,;:!?")


def cv_urls(cv: CV) -> Iterator[str]:
    """Every URL the CV links, then the extra items under `tracking`, as URLs."""
    for text in cv.texts():
        yield from urls_in(text)
    tracking = cv.tracking
    yield from (f"https://github.com/{name}" for name in tracking.repositories)
    yield from (f"https://huggingface.co/{name}" for name in tracking.models)
    yield from (f"https://huggingface.co/datasets/{name}" for name in tracking.datasets)
    yield from (f"https://huggingface.co/spaces/{name}" for name in tracking.spaces)
    yield from tracking.papers
