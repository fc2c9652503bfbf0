"""What `updater init` writes: a page template that gives back its markdown byte for byte, a
starter data file, the update workflow that runs this repository's action, and which other
workflows already write a page. Pure: text in, text out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from updater.templates import newline_of

# Everything Jinja would read as the start of a tag, comment or statement; and the carriage
# returns it would turn into the template's one kind of line ending (all of them, or in a CRLF
# file the lone ones), each with a `{` right before it, which the escape would join to a `{{`.
_ESCAPE_LF_RE = re.compile(r"\{[{%#]|\{?\r")
_ESCAPE_CRLF_RE = re.compile(r"\{[{%#]|\{?\r(?!\n)")
BOM = "\ufeff"
HEADER = (
    "{{# Adopted from {name} by `updater init`: the page as it was, with Jinja-looking text\n"
    '   escaped ({{{{ "{{{{" }}}} prints two braces). Edit it freely, or move content into\n'
    '   data/cv.yaml: see "Change the layout" in updater\'s manual. #}}\n'
)
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"
WORKFLOW_FILE = ".github/workflows/update-readme.yml"
SHA_RE = re.compile(r"^[0-9a-f]{40}\Z")
REPO_RE = re.compile(r"^[A-Za-z0-9-]+/[\w.-]+\Z")
# A branch name git accepts and YAML and expressions need no care for.
BRANCH_RE = re.compile(r"^(?![./-])(?!.*(?:\.\.|//|@\{|\.lock\Z|[./]\Z))[\w./@+-]+\Z")


@dataclass(frozen=True)
class ActionPin:
    """The action a workflow runs: this tool's repository on GitHub at one full commit SHA."""

    repo: str
    sha: str
    version: str

    @property
    def uses(self) -> str:
        """The `uses:` value with a comment naming the version, as Dependabot keeps it."""
        return f"{self.repo}@{self.sha} # {self.version}"


def to_template(text: str, name: str) -> str:
    """A Jinja template that renders to exactly `text`: tag starts and stray CRs escaped.

    The header is a Jinja comment; `trim_blocks` drops the newline after it, so it leaves
    no trace in the output."""
    newline = newline_of(text)
    bom = BOM if text.startswith(BOM) else ""
    # Jinja writes one kind of line ending: a CRLF file keeps its own through the environment
    # (templates.newline_of); any other carriage return is written out as an expression.
    escape = _ESCAPE_CRLF_RE if newline == "\r\n" else _ESCAPE_LF_RE
    body = escape.sub(_expression, text.removeprefix(bom))
    return bom + HEADER.format(name=name).replace("\n", newline) + body


def _expression(match: re.Match[str]) -> str:
    """A Jinja expression that prints the matched text (a CR written as backslash-r)."""
    return '{{ "' + match[0].replace("\r", "\\r") + '" }}'


def starter_cv(github_user: str | None, pin: ActionPin) -> str:
    """data/cv.yaml for an adopted profile: no sections yet, the owner for the totals."""
    schema = f"https://raw.githubusercontent.com/{pin.repo}/{pin.sha}/schema/cv.schema.json"
    user = f"github_user: {github_user}" if github_user else "github_user: null # your login"
    return (
        f"# yaml-language-server: $schema={schema}\n"
        "#\n"
        "# Your CV as data. The pages in templates/ were adopted as they are, so this file can\n"
        "# start empty: move content here section by section when you want it laid out from\n"
        '# data (see "Change the layout" in updater\'s manual).\n'
        "\n"
        "sections: []\n"
        "\n"
        "tracking:\n"
        "  # Whose public repositories' stars make the totals (totals.stars in a template).\n"
        f"  {user}\n"
    )


def workflow(pin: ActionPin, branch: str | None = None) -> str:
    """The nightly update workflow, running this repository's action pinned to a full SHA.

    It publishes to the repository's default branch, read at run time (so `main` or `master`
    alike), or to `branch` when one is given; every other run is a read-only dry run."""
    if branch is None:
        ref = "format('refs/heads/{0}', github.event.repository.default_branch)"
        where, target = "the default branch", ""
    else:
        ref = _expression_string(f"refs/heads/{branch}")
        where, target = branch, f"\n          branch: {_yaml_string(branch)}"
    # A scheduled run is always on the default branch, and its event carries no repository.
    on_target = f"github.ref == {ref}"
    if branch is None:
        on_target = f"github.event_name == 'schedule' || {on_target}"
    publishes = f"({on_target}) && inputs.dry_run != true"
    return _WORKFLOW.format(
        uses=pin.uses, checkout=CHECKOUT, where=where, target=target,
        publishes="${{ " + publishes + " }}", previews="${{ !(" + publishes + ") }}",
    )  # fmt: skip


