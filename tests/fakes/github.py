"""A fake of GitHub's REST and GraphQL APIs, as real as the project needs: repositories,
renames (GraphQL followRenames, REST 301), owners' repository pages, auth, and the Git Data
endpoints a commit goes through. GraphQL queries are parsed and checked against the schema."""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode, parse, validate
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.utilities import value_from_ast_untyped

from tests.fakes.server import FakeServer, Reply, Request, json_reply

_ids = itertools.count(1000)


@dataclass
class Repo:
    """A repository in the fake."""

    full_name: str
    stars: int = 0
    forks: int = 0
    description: str | None = None
    language: str | None = "Python"
    archived: bool = False
    fork: bool = False
    private: bool = False
    id: int = field(default_factory=lambda: next(_ids))
    default_branch: str = "main"
    # The latest release: {"tagName", "name", "publishedAt"} (None: the repository has none).
    release: dict[str, Any] | None = None

    @property
    def owner(self) -> str:
        return self.full_name.split("/")[0]


@dataclass
class Commit:
    sha: str
    files: dict[str, str | bytes]  # bytes: a file that is not UTF-8 text
    parents: list[str]
    message: str
    date: datetime = field(default_factory=lambda: datetime.now(UTC))

    def text(self, path: str) -> str:
        """A file's text (a test reads what a commit holds)."""
        data = self.files[path]
        return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def git_blob_id(data: str | bytes) -> str:
    """The id git gives a file: GitHub's tree entries carry it."""
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()  # noqa: S324 - git's id


# What GitHub answers a ref update on a protected branch and under a ruleset.
PROTECTED = "Protected branch update failed for refs/heads/{branch}."
RULESET = "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"


def _sha(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()  # noqa: S324 - an id, not security


def _arguments(node: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value, variables) for a in node.arguments or ()}


Fragments = dict[str, FragmentDefinitionNode]


def _selected(selections: SelectionSetNode, fragments: Fragments) -> list[FieldNode]:
    """The fields a selection asks for, fragments spread in."""
    found: list[FieldNode] = []
    for sel in selections.selections:
        if isinstance(sel, FieldNode):
            found.append(sel)
        elif isinstance(sel, FragmentSpreadNode):
            found += _selected(fragments[sel.name.value].selection_set, fragments)
        elif isinstance(sel, InlineFragmentNode):
            found += _selected(sel.selection_set, fragments)
    return found


def project(value: Any, selections: SelectionSetNode | None, fragments: Fragments) -> Any:
    """Only the fields the query selects, under their aliases, as GitHub answers."""
    if isinstance(value, list):
        return [project(v, selections, fragments) for v in value]
    if not isinstance(value, dict) or selections is None:
        return value
    return {
        (sel.alias or sel.name).value: project(
            value.get(sel.name.value), sel.selection_set, fragments
        )
        for sel in _selected(selections, fragments)
    }


def not_found() -> Reply:
    return json_reply(
        {
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest",
            "status": "404",
        },
        404,
    )


def rate_limited(reset: int, status: int = 403) -> Reply:
    """What GitHub sends when the primary rate limit is spent."""
    return json_reply(
        {
            "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
            "Authenticated requests get a higher rate limit.)",
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        },
        status,
        {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "60", "x-ratelimit-reset": str(reset)},
    )


def graphql_rate_limited() -> Reply:
    """GraphQL's spent limit: HTTP 200 with an error and no data."""
    return json_reply(
        {
            "errors": [
                {
                    "type": "RATE_LIMITED",
                    "code": "graphql_rate_limit",
                    "message": "API rate limit already exceeded for user ID 1.",
                }
            ]
        }
    )


