"""Fetch every source at the same time, under one deadline, and return their results."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import wait
from dataclasses import replace

from updater import __version__
from updater.config import Settings
from updater.links import Targets, untracked_notes
from updater.snapshot import Snapshot, hub_fresh, stale_renames
from updater.sources import values
from updater.sources.github import GitHubClient, fetch_github, make_github
from updater.sources.http import DaemonPool, Deadline, Policy, session, utc_now
from updater.sources.huggingface import HubClient, fetch_hub
from updater.sources.scholar import ScholarClient, author_item, fetch_scholar
from updater.stats import Failure, ListKind, SourceResult, list_item, repo_key, totals_item

# Past the deadline, how long to wait for a source to put its results together. Requests
# themselves cannot run past the deadline (see http.BoundedAdapter); this covers the rest.
GRACE = 1.0
LATE = "not finished by the fetch deadline; kept the last known numbers"


class LiveFetcher:
    """The production fetcher: real clients for GitHub, the Hub and Semantic Scholar."""

    def __init__(
        self,
        settings: Settings,
        deadline_seconds: float = 120.0,
        policy: Policy | None = None,
        now: Callable[[], str] = utc_now,
        deadline: Deadline | None = None,
    ) -> None:
        self.settings = settings
        self.deadline_seconds = deadline_seconds
        self.policy = policy or Policy()
        self.now = now
        self.deadline = deadline  # shared with publishing when given; else starts per call

    def __call__(self, targets: Targets, old: Snapshot) -> tuple[SourceResult, ...]:
        """One result per source; failures are inside the results, never raised. Returns by
        the deadline (plus GRACE) whatever the servers do, and leaves no thread that would
        keep the process alive."""
        deadline = self.deadline or Deadline.after(self.deadline_seconds)
        runs = {
            "github": lambda: self._github(targets, deadline),
            "huggingface": lambda: self._hub(targets, deadline),
            "semanticscholar": lambda: self._scholar(targets, deadline),
        }
        if not targets.papers and not _asks_author(targets):
            del runs["semanticscholar"]
        pool = DaemonPool(len(runs), "source")
        futures = {name: pool.submit(run) for name, run in runs.items()}
        wait(futures.values(), timeout=deadline.remaining() + GRACE)
        pool.shutdown(wait=False)
        results = (f.result() if f.done() else _late(name, targets) for name, f in futures.items())
        return tuple(scrub(rename_notes(r, old), self.settings.secrets) for r in results)

    def _github(self, targets: Targets, deadline: Deadline) -> SourceResult:
        s, policy = self.settings, self.policy
        github = make_github(s.github_api_url, s.github_token, policy, deadline)
        client = GitHubClient(github, s.github_graphql_url, has_token=bool(s.github_token))
        pool = DaemonPool(policy.concurrency, "github")
        try:
            return fetch_github(client, targets, pool, deadline, self.now)
        finally:
            pool.shutdown(wait=False)
            github.close()

    def _hub(self, targets: Targets, deadline: Deadline) -> SourceResult:
        s, policy = self.settings, self.policy
        secret = {"Authorization": f"Bearer {s.hf_token}"} if s.hf_token else None
        ids = (targets.models, targets.datasets, targets.spaces)
        pool = DaemonPool(policy.concurrency, "hub")
        http = session(policy, deadline, _agent(), base_url=s.hf_endpoint, private_headers=secret,
                       service="the Hugging Face Hub")  # fmt: skip
        client = HubClient(s.hf_endpoint, http, policy, has_token=bool(s.hf_token))
        try:
            result = fetch_hub(
                client, ids, pool, deadline, self.now,
                authors=targets.hub_authors, shows=targets.shows,
            )  # fmt: skip
            return replace(result, notes=result.notes + untracked_notes(targets))
        finally:
            pool.shutdown(wait=False)
            http.close()

    def _scholar(self, targets: Targets, deadline: Deadline) -> SourceResult:
        s, policy = self.settings, self.policy
        key = s.semantic_scholar_api_key
        secret = {"x-api-key": key} if key else None
        base = s.semantic_scholar_api_url
        pool = DaemonPool(policy.concurrency, "scholar")
        # POST /paper/batch only reads: retried like a GET on 429 and 5xx (so are the GETs
        # of an author and their papers).
        reads = frozenset({"GET", "POST"})
        http = session(policy, deadline, _agent(), base_url=base, private_headers=secret,
                       methods=reads, service="Semantic Scholar")  # fmt: skip
        client = ScholarClient(base, http, policy, has_key=bool(key))
        try:
            return fetch_scholar(
                client, targets.papers, pool, deadline, self.now,
                author=targets.scholar_author, shows=targets.shows,
            )  # fmt: skip
        finally:
            pool.shutdown(wait=False)
            http.close()


def _agent() -> dict[str, str]:
    return {"User-Agent": f"updater/{__version__}"}


def _asks_author(targets: Targets) -> bool:
    """Whether the pages show the Semantic Scholar author's figures or papers."""
    return bool(targets.scholar_author and {"scholar", "papers"} & targets.shows)


def _late(source: str, targets: Targets) -> SourceResult:
    """A source that did not answer in time: every item keeps its last known numbers, and
    every list its last known items."""
    items: tuple[str, ...]
    extra: tuple[str, ...]
    login, shows = targets.github_user, targets.shows
    if source == "github":
        items = targets.repositories
        extra = (totals_item(login),) if login else ()
        extra += (list_item("repositories", login),) if login and "repositories" in shows else ()
    elif source == "huggingface":
        items = targets.models + tuple(f"datasets/{d}" for d in targets.datasets)
        items += tuple(f"spaces/{s}" for s in targets.spaces)
        kinds: list[ListKind] = [k for k in ("models", "datasets", "spaces") if k in shows]
        extra = tuple(list_item(k, a) for a in targets.hub_authors for k in kinds)
    else:
        items, author = targets.papers, targets.scholar_author
        extra = (author_item(author),) if author and "scholar" in shows else ()
        extra += (list_item("papers", author),) if author and "papers" in shows else ()
    failures = tuple(Failure(i, LATE) for i in items + extra)
    return SourceResult(source, len(items), failures=failures)


def rename_notes(result: SourceResult, old: Snapshot) -> SourceResult:
    """Warn about each recorded rename this result shows no longer holds (merge drops it)."""
    taken = {repo_key(r.name_with_owner) for r in result.repositories} | hub_fresh(result)
    notes = []
    for key in stale_renames(result, old.renamed):
        why = (
            f"it is another repository now: showing {key}'s own numbers"
            if key in taken
            else "it no longer exists: no numbers shown"
        )
        notes.append(
            f"warning: {key} no longer redirects to {old.renamed[key]} ({why}); "
            "check the link in data/cv.yaml"
        )
    return replace(result, notes=result.notes + tuple(notes)) if notes else result


def scrub(result: SourceResult, secrets: tuple[str, ...]) -> SourceResult:
    """No token (echoed back by a server) and no control character in any line we print."""

    def clean(line: str) -> str:
        for secret in secrets:
            line = line.replace(secret, "***")
        return values.clean(line, 300)

    failures = tuple(replace(f, reason=clean(f.reason)) for f in result.failures)
    return replace(result, failures=failures, notes=tuple(map(clean, result.notes)))
