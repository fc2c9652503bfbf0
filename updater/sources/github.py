"""GitHub: stars and forks of each repository, and the owner's total stars, through PyGithub."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from github import Auth, Github, GithubException, RateLimitExceededException
from github.GithubException import RateLimitExceededExceedsMaxWait
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass

from updater import __version__
from updater.links import Targets
from updater.sources import values
from updater.sources.http import (
    BoundedAdapter,
    Deadline,
    DeadlineExceeded,
    Policy,
    describe,
    gather,
    github_retry,
)
from updater.stats import (
    MAX_LIST,
    Failure,
    Listed,
    Listing,
    Release,
    Rename,
    RepoStats,
    SourceResult,
    UserTotals,
    list_item,
    repo_key,
    totals_item,
)

log = logging.getLogger(__name__)

BATCH = 100  # GraphQL aliases per request; also GitHub's page-size limit
MAX_OWNER_PAGES = 100  # 10,000 repositories: past that, a cursor loop is more likely than a user
# RuntimeError: PyGithub refuses a redirect to another host; AssertionError: it refuses a URL
# outside the API; RecursionError: deeply nested JSON. All are bad answers, not our bugs.
EXPECTED = (
    GithubException,
    requests.RequestException,
    DeadlineExceeded,
    ValueError,
    RuntimeError,
    AssertionError,
)

REPO_FRAGMENT = """
fragment RepoStats on Repository {
  nameWithOwner
  stargazerCount
  forkCount
  description
  isArchived
  primaryLanguage { name }
}
"""
# A GraphQL answer: its data, its error entries and the response headers (the rate limit).
Answer = tuple[dict[str, Any], list[Any], dict[str, Any]]
# `repositoryOwner` answers for a user and an organization alike.
OWNER_FIELD = """
  owner: repositoryOwner(login: $login) {
    login
    repositories(first: 100, after: $cursor, ownerAffiliations: [OWNER], isFork: false,
                 privacy: PUBLIC) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { NODE }
    }
  }"""
# The latest release of each aliased repository, for `lists.releases` (no request of its own).
RELEASE_FIELD = "latestRelease { name tagName publishedAt }"


def stats_query(
    repositories: int, with_owner: bool, owned: bool = False, releases: bool = False
) -> str:
    """One query for `repositories` aliased repositories, plus a page of the owner's totals;
    `owned`: each of the owner's repositories in full (for `lists.repositories`), `releases`:
    each aliased repository's latest release."""
    params = [f"$o{i}: String!, $n{i}: String!" for i in range(repositories)]
    extra = f" {RELEASE_FIELD}" if releases else ""
    fields = [
        f"  r{i}: repository(owner: $o{i}, name: $n{i}, followRenames: true) "
        f"{{ ...RepoStats{extra} }}"
        for i in range(repositories)
    ]
    if with_owner:
        params.append("$login: String!, $cursor: String")
        fields.append(OWNER_FIELD.replace("NODE", "...RepoStats" if owned else "stargazerCount"))
    fields.append("  rateLimit { cost remaining resetAt }")
    signature = f"({', '.join(params)})" if params else ""
    body = "\n".join(fields)
    fragment = repositories or (with_owner and owned)
    return f"query Stats{signature} {{\n{body}\n}}\n" + (REPO_FRAGMENT if fragment else "")


