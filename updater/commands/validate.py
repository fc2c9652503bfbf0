"""`updater validate`: check the data and every template without any network."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import jinja2
from jinja2 import meta

from updater.build import Paths, draft, load_inputs
from updater.errors import InputError
from updater.files import decode_text, read_bytes
from updater.pages import SUFFIX, Page, partials
from updater.templates import make_environment
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
    for includer, page in included_pages(inputs.pages):
        part = page.template.with_name("_" + page.template.name)
        log.warning(
            "%s: a page (it renders to %s), and %s includes it: if it is only a part of "
            "other pages, name it %s (a partial, never written)",
            page.template, page.name, includer, part.relative_to(page.folder).as_posix(),
        )  # fmt: skip
    return 0


def included_pages(pages: tuple[Page, ...]) -> Iterator[tuple[str, Page]]:
    """(includer, page) for each page another template includes, imports or extends by name:
    every `PATH.j2` is a page, so one meant as a part of others is written as a page too."""
    if not pages:
        return
    folder = pages[0].folder
    by_name = {page.name + SUFFIX: page for page in pages}
    env = make_environment(folder)
    for path in [page.template for page in pages] + partials(folder):
        name = path.relative_to(folder).as_posix()
        try:
            data = read_bytes(path, folder) or b""
            tree = env.parse(decode_text(path, data, nul_is_binary=False))
        except (InputError, jinja2.TemplateSyntaxError, RecursionError):
            continue  # validate reported it already
        for included in meta.find_referenced_templates(tree):
            page = by_name.get(included or "")
            if page is not None and included != name:
                yield name, page
