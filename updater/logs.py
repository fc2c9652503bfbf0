"""Logging to stderr with every known secret redacted from every record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "***"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Formats the record once and removes secrets from the message and the traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.msg = f"{record.msg}\n{redact(text, self.secrets)}"
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
    # Library chatter (urllib3's "Retrying ..." warnings, PyGithub) only with -v: the run
    # summary already says what failed after retries.
    for name in ("urllib3", "github"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.ERROR)


class _LevelPrefix(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # `plain` records are FILE:LINE:COL: problem lines, printed as they are so they parse.
        plain = record.levelno == logging.INFO or getattr(record, "plain", False)
        record.levelname_ = "" if plain else f"{record.levelname.lower()}: "
        return True
