"""File writes keep modes, go through symlinks, skip unchanged files, and are all or nothing;
reads name a folder, a binary or a non-UTF-8 file."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import paths_args
from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from tests.fakes.profile import populate
from updater.build import Paths
from updater.cli import main
from updater.errors import InputError
from updater.files import read_text, write_atomic, write_files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """Make path immutable (chattr +i): nothing, not even root, can write to or replace it."""
    try:
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot make a read-only file here (chattr +i: {exc}); needs ext4 and root")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("before", [0o600, 0o644, 0o664, 0o755])
def test_existing_file_keeps_its_mode(tmp_path: Path, before: int) -> None:
    path = tmp_path / "README.md"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(before)
    with umask(0o077):
        assert write_atomic(path, "new\n", tmp_path)
    assert mode(path) == before
    assert path.read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_file_follows_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    path = tmp_path / "sub" / "README.md"
    with umask(mask):
        assert write_atomic(path, "new\n", tmp_path)
    assert mode(path) == expected


def test_symlink_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real" / "README.md"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "README.md"
    link.symlink_to(Path("real") / "README.md")
    assert write_atomic(link, "new\n", tmp_path)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new\n"
    assert mode(target) == 0o640
    assert not leftovers(tmp_path) and not leftovers(target.parent)


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "README.md"
    link.symlink_to("README.real.md")
    assert write_atomic(link, "new\n", tmp_path)
    assert link.is_symlink() and (tmp_path / "README.real.md").read_text() == "new\n"


def test_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("same\n", encoding="utf-8")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    inode = path.stat().st_ino
    assert write_atomic(path, "same\n", tmp_path) is False
    assert path.stat().st_mtime_ns == 1_000_000_000 and path.stat().st_ino == inode


def test_render_says_unchanged(profile: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    capsys.readouterr()
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    err = capsys.readouterr().err
    assert f"{profile.page('README.md')} unchanged" in err
    assert "wrote" not in err


def test_all_or_none_when_the_snapshot_folder_is_read_only(
    profile: Paths, live_env: dict[str, str], fake_github: FakeGitHub, fake_hub: FakeHub,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    populate(fake_github, fake_hub)  # live numbers: the snapshot must be written too
    readme = profile.page("README.md")
    readme.write_text("hand-written\n", encoding="utf-8")
    with immutable(profile.stats.parent):
        assert main(["render", *paths_args(profile)]) == 2
    err = capsys.readouterr().err
    assert f"{profile.stats}: cannot write: " in err and "nothing was written" in err
    assert readme.read_text(encoding="utf-8") == "hand-written\n"
    assert not leftovers(profile.root) and not leftovers(profile.stats.parent)


def test_a_failed_rename_restores_the_files_already_replaced(tmp_path: Path) -> None:
    first, second, third = tmp_path / "a.md", tmp_path / "b.json", tmp_path / "c.md"
    first.write_text("old a\n", encoding="utf-8")
    second.write_text("old b\n", encoding="utf-8")
    first.chmod(0o640)
    with immutable(second), pytest.raises(InputError, match=f"{second}: cannot write"):
        write_files({first: "new a\n", second: "new b\n", third: "new c\n"}, tmp_path)
    assert first.read_text(encoding="utf-8") == "old a\n" and mode(first) == 0o640
    assert second.read_text(encoding="utf-8") == "old b\n"
    assert not third.exists()
    assert not leftovers(tmp_path)


def test_write_files_reports_what_changed(tmp_path: Path) -> None:
    same, other = tmp_path / "same.md", tmp_path / "other.md"
    same.write_text("x\n", encoding="utf-8")
    assert write_files({same: "x\n", other: "y\n"}, tmp_path) == {same: False, other: True}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"# Title\n\x00\x01\x02", ":2:1: binary file (NUL byte); expected UTF-8 text"),
        (b"# Caf\xe9\n", ":1:6: not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    ],
)
def test_reads_name_binary_and_non_utf8_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"^{re.escape(str(path) + message)}$"):
        read_text(path, tmp_path)


def test_reading_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=f"^{tmp_path}: is a folder, expected a file$"):
        read_text(tmp_path, tmp_path)
    assert read_text(tmp_path / "absent.md", tmp_path) is None


@pytest.mark.parametrize("command", ["check", "preview", "render --check"])
@pytest.mark.parametrize("kind", ["folder", "binary", "latin-1"])
def test_every_command_that_reads_a_page_names_a_bad_file(
    profile: Paths, command: str, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = profile.page("README.md")
    if kind == "folder":
        readme.mkdir()
    else:
        readme.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" if kind == "binary" else b"caf\xe9\n")
    args = {
        "check": ["check", str(readme)],
        "preview": ["preview", str(readme), "--repo", "o/o", "--output-dir", str(profile.root / "p")],
        "render --check": ["render", "--offline", "--check", *paths_args(profile)],
    }[command]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert str(readme) in err and "Traceback" not in err and "internal error" not in err
