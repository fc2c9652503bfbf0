"""What `updater init` writes: a page template that gives back its markdown byte for byte, a
starter data file, and the update workflow that runs this repository's action. Pure: text in,
text out."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def workflow(pin: ActionPin, branch: str) -> str:
    """The nightly update workflow, running this repository's action pinned to a full SHA."""
    return _WORKFLOW.format(
        uses=pin.uses,
        checkout=CHECKOUT,
        branch=_yaml_string(branch),
        name=branch,
        ref=_expression_string(f"refs/heads/{branch}"),
    )


def _expression_string(value: str) -> str:
    """A string literal in a GitHub Actions expression: single quotes, doubled to escape."""
    return "'" + value.replace("'", "''") + "'"


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_WORKFLOW = """\
# Keeps the profile current: fetches live numbers, renders every templates/NAME.j2 to NAME and
# commits the pages and data/stats.json when, and only when, a page's text changed.
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
  push:
    branches: [{branch}]
    # An edited CV or template is live within minutes. The bot's own commit (the pages and
    # data/stats.json) never starts a workflow: it is made with GITHUB_TOKEN.
    paths:
      - "data/**"
      - "!data/stats.json"
      - "templates/**"

permissions: {{}}

# Two runs never race for the branch: a new run waits for the one in progress.
concurrency:
  group: update-readme
  cancel-in-progress: false

jobs:
  update:
    name: Update profile
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: write # to commit the pages and data/stats.json through the API
      actions: write # to re-enable this workflow, so 60 quiet days do not switch it off
    steps:
      - uses: {checkout}
        with:
          persist-credentials: false
      - uses: {uses}
        # Only a run on {name} publishes, and only to it: a manual run on another branch
        # shows what it would commit, so one branch's pages never land on another.
        with:
          dry-run: ${{{{ inputs.dry_run == true || github.ref != {ref} }}}}
          branch: {branch}
          hf-token: ${{{{ secrets.HF_TOKEN }}}}
          semantic-scholar-api-key: ${{{{ secrets.SEMANTIC_SCHOLAR_API_KEY }}}}
"""
