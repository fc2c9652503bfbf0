"""The committed CV's repositories and models, with plausible numbers, in both fakes."""

from __future__ import annotations

from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub

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


def populate(github: FakeGitHub, hub: FakeHub, extra_owned: int = 20) -> None:
    """Every repository and model the committed CV links, and more repositories the user owns."""
    for name, stars in REPOS.items():
        github.add(name, stars=stars, forks=stars // 10)
    for i in range(extra_owned):
        github.add(f"hyunwoongko/extra-{i:03d}", stars=i)
    github.add("hyunwoongko/forked", stars=10_000, fork=True)
    for model_id, (downloads, likes) in MODELS.items():
        hub.add(model_id, downloads=downloads, downloads_all_time=downloads * 12, likes=likes)
    hub.add("kakaocorp/unrelated-model", downloads=5)