def make_github(api_url: str, token: str | None, policy: Policy, deadline: Deadline) -> Github:
    """A PyGithub client with deliberate retry, timeout and no built-in throttling, whose
    requests are bounded like every other (deadline, total budget, body cap)."""
    github = Github(
        auth=Auth.Token(token) if token else None,
        base_url=api_url,
        timeout=math.ceil(policy.read_timeout),  # PyGithub asserts whole seconds
        user_agent=f"updater/{__version__}",
        per_page=100,
        retry=github_retry(policy, deadline),
        pool_size=max(policy.concurrency, 10),
        # The defaults wait 0.25 s between requests and 1 s between writes (a GraphQL POST
        # counts as one); one run makes a handful of requests, well inside GitHub's limits.
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=False,  # get_repo() fetches at once, so a missing repository fails there
    )
    https = api_url.startswith("https:")
    base = HTTPSRequestsConnectionClass if https else HTTPRequestsConnectionClass
    # PyGithub builds its connection lazily from this per-requester class; there is no public
    # hook for the adapter, so the (name-mangled) attribute is set on this instance only.
    vars(github.requester)["_Requester__connectionClass"] = _bounded(base, policy, deadline)
    return github


def _bounded(
    base: type[HTTPSRequestsConnectionClass] | type[HTTPRequestsConnectionClass],
    policy: Policy,
    deadline: Deadline,
) -> type[HTTPSRequestsConnectionClass] | type[HTTPRequestsConnectionClass]:
    """PyGithub's connection class with our BoundedAdapter in place of its HTTPAdapter."""

    class Bounded(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.adapter = BoundedAdapter(
                policy, deadline, max_retries=self.retry,
                pool_connections=self.pool_size, pool_maxsize=self.pool_size,
            )  # fmt: skip
            self.session.mount(f"{self.protocol}://", self.adapter)

    return Bounded


@dataclass(frozen=True)
class GitHubClient:
    """PyGithub plus the GraphQL URL it should use (GITHUB_GRAPHQL_URL)."""

    github: Github
    graphql_url: str
    has_token: bool

    def graphql(self, query: str, variables: dict[str, Any]) -> Answer:
        """POST a query; return (data, errors, headers). Partial data is kept, unlike
        graphql_query(); the headers carry the rate limit's reset time."""
        try:
            headers, body = self.github.requester.requestJsonAndCheck(
                "POST", self.graphql_url, input={"query": query, "variables": variables}
            )
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
        if not isinstance(body, dict):
            raise ValueError(f"expected a JSON object, got {type(body).__name__}")
        data, errors = body.get("data"), body.get("errors") or []
        if (data is None and not errors) or not isinstance(data, dict | None):
            raise ValueError("expected a GraphQL JSON response")
        if not isinstance(errors, list):
            raise ValueError("malformed GraphQL errors")
        return data or {}, errors, dict(headers or {})


@dataclass
class _Collected:
    repositories: list[RepoStats] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    user: UserTotals | None = None
    owned: list[RepoStats] | None = None  # every repository of the owner, when listed
    releases: list[Release] = field(default_factory=list)
    unreleased: list[str] = field(default_factory=list)

    def add_repo(self, asked: str, stats: RepoStats) -> None:
        self.repositories.append(stats)
        if repo_key(stats.name_with_owner) != repo_key(asked):
            self.renames.append(Rename(asked, stats.name_with_owner))

    def listed(self, login: str | None) -> Listed:
        """The owner's MAX_LIST most starred repositories, and the latest releases."""
        best = sorted(self.owned or (), key=lambda r: (-r.stars, repo_key(r.name_with_owner)))
        kept = tuple(best[:MAX_LIST])
        lists: tuple[Listing, ...] = ()
        if login and self.owned is not None:
            lists = (Listing("repositories", login, tuple(r.name_with_owner for r in kept)),)
        return Listed(
            lists, repositories=kept, releases=tuple(self.releases),
            unreleased=tuple(self.unreleased),
        )  # fmt: skip

    def result(
        self, requested: int, notes: tuple[str, ...] = (), login: str | None = None
    ) -> SourceResult:
        return SourceResult(
            "github",
            requested,
            repositories=tuple(self.repositories),
            user=self.user,
            failures=tuple(self.failures),
            renames=tuple(self.renames),
            notes=notes,
            listed=self.listed(login),
        )


def fetch_github(
    client: GitHubClient,
    targets: Targets,
    pool: Executor,
    deadline: Deadline,
    now: Callable[[], str],
) -> SourceResult:
    """Stars and forks of every target repository and the owner's totals."""
    if not targets.repositories and not targets.github_user:
        return SourceResult("github", 0)  # nothing to ask: no request at all
    if client.has_token:
        return _fetch_graphql(client, targets, pool, deadline, now())
    return _fetch_rest(client.github, targets, pool, deadline, now())


# --- GraphQL, with a token -------------------------------------------------------------


def _batches(names: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(names[i : i + BATCH]) for i in range(0, len(names), BATCH)] or [()]


def _variables(names: Sequence[str], login: str | None) -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for i, name in enumerate(names):
        variables[f"o{i}"], variables[f"n{i}"] = name.split("/", 1)
    if login:
        variables.update(login=login, cursor=None)
    return variables


def _fetch_graphql(
    client: GitHubClient, targets: Targets, pool: Executor, deadline: Deadline, at: str
) -> SourceResult:
    login = targets.github_user
    batches = _batches(targets.repositories)
    owner: dict[str, Any] = {}  # the owner's first page of repositories, from batch 0
    out = _Collected()
    owned, releases = "repositories" in targets.shows, "releases" in targets.shows

    def run(index: int) -> Answer:
        names, with_owner = batches[index], bool(login) and index == 0
        query = stats_query(len(names), with_owner, owned, releases)
        return client.graphql(query, _variables(names, login if with_owner else None))

    for index, outcome in gather(pool, run, range(len(batches)), deadline):
        names = batches[index]
        if isinstance(outcome, BaseException):
            _expected(outcome)
            out.failures.extend(Failure(n, github_reason(outcome)) for n in names)
            if index == 0 and login:
                out.failures.append(Failure(totals_item(login), github_reason(outcome)))
            continue
        data, errors, headers = outcome
        _collect_batch(names, outcome, out, at, releases)
        if index == 0 and login:
            owner = _owner_or_failure(data, errors, headers, login, out)
    if login and owner:
        out.user = _totals(client, login, owner, at, out, owned=owned)
    _unlisted(out, login, targets.shows)
    return out.result(len(targets.repositories), login=login)


def _collect_batch(
    names: tuple[str, ...], answer: Answer, out: _Collected, at: str, releases: bool = False
) -> None:
    data, errors, headers = answer
    by_alias = {_alias(e): e for e in errors if isinstance(e, dict) and _ours(_alias(e))}
    general = _general(errors)
    for i, name in enumerate(names):
        node = data.get(f"r{i}")
        if isinstance(node, dict):
            try:
                stats = parse_repo(node, at)
            except ValueError as exc:
                out.failures.append(Failure(name, f"invalid response: {exc}"))
                continue
            out.add_repo(name, stats)
            if releases:
                _collect_release(out, stats.name_with_owner, node.get("latestRelease"), at)
            continue
        error = by_alias.get(f"r{i}") or (general[0] if general else {})
        missing = error.get("type") == "NOT_FOUND"
        out.failures.append(Failure(name, graphql_reason(error, headers), missing=missing))


def _alias(error: dict[str, Any]) -> str | None:
    """The top-level field an error entry is about, if it names one."""
    path = error.get("path")
    return str(path[0]) if isinstance(path, list) and path else None


def _ours(alias: str | None) -> bool:
    """Whether an error entry names one of the query's own fields (r0, r1, ..., owner)."""
    return alias == "owner" or (alias is not None and alias[:1] == "r" and alias[1:].isdigit())


def _general(errors: list[Any]) -> list[dict[str, Any]]:
    """Entries about the whole query: no path, or one that names none of its fields (a
    validation error's path starts with "query")."""
    return [e for e in errors if isinstance(e, dict) and not _ours(_alias(e))]


RATE_LIMIT_TYPES = frozenset({"RATE_LIMITED", "RATE_LIMIT"})  # both are in use


def graphql_reason(error: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    """One line for a GraphQL error entry, with the message GitHub sent."""
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    kind = values.text(error.get("type"), 40) or values.text(code, 40)
    message = values.clean(str(error.get("message") or "no data returned"), 160)
    if kind == "NOT_FOUND":
        return "not found or private: check the link in data/cv.yaml"
    if kind in RATE_LIMIT_TYPES:
        until = reset_time(headers or {})
        return f"rate limited by GitHub{until} (GraphQL points)" + ("" if until else f": {message}")
    if _alias(error) == "query" or (kind is None and "locations" in error):
        # A validation or parse error: GitHub changed its schema under the query.
        return f"GitHub refused the query ({kind or 'invalid'}: {message}); updater needs a fix"
    return f"{kind or 'error'}: {message}"[:200]


def _owner_or_failure(
    data: dict[str, Any], errors: list[Any], headers: dict[str, Any], login: str, out: _Collected
) -> dict[str, Any]:
    owner = data.get("owner")
    if isinstance(owner, dict) and isinstance(owner.get("repositories"), dict):
        return owner
    mine = [e for e in errors if isinstance(e, dict) and _alias(e) == "owner"] + _general(errors)
    error = mine[0] if mine else None
    why = graphql_reason(error, headers) if error else "no data returned"
    if error and error.get("type") == "NOT_FOUND":
        why = f"GitHub account not found: check tracking.github_user in data/cv.yaml ({login})"
    out.failures.append(Failure(totals_item(login), why))
    return {}


def _collect_release(out: _Collected, name: str, node: Any, at: str) -> None:
    """The latest release of an aliased repository, or that it has none; a malformed one
    keeps the last known (its stars are still fresh)."""
    try:
        release = parse_release(name, node, at)
    except ValueError as exc:
        log.debug("%s: latest release not read (%s)", name, exc)
        return
    if release is None:
        out.unreleased.append(name)
    else:
        out.releases.append(release)


_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def parse_release(repository: str, node: Any, at: str) -> Release | None:
    """A `latestRelease` node as a record (None: no release, or not yet published)."""
    if node is None:
        return None
    if not isinstance(node, dict):
        raise ValueError("latestRelease: expected an object")
    tag, published = values.text(node.get("tagName")), node.get("publishedAt")
    if not tag:
        raise ValueError("latestRelease: no tagName")
    if published is None:
        return None
    if not isinstance(published, str) or not _TIME_RE.fullmatch(published):
        raise ValueError("latestRelease: publishedAt is not a UTC time")
    return Release(repository, tag, published, at, values.text(node.get("name")) or None)


def _totals(
    client: GitHubClient, login: str, owner: dict[str, Any], at: str, out: _Collected,
    *, owned: bool = False,
) -> UserTotals | None:  # fmt: skip
    """Sum stars page by page (and, `owned`, keep each repository for the list); a repeated
    cursor or too many pages is an error, not a loop."""
    stars, count, seen, repos = 0, 0, set(), []
    page: dict[str, Any] = owner["repositories"]
    for _ in range(MAX_OWNER_PAGES):
        try:
            stars += sum(values.count(n["stargazerCount"], "stars") for n in page["nodes"])
            repos += [parse_repo(n, at) for n in page["nodes"]] if owned else []
            count, info = values.count(page["totalCount"], "totalCount"), page["pageInfo"]
            cursor = info["endCursor"] if info.get("hasNextPage") else None
            values.count(stars, "total stars")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            _owner_failed(out, login, f"invalid response: {exc}"[:200])
            return None
        if cursor is None:
            out.owned = repos if owned else None
            return UserTotals(_login(owner.get("login"), login), stars, count, at)
        if cursor in seen:
            break
        seen.add(cursor)
        try:
            data, errors, headers = client.graphql(
                stats_query(0, with_owner=True, owned=owned), {"login": login, "cursor": cursor}
            )
        except EXPECTED as exc:
            _owner_failed(out, login, github_reason(exc))
            return None
        next_owner = _owner_or_failure(data, errors, headers, login, out)
        if not next_owner:
            return None
        page = next_owner["repositories"]
    _owner_failed(out, login, "pagination did not end; totals skipped")
    return None


def _owner_failed(out: _Collected, login: str, why: str) -> None:
    """The owner's totals keep their last known numbers (and the list its items: see
    _unlisted)."""
    out.failures.append(Failure(totals_item(login), why))


def _unlisted(out: _Collected, login: str | None, shows: frozenset[str]) -> None:
    """The owner's list, shown but not read, fails for the reason the totals did."""
    if not login or "repositories" not in shows or out.owned is not None:
        return
    why = next((f.reason for f in out.failures if f.item == totals_item(login)), "not fetched")
    out.failures.append(Failure(list_item("repositories", login), why))


def _login(value: Any, asked: str) -> str:
    return value if isinstance(value, str) and values.clean(value) == value else asked


def parse_repo(node: dict[str, Any], at: str) -> RepoStats:
    """Turn a Repository node into a record; untrusted counts and strings are checked."""
    try:
        language = node.get("primaryLanguage") or {}
        return RepoStats(
            name_with_owner=values.name(node["nameWithOwner"], "nameWithOwner"),
            stars=values.count(node["stargazerCount"], "stars"),
            forks=values.count(node["forkCount"], "forks"),
            fetched_at=at,
            description=values.text(node.get("description"), values.LONG),
            language=values.text(language.get("name")),
            archived=node.get("isArchived") is True,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed repository data ({exc!r})") from exc


# --- REST, without a token ----------------------------------------------------------------


def _fetch_rest(
    github: Github, targets: Targets, pool: Executor, deadline: Deadline, at: str
) -> SourceResult:
    out = _Collected()

    def one(name: str) -> RepoStats:
        try:
            return parse_rest_repo(github.get_repo(name).raw_data, at)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc

    for name, outcome in gather(pool, one, targets.repositories, deadline):
        if isinstance(outcome, BaseException):
            _expected(outcome)
            missing = isinstance(outcome, GithubException) and outcome.status == 404
            out.failures.append(Failure(name, github_reason(outcome), missing=missing))
        else:
            out.add_repo(name, outcome)
    login, owned = targets.github_user, "repositories" in targets.shows
    if login:
        out.user = _rest_totals(github, login, at, out, deadline, owned=owned)
    _unlisted(out, login, targets.shows)
    requests_made = len(targets.repositories) + (1 if login else 0)
    notes = [
        f"no GITHUB_TOKEN: used REST, {requests_made}+ requests (60 an hour allowed without "
        "a token); with a token it is one GraphQL request per 100 repositories"
    ]
    if "releases" in targets.shows:
        notes.append("releases need GITHUB_TOKEN (GraphQL): kept the last known releases")
    return out.result(len(targets.repositories), tuple(notes), login)


def parse_rest_repo(data: Any, at: str) -> RepoStats:
    """Turn REST's repository JSON into a record, checked like GraphQL's."""
    if not isinstance(data, dict):
        raise ValueError("expected a repository object")
    node = {
        "nameWithOwner": data.get("full_name"),
        "stargazerCount": data.get("stargazers_count"),
        "forkCount": data.get("forks_count"),
        "description": data.get("description"),
        "primaryLanguage": {"name": data.get("language")},
        "isArchived": data.get("archived"),
    }
    return parse_repo(node, at)


def _rest_totals(
    github: Github, login: str, at: str, out: _Collected, deadline: Deadline,
    *, owned: bool = False,
) -> UserTotals | None:  # fmt: skip
    """Page by page (numbered pages, never a server's Link), at most MAX_OWNER_PAGES;
    `owned`: each repository kept for the list. /users/{login}/repos lists an organization's
    public repositories too."""
    stars, count, kept = 0, 0, []
    try:
        for number in range(1, MAX_OWNER_PAGES + 1):
            page = _rest_owner_page(github, login, number, deadline)
            mine = [r for r in page if isinstance(r, dict) and not r.get("fork")]
            mine = [r for r in mine if not r.get("private")]
            stars += sum(values.count(r.get("stargazers_count"), "stars") for r in mine)
            count += len(mine)
            kept += [parse_rest_repo(r, at) for r in mine] if owned else []
            if len(page) < BATCH:
                out.owned = kept if owned else None
                return UserTotals(login, values.count(stars, "total stars"), count, at)
    except RecursionError:
        _owner_failed(out, login, "invalid response: JSON nested too deeply")
        return None
    except EXPECTED as exc:
        _owner_failed(out, login, github_reason(exc))
        return None
    _owner_failed(out, login, "pagination did not end; totals skipped")
    return None


def _rest_owner_page(github: Github, login: str, number: int, deadline: Deadline) -> list[Any]:
    if deadline.expired:
        raise DeadlineExceeded("not finished by the fetch deadline")
    _, repos = github.requester.requestJsonAndCheck(
        "GET", f"/users/{login}/repos",
        parameters={"type": "owner", "per_page": BATCH, "page": number},
    )  # fmt: skip
    if not isinstance(repos, list):
        raise ValueError("expected a list of repositories")
    return repos


# --- errors -------------------------------------------------------------------------------


def github_reason(exc: BaseException) -> str:
    """One line for a failed GitHub request, from the body GitHub sent, naming the fix."""
    if isinstance(exc, RateLimitExceededExceedsMaxWait | RateLimitExceededException):
        headers = exc.headers or {}
        until = reset_time(headers)
        kind = "primary" if _header(headers, "x-ratelimit-remaining") == "0" else "secondary"
        said = "" if until else f", still after retries: {body_message(exc)}"
        return f"rate limited by GitHub{until} ({kind} limit){said}"[:200]
    if isinstance(exc, GithubException):
        if exc.status == 401:
            return (
                "GitHub rejected GITHUB_TOKEN (401 Bad credentials): set a valid token, or unset "
                "it to read public numbers without one"
            )
        if exc.status == 404:
            return "not found or private: check the link in data/cv.yaml"
        return f"HTTP {exc.status}: {body_message(exc)}"
    return describe(exc)


def body_message(exc: GithubException) -> str:
    """What GitHub said: `message` (or `error`, as its 5xx pages say), else the GraphQL
    `errors` (also inside a 502), else the start of a non-JSON body; one bounded line."""
    data = exc.data if isinstance(exc.data, dict) else {}
    said: Any = data.get("message") or exc.message or data.get("error")
    errors = data.get("errors")
    if not said and isinstance(errors, list):
        texts = [e.get("message") if isinstance(e, dict) else e for e in errors]
        said = "; ".join(t for t in texts if isinstance(t, str))
    if not said and isinstance(data.get("data"), str):  # PyGithub's wrapping of a non-JSON body
        said = data["data"]
    return values.clean(str(said or "no message"), 160)


def _header(headers: dict[str, Any], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return ""


def reset_time(headers: dict[str, Any]) -> str:
    """` until 14:03 UTC` when GitHub says the limit is spent and when it resets, else ``."""
    reset = _header(headers, "x-ratelimit-reset")
    if _header(headers, "x-ratelimit-remaining") != "0" or not reset.isdigit():
        return ""
    moment = math.ceil(int(reset) / 60) * 60
    return f" until {datetime.fromtimestamp(moment, UTC):%H:%M} UTC"


def _expected(exc: BaseException) -> None:
    """Request failures become summary lines; anything else is a bug and propagates."""
    if not isinstance(exc, EXPECTED):
        raise exc
