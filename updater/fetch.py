"""Fetch both sources at the same time, under one deadline, and return their results."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from updater import __version__
from updater.config import Settings
from updater.links import Targets
from updater.snapshot import Snapshot
from updater.sources.github import GitHubClient, fetch_github, make_github
from updater.sources.http import Deadline, Policy, session, utc_now
from updater.sources.huggingface import HubClient, fetch_models
from updater.stats import SourceResult


class LiveFetcher:
    """The production fetcher: real clients for GitHub and the Hub, built from the settings."""

    def __init__(
        self,
        settings: Settings,
        deadline_seconds: float = 120.0,
        policy: Policy | None = None,
        now: Callable[[], str] = utc_now,
    ) -> None:
        self.settings = settings
        self.deadline_seconds = deadline_seconds
        self.policy = policy or Policy()
        self.now = now

    def __call__(self, targets: Targets, old: Snapshot) -> tuple[SourceResult, ...]:
        """One result per source; failures are inside the results, never raised."""
        deadline = Deadline.after(self.deadline_seconds)
        s, policy = self.settings, self.policy
        github = make_github(s.github_api_url, s.github_token, policy, deadline)
        hub_headers = {"User-Agent": f"updater/{__version__}"}
        if s.hf_token:
            hub_headers["Authorization"] = f"Bearer {s.hf_token}"
        gh_client = GitHubClient(github, s.github_graphql_url, has_token=bool(s.github_token))
        gh_pool = ThreadPoolExecutor(policy.concurrency, "github")
        hub_pool = ThreadPoolExecutor(policy.concurrency, "hub")
        try:
            with session(policy, deadline, hub_headers) as http, ThreadPoolExecutor(2) as sources:
                hub = HubClient(s.hf_endpoint, http, policy)
                gh = sources.submit(fetch_github, gh_client, targets, gh_pool, deadline, self.now)
                hf = sources.submit(fetch_models, hub, targets.models, hub_pool, deadline, self.now)
                results = (gh.result(), hf.result())
        finally:
            # A request still hanging past the deadline must not hold the run: stop waiting.
            gh_pool.shutdown(wait=False, cancel_futures=True)
            hub_pool.shutdown(wait=False, cancel_futures=True)
        github.close()
        return results
