"""`updater check`: lint each page as GitHub will show it, offline."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from updater.errors import InputError
from updater.files import read_text
from updater.page.check import ERROR, Context, Finding, anchors
from updater.page.check import check as lint
from updater.page.parse import Document, parse
from updater.pages import rendered, repository_root, template_for
from updater.words import count

log = logging.getLogger("updater")
# A reader that closed the pipe (`updater check | head -1`) ends the run as git does: killed by
# SIGPIPE, 128 + 13, without a traceback.
EXIT_BROKEN_PIPE = 141


def check(
    files: Sequence[Path],
    strict: bool = False,
    output_format: str = "text",
    root: Path | None = None,
    templates: Path | None = None,
) -> int:
    """Print every finding on stdout; exit 1 on errors (and on warnings with strict).

    `root` is the repository a link to `/x` points into: by default the git work tree holding
    each page, else the page's folder; relative links start from the page's own folder.
    `templates` holds the pages' templates (by default templates/ in that root, where
    `profile/README.md` comes from `templates/profile/README.md.j2`): a page whose template
    holds text is not faulted for it."""
    paths = list(files) or rendered(root or Path(), templates)
    # Each page is read from inside its repository: --root, else the git work tree holding it.
    bases = {path: root if root is not None else repository_root(path) for path in paths}
    documents = {path: _parse(path, bases[path], templates) for path in paths}
    pages = {str(path.resolve()): anchors(document) for path, document in documents.items()}
    findings: list[Finding] = []
    for path, document in documents.items():
        base = bases[path]
        template = read_text(template_for(path, base, templates), base)
        # Relative links start from the page's own folder, as GitHub resolves them.
        findings += lint(document, Context(str(path), path.parent, base, template, pages))
    try:
        for finding in findings:
            line = finding.annotation() if output_format == "github" else finding.format()
            sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Python's advice (signal module, "Note on SIGPIPE"): point stdout at devnull so the
        # flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    errors = sum(finding.severity == ERROR for finding in findings)
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    (log.error if failed else log.info)(
        "%s, %s", count(errors, "error", "errors"), count(warnings, "warning", "warnings")
    )
    return 1 if failed else 0


def _parse(path: Path, root: Path, templates: Path | None) -> Document:
    text = read_text(path, root)
    if text is None:
        template = template_for(path, root, templates)
        hint = f": run `updater render` first ({template} renders it)" if template.is_file() else ""
        raise InputError(f"{path}: no such file{hint}")
    return parse(text)
