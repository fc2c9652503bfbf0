"""The workflows keep the promises the manual makes about them."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet

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


def install_commands(script: str) -> list[list[str]]:
    """The commands of an install script, one list of words each (continuations joined)."""
    lines = script.replace("\\\n", " ").splitlines()
    return [shlex.split(line) for line in lines if line.strip() and "=" not in line.split()[0]]


def action_install() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("name") == "Install updater"]
    return str(step["run"])


def workflow_install(job: str = "publish") -> str:
    [script] = [s["run"] for s in update_steps(job) if "uv pip install" in s.get("run", "")]
    return str(script)


@pytest.mark.parametrize("job", ["publish", "dry-run"])
def test_update_installs_only_locked_hashed_packages_then_the_project_alone(job: str) -> None:
    assert workflow_install(job) == (
        "python -m pip install --disable-pip-version-check --require-hashes --no-deps -r requirements/uv.txt\n"
        'uv pip install --no-config --python "$(command -v python)" --require-hashes --no-deps --only-binary :all: -r requirements/update.txt\n'
        'uv pip install --no-config --python "$(command -v python)" --no-deps --no-build-isolation .\n'
    )
    assert all("cache" not in s.get("with", {}) for s in update_steps(job))


@pytest.mark.parametrize(
    "script", [workflow_install(), action_install()], ids=["workflow", "action"]
)
def test_uv_comes_from_its_hashed_lock_and_installs_nothing_unhashed(script: str) -> None:
    pip, *rest = install_commands(script)
    # uv itself: pip, from its own lock, every file hashed.
    assert pip[1:4] == ["-m", "pip", "install"] and "--require-hashes" in pip
    assert pip[pip.index("-r") + 1].endswith("requirements/uv.txt")
    venvs = [c for c in rest if c[1] == "venv"]
    installs = [c for c in rest if c[1:3] == ["pip", "install"]]
    assert len(venvs) + len(installs) == len(rest) and len(installs) == 2
    for command in rest:
        assert command[0].endswith("uv") and "--no-config" in command  # no uv.toml steers it
    for command in venvs:  # the runner's Python, never one downloaded
        assert "--no-python-downloads" in command and "--python" in command
    lock, project = installs
    assert lock[lock.index("-r") + 1].endswith("requirements/update.txt")
    assert {"--require-hashes", "--no-deps"} <= set(lock)
    # Wheels only: no sdist is built, so no build dependency is fetched unhashed (uv, like pip,
    # does not check the hashes of an isolated build's dependencies: astral-sh/uv#21411).
    assert lock[lock.index("--only-binary") + 1] == ":all:"
    # The project: its dependencies and build backend are the locked ones already installed.
    assert {"--no-deps", "--no-build-isolation"} <= set(project) and "-r" not in project


def compile_command(text: str) -> list[str]:
    return next(line for line in text.splitlines() if line.startswith("#    pip-compile ")).split()


def pinned_blocks(text: str) -> list[str]:
    blocks = re.split(r"\n(?=[a-z0-9])", text.split("\n#\n", 2)[2])
    return [b for b in blocks if re.match(r"[a-z0-9][\w.-]*==", b)]


def test_lock_pins_every_package_with_hashes_from_pip_compile() -> None:
    text = (ROOT / "requirements" / "update.txt").read_text(encoding="utf-8")
    command = compile_command(text)
    flags = ("--generate-hashes", "--allow-unsafe", "--strip-extras", "--no-emit-index-url")
    for flag in (*flags, "--no-emit-find-links"):  # no machine's own index in the lock
        assert flag in command
    assert "--output-file=requirements/update.txt" in command
    assert command[-1] == "requirements/update.in"
    pins = pinned_blocks(text)
    assert len(pins) >= 10
    for block in pins:
        assert "--hash=sha256:" in block, block.splitlines()[0]
    names = {re.split("==", b)[0] for b in pins}
    assert {"pygithub", "requests", "urllib3", "jinja2", "pydantic", "flit-core"} <= names


def test_uv_is_one_release_hashed_from_the_file_host_or_the_index() -> None:
    text = (ROOT / "requirements" / "uv.txt").read_text(encoding="utf-8")
    lines = text.replace("\\\n", " ").splitlines()
    entries = [" ".join(e.split()) for e in lines if e and not e.startswith("#")]
    assert len(entries) == 2
    direct, indexed = entries
    here = 'sys_platform == "linux" and platform_machine == "x86_64"'
    elsewhere = 'sys_platform != "linux" or platform_machine != "x86_64"'
    url = re.fullmatch(
        rf"uv @ (https://files\.pythonhosted\.org/\S+) ; {here} (--hash=\S+)", direct
    )
    assert url, direct
    pinned = re.fullmatch(rf"uv==(\S+) ; {elsewhere}((?: --hash=sha256:[0-9a-f]{{64}})+)", indexed)
    assert pinned, indexed
    version = pinned[1]
    wheel = url[1].rsplit("/", 1)[1]
    assert re.fullmatch(rf"uv-{re.escape(version)}-py3-none-manylinux[\w.]*_x86_64\.whl", wheel)
    assert url[2] in pinned[2].split()  # the wheel's hash is the one PyPI gives for it
    [wanted] = wanted_in("uv.in")
    assert SpecifierSet(wanted.removeprefix("uv")).contains(version)


def test_lock_input_has_the_same_ranges_as_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project, build = pyproject["project"], pyproject["build-system"]
    assert wanted_in("update.in") == [*project["dependencies"], *build["requires"]]
    test_extras = [r.split("#")[0].strip() for r in project["optional-dependencies"]["test"]]
    # The backend, for the test that builds without isolation as the job does; uv, the
    # installer, for that test and the install benchmark: the ranges the job uses.
    assert set(build["requires"]) <= set(test_extras)
    assert wanted_in("uv.in") == [r for r in test_extras if r.startswith("uv")]


def wanted_in(name: str) -> list[str]:
    lines = (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


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
