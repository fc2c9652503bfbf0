"""File writes keep modes, go through symlinks, skip unchanged files, and are all or nothing;
reads name a folder, a binary or a non-UTF-8 file."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
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
from updater.files import (
    JOURNAL,
    MAX_TEXT_BYTES,
    read_bytes,
    read_text,
    recover,
    write_atomic,
    write_files,
)
from updater.snapshot import load_snapshot


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


# Issue 17: one checked way to read, nothing outside the repository, an honest crash story ----


@contextmanager
def no_hang(seconds: float = 10.0) -> Iterator[None]:
    """Fail instead of hanging if the code under test blocks (a FIFO read would)."""

    def stop(signum: int, frame: object) -> None:
        raise AssertionError(f"blocked for {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def fifo(path: Path) -> Path:
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("which", ["stats", "data", "template"])
def test_a_fifo_is_refused_before_it_is_read(
    profile: Paths, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    path = {
        "stats": profile.stats,
        "data": profile.data,
        "template": profile.templates / "README.md.j2",
    }[which]
    fifo(path)
    with no_hang():
        assert main(["render", "--offline", *paths_args(profile)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1:1: is not a regular file (a FIFO, device or socket)" in err
    assert not profile.page("README.md").exists() and not leftovers(profile.root)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_snapshot_linked_to_a_device_is_refused_before_it_is_read(
    profile: Paths, capsys: pytest.CaptureFixture[str], device: str
) -> None:
    profile.stats.unlink()
    profile.stats.symlink_to(device)
    with no_hang():
        assert main(["render", "--offline", *paths_args(profile)]) == 2
    err = capsys.readouterr().err
    assert f"--stats {profile.stats}: resolves to {device}, outside the repository" in err
    assert not profile.page("README.md").exists()
    # Named by a path that does not look outside: still resolved, still refused.
    with pytest.raises(InputError, match=f"resolves to {device}, outside the repository"):
        load_snapshot(profile.stats, profile.root)


def test_a_device_inside_the_repository_is_refused_on_its_descriptor(tmp_path: Path) -> None:
    # A symlink check alone is not enough: what is opened is checked (fstat) before reading.
    link = tmp_path / "zero"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="is not a regular file"):
        read_bytes(link, Path("/"))
    with no_hang(), pytest.raises(InputError, match="is not a regular file"):
        read_bytes(fifo(tmp_path / "pipe"), tmp_path)


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # sparse: 1 GB that takes no disk and no time
        handle.truncate(1 << 30)
    with pytest.raises(InputError, match=f"^{re.escape(str(big))}: larger than 16 MB; is this"):
        read_bytes(big, tmp_path)
    assert MAX_TEXT_BYTES == 16 * 1024 * 1024


@pytest.mark.parametrize("option", ["--data", "--stats", "--templates"])
def test_inputs_must_be_inside_the_root(
    profile: Paths, tmp_path_factory: pytest.TempPathFactory, option: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    args = paths_args(profile)
    source = Path(args[args.index(option) + 1])
    moved = elsewhere / source.name
    source.rename(moved)
    args[args.index(option) + 1] = str(moved)
    assert main(["validate", *args]) == 2
    assert f"{option} {moved}: resolves to {moved}, outside the repository" in (
        capsys.readouterr().err
    )


def test_render_does_not_write_through_a_symlink_out_of_the_repository(
    profile: Paths, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    victim = outside / "victim.txt"
    victim.write_bytes(b"the victim's own bytes\n")
    profile.page("README.md").symlink_to(victim)
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    err = capsys.readouterr().err
    assert f"{profile.page('README.md')}: resolves to {victim}, outside the repository" in err
    assert "does not write files outside it" in err
    assert victim.read_bytes() == b"the victim's own bytes\n"
    assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]


def test_a_symlink_inside_the_repository_is_still_written_through(profile: Paths) -> None:
    (profile.root / "docs").mkdir()
    profile.page("README.md").symlink_to("docs/README.md")
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    assert (profile.root / "docs/README.md").read_text(encoding="utf-8").startswith("# Curric")


def test_check_and_preview_read_only_inside_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    for folder in (repo / ".git", outside):
        folder.mkdir(parents=True)
    (outside / "secret.md").write_text("# secret\n", encoding="utf-8")
    (repo / "README.md").symlink_to(outside / "secret.md")
    assert main(["check", str(repo / "README.md")]) == 2
    assert "outside the repository" in capsys.readouterr().err
    out = tmp_path / "preview"
    assert (
        main(["preview", str(repo / "README.md"), "--repo", "o/o", "--output-dir", str(out)]) == 2
    )
    assert "outside the repository" in capsys.readouterr().err and not out.exists()
    with no_hang():
        assert main(["check", str(fifo(repo / "PIPE.md"))]) == 2
    assert "is not a regular file" in capsys.readouterr().err


# A run killed in the middle of writing 31 pages ------------------------------------------

PAGES = [f"PAGE{n:02d}.md" for n in range(1, 31)]  # with README.md: 31 pages
# The command line in a process of its own, which stops itself (SIGSTOP) at its Kth rename:
# the test then kills it (SIGKILL) at a known point of the write, with nothing in the tool
# itself to tell it where. os.replace is the one call every rename goes through.
STOP_AT_RENAME = """
import os, signal, sys
real, count = os.replace, 0
def replace(src, dst):
    global count
    count += 1
    if count == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGSTOP)
    return real(src, dst)