def _expression_string(value: str) -> str:
    """A string literal in a GitHub Actions expression: single quotes, doubled to escape."""
    return "'" + value.replace("'", "''") + "'"


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_WORKFLOW = """\
# Keeps the profile current: fetches live numbers, renders every templates/PATH.j2 to PATH and
# commits the pages and data/stats.json when, and only when, a page's text changed and the
# page gate lets it through. Only the publishing job can write; every other run is a dry run
# with a read-only token.
# Written by `updater init`; see "Adopt it for your profile" in updater's manual.
name: Update profile README

on:
  schedule:
    # Nightly at 03:17 UTC: an odd minute, away from the top of the hour when GitHub's
    # scheduler is busiest and runs are delayed or dropped.
    - cron: "17 3 * * *"
  workflow_dispatch:
    inputs:
      dry_run:
        description: "Dry run: print the diff and commit message, commit nothing"
        type: boolean
        default: false
      allow_new_errors:
        description: "Publish even if a page gains an error of updater check (a deliberate change)"
        type: boolean
        default: false
  push:
    # Every branch, no tags (`branches` takes no expressions; the jobs below decide): a push
    # to {where} publishes within minutes, a push to another branch is a dry run.
    # The bot's own commit never starts a workflow: it is made with GITHUB_TOKEN.
    branches: ["**"]
    paths:
      - "data/**"
      - "!data/stats.json"
      - "templates/**"

permissions: {{}}

jobs:
  # Only a run on {where} publishes, and only to it (not a manual run with "Dry run").
  publish:
    name: Update profile
    if: {publishes}
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: write # to commit the pages and data/stats.json through the API
    # Two publishing runs never race for the branch: a new one waits for the one in progress.
    concurrency:
      group: update-readme
      cancel-in-progress: false
    steps:
      - uses: {checkout}
        with:
          persist-credentials: false
      - uses: {uses}
        with:{target}
          allow-new-errors: ${{{{ inputs.allow_new_errors == true }}}}
          hf-token: ${{{{ secrets.HF_TOKEN }}}}
          semantic-scholar-api-key: ${{{{ secrets.SEMANTIC_SCHOLAR_API_KEY }}}}

  # Every other run shows what would be committed, and whether the page gate would hold it
  # back (the job then fails), with a token that can only read.
  dry-run:
    name: Dry run (read-only)
    if: {previews}
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read # to read the published pages to compare with
    concurrency:
      group: update-readme-dry-run-${{{{ github.ref }}}}
      cancel-in-progress: true
    steps:
      - uses: {checkout}
        with:
          persist-credentials: false
      - uses: {uses}
        with:
          dry-run: true{target}
          allow-new-errors: ${{{{ inputs.allow_new_errors == true }}}}
          hf-token: ${{{{ secrets.HF_TOKEN }}}}
          semantic-scholar-api-key: ${{{{ secrets.SEMANTIC_SCHOLAR_API_KEY }}}}
"""


# The numbers `render` puts after links (badges.badge): in a page being adopted they were
# written by the tool, and would be fixed text in the template beside the live ones.
_BAKED_RE = re.compile(r" <sub>(?:★|⬇|♥|cited by) [^<\n]*</sub>")


def baked_numbers(text: str) -> list[str]:
    """The numbers updater wrote into a page (` <sub>★ 1.3k</sub>`), first ones first."""
    return _BAKED_RE.findall(text)


# --- other workflows that already write a page ----------------------------------------------

