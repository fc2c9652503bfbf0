"""Every recording names where it comes from, is listed in the README, and is replayed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.contract.replay import RECORDINGS, load

NAMES = sorted(p.stem for p in RECORDINGS.glob("*.json"))
HERE = Path(__file__).parent


@pytest.mark.parametrize("name", NAMES)
def test_each_recording_has_an_origin_and_exchanges(name: str) -> None:
    recording = load(name)
    origin = recording.origin
    if "repository" in origin:
        assert re.fullmatch(r"[0-9a-f]{40}", origin["commit"]) and origin["path"]
        assert origin["licence"]
    else:
        assert origin["source"]  # a public thread or the official docs, named
    assert recording.exchanges


def test_the_readme_lists_every_recording_and_every_test_uses_one() -> None:
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    tests = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py"))
    for name in NAMES:
        assert f"`{name}`" in readme, name
        assert f'"{name}"' in tests, name
