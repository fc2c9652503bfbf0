"""The workflows keep the promises the manual makes about them."""

from __future__ import annotations

import re
import tomllib
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
    assert on["workflow_dispatch"]["inputs"]["allow_new_errors"]["type"] == "boolean"
    assert on["push"]["branches"] == ["**"]  # every branch, no tags: the jobs decide
    paths = on["push"]["paths"]
    assert {"data/**", "templates/**", "updater/**", "!data/stats.json"} <= set(paths)
    assert "README.md" not in paths  # the bot's own commit does not start it again


def test_update_has_least_privilege_and_never_races() -> None:
    workflow = load("update-readme.yml")
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert set(jobs) == {"publish", "dry-run"}
    # Only the publishing job may write (the commit); no job may re-enable workflows.
    assert jobs["publish"]["permissions"] == {"contents": "write"}
    assert jobs["dry-run"]["permissions"] == {"contents": "read"}
    assert jobs["publish"]["concurrency"] == {"group": "update-readme", "cancel-in-progress": False}
    assert all(job["timeout-minutes"] <= 30 for job in jobs.values())
    assert "actions: write" not in (WORKFLOWS / "update-readme.yml").read_text(encoding="utf-8")


def update_steps(name: str = "publish") -> list[dict[str, Any]]:
    steps = load("update-readme.yml")["jobs"][name]["steps"]
    assert isinstance(steps, list)
    return steps


@pytest.mark.parametrize("job", ["publish", "dry-run"])
def test_update_installs_only_locked_hashed_packages_then_the_project_alone(job: str) -> None:
    runs = [s["run"] for s in update_steps(job) if "pip install" in s.get("run", "")]
    assert runs == [
        "python -m pip install --require-hashes --no-deps -r requirements/update.txt\n"
        "python -m pip install --no-deps --no-build-isolation .\n"
    ]
    assert all("cache" not in s.get("with", {}) for s in update_steps(job))


def test_lock_pins_every_package_with_hashes_from_pip_compile() -> None:
    text = (ROOT / "requirements" / "update.txt").read_text(encoding="utf-8")
    command = next(line for line in text.splitlines() if line.startswith("#    pip-compile "))
    flags = ("--generate-hashes", "--allow-unsafe", "--strip-extras", "--no-emit-index-url")
    for flag in (*flags, "--no-emit-find-links"):  # no machine's own index in the lock
        assert flag in command.split()
    blocks = re.split(r"\n(?=[a-z0-9])", text.split("\n#\n", 2)[2])
    pins = [b for b in blocks if re.match(r"[a-z0-9][\w.-]*==", b)]
    assert len(pins) >= 10
    for block in pins:
        assert "--hash=sha256:" in block, block.splitlines()[0]
    names = {re.split("==", b)[0] for b in pins}
    assert {"pygithub", "requests", "urllib3", "jinja2", "pydantic", "setuptools"} <= names


def test_lock_input_has_the_same_ranges_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = (ROOT / "requirements" / "update.in").read_text(encoding="utf-8").splitlines()
    wanted = [line for line in lines if line and not line.startswith("#")]
    assert wanted == [*project["dependencies"], "setuptools>=69"]


def test_dependabot_keeps_the_lock_current() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    [pip] = [u for u in config["updates"] if u["package-ecosystem"] == "pip"]
    assert "/requirements" in pip["directories"]


def test_only_a_run_on_the_default_branch_publishes_and_every_other_is_a_dry_run() -> None:
    jobs = load("update-readme.yml")["jobs"]
    # A scheduled run's event has no repository (its default branch reads as empty), but
    # GitHub runs schedules on the default branch only.
    publishes = (
        "(github.event_name == 'schedule' || github.ref == format('refs/heads/{0}', "
        "github.event.repository.default_branch)) && inputs.dry_run != true"
    )
    assert jobs["publish"]["if"] == "${{ " + publishes + " }}"
    assert jobs["dry-run"]["if"] == "${{ !(" + publishes + ") }}"
    commands = {
        name: [
            line.strip()
            for step in job["steps"]
            for line in step.get("run", "").splitlines()
            if "updater update" in line
        ]
        for name, job in jobs.items()
    }
    # No --branch: `update` publishes to the default branch, and refuses another checkout.
    assert commands == {
        "publish": ["updater update --allow-new-errors", "updater update"],
        "dry-run": ["updater update --dry-run --allow-new-errors", "updater update --dry-run"],
    }


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
