"""Benchmark how long the CLI takes to start: `updater --help` and `updater validate`.

Run: python -m benchmarks.startup [--runs 20]
Each command runs in a fresh interpreter (`python -m updater ...`), the way a person or a CI
step runs it; the figure reported is the median wall time minus the median of a bare
interpreter (`python -c pass`), so it is what updater itself costs. Targets: --help under
0.1 s, validate (the seed profile) under 0.2 s. Bytecode is cached as after `pip install`
(PYTHONDONTWRITEBYTECODE is dropped for the runs, and a warm-up run writes it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed"
TARGETS = {"--help": 0.1, "validate": 0.2}


def median_seconds(argv: list[str], runs: int, cwd: Path) -> float:
    """Median wall time of running argv `runs` times (after one warm-up run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {result.returncode}: {result.stderr!r}")
    return statistics.median(times)


def main() -> int:
    """Print one line per command: median, over a bare interpreter, and the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp)
        for rel in ("data/cv.yaml", "templates/README.md.j2"):
            (profile / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SEED / rel, profile / rel)
        shutil.copy(SEED / "stats.json", profile / "data/stats.json")
        bare = median_seconds([sys.executable, "-c", "pass"], runs, profile)
        print(f"bare interpreter: {bare * 1000:.0f} ms (median of {runs})")
        failed = False
        for command, target in TARGETS.items():
            total = median_seconds([sys.executable, "-m", "updater", command], runs, profile)
            cost = total - bare
            verdict = "ok" if cost < target else "OVER"
            failed |= cost >= target
            print(
                f"updater {command}: {total * 1000:.0f} ms, {cost * 1000:.0f} ms over the bare "
                f"interpreter (target < {target * 1000:.0f} ms): {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
