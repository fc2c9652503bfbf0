"""`updater schema`: write (or check) the JSON Schema generated from the CV records."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from updater.cv import json_schema
from updater.files import read_text, write_atomic

log = logging.getLogger("updater")


def schema_text() -> str:
    """The schema file's exact text."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema(output: Path, check: bool) -> int:
    """Write the schema to output; with check, exit 1 when the file is missing or differs."""
    text = schema_text()
    if check:
        found = read_text(output, output.parent)
        if found == text:
            log.info("%s is up to date", output)
            return 0
        if found is None:
            log.error(
                "%s is missing: run `updater schema` to write it (editors read it to complete "
                "and check data/cv.yaml as you type)",
                output,
            )
        else:
            log.error("%s is out of date: run `updater schema`", output)
        return 1
    # The file named, in its folder: not through a symlink to elsewhere.
    written = write_atomic(output, text, output.parent)
    log.info("wrote %s" if written else "%s unchanged", output)
    return 0
