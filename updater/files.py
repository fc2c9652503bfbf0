"""Reading and writing the files the person keeps: bounded, checked reads, and writes that keep
each file's mode, go through symlinks, skip unchanged files, and update a set of files as one
unit (all or none), so a crash or a read-only folder never leaves half a run on disk."""

from __future__ import annotations

import contextlib
import difflib
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from updater.errors import InputError

MAX_TEXT_BYTES = 16 * 1024 * 1024  # far above any page or snapshot; stops a wrong path at once


def read_text(path: Path, limit: int = MAX_TEXT_BYTES) -> str | None:
    """The file's text (line endings kept), or None when it does not exist.

    A folder, a special file, a file over `limit` bytes, a binary file or one that is not
    UTF-8 is an InputError naming the path (and the line and column where it can).
    """
    data = read_bytes(path, limit)
    return None if data is None else decode_text(path, data)


def read_bytes(path: Path, limit: int | None = MAX_TEXT_BYTES) -> bytes | None:
    """The file's bytes, or None when it does not exist; at most `limit` bytes are accepted."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{path}: is a folder, expected a file")
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: is not a regular file")
        with path.open("rb") as handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
    except FileNotFoundError:
        return None
    except NotADirectoryError as exc:
        raise InputError(f"{path}: a folder on its path is a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if limit is not None and len(data) > limit:
        raise InputError(f"{path}: larger than {_size(limit)}; is this the right file?")
    return data


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


@dataclass
class _Staged:
    path: Path  # as the caller named it, for messages
    target: Path  # where the bytes go: the symlink's target, if path is a symlink
    old: bytes | None
    tmp: Path | None = None
    backup: Path | None = None
    done: bool = False


def write_atomic(path: Path, text: str) -> bool:
    """Write text to path unless it already holds exactly that; True if it was written."""
    return write_files({path: text})[path]


def write_files(texts: Mapping[Path, str]) -> dict[Path, bool]:
    """Write every file whose bytes change, as one unit: either all are updated or none.

    Each new text is staged in a temporary file beside its target (keeping the target's mode,
    or following the umask for a new file), then all are renamed into place; if a rename
    fails, the files already replaced get their old bytes back. Symlinks are written through.
    Returns, for each path, whether it was written.
    """
    staged = [_plan(path) for path in texts]
    changed = [s for s in staged if s.old != texts[s.path].encode("utf-8")]
    try:
        for item in changed:
            item.tmp = _stage(item, texts[item.path].encode("utf-8"))
            if item.old is not None:
                item.backup = _stage(item, item.old)
        for item in changed:
            _replace(item)
    except BaseException:
        _restore(changed)
        raise
    finally:
        _clean(changed)
    written = {id(s) for s in changed}
    return {s.path: id(s) in written for s in staged}


def _plan(path: Path) -> _Staged:
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        old = read_bytes(target, limit=None)
    except InputError as exc:
        raise InputError(str(exc).replace(str(target), str(path), 1)) from exc
    return _Staged(path, target, old)


def _stage(item: _Staged, data: bytes) -> Path:
    """A new temporary file beside the target holding data, with the target's mode."""
    folder = item.target.parent
    tmp = folder / f".{item.target.name}.{secrets.token_hex(4)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # 0o666 through the umask, as a new file gets; an existing file's mode is copied below.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _write_error(item, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if item.old is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(item.target.stat().st_mode))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(item, exc) from exc
    return tmp


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
