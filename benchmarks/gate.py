"""Benchmark the page gate `update` runs before a commit: a clean page (checked once; the
published page is not read) and a 1 MB page with errors (checked, then the published page too).

Run: python -m benchmarks.gate
Prints the seconds of each case (best of 3) and how many errors were kept as already published."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.page import readme_1mb  # noqa: E402
from updater.gate import Candidate, Verdict, inspect  # noqa: E402

SECRETS = {"GITHUB_TOKEN": "ghs_" + "x" * 36, "HF_TOKEN": "hf_" + "y" * 34}


def best(run: Callable[[], Verdict]) -> tuple[float, Verdict]:
    times, verdict = [], Verdict()
    for _ in range(3):
        started = time.perf_counter()
        verdict = run()
        times.append(time.perf_counter() - started)
    return min(times), verdict


def main() -> int:
    seed = (ROOT / "tests/fixtures/seed/README.expected.md").read_text(encoding="utf-8")
    big = readme_1mb()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "docs").mkdir()
        (root / "docs/README.md").write_text("# manual\n", encoding="utf-8")
        cases = {
            "seed README, clean": Candidate("README.md", seed, lambda: seed, None),
            "1 MB README with errors, vs itself a line lower": Candidate(
                "README.md", big, lambda: "\n" + big, None
            ),
        }
        for name, candidate in cases.items():
            files = {"README.md": candidate.text}

            def run(c: Candidate = candidate, f: dict[str, str] = files) -> Verdict:
                return inspect([c], f, SECRETS, root)

            seconds, verdict = best(run)
            print(
                f"{name}: {seconds:.3f} s ({len(candidate.text) / 1e6:.2f} MB; "
                f"{len(verdict.errors)} new, {verdict.kept} already published)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
