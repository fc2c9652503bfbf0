"""Reading and writing the files the person keeps: one bounded, checked way to read a file, and
writes that keep each file's mode, go through symlinks inside the repository, skip unchanged
files, and update a set of files as one unit.

Every read checks, before reading a byte, that the path resolves (symlinks followed) inside the
repository root, is a regular file (not a folder, FIFO, device or socket) and is under the size
cap. Every write refuses a target that resolves outside the root.

A set of files is written all or none: each new text is staged in a temporary file beside its
target (`.NAME.xxxxxxxx.tmp`), then a journal (`.updater.journal` at the root) lists the renames
to make, then the renames are made and the journal deleted. A process killed in the middle
leaves the journal: the next run completes the renames it lists before anything else
(`recover`), and removes every stale temporary file of ours beside the targets.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from updater.errors import InputError

log = logging.getLogger("updater")

# One cap for every page and snapshot, read or written: far above any real page (a long profile
# README is under 100 KB), and what render, check and render --check all enforce.
MAX_TEXT_BYTES = 16 * 1024 * 1024
JOURNAL = ".updater.journal"
# Our temporary files: `.NAME.` + 8 hex digits + `.tmp`, beside the file they replace.
TEMP_RE = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | os.O_NOFOLLOW


def inside(path: Path, root: Path, verb: str = "read", area: str = "the repository") -> Path:
    """The real path of `path` (symlinks resolved), which must lie inside the real root
    (`area` names it in the message)."""
    real = Path(os.path.realpath(path))
    base = Path(os.path.realpath(root))
    if real != base and base not in real.parents:
        raise InputError(
            f"{path}: resolves to {real}, outside {area} {base}: updater does not {verb} "
            f"files outside it (symlinks included); put the file itself in {area}"
        )
    return real


def read_text(path: Path, root: Path, limit: int = MAX_TEXT_BYTES) -> str | None:
    """The file's text (line endings kept), or None when it does not exist.

    Checked as `read_bytes` checks; a binary file or one that is not UTF-8 is an InputError
    naming the path, line and column.
    """
    data = read_bytes(path, root, limit)
    return None if data is None else decode_text(path, data)


def read_bytes(
    path: Path, root: Path, limit: int = MAX_TEXT_BYTES, *, area: str = "the repository"
) -> bytes | None:
    """The one way to read a file: its bytes, or None when it does not exist.

    Before reading, the path must resolve inside `root` and be a regular file of at most
    `limit` bytes; anything else is an InputError naming the path. The file is opened without
    blocking and checked on the open descriptor, so a FIFO or a device is never read.
    """
    real = inside(path, root, area=area)
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except NotADirectoryError as exc:
        raise InputError(f"{path}: a folder on its path is a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return _read_checked(path, fd, limit)
    finally:
        os.close(fd)


def _read_checked(path: Path, fd: int, limit: int) -> bytes:
    mode = os.fstat(fd)
    if stat.S_ISDIR(mode.st_mode):
        raise InputError(f"{path}: is a folder, expected a file")
    if not stat.S_ISREG(mode.st_mode):
        raise InputError(
            f"{path}: is not a regular file (a FIFO, device or socket): updater reads only files"
        )
    if mode.st_size > limit:
        raise InputError(f"{path}: larger than {_size(limit)}; is this the right file?")
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if size > limit:  # it grew while being read
        raise InputError(f"{path}: larger than {_size(limit)}; is this the right file?")
    return b"".join(chunks)


def decode_text(path: Path | str, data: bytes, nul_is_binary: bool = True) -> str:
    """UTF-8 text of data; a NUL byte (a binary file) or bad UTF-8 names its line and column.

    Templates pass nul_is_binary=False: an adopted page may hold a NUL that must round-trip.
    """
    nul = data.find(b"\0") if nul_is_binary else -1
    if nul >= 0:
        line, column = _byte_position(data, nul)
        raise InputError(f"{path}:{line}:{column}: binary file (NUL byte); expected UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise InputError(
            f"{path}:{line}:{column}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from exc


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


# writing ------------------------------------------------------------------------------------


@dataclass
class _Staged:
    path: Path  # as the caller named it, for messages
    target: Path  # where the bytes go: the real path (through symlinks), inside the root
    old: bytes | None
    tmp: Path | None = None
    backup: Path | None = None
    done: bool = False


def write_atomic(path: Path, text: str, root: Path) -> bool:
    """Write text to path (inside root) unless it already holds exactly that; True if written."""
    return write_files({path: text}, root)[path]


def write_files(texts: Mapping[Path, str], root: Path) -> dict[Path, bool]:
    """Write every file whose bytes change, as one unit: either all are updated or none.

    Every target must resolve inside `root`. Each new text is staged in a temporary file beside
    its target (keeping the target's mode, or following the umask for a new file); a journal
    at the root lists the renames, then all are made. If a rename fails, the files already
    replaced get their old bytes back; if the process dies, the next run completes them
    (`recover`). Symlinks inside the root are written through. Returns, for each path, whether
    it was written.
    """
    staged = [_plan(path, text, root) for path, text in texts.items()]
    recover(root, {item.target.parent for item in staged})
    changed = [s for s in staged if s.old != texts[s.path].encode("utf-8")]
    if changed:
        _commit(changed, texts, root)
    written = {id(s) for s in changed}
    return {s.path: id(s) in written for s in staged}


def _commit(changed: list[_Staged], texts: Mapping[Path, str], root: Path) -> None:
    journal: Path | None = None
    try:
        for item in changed:
            item.tmp = _stage(item, texts[item.path].encode("utf-8"))
            if item.old is not None:
                item.backup = _stage(item, item.old)
        journal = _write_journal(root, changed)
        for item in changed:
            _replace(item)
    except BaseException:
        _restore(changed)
        raise
    finally:
        if journal is not None:
            journal.unlink(missing_ok=True)
        _clean(changed)


def _plan(path: Path, new: str, root: Path) -> _Staged:
    target = inside(path, root, "write")
    try:  # an old file far larger than any text we write is read only to be backed up
        old = read_bytes(target, root, max(MAX_TEXT_BYTES, 2 * len(new)))
    except InputError as exc:
        raise InputError(str(exc).replace(str(target), str(path), 1)) from exc
    return _Staged(path, target, old)


def _temp_name(target: Path) -> Path:
    return target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"


def _stage(item: _Staged, data: bytes) -> Path:
    """A new temporary file beside the target holding data (on disk), with the target's mode."""
    folder = item.target.parent
    tmp = _temp_name(item.target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # 0o666 through the umask, as a new file gets; an existing file's mode is copied below.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise _write_error(item, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if item.old is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(item.target.stat().st_mode))
            handle.flush()
            # On disk before the journal names it: a power cut must not roll forward an empty file.
            os.fsync(handle.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(item, exc) from exc
    return tmp


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _write_journal(root: Path, items: list[_Staged]) -> Path:
    """The renames about to be made, on disk, so a run killed among them can be completed."""
    base = Path(os.path.realpath(root))
    entries = [
        {
            "tmp": os.path.relpath(item.tmp, base),
            "target": os.path.relpath(item.target, base),
            "old": _digest(item.old),
        }
        for item in items
        if item.tmp is not None
    ]
    journal = base / JOURNAL
    tmp = _temp_name(journal)
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump({"format": 1, "renames": entries}, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, journal)
        _sync_folder(base)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(
            f"{journal}: cannot write: {exc.strerror or exc}; nothing was written"
        ) from exc
    return journal


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system can sync a folder
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _replace(item: _Staged) -> None:
    assert item.tmp is not None
    try:
        os.replace(item.tmp, item.target)
    except OSError as exc:
        raise _write_error(item, exc) from exc
    item.done = True


def _restore(items: list[_Staged]) -> None:
    """Undo the renames already made: old bytes back, new files removed."""
    for item in items:
        if not item.done:
            continue
        with contextlib.suppress(OSError):  # best effort: the original error is the one to show
            if item.backup is not None:
                os.replace(item.backup, item.target)
            else:
                item.target.unlink(missing_ok=True)


def _clean(items: list[_Staged]) -> None:
    for item in items:
        for tmp in (item.tmp, item.backup):
            if tmp is not None:
                tmp.unlink(missing_ok=True)


def _write_error(item: _Staged, exc: OSError) -> InputError:
    return InputError(f"{item.path}: cannot write: {exc.strerror or exc}; nothing was written")


# recovery -----------------------------------------------------------------------------------


def recover(root: Path, folders: Iterable[Path] = ()) -> list[Path]:
    """Finish what a killed run left: complete the renames its journal lists, then remove our
    stale temporary files in the root, the journal's folders and `folders`. Returns the files
    the journal completed. A file edited since the crash is kept as it is (and said so)."""
    base = Path(os.path.realpath(root))
    journal = base / JOURNAL
    completed: list[Path] = []
    sweep = {base, *(Path(os.path.realpath(f)) for f in folders)}
    if journal.is_file() and not journal.is_symlink():
        entries = _journal_entries(journal)
        for tmp, target, old in entries:
            sweep.add(target.parent)
            if _roll_forward(tmp, target, old, base):
                completed.append(target)
        journal.unlink(missing_ok=True)
        if completed:
            log.warning(
                "an earlier run was killed while writing its files: completed the writing of %s",
                ", ".join(str(p) for p in completed),
            )
    for folder in sorted(sweep):
        _sweep(folder)
    return completed


def _journal_entries(journal: Path) -> list[tuple[Path, Path, str | None]]:
    base = journal.parent
    try:
        data = json.loads(read_text(journal, base) or "{}")
        entries = [(base / e["tmp"], base / e["target"], e["old"]) for e in data["renames"]]
    except (InputError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: unreadable (%s): ignored; run `updater render` again", journal, exc)
        return []
    # Only our own temporary files, inside the root, are ever renamed.
    return [
        (tmp, target, old)
        for tmp, target, old in entries
        if TEMP_RE.fullmatch(tmp.name) and tmp.parent == target.parent and _within(target, base)
    ]


def _within(path: Path, base: Path) -> bool:
    real = Path(os.path.realpath(path))
    return base in real.parents


def _roll_forward(tmp: Path, target: Path, old: str | None, base: Path) -> bool:
    """Rename one staged file into place if the target still holds what it held then."""
    if not tmp.is_file():
        return False  # renamed before the crash
    try:
        current = read_bytes(target, base)
    except InputError:
        current = b""  # not a file we can compare: leave it
    if _digest(current) != old:
        log.warning(
            "%s was changed after an interrupted run: kept as it is; run `updater render` to "
            "bring the pages to one version",
            target,
        )
        return False
    with contextlib.suppress(OSError):
        os.replace(tmp, target)
        return True
    return False


def _sweep(folder: Path) -> None:
    """Remove our stale temporary files (`.NAME.xxxxxxxx.tmp`) in one folder."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if TEMP_RE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def unified_diff(old: str | None, new: str, old_name: str, new_name: str) -> list[str]:
    """The lines of a unified diff from old (None: an absent file) to new."""
    return list(
        difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=old_name,
            tofile=new_name,
        )
    )
