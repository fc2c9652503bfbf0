"""Benchmark what naming the three sources costs the seed profile's live render, against local
fakes of GitHub, the Hub and Semantic Scholar that add latency to every response.

Run: python -m benchmarks.lists [--latency 0.1] [--runs 5]
Four profiles: the seed as it is; the seed naming `semantic_scholar_author` and
`huggingface_authors` beside its `github_user`, its page unchanged (it shows no list); the
same with its page showing the author's figures, the Hub totals and the owner's
repositories; and with its page showing every list. For
each: the requests per API, and the median wall time of an offline render and of a live
one (the fetch's cost is the difference; the budget is 0.3 s over the offline render).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fetch import TOKEN, Fakes, committed_cv  # noqa: E402
from tests.fakes.github import FakeGitHub  # noqa: E402
from tests.fakes.huggingface import FakeHub  # noqa: E402
from tests.fakes.scholar import FakeScholar, paper  # noqa: E402
from updater.build import Paths, build  # noqa: E402
from updater.fetch import LiveFetcher  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "seed"
NAMED = '  semantic_scholar_author: "2262347"\n  huggingface_authors: [kakaocorp, hyunwoongko]\n'
HEADER = """
{% if scholar.h_index is not none %}h-index {{ scholar.h_index }} · {{ scholar.citations | humanize }} citations · ⬇ {{ totals.hub_downloads | humanize }}{% endif %}

{% for r in lists.repositories[:10] %}
- [{{ r.name }}]({{ r.url }})
{% endfor %}
"""
SHOWN = (
    HEADER
    + """
{% for p in lists.papers[:10] %}
- [{{ p.title | plain }}]({{ p.url }})
{% endfor %}
{% for m in lists.models + lists.datasets + lists.spaces %}
- [{{ m.id }}]({{ m.url }})
{% endfor %}
{% for r in lists.releases %}
- [{{ r.name or r.tag }}]({{ r.url }})
{% endfor %}
"""
)
BUDGET = 0.3


@dataclass(frozen=True)
class Row:
    profile: str
    github: int
    hub: int
    scholar: int
    offline: float
    live: float


def profile(folder: Path, named: bool, shown: str) -> Paths:
    """A copy of the seed profile, naming the sources and showing `shown` at its end."""
    shutil.copytree(SEED / "data", folder / "data")
    shutil.copytree(SEED / "templates", folder / "templates")
    shutil.copy(SEED / "stats.json", folder / "data" / "stats.json")
    if named:
        with (folder / "data" / "cv.yaml").open("a", encoding="utf-8") as data:
            data.write(NAMED)
    with (folder / "templates" / "README.md.j2").open("a", encoding="utf-8") as page:
        page.write(shown)
    return Paths(folder / "data/cv.yaml", folder / "data/stats.json", folder / "templates", folder)


def populate(fakes: Fakes) -> None:
    """The seed's items (benchmarks.fetch), plus what the named sources list."""
    committed_cv(fakes)
    fakes.scholar.add_author("2262347", papers=[paper(i, i * 3) for i in range(40)])
    fakes.hub.add_dataset("kakaocorp/kobest", downloads=2300, likes=12)
    fakes.hub.add_space("hyunwoongko/demo", likes=8)
    fakes.github.repos["hyunwoongko/kss"].release = {
        "tagName": "6.0.0", "name": "Kss 6", "publishedAt": "2025-01-02T03:04:05Z",
    }  # fmt: skip


def measure(name: str, paths: Paths, latency: float, runs: int) -> Row:
    with (
        FakeGitHub(token=TOKEN, latency=latency) as github, FakeHub(latency=latency) as hub,
        FakeScholar(latency=latency) as scholar,
    ):  # fmt: skip
        fakes = Fakes(github, hub, scholar)
        populate(fakes)
        fetcher = LiveFetcher(fakes.settings())
        build(paths, None)  # warm up imports and caches
        for fake in (github, hub, scholar):
            fake.requests.clear()
        first = build(paths, fetcher)
        assert not [f for r in first.results for f in r.failures], first.results
        counts = (github.count(), hub.count(), scholar.count())
        offline, live = [], []
        for _ in range(runs):
            started = time.perf_counter()
            build(paths, None)
            offline.append(time.perf_counter() - started)
            started = time.perf_counter()
            build(paths, fetcher)
            live.append(time.perf_counter() - started)
    return Row(name, *counts, sorted(offline)[runs // 2], sorted(live)[runs // 2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per response")
    parser.add_argument("--runs", type=int, default=5, help="renders of each kind (the median)")
    args = parser.parse_args()
    cases = (
        ("seed, as it is", False, ""),
        ("seed, all three sources named, page unchanged", True, ""),
        ("seed, all three sources named, page showing the figures and repositories", True, HEADER),
        ("seed, all three sources named, page showing every list", True, SHOWN),
    )
    rows = []
    for name, named, shown in cases:
        with tempfile.TemporaryDirectory() as folder:
            rows.append(measure(name, profile(Path(folder), named, shown), args.latency, args.runs))
    print(f"latency per response: {args.latency * 1000:.0f} ms; median of {args.runs}")
    print(
        "| profile | GitHub requests | Hub requests | Semantic Scholar requests | offline render "
        "| live render | the fetch costs |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        cost = r.live - r.offline
        mark = "" if cost <= BUDGET else f" (over the {BUDGET} s budget)"
        print(
            f"| {r.profile} | {r.github} | {r.hub} | {r.scholar} | {r.offline:.3f} s "
            f"| {r.live:.3f} s | {cost:.3f} s{mark} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
