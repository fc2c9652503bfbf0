"""The JSON Schema is generated from the CV records and committed; the two must agree."""

from __future__ import annotations

import json
from pathlib import Path

from updater.commands.schema import schema_text

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
    assert period["properties"]["start"]["pattern"] == r"^\d{4}\.(0[1-9]|1[0-2])$"
