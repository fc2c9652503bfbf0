"""How long `updater render --deadline N` lives against servers that misbehave.

Run: python -m benchmarks.misbehaving [--deadline 10]
Each case points GITHUB_API_URL, HF_ENDPOINT and SEMANTIC_SCHOLAR_API_URL at one server that
is silent, trickles its headers or its body a byte a second, streams an endless body, or
sends a 20 MB one; then redirects and `Link` headers to another host. Reports the process's
exit time (start to exit, interpreter start-up included), its exit code, and whether the
README kept the last known numbers and no token reached the other host.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.github import FakeGitHub  # noqa: E402
from tests.fakes.huggingface import FakeHub  # noqa: E402
from tests.fakes.misbehaving import (  # noqa: E402
    MODES,
    TOKENS,
    Misbehaving,
    Run,
    mini_profile,
    run_cli,
    service_env,
)
from tests.fakes.scholar import FakeScholar  # noqa: E402
from tests.fakes.server import FakeServer, Reply, Request, json_reply  # noqa: E402


class Recorder(FakeServer):
    def handle(self, request: Request) -> Reply:
        return json_reply({})


@contextmanager
def elsewhere(fault: str) -> Iterator[tuple[dict[str, str], Recorder]]:
    """Working fakes of the three services that send this fault towards another host."""
    with (
        Recorder() as other, FakeGitHub() as github, FakeHub() as hub, FakeScholar() as scholar,
    ):  # fmt: skip
        github.add("acme/kss", stars=2000)
        for i in "abc":
            hub.add(f"acme/model-{i}", downloads=5, likes=1)
        away = Reply(307, b"", {"Location": other.url + "/away"})
        if fault == "redirect to another host":
            github.script("POST", "/graphql", away)
            hub.script("GET", "/api/models", away)
            scholar.script("POST", "batch", away)
        else:
            link = {"Link": f'<{other.url}/api/models?cursor=1>; rel="next"'}
            hub.script("GET", r"^/api/models$", json_reply([], headers=link))
        yield service_env(github.url, hub.url, scholar.base_url), other


def run_case(deadline: float, env: dict[str, str]) -> tuple[Run, bool]:
    with tempfile.TemporaryDirectory() as folder:
        args = mini_profile(Path(folder))
        run = run_cli(["render", "--deadline", str(deadline), *args], env, limit=deadline + 300)
        readme = (Path(folder) / "README.md").read_text(encoding="utf-8")
    return run, "<sub>★" in readme


def report(name: str, run: Run, numbers: bool, leak: str) -> None:
    shown = "yes" if numbers else "no"
    print(f"| {name} | {run.seconds:.2f} s | {run.code} | {shown} | {leak} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deadline", type=float, default=10.0)
    args = parser.parse_args()
    print(f"render --deadline {args.deadline:g}; bound: deadline + 5 s = {args.deadline + 5:g} s")
    print("| server | exit time | exit code | README has numbers | tokens elsewhere |")
    print("|---|---|---|---|---|")
    for mode in MODES:
        with Misbehaving(mode) as bad:
            run, numbers = run_case(args.deadline, service_env(bad.url, bad.url, bad.url))
        report(mode.replace("_", " "), run, numbers, "n/a")
    for fault in ("redirect to another host", "Link to another host"):
        with elsewhere(fault) as (env, other):
            run, numbers = run_case(args.deadline, env)
            leaked = any(t in repr(other.requests) for t in TOKENS.values())
            report(
                fault, run, numbers, f"{'LEAKED' if leaked else 'none'} ({other.count()} requests)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
