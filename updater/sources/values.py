"""Untrusted values from the network, checked at the edge before they become records."""

from __future__ import annotations

import re
from typing import Any

from updater.stats import MAX_COUNT

SHORT, LONG = 100, 300  # characters kept of a name or tag, of a description
# C0 and C1 controls, line and paragraph separators, bidi overrides: nothing that starts a
# new line (a workflow command) or hides text survives into the snapshot or a log line.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}\Z")


def count(value: Any, what: str) -> int:
    """A count must be an integer from 0 to MAX_COUNT; anything else is a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what}: expected a count, got {type(value).__name__}")
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{what}: {_short_int(value)} is out of range")
    return value


def optional_count(value: Any, what: str) -> int | None:
    """None stays None (not asked for or not shown); anything else must be a count."""
    return None if value is None else count(value, what)


def clean(value: str, limit: int = SHORT) -> str:
    """One line of at most `limit` characters, without control characters."""
    text = _CONTROL_RE.sub(" ", value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text(value: Any, limit: int = SHORT) -> str | None:
    """An optional network string, cleaned and bounded; a non-string is None."""
    return clean(value, limit) if isinstance(value, str) else None


def name(value: Any, what: str) -> str:
    """OWNER/NAME as a service reports it: the usual characters only."""
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise ValueError(f"{what}: not an OWNER/NAME")
    return value


def _short_int(value: int) -> str:
    digits = len(str(abs(value))) if abs(value) < 10**100 else "over 100"
    return f"a number of {digits} digits" if abs(value) >= 10**12 else str(value)
