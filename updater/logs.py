"""Logging to stderr with every known secret redacted from every record."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

REDACTED = "***"
# The Actions runner reads a line as a workflow command when, after leading blanks, it starts
# with `::` (or holds `##[`, the old syntax): network text must never do either.
_COMMAND_START = re.compile(r"^(\s*)::", re.MULTILINE)


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def neutralize(text: str) -> str:
    """Text in which no line can be taken for a workflow command (`::error::`, `##[set-env]`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _COMMAND_START.sub(r"\1> ::", text).replace("##[", "## [")


@dataclass(frozen=True)
class Scrubber:
    """The one cleaning every output channel applies: secrets out, workflow commands defused."""

    secrets: tuple[str, ...] = ()

    @classmethod
    def of(cls, secrets: Iterable[str]) -> Scrubber:
        """A scrubber for these secrets (empty values ignored)."""
        return cls(tuple(s for s in secrets if s))

    def __call__(self, text: str) -> str:
        return neutralize(redact(text, self.secrets))

    def line(self, text: str) -> str:
        """One line for a value that must stay on one line (a title, a list item, an output)."""
        return " ".join(self(text).split("\n"))


class RedactingFilter(logging.Filter):
    """Formats the record once; removes secrets and workflow commands from it and its traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.scrub = Scrubber.of(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.msg = f"{record.msg}\n{self.scrub(text)}"
        return True


def configure(verbose: bool, secrets: Iterable[str]) -> None:
    """Send diagnostics to stderr: INFO by default, DEBUG (and tracebacks) with -v."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname_)s%(message)s"))
    handler.addFilter(_LevelPrefix())
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in ("urllib3", "github"):
        quiet_library(name)


def quiet_library(name: str) -> None:
    """A library's log lines only with -v (the root at DEBUG), and only through our handler.

    urllib3's "Retrying ..." and PyGithub's "Following Github server redirection": the run
    summary already says what failed after retries. PyGithub, on import, sets its logger to INFO
    and gives it a handler of its own, past the redaction; the modules that import it call this
    again right after (importing it here would cost every command 0.4 s)."""
    library = logging.getLogger(name)
    library.handlers[:] = []
    library.propagate = True
    verbose = logging.getLogger().level <= logging.DEBUG
    library.setLevel(logging.DEBUG if verbose else logging.ERROR)


class _LevelPrefix(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # `plain` records are FILE:LINE:COL: problem lines, printed as they are so they parse.
        plain = record.levelno == logging.INFO or getattr(record, "plain", False)
        record.levelname_ = "" if plain else f"{record.levelname.lower()}: "
        return True
