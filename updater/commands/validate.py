"""`updater validate`: check the CV and the template without any network."""

from __future__ import annotations

import logging

from updater.build import Paths, build

log = logging.getLogger("updater")


def validate(paths: Paths) -> int:
    """Load, validate and render with the committed snapshot; report what is tracked."""
    result = build(paths, fetch=None)
    log.info(
        "%s: valid: %d biography entries; tracking %d repositories and %d models",
        paths.data,
        len(result.cv.biography),
        len(result.targets.repositories),
        len(result.targets.models),
    )
    log.info("%s: valid", paths.template)
    return 0
