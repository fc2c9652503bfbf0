"""The JSON Schema is generated from the CV records and committed; the two must agree."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from updater.commands.schema import schema_text
from updater.cv import parse_cv
from updater.errors import ValidationFailed

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_generated_from_the_records() -> None:
    assert (ROOT / "schema/cv.schema.json").read_text(encoding="utf-8") == schema_text()


def test_cv_references_the_schema_for_editors() -> None:
    first = (ROOT / "data/cv.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/cv.schema.json"


def test_schema_forbids_unknown_keys_and_checks_months() -> None:
    schema = json.loads(schema_text())
    assert schema["additionalProperties"] is False
    period = schema["$defs"]["Period"]
    # `$(?!\n)`: the end of the text in JSON Schema's regex and in Python's (whose `$` alone
    # also accepts a final newline).
    assert period["properties"]["start"]["pattern"] == r"^\d{4}(\.(0[1-9]|1[0-2]))?$(?!\n)"
    assert end_pattern(schema) == r"^(\d{4}(\.(0[1-9]|1[0-2]))?|present)$(?!\n)"


def end_pattern(schema: dict[str, Any]) -> str:
    """period.end is optional: its pattern sits in the string branch of `anyOf`."""
    end = schema["$defs"]["Period"]["properties"]["end"]
    [pattern] = [branch["pattern"] for branch in end["anyOf"] if "pattern" in branch]
    return str(pattern)


@pytest.mark.parametrize("end", ["2023.05", "2023", "present"])
def test_schema_and_validate_agree_on_good_ends(end: str) -> None:
    schema = end_pattern(json.loads(schema_text()))
    assert re.fullmatch(schema, end)
    parse_cv(f'sections:\n  - entries:\n      - period: {{start: "2020", end: "{end}"}}\n', "x")


@pytest.mark.parametrize("end", ["2023.05 (approx)", "2023.13", "presently", "2023-05"])
def test_schema_and_validate_agree_on_bad_ends(end: str) -> None:
    schema = end_pattern(json.loads(schema_text()))
    assert not re.search(schema, end)
    with pytest.raises(ValidationFailed):
        parse_cv(f'sections:\n  - entries:\n      - period: {{start: "2020", end: "{end}"}}\n', "x")
