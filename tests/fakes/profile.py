"""The committed CV's repositories and models, with plausible numbers, in both fakes."""

from __future__ import annotations

from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from tests.fakes.scholar import FakeScholar

REPOS = {
    "hyunwoongko/transformer": 1450, "hyunwoongko/kochat": 440, "hyunwoongko/social-robot-bao": 12,
    "hyunwoongko/citrus-pest-disease-recognition": 9, "hyunwoongko/strabismus-recognition": 7,
    "hyunwoongko/bigdata-lecture": 30, "kakaobrain/pororo": 1290, "hyunwoongko/openchat": 440,
    "hyunwoongko/kss": 1349, "hyunwoongko/pecab": 120, "tunib-ai/large-scale-lm-tutorials": 980,
    "hyunwoongko/parallelformers": 780, "EleutherAI/polyglot": 470, "EleutherAI/oslo": 310,
    "hyunwoongko/nanoRLHF": 95,
}  # fmt: skip
MODELS = {
    "kakaocorp/kanana-nano-2.1b-instruct": (12_100, 51),
    "kakaocorp/kanana-1.5-8b-instruct-2505": (13_042, 40),
    "kakaocorp/kanana-1.5-15.7b-a3b-instruct": (2_400, 18),
    "kakaocorp/kanana-2-30b-a3b-instruct": (5_600, 22),
    "kakaocorp/kanana-1.5-v-3b-instruct": (3_300, 15),
}

PAPERS = {"ARXIV:2306.02254": 95, "ACL:2024.findings-acl.135": 3, "ARXIV:2502.18934": 1_234}


def populate(
    github: FakeGitHub, hub: FakeHub, extra_owned: int = 20, scholar: FakeScholar | None = None
) -> None:
    """Every repository, model and paper the committed CV links, and more repositories the
    user owns."""
    for name, stars in REPOS.items():
        github.add(name, stars=stars, forks=stars // 10)
    for i in range(extra_owned):
        github.add(f"hyunwoongko/extra-{i:03d}", stars=i)
    github.add("hyunwoongko/forked", stars=10_000, fork=True)
    for model_id, (downloads, likes) in MODELS.items():
        hub.add(model_id, downloads=downloads, downloads_all_time=downloads * 12, likes=likes)
    hub.add("kakaocorp/unrelated-model", downloads=5)
    for paper_id, citations in PAPERS.items():
        if scholar is not None:
            scholar.add(paper_id, citations)
