"""Measure how long `updater update --deadline N` takes, as a process, when a server hangs.

Run: python -m benchmarks.deadline [--deadline 6]
Each scenario starts the fakes, makes one endpoint answer only after 60 s, runs the real
entry point in a subprocess and reports its exit code and wall time beside the promise:
the process ends within --deadline + 5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.github import FakeGitHub  # noqa: E402
from tests.fakes.huggingface import FakeHub  # noqa: E402
from tests.fakes.profile import populate  # noqa: E402
from tests.fakes.server import Reply  # noqa: E402
from updater.snapshot import Snapshot, dumps  # noqa: E402

TOKEN = "ghs_benchmark_token_0123456789"
REPO = "hyunwoongko/hyunwoongko"
HANG = Reply(delay=60)


def profile() -> Path:
    root = Path(tempfile.mkdtemp(prefix="deadline-"))
    seed = ROOT / "tests" / "fixtures" / "seed"
    for rel in ("data/cv.yaml", "templates/README.md.j2"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(seed / rel, root / rel)
    (root / "data/stats.json").write_text(dumps(Snapshot()), encoding="utf-8")
    return root


def run(scenario: str, deadline: float) -> tuple[int, float]:
    root = profile()
    with FakeGitHub(token=TOKEN) as github, FakeHub() as hub:
        populate(github, hub)
        github.add(REPO)
        github.init_branch(REPO, {"README.md": "old\n"})
        if scenario == "fetch hangs":
            github.script("POST", "/graphql", *[HANG] * 50)
            hub.script("GET", "/api/", *[HANG] * 100)
        elif scenario == "blob read hangs":
            github.script("GET", "/git/trees/", HANG)
        elif scenario == "ref update hangs":
            github.script("PATCH", "/git/refs/", HANG)
        env = {
            **os.environ, "GITHUB_API_URL": github.url, "GITHUB_GRAPHQL_URL": github.url + "/graphql",
            "GITHUB_TOKEN": TOKEN, "HF_ENDPOINT": hub.url, "GITHUB_REPOSITORY": REPO,
        }  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "updater", "update", "--deadline", f"{deadline:g}"],
            cwd=root, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        return done.returncode, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deadline", type=float, default=6.0)
    args = parser.parse_args()
    print(f"{'scenario':<20} {'exit':>4} {'wall s':>7}  promise: <= {args.deadline + 5:g} s")
    for scenario in ("no fault", "fetch hangs", "blob read hangs", "ref update hangs"):
        code, wall = run(scenario, args.deadline)
        verdict = "ok" if wall <= args.deadline + 5 else "OVER"
        print(f"{scenario:<20} {code:>4} {wall:>7.1f}  {verdict}")


if __name__ == "__main__":
    main()
