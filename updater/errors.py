"""The few errors the tool raises; each message is what the user reads."""

from __future__ import annotations

from collections.abc import Sequence


class UpdaterError(Exception):
    """Base of every error the CLI maps to an exit code."""

    exit_code = 2


class InputError(UpdaterError):
    """Invalid input (usage, data, template): nothing is written. Exit 2."""

    exit_code = 2


class ValidationFailed(InputError):
    """One or more problems in an input file, all reported at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class SourceError(UpdaterError):
    """A live source failed and the run was asked to be strict. Exit 3."""

    exit_code = 3


class PublishError(UpdaterError):
    """Committing to GitHub failed (token, permissions, repository, branch). Exit 3."""

    exit_code = 3
