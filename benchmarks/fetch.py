"""Benchmark the live fetch against local fakes of GitHub and the Hub that add latency.

Run: python -m benchmarks.fetch [--latency 0.1] [--skip-naive-scale]
Reports requests per API, connections opened and wall time for updater's fetcher, beside a
naive baseline (one request per item, one after another, a new connection each, as simple
profile scripts do), for the committed CV and for 500 repositories and 100 models.
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
from updater.build import find_targets  # noqa: E402
from updater.config import Settings  # noqa: E402
from updater.cv import load_cv  # noqa: E402
from updater.fetch import LiveFetcher  # noqa: E402
from updater.links import Targets  # noqa: E402
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
    seconds: float


def updater_fetch(github: FakeGitHub, hub: FakeHub, targets: Targets) -> None:
    settings = Settings(
        github_api_url=github.url,
        github_graphql_url=github.url + "/graphql",
        github_token=TOKEN,
        hf_endpoint=hub.url,
    )
    results = LiveFetcher(settings)(targets, Snapshot())
    failures = [f for r in results for f in r.failures]
    assert not failures, failures


def naive_fetch(github: FakeGitHub, hub: FakeHub, targets: Targets) -> None:
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


def measure(
    scenario: str, method: str, fetch: Callable[[FakeGitHub, FakeHub, Targets], None],
    setup: Callable[[FakeGitHub, FakeHub], Targets], latency: float,
) -> Row:  # fmt: skip
    with FakeGitHub(token=TOKEN, latency=latency) as github, FakeHub(latency=latency) as hub:
        targets = setup(github, hub)
        started = time.perf_counter()
        fetch(github, hub, targets)
        seconds = time.perf_counter() - started
        return Row(
            scenario, method, github.count(), github.connections(),
            hub.count(), hub.connections(), seconds,
        )  # fmt: skip


def committed_cv(github: FakeGitHub, hub: FakeHub) -> Targets:
    populate(github, hub)
    return find_targets(load_cv(ROOT / "tests/fixtures/seed/data/cv.yaml"), {})


def at_scale(github: FakeGitHub, hub: FakeHub) -> Targets:
    """500 repositories (150 the person's own, the rest in 5 orgs) and 100 models (4 orgs)."""
    repos = [f"me/own-{i:03d}" for i in range(150)]
    repos += [f"org{i % 5}/repo-{i:03d}" for i in range(350)]
    for i, name in enumerate(repos):
        github.add(name, stars=i)
    models = [f"lab{i % 4}/model-{i:03d}" for i in range(100)]
    for i, model_id in enumerate(models):
        hub.add(model_id, downloads=i * 10, likes=i)
    return Targets(tuple(repos), tuple(models), "me")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per response")
    parser.add_argument("--skip-naive-scale", action="store_true", help="skip the ~60 s baseline")
    args = parser.parse_args()
    rows = [
        measure("committed CV", "updater", updater_fetch, committed_cv, args.latency),
        measure("committed CV", "naive", naive_fetch, committed_cv, args.latency),
        measure("500 repos, 100 models", "updater", updater_fetch, at_scale, args.latency),
    ]
    if not args.skip_naive_scale:
        rows.append(measure("500 repos, 100 models", "naive", naive_fetch, at_scale, args.latency))
    print(f"latency per response: {args.latency * 1000:.0f} ms")
    print(
        "| scenario | method | GitHub requests (connections) | Hub requests (connections) | wall time |"
    )
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.scenario} | {r.method} | {r.github_requests} ({r.github_connections}) "
            f"| {r.hub_requests} ({r.hub_connections}) | {r.seconds:.3f} s |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
