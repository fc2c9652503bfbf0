"""The build records where a checkout stands on GitHub: a wheel built from a clone of the tool,
installed in a fresh virtual environment, runs an `init` that pins that repository and commit
with no flags. Real git, a real frontend and installer (uv, as the update job uses) and
no network."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

from uv import find_uv_bin

from build_backend.updater_build import recorded
from tests.conftest import ROOT
from tests.test_gitorigin import commit, git

# What a build reads: the project's metadata, its backend, the package and the readme.
SOURCES = ("pyproject.toml", "build_backend", "updater", "docs/README.md")


def copy_sources(project: Path) -> Path:
    """The tool's files that a build reads, copied into project (no record, no caches)."""
    for rel in SOURCES:
        source, target = ROOT / rel, project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "_*.json"))
        else:
            shutil.copy(source, target)
    return project


def tool_clone(tmp_path: Path) -> Path:
    """A clone of the tool whose `origin` is on GitHub: pushed to a local bare repository,
    then given GitHub's URL, as a clone of github.com/octo/tool would have."""
    clone = copy_sources(tmp_path / "tool")
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(clone, "init", "-q", "-b", "main")
    git(clone, "add", ".")
    commit(clone, "the tool")
    git(clone, "remote", "add", "origin", str(bare))
    git(clone, "push", "-q", "origin", "main")
    git(clone, "remote", "set-url", "origin", "https://github.com/octo/tool.git")
    return clone


def fresh_environment(path: Path) -> Path:
    """A new virtual environment that borrows the test environment's libraries (Jinja2,
    pydantic...) through a .pth file: the tool itself is only what is installed in it."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "borrowed.pth").write_text("\n".join(sorted(borrowed)) + "\n", encoding="utf-8")
    return python


def uv(*args: str | Path) -> None:
    """uv, the installer the update job uses: offline, with no cache of its own to share."""
    done = subprocess.run(
        [find_uv_bin(), *map(str, args), "--quiet", "--offline", "--no-cache", "--no-config"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_wheel_built_from_a_clone_pins_its_repository_and_commit_with_no_flags(
    tmp_path: Path,
) -> None:
    clone = tool_clone(tmp_path)
    head = git(clone, "rev-parse", "HEAD")
    # As the update job builds: no isolation, so the backend is the one already installed.
    uv("build", "--wheel", "--no-build-isolation", "--python", sys.executable, "--out-dir",
       tmp_path / "dist", clone)  # fmt: skip
    assert git(clone, "status", "--porcelain", "--ignored") == ""  # the clone is left as it was
    [wheel] = (tmp_path / "dist").glob("*.whl")
    python = fresh_environment(tmp_path / "venv")
    uv("pip", "install", "--no-deps", "--python", python, wheel)
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "README.md").write_text("# Hi\n", encoding="utf-8")
    done = subprocess.run(
        [python.parent / "updater", "init"], cwd=profile, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"uses octo/tool@{head[:12]}, publishes to the default branch" in done.stdout
    workflow = (profile / ".github/workflows/update-readme.yml").read_text(encoding="utf-8")
    assert f"uses: octo/tool@{head} # profile-readme-updater 0.1.0" in workflow
    assert done.stderr == ""  # HEAD is on GitHub: nothing to say about it


def hook(project: Path, name: str, directory: Path) -> str:
    """Call one PEP 517 hook of the project's backend in a process of its own, as a frontend
    does: the backend path on sys.path, the project as the working folder."""
    directory.mkdir(exist_ok=True)
    code = (
        "import sys; sys.path.insert(0, 'build_backend'); import updater_build; "
        f"print(updater_build.{name}({str(directory)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_an_sdist_carries_the_record_to_the_wheel_built_from_it(tmp_path: Path) -> None:
    clone = tool_clone(tmp_path)
    pushed = git(clone, "rev-parse", "HEAD")
    head = commit(clone, "not pushed")  # the record names the newest commit GitHub has
    sdist = tmp_path / "sdist" / hook(clone, "build_sdist", tmp_path / "sdist")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    [unpacked] = (tmp_path / "unpacked").iterdir()
    assert not (unpacked / ".git").exists()
    wheel = tmp_path / "dist" / hook(unpacked, "build_wheel", tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        record = json.loads(archive.read("updater/_origin.json"))
    assert record == {
        "head": head,
        "repo": "octo/tool",
        "remote": "origin",
        "pushed": pushed,
        "unpushed": 1,
    }


def test_a_build_from_a_folder_that_is_no_checkout_records_nothing(tmp_path: Path) -> None:
    project = copy_sources(tmp_path / "download")  # as the action's checkout is: no .git
    wheel = tmp_path / "dist" / hook(project, "build_wheel", tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        assert "updater/_origin.json" not in archive.namelist()
        assert "updater/page/assets/gemoji.json" in archive.namelist()


def test_the_record_is_written_for_the_build_and_the_file_restored_after(tmp_path: Path) -> None:
    clone = tool_clone(tmp_path)
    record = clone / "updater" / "_origin.json"
    record.write_text("{}\n", encoding="utf-8")  # one an unpacked sdist brought, say
    with recorded(clone):
        assert json.loads(record.read_text(encoding="utf-8"))["repo"] == "octo/tool"
    assert record.read_text(encoding="utf-8") == "{}\n"
    record.unlink()
    with recorded(clone):
        assert record.is_file()
    assert not record.exists()
