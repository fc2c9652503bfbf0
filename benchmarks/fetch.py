"""Benchmark the live fetch against local fakes of GitHub, the Hub and Semantic Scholar that
add latency.

Run: python -m benchmarks.fetch [--latency 0.1] [--skip-naive-scale]
Reports requests per API, connections opened and wall time for updater's fetcher, beside a
naive baseline (one request per item, one after another, a new connection each, as simple
profile scripts do), for the committed CV and for 500 repositories, 100 models and 50 papers;
then the committed CV's whole live render against an offline one (the fetch's cost).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.github import FakeGitHub  # noqa: E402
from tests.fakes.huggingface import FakeHub  # noqa: E402
from tests.fakes.profile import populate  # noqa: E402
from tests.fakes.scholar import FakeScholar  # noqa: E402
from updater.build import Paths, build  # noqa: E402
from updater.config import Settings  # noqa: E402
from updater.cv import load_cv  # noqa: E402
from updater.fetch import LiveFetcher  # noqa: E402
from updater.links import Targets, cv_urls, discover  # noqa: E402
from updater.snapshot import Snapshot  # noqa: E402

TOKEN = "ghs_benchmark"


@dataclass(frozen=True)
class Row:
    scenario: str
    method: str
    github_requests: int
    github_connections: int
    hub_requests: int
    hub_connections: int
    scholar_requests: int
    scholar_connections: int
    seconds: float


@dataclass(frozen=True)
class Fakes:
    github: FakeGitHub
    hub: FakeHub
    scholar: FakeScholar

    def settings(self) -> Settings:
        return Settings(
            github_api_url=self.github.url,
            github_graphql_url=self.github.url + "/graphql",
            github_token=TOKEN,
            hf_endpoint=self.hub.url,
            semantic_scholar_api_url=self.scholar.base_url,
        )


def updater_fetch(fakes: Fakes, targets: Targets) -> None:
    results = LiveFetcher(fakes.settings())(targets, Snapshot())
    failures = [f for r in results for f in r.failures]
    assert not failures, failures


def naive_fetch(fakes: Fakes, targets: Targets) -> None:
    github, hub = fakes.github, fakes.hub
    headers = {"Authorization": f"token {TOKEN}"}
    for name in targets.repositories:
        requests.get(f"{github.url}/repos/{name}", headers=headers, timeout=30).raise_for_status()
    url: str | None = f"{github.url}/users/{targets.github_user}/repos?type=owner&per_page=100"
    while url:
        response = requests.get(url, headers=headers, timeout=30)
        response.raise_for_status()
        url = response.links.get("next", {}).get("url")
    for model in targets.models:
        requests.get(f"{hub.url}/api/models/{model}", timeout=30).raise_for_status()
    for paper in targets.papers:  # the per-paper GET a simple script would make
        response = requests.post(
            f"{fakes.scholar.base_url}/paper/batch", params={"fields": "citationCount"},
            json={"ids": [paper]}, timeout=30,
        )  # fmt: skip
        response.raise_for_status()


def measure(
    scenario: str, method: str, fetch: Callable[[Fakes, Targets], None],
    setup: Callable[[Fakes], Targets], latency: float,
) -> Row:  # fmt: skip
    with (
        FakeGitHub(token=TOKEN, latency=latency) as github, FakeHub(latency=latency) as hub,
        FakeScholar(latency=latency) as scholar,
    ):  # fmt: skip
        fakes = Fakes(github, hub, scholar)
        targets = setup(fakes)
        started = time.perf_counter()
        fetch(fakes, targets)
        seconds = time.perf_counter() - started
        return Row(
            scenario, method, github.count(), github.connections(), hub.count(),
            hub.connections(), scholar.count(), scholar.connections(), seconds,
        )  # fmt: skip


def committed_cv(fakes: Fakes) -> Targets:
    populate(fakes.github, fakes.hub, scholar=fakes.scholar)
    cv = load_cv(ROOT / "tests/fixtures/seed/data/cv.yaml", ROOT)  # the seed profile's links
    return discover(cv_urls(cv), cv.tracking.github_user)


def at_scale(fakes: Fakes) -> Targets:
    """500 repositories (150 the person's own, the rest in 5 orgs), 100 models (4 orgs),
    50 papers."""
    repos = [f"me/own-{i:03d}" for i in range(150)]
    repos += [f"org{i % 5}/repo-{i:03d}" for i in range(350)]
    for i, name in enumerate(repos):
        fakes.github.add(name, stars=i)
    models = [f"lab{i % 4}/model-{i:03d}" for i in range(100)]
    for i, model_id in enumerate(models):
        fakes.hub.add(model_id, downloads=i * 10, likes=i)
    papers = [f"ARXIV:2501.{i:05d}" for i in range(50)]
    for i, paper in enumerate(papers):
        fakes.scholar.add(paper, i)
    return Targets(tuple(repos), tuple(models), "me", papers=tuple(papers))


def render_cost(latency: float, runs: int = 5) -> tuple[float, float]:
    """Median seconds of the committed CV's render: offline, and live against the fakes."""
    seed = ROOT / "tests/fixtures/seed"
    paths = Paths(seed / "data/cv.yaml", seed / "stats.json", seed / "templates", seed)
    offline, live = [], []
    with (
        FakeGitHub(token=TOKEN, latency=latency) as github, FakeHub(latency=latency) as hub,
        FakeScholar(latency=latency) as scholar,
    ):  # fmt: skip
        fakes = Fakes(github, hub, scholar)
        committed_cv(fakes)
        build(paths, None)  # warm up imports and caches
        for _ in range(runs):
            started = time.perf_counter()
            build(paths, None)
            offline.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = build(paths, LiveFetcher(fakes.settings()))
            live.append(time.perf_counter() - started)
            assert not [f for r in result.results for f in r.failures]
    return sorted(offline)[runs // 2], sorted(live)[runs // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per response")
    parser.add_argument("--skip-naive-scale", action="store_true", help="skip the ~60 s baseline")
    args = parser.parse_args()
    rows = [
        measure("committed CV", "updater", updater_fetch, committed_cv, args.latency),
        measure("committed CV", "naive", naive_fetch, committed_cv, args.latency),
        measure(
            "500 repos, 100 models, 50 papers", "updater", updater_fetch, at_scale, args.latency
        ),
    ]
    if not args.skip_naive_scale:
        rows.append(
            measure(
                "500 repos, 100 models, 50 papers", "naive", naive_fetch, at_scale, args.latency
            )
        )
    print(f"latency per response: {args.latency * 1000:.0f} ms")
    print(
        "| scenario | method | GitHub requests (connections) | Hub requests (connections) "
        "| Semantic Scholar requests (connections) | wall time |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.scenario} | {r.method} | {r.github_requests} ({r.github_connections}) "
            f"| {r.hub_requests} ({r.hub_connections}) "
            f"| {r.scholar_requests} ({r.scholar_connections}) | {r.seconds:.3f} s |"
        )
    offline, live = render_cost(args.latency)
    print(
        f"\ncommitted CV, median of 5: offline render {offline:.3f} s, live render "
        f"{live:.3f} s, the fetch costs {live - offline:.3f} s (budget: 0.3 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
