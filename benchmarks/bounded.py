"""Benchmark hostile templates: the time and peak memory of a run that meets one.

Run: python -m benchmarks.bounded [--deadline 5]
Each case is `updater update --offline --dry-run --repo o/o --retries 0 --deadline N` (the issue's
reproduction; the dry run goes on offline against an unreachable target) or `updater render
--offline --deadline N`, in a fresh interpreter, on a copy of the seed profile whose README
template is the hostile one. Reported: wall time, peak resident memory (the child's
ru_maxrss) and exit code, and the first line of the message. Before the sandbox, the first
ran 36.5 s and the second used 2.6 GB before exit 70.
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
SEED = ROOT / "tests" / "fixtures" / "seed"
CASES = {
    "range(3*10**8), update --offline": (
        "update",
        "{% for i in range(3*10**8) %}{% endfor %}",
    ),
    "range(10**9) with text": ("render", "{% for i in range(10**9) %}text{% endfor %}"),
    "10**5 x 10**5 nested loops (the deadline)": (
        "render",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    ),
    "10**11 characters of output (the page cap)": (
        "render",
        '{% set s = "x" * 10**6 %}{% for i in range(100000) %}{{ s }}{% endfor %}',
    ),
    "recursive macro": ("render", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
}


def profile(folder: Path, text: str) -> None:
    """A copy of the seed profile whose README template is `text`."""
    for rel in ("data/cv.yaml", "templates/README.md.j2"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SEED / rel, folder / rel)
    (folder / "templates/README.md.j2").write_text(f"# x\n{text}\n", encoding="utf-8")


def measure(command: str, text: str, deadline: float) -> tuple[float, float, int, str]:
    """Seconds, peak MB, exit code and first message line of one run."""
    with tempfile.TemporaryDirectory() as folder:
        profile(Path(folder), text)
        extra = ["--dry-run", "--repo", "o/o", "--retries", "0"] if command == "update" else []
        argv = [sys.executable, "-m", "updater", command, "--offline", "--deadline", str(deadline)]
        env = {**os.environ, "GITHUB_API_URL": "http://127.0.0.1:9"}  # never the internet
        started = time.perf_counter()
        child = subprocess.Popen(
            [*argv, *extra], cwd=folder, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert child.stderr is not None
        err = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest yet
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        line = next((ln for ln in err.splitlines() if "README.md.j2" in ln), err.strip()[:120])
        return seconds, usage.ru_maxrss / 1024, child.returncode, line


def main() -> None:
    """Print one table row per case."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deadline", type=float, default=5.0)
    args = parser.parse_args()
    print("| case | wall time | peak memory | exit | message |")
    print("|---|---|---|---|---|")
    for name, (command, text) in CASES.items():
        seconds, peak, code, line = measure(command, text, args.deadline)
        message = line.split(": ", 1)[-1] if ": " in line else line
        print(f"| {name} | {seconds:.2f} s | {peak:.0f} MB | {code} | {message[:90]} |")


if __name__ == "__main__":
    main()