# Actions that commit README.md themselves (their default file), as their documentation shows.
README_ACTIONS = frozenset(
    {
        "gautamkrishnar/blog-post-workflow",
        "athul/waka-readme",
        "anmol098/waka-readme-stats",
        "jamesgeorge007/github-activity-readme",
        "muesli/readme-scribe",
    }
)
# Actions that commit or push whatever the job changed.
COMMIT_ACTIONS = frozenset(
    {
        "stefanzweifel/git-auto-commit-action",
        "endbug/add-and-commit",
        "ad-m/github-push-action",
        "actions-js/push",
        "peter-evans/create-pull-request",
        "github-actions-x/commit",
    }
)
_GIT_WRITE_RE = re.compile(r"\bgit\s+(?:commit|push)\b")
_NAME_EDGE = frozenset("/.-_")


@dataclass(frozen=True)
class Writer:
    """Another workflow that plausibly writes one of the adopted pages, and what shows it."""

    workflow: str  # its path in the repository
    page: str
    evidence: str  # e.g. "it uses gautamkrishnar/blog-post-workflow"


def page_writers(workflows: dict[str, str], pages: tuple[str, ...], ours: str) -> list[Writer]:
    """The workflows (path -> YAML text) that commit one of `pages`, leaving out those that run
    this tool (`ours`, OWNER/NAME of its action) and any that cannot be read as YAML.

    Plausible, not proven: a known README-writing action (it writes README.md unless told
    otherwise), or a workflow that can write (contents: write, a git commit or push, a commit
    action) and names the page (for README.md, any mention of "readme" counts: `python
    build_readme.py` then `git push` is the classic)."""
    found: list[Writer] = []
    for path, text in sorted(workflows.items()):
        facts = _facts(text)
        if facts is None or any(u == ours.lower() for u in facts.uses):
            continue
        found += [Writer(path, page, why) for page in pages if (why := facts.writes(page))]
    return found


@dataclass(frozen=True)
class _Facts:
    uses: tuple[str, ...]  # action names, lower case, without @ref
    strings: tuple[str, ...]  # every scalar in the workflow
    can_write: str | None  # how it writes: the first evidence found

    def writes(self, page: str) -> str | None:
        readme = page.lower() == "readme.md"
        known = [u for u in self.uses if u in README_ACTIONS]
        if readme and known:
            return f"it uses {known[0]}"
        if self.can_write is None:
            return None
        named = any(_names(s, page) for s in self.strings)
        if not named and readme and any("readme" in s.lower() for s in self.strings):
            named = True
        return f"it names {page} and {self.can_write}" if named else None


def _facts(text: str) -> _Facts | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    pairs = list(_pairs(data))
    uses = tuple(v.split("@")[0].strip().lower() for k, v in pairs if k == "uses")
    return _Facts(uses, tuple(v for _, v in pairs), _how_it_writes(data, pairs, uses))


def _how_it_writes(data: object, pairs: list[tuple[str, str]], uses: tuple[str, ...]) -> str | None:
    committers = [u for u in uses if u in COMMIT_ACTIONS]
    if committers:
        return f"commits with {committers[0]}"
    if any(k == "run" and _GIT_WRITE_RE.search(v) for k, v in pairs):
        return "runs git commit or git push"
    if _grants_contents_write(data):
        return "has contents: write"
    return None


def _grants_contents_write(node: object) -> bool:
    if isinstance(node, dict):
        permissions = node.get("permissions")
        if permissions == "write-all":
            return True
        if isinstance(permissions, dict) and permissions.get("contents") == "write":
            return True
        return any(_grants_contents_write(value) for value in node.values())
    if isinstance(node, list):
        return any(_grants_contents_write(item) for item in node)
    return False


def _pairs(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    """Every scalar of the YAML tree with the key it sits under."""
    if isinstance(node, dict):
        for k, value in node.items():
            yield from _pairs(value, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from _pairs(item, key)
    elif isinstance(node, str):
        yield key, node


def _names(text: str, page: str) -> bool:
    """Whether text names the page at the repository root (`README.md`, `./README.md`), not
    another file (`templates/README.md.tpl`, `docs/README.md`)."""
    start = text.find(page)
    while start >= 0:
        end = start + len(page)
        before = text[:start].removesuffix("./")
        after = text[end : end + 1]
        if not (before and (before[-1].isalnum() or before[-1] in _NAME_EDGE)) and not (
            after and (after.isalnum() or after in _NAME_EDGE)
        ):
            return True
        start = text.find(page, start + 1)
    return False
