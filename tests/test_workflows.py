"""The workflows keep the promises the manual makes about them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_update_runs_nightly_off_the_hour_on_demand_and_on_cv_changes() -> None:
    workflow = load("update-readme.yml")
    on = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    [schedule] = on["schedule"]
    minute = schedule["cron"].split()[0]
    assert minute.isdigit() and int(minute) not in (0, 30)
    assert on["workflow_dispatch"]["inputs"]["dry_run"]["type"] == "boolean"
    paths = on["push"]["paths"]
    assert {"data/**", "templates/**", "updater/**", "!data/stats.json"} <= set(paths)
    assert "README.md" not in paths  # the bot's own commit does not start it again


def test_update_has_least_privilege_and_never_races() -> None:
    workflow = load("update-readme.yml")
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert job["timeout-minutes"] <= 30


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_sha_with_its_version(path: Path) -> None:
    uses = re.findall(r"uses: (\S+)(.*)", path.read_text(encoding="utf-8"))
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment), comment


def test_ci_runs_the_ci_script_read_only() -> None:
    workflow = load("ci.yml")
    assert workflow["permissions"] == {"contents": "read"}
    steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert "bash .ci/run" in steps
    assert any("actionlint" in s for s in steps)
