"""`updater validate`: check the data and every template without any network."""

from __future__ import annotations

import logging

from updater.build import Paths, build

log = logging.getLogger("updater")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def validate(paths: Paths) -> int:
    """Load, validate and render every page with the committed snapshot; say what is tracked."""
    result = build(paths, fetch=None)
    t = result.targets
    log.info(
        "%s: valid: %s; tracking %s and %s",
        paths.data,
        _count(len(result.cv.sections), "section", "sections"),
        _count(len(t.repositories), "repository", "repositories"),
        _count(len(t.models), "model", "models"),
    )
    log.info("%s: valid: %s", paths.templates, ", ".join(result.pages))
    return 0
