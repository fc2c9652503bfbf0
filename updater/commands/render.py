"""`updater render`: fetch (unless offline), render README.md, and save the snapshot."""

from __future__ import annotations

import logging
import sys

from updater.build import Build, Fetcher, Paths, build
from updater.errors import SourceError
from updater.files import read_text, unified_diff, write_atomic
from updater.snapshot import dumps
from updater.summary import failures, summary_lines

log = logging.getLogger("updater")


def render(paths: Paths, fetch: Fetcher | None, *, check: bool, strict: bool) -> int:
    """Render to paths.output; --check compares instead and exits 1 when stale."""
    result = build(paths, fetch)
    for line in summary_lines(result.results, result.old):
        log.info("%s", line)
    if strict and failures(result.results):
        raise SourceError("a source failed and --strict is set: nothing written")
    if check:
        return _check(paths, result)
    write_atomic(paths.output, result.readme)
    if result.new != result.old:
        write_atomic(paths.stats, dumps(result.new))
    log.info("wrote %s", paths.output)
    return 0


def _check(paths: Paths, result: Build) -> int:
    current = read_text(paths.output)
    if current == result.readme:
        log.info("%s is up to date", paths.output)
        return 0
    out = paths.output
    sys.stdout.writelines(
        unified_diff(current, result.readme, f"{out} (on disk)", f"{out} (rendered)")
    )
    log.error("%s is out of date: run `updater render`", paths.output)
    return 1
