"""`updater validate`: check the data and every template without any network."""

from __future__ import annotations

import logging

from updater.build import Paths, draft, load_inputs
from updater.pages import stray_pages
from updater.words import count

log = logging.getLogger("updater")


def validate(paths: Paths) -> int:
    """Load, check and render every page once with the committed snapshot; say what is tracked."""
    inputs = load_inputs(paths)
    cv = inputs.cv
    pages, t = draft(inputs)
    kinds = [
        count(len(t.repositories), "repository", "repositories"),
        count(len(t.models), "model", "models"),
        count(len(t.datasets), "dataset", "datasets"),
        count(len(t.spaces), "Space", "Spaces"),
        count(len(t.papers), "paper", "papers"),
    ]
    log.info(
        "%s: valid: %s; tracking %s and %s",
        paths.data,
        count(len(cv.sections), "section", "sections"),
        ", ".join(kinds[:-1]),
        kinds[-1],
    )
    log.info(
        "%s: valid: %s (%s)",
        paths.templates,
        ", ".join(pages),
        count(len(pages), "page", "pages"),
    )
    for path in stray_pages(paths.templates):
        log.warning(
            "%s: not a page: only templates directly in %s render (to the repository root); "
            "move it up to render %s there, or name it _%s if a page includes it",
            path,
            paths.templates,
            path.name.removesuffix(".j2"),
            path.name,
        )
    return 0
