"""`updater render`: fetch (unless offline), render every page, and save the snapshot."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

from updater.build import Build, Fetcher, Paths, Remaining, build
from updater.errors import SourceError, ValidationFailed
from updater.files import read_text, recover, unified_diff, write_files
from updater.gate import find_secrets, secret_problems
from updater.logs import neutralize
from updater.snapshot import dumps
from updater.summary import failures, summary_lines

log = logging.getLogger("updater")


def render(
    paths: Paths,
    fetch: Fetcher | None,
    *,
    check: bool,
    strict: bool,
    remaining: Remaining | None = None,
    secrets: Mapping[str, str] | None = None,
) -> int:
    """Render every page to the repository root; --check compares instead and exits 1 if stale.

    `remaining` is what is left of --deadline for rendering. A run killed while writing is
    completed first (its journal), and stale temporary files are removed. A page or snapshot
    that would hold one of `secrets` (by name) is exit 2: nothing written, and no diff printed."""
    if not check:
        paths.check_inside()
        recover(paths.root, {paths.stats.parent})
    result = build(paths, fetch, remaining)
    for line in summary_lines(result.results, result.old):
        log.info("%s", line)
    if strict and failures(result.results):
        raise SourceError("a source failed and --strict is set: nothing written")
    texts = {paths.page(name): text for name, text in result.pages.items()}
    found = list(find_secrets({str(p): t for p, t in texts.items()}, secrets or {}))
    found += find_secrets({str(paths.stats): dumps(result.new)}, secrets or {})
    if found:
        raise ValidationFailed(secret_problems(found))
    if check:
        return _check(paths, result)
    if result.new != result.old:
        texts[paths.stats] = dumps(result.new)
    # One unit: the pages and the snapshot are all updated, or (on any failure) none is.
    for path, written in write_files(texts, paths.root).items():
        log.info("wrote %s" if written else "%s unchanged", path)
    return 0


def _check(paths: Paths, result: Build) -> int:
    stale = []
    for name, text in result.pages.items():
        path = paths.page(name)
        current = read_text(path, paths.root)
        if current == text:
            log.info("%s is up to date", path)
            continue
        stale.append(str(path))
        # Page text on stdout: no line of it may read as a workflow command in Actions.
        diff = unified_diff(current, text, f"{path} (on disk)", f"{path} (rendered)")
        sys.stdout.write(neutralize("".join(diff)))
    if stale:
        log.error("out of date: %s: run `updater render`", ", ".join(stale))
        return 1
    return 0