os.replace = replace
from updater.cli import main
sys.exit(main(sys.argv[2:]))
"""


def many_pages(profile: Paths) -> None:
    for name in PAGES:
        (profile.templates / f"{name}.j2").write_text(
            "# {{ cv.title }}\n" + f"{name}\n", encoding="utf-8"
        )


def versions(profile: Paths) -> set[str]:
    """The title each of the 31 pages shows."""
    return {
        profile.page(name).read_text(encoding="utf-8").partition("\n")[0]
        for name in ["README.md", *PAGES]
    }


def killed_at(profile: Paths, rename: int) -> None:
    """`render --offline` run in a subprocess, SIGKILLed just before its `rename`th rename."""
    args = [sys.executable, "-c", STOP_AT_RENAME, str(rename), "render", "--offline"]
    child = subprocess.Popen([*args, *paths_args(profile)], stderr=subprocess.DEVNULL)
    _, status = os.waitpid(child.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), "the write finished before its rename"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL


def title(profile: Paths, text: str) -> None:
    cv = profile.data.read_text(encoding="utf-8")
    profile.data.write_text(re.sub(r"(?m)^title: .*$", f"title: {text}", cv), encoding="utf-8")


@pytest.mark.parametrize("rename", [2, 32])  # 1 is the journal's; 2 to 32 the pages'
def test_a_run_killed_among_its_renames_is_completed_by_the_next(
    profile: Paths, capsys: pytest.CaptureFixture[str], rename: int
) -> None:
    many_pages(profile)
    title(profile, "Old")
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    title(profile, "New")
    killed_at(profile, rename)
    assert (profile.root / JOURNAL).is_file()
    if rename > 2:  # the state the issue found: pages at two versions
        assert versions(profile) == {"# Old", "# New"}
    title(profile, "Newer: broken data does not stop the repair\n  bad: [")
    capsys.readouterr()
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    err = capsys.readouterr().err
    assert "an earlier run was killed while writing its files: completed the writing of" in err
    assert versions(profile) == {"# New"}  # the killed run's pages, all of them
    assert not (profile.root / JOURNAL).exists()
    assert not leftovers(profile.root) and not leftovers(profile.stats.parent)


def test_a_run_killed_before_its_journal_leaves_the_old_pages_and_no_temporary_files(
    profile: Paths,
) -> None:
    many_pages(profile)
    title(profile, "Old")
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    title(profile, "New")
    killed_at(profile, 1)  # every page staged, the journal not yet in place
    assert versions(profile) == {"# Old"}
    assert len(leftovers(profile.root)) > 31  # the stale *.tmp files
    assert recover(profile.root) == []
    assert versions(profile) == {"# Old"} and not leftovers(profile.root)


def test_a_page_edited_after_the_crash_is_kept(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    many_pages(profile)
    title(profile, "Old")
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    title(profile, "New")
    killed_at(profile, 17)
    assert versions(profile) == {"# Old", "# New"}
    edited = profile.page(PAGES[-1])  # not renamed yet: the owner edits it meanwhile
    edited.write_text("# mine\n", encoding="utf-8")
    completed = recover(profile.root)
    assert edited not in completed and len(completed) == 31 - 16
    assert edited.read_text(encoding="utf-8") == "# mine\n"
    assert f"{edited.resolve()} was changed after an interrupted run: kept as it is" in (
        capsys.readouterr().err
    )
    assert not leftovers(profile.root)


def test_stale_temporary_files_are_swept_at_the_start(profile: Paths) -> None:
    stale = [
        profile.root / ".README.md.0123abcd.tmp",
        profile.stats.parent / ".stats.json.deadbeef.tmp",
    ]
    mine = profile.root / "notes.tmp"  # not ours: kept
    for path in [*stale, mine]:
        path.write_text("x", encoding="utf-8")
    profile.data.write_text("title: [\n", encoding="utf-8")  # the run itself fails
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    assert not any(path.exists() for path in stale) and mine.exists()


# init reads its pages and writes its files through the same checks --------------------------

SHA = "0123456789abcdef0123456789abcdef01234567"


def init(root: Path, *argv: str) -> int:
    return main(["init", "--root", str(root), "--action-repo", "octo/updater",
                 "--action-ref", SHA, "--branch", "main", *argv])  # fmt: skip


def written_by_init(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name != "README.md")


@pytest.mark.parametrize("kind", ["passwd", "zero", "fifo", "huge"])
def test_init_reads_only_a_regular_page_inside_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    readme = tmp_path / "README.md"
    if kind == "passwd":
        readme.symlink_to("/etc/passwd")
    elif kind == "zero":
        readme.symlink_to("/dev/zero")
    elif kind == "fifo":
        fifo(readme)
    else:
        with readme.open("wb") as handle:
            handle.truncate(100 * 1024 * 1024)
    with no_hang():
        assert init(tmp_path) == 2
    err = capsys.readouterr().err
    expected = {
        "passwd": "resolves to /etc/passwd, outside the repository",
        "zero": "resolves to /dev/zero, outside the repository",
        "fifo": "is not a regular file (a FIFO, device or socket)",
        "huge": "larger than 16 MB; is this the right file?",
    }[kind]
    assert f"{readme}: {expected}" in err
    assert written_by_init(tmp_path) == []  # no templates/README.md.j2 ready to commit


@pytest.mark.parametrize("folder", ["templates", ".github/workflows"])
def test_init_does_not_write_through_a_folder_linked_out_of_the_repository(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
    folder: str,
) -> None:  # fmt: skip
    outside = tmp_path_factory.mktemp("outside")
    (tmp_path / "README.md").write_text("# Me\n", encoding="utf-8")
    (tmp_path / folder).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / folder).symlink_to(outside, target_is_directory=True)
    assert init(tmp_path) == 2
    assert "outside the repository" in capsys.readouterr().err
    assert list(outside.iterdir()) == []
