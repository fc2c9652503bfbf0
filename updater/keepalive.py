"""Keep the scheduled workflow alive without dummy commits.

GitHub disables a public repository's scheduled workflows after 60 days without activity.
Re-enabling the workflow through the REST API (on an enabled workflow, a no-op) restarts that
clock, so a run that commits nothing re-enables its own workflow once the branch's last commit
is old enough. Never an empty commit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from updater.errors import PublishError

log = logging.getLogger("updater")

DEFAULT_DAYS = 50.0
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
