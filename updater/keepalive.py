"""GitHub's 60-day rule: warn before the schedule stops, and (only if the owner opts in) keep
the workflow alive without dummy commits.

GitHub disables a public repository's scheduled workflows after 60 days without activity. By
default a run that commits nothing warns from day 50, naming the day the schedule stops and
what restarts it. Re-enabling the workflow through the REST API (on an enabled workflow, a
no-op) would restart that clock; GitHub has disabled repositories for doing that only to
bypass the rule, so it happens only when the owner asks (`--keepalive-days`). Never an empty
commit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from updater.errors import PublishError

log = logging.getLogger("updater")

WARN_AFTER_DAYS = 50
DISABLED_AFTER_DAYS = 60  # GitHub's rule for scheduled workflows in public repositories
# OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH
WORKFLOW_REF = re.compile(r"^([\w.-]+/[\w.-]+)/\.github/workflows/([^/@]+\.ya?ml)@")


@dataclass(frozen=True)
class Workflow:
    """The workflow this run belongs to: its repository and its file name."""

    repo: str
    file: str


def running_workflow(workflow_ref: str | None) -> Workflow | None:
    """The workflow named by GITHUB_WORKFLOW_REF, or None outside Actions or when unreadable."""
    match = WORKFLOW_REF.match(workflow_ref or "")
    return Workflow(match[1], match[2]) if match else None


def keep_alive(
    enable: Callable[[Workflow], None], workflow: Workflow | None, *, last_commit: datetime,
    now: datetime, days: float, branch: str,
) -> str:  # fmt: skip
    """Re-enable the workflow when the branch's last commit is `days` old; say what was done.

    A refusal (no `actions: write`) is a warning with the fix, never a failed run.
    """
    age = (now - last_commit).total_seconds() / 86400
    if workflow is None:
        return "not possible: GITHUB_WORKFLOW_REF does not name a workflow file"
    if age < days:
        due = (last_commit + timedelta(days=days)).strftime("%Y-%m-%d")
        return (
            f"not needed: the last commit on {branch} is {age:.0f} days old; {workflow.file} is "
            f"re-enabled once it is {days:g} days old (a run without a commit from {due} on)"
        )
    try:
        enable(workflow)
    except PublishError as exc:
        log.warning("keepalive failed: %s", exc)
        return f"failed: {exc}"
    when = now.strftime("%Y-%m-%d %H:%M UTC")
    log.info("kept %s alive: re-enabled it (the last commit on %s is %.0f days old)",
             workflow.file, branch, age)  # fmt: skip
    return (
        f"kept {workflow.file} alive at {when}: re-enabled it through the API, which restarts "
        f"GitHub's 60-day clock (the last commit on {branch} is {age:.0f} days old)"
    )


def inactivity_warning(last_commit: datetime, now: datetime, branch: str) -> str | None:
    """From day 50 without a commit: when the scheduled runs stop and what restarts them."""
    age = (now - last_commit).total_seconds() / 86400
    if age < WARN_AFTER_DAYS:
        return None
    stop = (last_commit + timedelta(days=DISABLED_AFTER_DAYS)).strftime("%Y-%m-%d")
    when = f"stop on {stop}" if age < DISABLED_AFTER_DAYS else f"may have stopped on {stop}"
    return (
        f"the last commit on {branch} is {age:.0f} days old: GitHub disables the scheduled "
        f"workflows of a public repository after {DISABLED_AFTER_DAYS} days without activity, "
        f"so the nightly runs {when}. Any push to the repository restarts the clock; once "
        "they have stopped, re-enable the workflow on the Actions tab (select it, then "
        "Enable workflow)"
    )
