"""Benchmark the action's install step against the pip install it replaced, side by side.

Run: python -m benchmarks.install [--runs 5]
Both install the same lock (requirements/update.txt, hashes required) and then the tool from a
copy of its sources without .git (as the action's checkout is), into a fresh virtual
environment each run, creating it included, with the package caches warm (one warm-up run of
each first). `uv` is the `Install updater` step of action.yml, run as it is written; `pip` is
the step it replaced (python -m venv, then pip). Each command's time is reported, median over
the runs, and the total; the uv step's total includes pip installing uv itself. Target: the uv
step under 3 s. Measured on the 2-core development machine: uv 2.05 s, pip 21.8 s.
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

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "build_backend", "updater", "docs/README.md", "requirements")
TARGET = 3.0

PIP_STEP = """\
venv="$RUNNER_TEMP/profile-readme-updater"
"$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \\
  --require-hashes --no-deps -r "$GITHUB_ACTION_PATH/requirements/update.txt"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \\
  --no-deps --no-build-isolation "$GITHUB_ACTION_PATH"
"""


def action_step() -> str:
    """The `Install updater` step's script, from action.yml."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("name") == "Install updater"]
    return str(step["run"])


def base_python() -> str:
    """The interpreter without this virtual environment, as setup-python gives a runner."""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return str(Path(sys.base_prefix) / "bin" / name)


def timed_run(script: str, action_path: Path) -> list[tuple[str, float]]:
    """Run the script once in a fresh RUNNER_TEMP; each command with its wall time."""
    with tempfile.TemporaryDirectory() as temp:
        env = {
            **os.environ,
            "RUNNER_TEMP": temp,
            "GITHUB_ACTION_PATH": str(action_path),
            "PYTHON": base_python(),
        }
        # Each command traced with the time it starts (bash reads PS4 from the script only).
        traced = "PS4='+\t${EPOCHREALTIME}\t'; set -x\n" + script
        started = time.time()
        done = subprocess.run(
            ["bash", "-e", "-c", traced], env=env, capture_output=True, text=True, check=False
        )
        ended = time.time()
    if done.returncode != 0:
        raise SystemExit(f"the install failed ({done.returncode}):\n{done.stderr[-2000:]}")
    marks = [line.split("\t", 2) for line in done.stderr.splitlines() if line.startswith("+\t")]
    starts = [(float(when), _short(command, temp, action_path)) for _, when, command in marks]
    steps = []
    for (when, command), (after, _) in zip(starts, [*starts[1:], (ended, "")], strict=True):
        if not command.startswith(("venv=", "uv=")):  # assignments take no time
            steps.append((command, after - when))
    return [*steps, ("total", ended - started)]


def _short(command: str, temp: str, action_path: Path) -> str:
    """The command as the step writes it: variables for the folders, options dropped."""
    words = command.replace(str(action_path), "$GITHUB_ACTION_PATH").replace(temp, "$RUNNER_TEMP")
    words = words.replace(base_python(), "$PYTHON").replace("'", "")
    return " ".join(w for w in words.split()[:4] if not w.startswith("-"))


def medians(runs: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    """Each command's median time over the runs, in the order they ran."""
    return [
        (name, statistics.median(run[i][1] for run in runs)) for i, (name, _) in enumerate(runs[0])
    ]


def main() -> int:
    """Print each command's median time for pip and uv, and the totals against the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as temp:
        action_path = Path(temp) / "action"
        for rel in SOURCES:
            source, target = ROOT / rel, action_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(source, target)
        totals = {}
        for name, script in (("pip", PIP_STEP), ("uv", action_step())):
            timed_run(script, action_path)  # warm the package cache
            results = medians([timed_run(script, action_path) for _ in range(runs)])
            print(f"{name} (median of {runs} runs, fresh environment each, warm cache):")
            for command, seconds in results:
                print(f"  {seconds:6.2f} s  {command}")
            totals[name] = results[-1][1]
    ok = totals["uv"] < TARGET
    print(
        f"install step: uv {totals['uv']:.2f} s, pip {totals['pip']:.2f} s "
        f"({totals['pip'] / totals['uv']:.1f}x); target < {TARGET:g} s: {'ok' if ok else 'OVER'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
