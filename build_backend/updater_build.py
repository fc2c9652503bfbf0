"""The build backend: flit_core's, which first records where the checkout being built stands
on GitHub, so that `updater init` can pin its workflow to this tool with no flags.

Built from a git checkout (`pip install .` in a clone, `pip wheel`, `python -m build`, a
`pip install git+https://...`), the wheel and the sdist carry `updater/_origin.json`: the
GitHub repository of the checkout's remote and the newest commit of its history that GitHub
has (updater/gitorigin.py). A build from an sdist keeps the record the sdist carries; a build
from anything else (the action's download, which has no .git) records nothing. The source tree
is left as it was found."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from flit_core import buildapi
from flit_core.buildapi import (
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]

PROJECT = Path(__file__).resolve().parent.parent
RECORD = PROJECT / "updater" / "_origin.json"
ConfigSettings = Mapping[str, Any] | None


def build_wheel(
    wheel_directory: str,
    config_settings: ConfigSettings = None,
    metadata_directory: str | None = None,
) -> str:
    """PEP 517: the wheel, with the checkout's record in it."""
    with recorded():
        return str(buildapi.build_wheel(wheel_directory, config_settings, metadata_directory))


def build_sdist(sdist_directory: str, config_settings: ConfigSettings = None) -> str:
    """PEP 517: the sdist, with the checkout's record in it (a wheel built from it keeps it)."""
    with recorded():
        return str(buildapi.build_sdist(sdist_directory, config_settings))


def build_editable(
    wheel_directory: str,
    config_settings: ConfigSettings = None,
    metadata_directory: str | None = None,
) -> str:
    """PEP 660: an editable install runs from the checkout, which `init` reads live: no record."""
    return str(buildapi.build_editable(wheel_directory, config_settings, metadata_directory))


@contextmanager
def recorded(project: Path = PROJECT) -> Iterator[None]:
    """Write the record for the build, then restore the file as it was (or remove it)."""
    record = project / "updater" / "_origin.json"
    checkout = _gitorigin(project).describe(project)
    if checkout is None:  # not a git checkout: keep what an sdist brought, write nothing
        yield
        return
    before = record.read_bytes() if record.is_file() else None
    record.write_text(json.dumps(checkout.to_json(), indent=2) + "\n", encoding="utf-8")
    try:
        yield
    finally:
        if before is None:
            record.unlink(missing_ok=True)
        else:
            record.write_bytes(before)


def _gitorigin(project: Path) -> ModuleType:
    """updater/gitorigin.py, loaded by path: importing the package would need its dependencies,
    which a build does not have."""
    path = project / "updater" / "gitorigin.py"
    spec = importlib.util.spec_from_file_location("_updater_gitorigin", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
