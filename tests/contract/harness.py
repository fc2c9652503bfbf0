"""The production code pointed at a replay: LiveFetcher for the sources, publish.Target for
the commit, with a clock that moves only when a retry waits (no real sleeps)."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import FAST, GITHUB_TOKEN, HF_TOKEN, SCHOLAR_KEY
from tests.contract.replay import Replay
from tests.fakes.clock import FakeTime
from updater.config import Settings
from updater.fetch import LiveFetcher
from updater.links import Targets
from updater.publish import Target
from updater.snapshot import Snapshot
from updater.sources.github import make_github
from updater.sources.http import Policy
from updater.stats import SourceResult

T = "2026-12-03T14:02:00Z"
# The production policy (30 s per request, 60 s longest rate-limit wait, 3 retries) without
# the backoff between retries: what is under test is which waits are taken, not their length.
PRODUCTION = replace(Policy(), backoff_factor=0, backoff_jitter=0)


def settings(replay: Replay, github: bool = True, hub: bool = True, key: bool = False) -> Settings:
    """Every service at the replay server; the tokens of a real run where asked for."""
    return Settings(
        github_api_url=replay.url,
        github_graphql_url=replay.url + "/graphql",
        github_token=GITHUB_TOKEN if github else None,
        hf_endpoint=replay.url,
        hf_token=HF_TOKEN if hub else None,
        semantic_scholar_api_url=replay.url + "/graph/v1",
        semantic_scholar_api_key=SCHOLAR_KEY if key else None,
    )


def fetch(
    replay: Replay,
    targets: Targets,
    time: FakeTime | None = None,
    policy: Policy = FAST,
    token: bool = True,
    hf_token: bool = True,
    key: bool = False,
    old: Snapshot | None = None,
) -> dict[str, SourceResult]:
    """One live fetch through LiveFetcher, by source name."""
    time = time or FakeTime()
    fetcher = LiveFetcher(
        settings(replay, token, hf_token, key), policy=policy, now=lambda: T,
        deadline=time.deadline(),
    )  # fmt: skip
    return {r.source: r for r in fetcher(targets, old or Snapshot())}


def target(replay: Replay, full_name: str, branch: str | None = None) -> Target:
    """The publishing target, through the same PyGithub client the update command makes."""
    deadline = FakeTime().deadline()
    return Target(
        make_github(replay.url, GITHUB_TOKEN, FAST, deadline), full_name, branch, deadline
    )
