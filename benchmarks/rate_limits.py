"""How long one fetch takes, and what it says, when a service answers with a rate limit.

Run: python -m benchmarks.rate_limits
Replays the recorded (or documented) rate-limit answers of tests/contract/recordings/ from a
server on 127.0.0.1 through LiveFetcher with the production policy and real time: 30 s per
request, 60 s longest rate-limit wait, the default 120 s deadline. Reports the wall time, the
requests sent and the reason each item ends with.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.contract.harness import settings  # noqa: E402
from tests.contract.replay import Replay  # noqa: E402
from updater import logs  # noqa: E402
from updater.fetch import LiveFetcher  # noqa: E402
from updater.links import Targets  # noqa: E402
from updater.snapshot import Snapshot  # noqa: E402

CASES = (
    ("github-rest-secondary-retry-after", Targets(("PyGithub/PyGithub",)), False),
    ("github-rest-secondary-no-retry-after", Targets(("PyGithub/PyGithub",)), False),
    ("github-rest-primary-resets-soon", Targets(("PyGithub/PyGithub",)), False),
    ("github-rest-rate-limited", Targets(("jacquev6/PyGithub",)), False),
    ("github-graphql-rate-limit", Targets(("PyGithub/PyGithub",)), True),
    ("hub-rate-limited", Targets((), ("deepset/roberta-base-squad2",)), True),
    ("s2-rate-limited", Targets(papers=("CorpusId:470667",)), True),
)


def main() -> int:
    """Print one table row per recorded rate limit."""
    logs.configure(False, ())  # as the CLI does: library lines only with -v
    print("| recording | wall time | requests | reason |\n|---|---|---|---|")
    for name, targets, token in CASES:
        with Replay(name) as server:
            fetcher = LiveFetcher(settings(server, github=token), deadline_seconds=120)
            started = time.monotonic()
            results = fetcher(targets, Snapshot())
            seconds = time.monotonic() - started
            reasons = sorted({f.reason for r in results for f in r.failures})
            print(f"| `{name}` | {seconds:.2f} s | {server.count()} | {'; '.join(reasons)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