class FakeGitHub(FakeServer):
    """GitHub on 127.0.0.1. `token` is the one valid token; None accepts any request."""

    def __init__(
        self,
        token: str | None = None,
        latency: float = 0.0,
        schema: GraphQLSchema | None = None,
        token_scopes_write: bool = True,
    ) -> None:
        super().__init__(latency)
        self.token = token
        self.can_write = token_scopes_write
        self.schema = schema
        self.repos: dict[str, Repo] = {}
        self.renamed: dict[str, str] = {}
        self.commits: dict[str, Commit] = {}
        self.refs: dict[tuple[str, str], str] = {}
        self.trees: dict[str, dict[str, str | bytes]] = {}
        self.queries: list[str] = []
        self.blobs: dict[str, bytes] = {}
        self.tree_views: dict[str, tuple[dict[str, str | bytes], str]] = {}
        # "branch" (classic protection) or "ruleset": how ref updates are refused, as GitHub does.
        self.protection: str | None = None
        self.can_enable_workflows = True
        self.enabled: list[tuple[str, str]] = []  # (repository, workflow file) per enable call
        self.organizations: set[str] = set()  # lower-case logins that are organizations
        # Called once, just before the next ref update is judged: someone else pushes.
        self.before_ref_update: Callable[[], object] | None = None

    # --- set-up -------------------------------------------------------------------------

    def add(self, full_name: str, **kw: Any) -> Repo:
        repo = Repo(full_name, **kw)
        self.repos[full_name.lower()] = repo
        return repo

    def rename(self, old: str, new: str) -> None:
        repo = self.repos.pop(old.lower())
        repo.full_name = new
        self.repos[new.lower()] = repo
        self.renamed[old.lower()] = new.lower()

    def drop_redirect(self, old: str) -> None:
        """GitHub forgets an old name: it no longer redirects (and may be taken again)."""
        del self.renamed[old.lower()]

    def init_branch(
        self, full_name: str, files: Mapping[str, str | bytes], branch: str = "main"
    ) -> str:
        return self.push(full_name, files, "Initial commit", branch, parents=[])

    def push(
        self, full_name: str, files: Mapping[str, str | bytes], message: str, branch: str = "main",
        parents: list[str] | None = None, date: datetime | None = None,
    ) -> str:  # fmt: skip
        """Someone else's commit: files are merged onto the branch head."""
        key = (full_name.lower(), branch)
        head = self.refs.get(key)
        base = dict(self.commits[head].files) if head else {}
        base.update(files)
        sha = _sha(full_name, base, message, head)
        self.commits[sha] = Commit(
            sha, base, parents if parents is not None else [head] if head else [], message,
            date or datetime.now(UTC),
        )  # fmt: skip
        self.refs[key] = sha
        return sha

    def head(self, full_name: str, branch: str = "main") -> Commit:
        return self.commits[self.refs[(full_name.lower(), branch)]]

    # --- dispatch -----------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        auth = request.headers.get("authorization")
        if self.token is not None and auth is not None and auth.split()[-1] != self.token:
            return json_reply(
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/rest",
                    "status": "401",
                },
                401,
            )
        if request.path == "/graphql":
            return self._graphql(request, authenticated=auth is not None)
        for pattern, handler in self._routes():
            match = re.fullmatch(pattern, request.path)
            if match:
                return handler(request, *match.groups())
        return not_found()

    def _routes(self) -> list[tuple[str, Callable[..., Reply]]]:
        name = r"([\w.-]+/[\w.-]+)"
        return [
            (rf"/repos/{name}", self._get_repo),
            (r"/repositories/(\d+)", self._get_repo_by_id),
            (r"/users/([\w-]+)/repos", self._user_repos),
            (r"/users/([\w-]+)", self._user),
            (rf"/repos/{name}/git/refs?/heads/(.+)", self._ref),
            (rf"/repos/{name}/contents/(.+)", self._contents),
            (rf"/repos/{name}/git/commits/(\w+)", self._get_commit),
            (rf"/repos/{name}/git/commits", self._create_commit),
            (rf"/repos/{name}/git/trees", self._create_tree),
            (rf"/repos/{name}/git/trees/(\w+)", self._get_tree),
            (rf"/repos/{name}/git/blobs/(\w+)", self._get_blob),
            (rf"/repos/{name}/actions/workflows/([^/]+)/enable", self._enable_workflow),
        ]

    # --- REST ---------------------------------------------------------------------------

    def repo_json(self, repo: Repo) -> dict[str, Any]:
        return {
            "id": repo.id,
            "name": repo.full_name.split("/")[1],
            "full_name": repo.full_name,
            "owner": {
                "login": repo.owner,
                "type": "Organization" if repo.owner.lower() in self.organizations else "User",
            },
            "url": f"{self.url}/repos/{repo.full_name}",
            "html_url": f"https://github.com/{repo.full_name}",
            "stargazers_count": repo.stars,
            "watchers_count": repo.stars,
            "forks_count": repo.forks,
            "description": repo.description,
            "language": repo.language,
            "archived": repo.archived,
            "fork": repo.fork,
            "private": repo.private,
            "default_branch": repo.default_branch,
            "permissions": {"admin": False, "push": self.can_write, "pull": True},
        }

    def _get_repo(self, request: Request, full: str) -> Reply:
        if request.method != "GET":
            return not_found()
        if full.lower() in self.renamed and full.lower() not in self.repos:
            new = self.repos[self.renamed[full.lower()]]
            return json_reply(
                {"message": "Moved Permanently", "url": f"{self.url}/repositories/{new.id}"},
                301,
                {"Location": f"{self.url}/repositories/{new.id}"},
            )
        repo = self.repos.get(full.lower())
        if repo is None or repo.private:
            return not_found()
        return json_reply(self.repo_json(repo))

    def _get_repo_by_id(self, request: Request, repo_id: str) -> Reply:
        repo = next((r for r in self.repos.values() if r.id == int(repo_id)), None)
        return json_reply(self.repo_json(repo)) if repo else not_found()

    def _user(self, request: Request, login: str) -> Reply:
        if not any(r.owner.lower() == login.lower() for r in self.repos.values()):
            return not_found()
        kind = "Organization" if login.lower() in self.organizations else "User"
        return json_reply({
            "login": login, "type": kind, "url": f"{self.url}/users/{login}",
            "repos_url": f"{self.url}/users/{login}/repos",
            "public_repos": sum(1 for r in self.repos.values() if r.owner.lower() == login.lower()),
        })  # fmt: skip

    def _user_repos(self, request: Request, login: str) -> Reply:
        owned = sorted(
            (r for r in self.repos.values() if r.owner.lower() == login.lower() and not r.private),
            key=lambda r: r.full_name.lower(),
        )
        if not owned:
            return not_found()
        per_page = int(request.query.get("per_page", ["30"])[0])
        page = int(request.query.get("page", ["1"])[0])
        chunk = owned[(page - 1) * per_page : page * per_page]
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if page * per_page < len(owned):
            next_url = (
                f"{self.url}/users/{login}/repos?type=owner&per_page={per_page}&page={page + 1}"
            )
            headers["Link"] = f'<{next_url}>; rel="next"'
        return Reply(200, [self.repo_json(r) for r in chunk], headers)

    # --- Git Data -----------------------------------------------------------------------

    def _forbidden(self) -> Reply:
        return json_reply(
            {"message": "Resource not accessible by integration", "status": "403"}, 403
        )

    def _ref(self, request: Request, full: str, branch: str) -> Reply:
        key = (full.lower(), branch)
        if full.lower() not in self.repos or key not in self.refs:
            return not_found()
        if request.method == "PATCH":
            if not self.can_write:
                return self._forbidden()
            if self.before_ref_update is not None:
                hook, self.before_ref_update = self.before_ref_update, None
                hook()
            body = request.json()
            new = self.commits.get(body["sha"])
            if new is None:
                return json_reply({"message": "Object does not exist", "status": "422"}, 422)
            if self.protection is not None:
                message = RULESET if self.protection == "ruleset" else PROTECTED
                return json_reply({
                    "message": message.format(branch=branch),
                    "documentation_url": "https://docs.github.com/rest/git/refs#update-a-reference",
                    "status": "422",
                }, 422)  # fmt: skip
            if not body.get("force") and self.refs[key] not in new.parents:
                return json_reply({"message": "Update is not a fast forward", "status": "422"}, 422)
            self.refs[key] = new.sha
        sha = self.refs[key]
        return json_reply({
            "ref": f"refs/heads/{branch}",
            "url": f"{self.url}/repos/{full}/git/refs/heads/{branch}",
            "object": {"sha": sha, "type": "commit", "url": f"{self.url}/repos/{full}/git/commits/{sha}"},
        })  # fmt: skip

    def _contents(self, request: Request, full: str, path: str) -> Reply:
        ref = request.query.get("ref", [None])[0]
        repo = self.repos.get(full.lower())
        if repo is None:
            return not_found()
        sha = (
            ref
            if ref in self.commits
            else self.refs.get((full.lower(), ref or repo.default_branch))
        )
        found = self.commits[sha].files.get(path) if sha else None
        if found is None:
            return not_found()
        data = found.encode() if isinstance(found, str) else found
        # Over 1 MB the contents API sends no content: "encoding": "none".
        large = len(data) > 1024 * 1024
        return json_reply({
            "type": "file", "encoding": "none" if large else "base64", "path": path,
            "name": path.rsplit("/", 1)[-1], "size": len(data), "sha": git_blob_id(data),
            "content": "" if large else base64.encodebytes(data).decode(),
            "url": f"{self.url}/repos/{full}/contents/{path}",
        })  # fmt: skip

    def _tree_view(self, files: dict[str, str | bytes], prefix: str = "") -> str:
        """The id of the tree holding `files` under the folder `prefix` ("" for the root)."""
        tree = _sha("tree", sorted(files.items()), prefix)
        self.tree_views.setdefault(tree, (files, prefix))
        return tree

    def _get_tree(self, request: Request, full: str, tree: str) -> Reply:
        if tree not in self.tree_views:
            return not_found()
        files, prefix = self.tree_views[tree]
        entries: dict[str, dict[str, Any]] = {}
        for path, data in files.items():
            if not path.startswith(prefix):
                continue
            name, *rest = path[len(prefix) :].split("/", 1)
            if rest:
                sha, kind, mode = self._tree_view(files, f"{prefix}{name}/"), "tree", "040000"
            else:
                sha, kind, mode = git_blob_id(data), "blob", "100644"
                self.blobs[sha] = data.encode() if isinstance(data, str) else data
            entries[name] = {"path": name, "mode": mode, "type": kind, "sha": sha,
                             "url": f"{self.url}/repos/{full}/git/{kind}s/{sha}"}  # fmt: skip
        return json_reply({"sha": tree, "url": f"{self.url}/repos/{full}/git/trees/{tree}",
                           "tree": sorted(entries.values(), key=lambda e: e["path"]),
                           "truncated": False})  # fmt: skip

    def _get_blob(self, request: Request, full: str, sha: str) -> Reply:
        data = self.blobs.get(sha)
        if data is None:
            return not_found()
        return json_reply({
            "sha": sha, "size": len(data), "url": f"{self.url}/repos/{full}/git/blobs/{sha}",
            "content": base64.encodebytes(data).decode(), "encoding": "base64",
        })  # fmt: skip

    def _enable_workflow(self, request: Request, full: str, file: str) -> Reply:
        if request.method != "PUT":
            return not_found()
        if not self.can_enable_workflows:
            return self._forbidden()
        self.enabled.append((full, file))
        return Reply(204)

    def _commit_json(self, full: str, commit: Commit) -> dict[str, Any]:
        tree = self._tree_view(commit.files)
        self.trees.setdefault(tree, commit.files)
        when = commit.date.strftime("%Y-%m-%dT%H:%M:%SZ")
        person = {"name": "someone", "email": "someone@example.com", "date": when}
        return {
            "author": person,
            "committer": person,
            "sha": commit.sha,
            "url": f"{self.url}/repos/{full}/git/commits/{commit.sha}",
            "html_url": f"https://github.com/{full}/commit/{commit.sha}",
            "message": commit.message,
            "tree": {"sha": tree, "url": f"{self.url}/repos/{full}/git/trees/{tree}"},
            "parents": [
                {"sha": p, "url": f"{self.url}/repos/{full}/git/commits/{p}"}
                for p in commit.parents
            ],
        }

    def _get_commit(self, request: Request, full: str, sha: str) -> Reply:
        commit = self.commits.get(sha)
        return json_reply(self._commit_json(full, commit)) if commit else not_found()

    def _create_tree(self, request: Request, full: str) -> Reply:
        if not self.can_write:
            return self._forbidden()
        body = request.json()
        files: dict[str, str | bytes] = dict(self.trees.get(body.get("base_tree", ""), {}))
        for entry in body["tree"]:
            files[entry["path"]] = entry["content"]
        sha = _sha("tree", files)
        self.trees[sha] = files
        return json_reply(
            {"sha": sha, "url": f"{self.url}/repos/{full}/git/trees/{sha}", "tree": []}, 201
        )

    def _create_commit(self, request: Request, full: str) -> Reply:
        if not self.can_write:
            return self._forbidden()
        body = request.json()
        files = self.trees[body["tree"]]
        sha = _sha("commit", files, body["message"], body["parents"])
        self.commits[sha] = Commit(sha, dict(files), list(body["parents"]), body["message"])
        return json_reply(self._commit_json(full, self.commits[sha]), 201)

    # --- GraphQL ------------------------------------------------------------------------

    def _graphql(self, request: Request, authenticated: bool) -> Reply:
        if not authenticated:
            return json_reply(
                {"message": "This endpoint requires you to be authenticated.", "status": "401"}, 401
            )
        body = request.json()
        self.queries.append(body["query"])
        document = parse(body["query"])
        if self.schema is not None:
            errors = validate(self.schema, document)
            if errors:
                return json_reply({"errors": [{"message": e.message} for e in errors]})
        variables = body.get("variables") or {}
        op = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        data: dict[str, Any] = {}
        errors_out: list[dict[str, Any]] = []
        for sel in op.selection_set.selections:
            assert isinstance(sel, FieldNode)
            alias = sel.alias.value if sel.alias else sel.name.value
            args = _arguments(sel, variables)
            if sel.name.value == "repositoryOwner":
                assert sel.selection_set is not None
                nested = next(
                    f
                    for f in sel.selection_set.selections
                    if isinstance(f, FieldNode) and f.name.value == "repositories"
                )
                args.update(_arguments(nested, variables))
            found = self._resolve(sel.name.value, alias, args, errors_out)
            data[alias] = project(found, sel.selection_set, fragments)
        return json_reply({"data": data, **({"errors": errors_out} if errors_out else {})})

    def _resolve(
        self, name: str, alias: str, args: dict[str, Any], errors: list[dict[str, Any]]
    ) -> Any:
        if name == "repository":
            full = f"{args['owner']}/{args['name']}".lower()
            # A repository that took an old name wins over the old name's redirect.
            if args.get("followRenames") and full in self.renamed and full not in self.repos:
                full = self.renamed[full]
            repo = self.repos.get(full)
            if repo is None or repo.private:
                errors.append({
                    "type": "NOT_FOUND", "path": [alias], "locations": [{"line": 2, "column": 3}],
                    "message": f"Could not resolve to a Repository with the name '{args['owner']}/{args['name']}'.",
                })  # fmt: skip
                return None
            return self.repo_node(repo)
        if name == "repositoryOwner":
            return self._owner(alias, args, errors)
        if name == "rateLimit":
            return {"cost": 1, "remaining": 4999, "resetAt": "2026-11-26T15:00:00Z"}
        raise AssertionError(f"the fake does not serve {name}")

    def repo_node(self, repo: Repo) -> dict[str, Any]:
        """A Repository as GraphQL has it (the query's selection picks from it)."""
        release = repo.release and {
            "url": f"https://github.com/{repo.full_name}/releases/tag/{repo.release['tagName']}",
            "isDraft": False, "isPrerelease": False, **repo.release,
        }  # fmt: skip
        return {
            "name": repo.full_name.split("/")[1], "nameWithOwner": repo.full_name,
            "url": f"https://github.com/{repo.full_name}", "stargazerCount": repo.stars,
            "forkCount": repo.forks, "description": repo.description, "isArchived": repo.archived,
            "isFork": repo.fork, "primaryLanguage": {"name": repo.language} if repo.language else None,
            "latestRelease": release,
        }  # fmt: skip

    def _owner(self, alias: str, args: dict[str, Any], errors: list[dict[str, Any]]) -> Any:
        login = args["login"]
        owned = sorted(
            (r for r in self.repos.values()
             if r.owner.lower() == login.lower() and not r.fork and not r.private),
            key=lambda r: r.full_name.lower(),
        )  # fmt: skip
        if not any(r.owner.lower() == login.lower() for r in self.repos.values()):
            errors.append(
                {
                    "type": "NOT_FOUND",
                    "path": [alias],
                    "message": f"Could not resolve to a RepositoryOwner with the login of '{login}'.",
                }
            )
            return None
        first = int(args.get("first") or 100)
        start = int(base64.b64decode(args["after"]).decode()) if args.get("after") else 0
        page = owned[start : start + first]
        end = start + len(page)
        return {
            "login": login,
            "repositories": {
                "totalCount": len(owned),
                "pageInfo": {
                    "hasNextPage": end < len(owned),
                    "endCursor": base64.b64encode(str(end).encode()).decode(),
                },
                "nodes": [self.repo_node(r) for r in page],
            },
        }
