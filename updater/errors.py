"""The few errors the tool raises; each message is what the user reads."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# `FILE:LINE:COL: message` (COL optional), the one format every problem with a place is in.
POSITION_RE = re.compile(r"^(.+?):(\d+)(?::(\d+))?: ")


def problem_key(problem: str) -> tuple[str, int, int, str]:
    """Sort key: by file, line and column; problems without a position after the others."""
    match = POSITION_RE.match(problem)
    if not match:
        return ("\U0010ffff", 0, 0, problem)
    return (match[1], int(match[2]), int(match[3] or 0), problem)


def with_position(message: str) -> str:
    """`FILE: msg` -> `FILE:1:1: msg`, so every problem with a file has a position."""
    if POSITION_RE.match(message):
        return message
    path, _, rest = message.partition(": ")
    return f"{path}:1:1: {rest}"


def sort_problems(problems: Iterable[str]) -> list[str]:
    """Problems in reading order: by file, line and column."""
    return sorted(problems, key=problem_key)


class UpdaterError(Exception):
    """Base of every error the CLI maps to an exit code."""

    exit_code = 2


class InputError(UpdaterError):
    """Invalid input (usage, data, template): nothing is written. Exit 2."""

    exit_code = 2


class ValidationFailed(InputError):
    """One or more problems in the inputs, all reported at once, each `FILE:LINE:COL: message`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class SourceError(UpdaterError):
    """A live source failed and the run was asked to be strict. Exit 3."""

    exit_code = 3


class PublishError(UpdaterError):
    """Committing to GitHub failed (token, permissions, repository, branch). Exit 3."""

    exit_code = 3
