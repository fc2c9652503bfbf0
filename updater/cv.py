"""The CV as frozen, validated records: load data/cv.yaml, report every problem at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from updater.errors import InputError, ValidationFailed
from updater.yamlsource import YamlDocument, parse_yaml

MONTH_RE = re.compile(r"^\d{4}\.(0[1-9]|1[0-2])$")
URL_PATTERN = r"^https?://[^\s]+$"

Url = Annotated[str, Field(pattern=URL_PATTERN, description="An absolute http(s) URL.")]
Text = Annotated[str, Field(min_length=1, description="Markdown inline text; links allowed.")]
RepoName = Annotated[str, Field(pattern=r"^[\w.-]+/[\w.-]+$", description="OWNER/REPO")]
ModelId = Annotated[str, Field(pattern=r"^[\w.-]+/[\w.-]+$", description="ORG/MODEL")]


class Record(BaseModel):
    """Base of every CV record: immutable, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(Record):
    """When an entry happened: `start` and `end` as YYYY.MM, `end` may be `present`."""

    start: str = Field(json_schema_extra={"pattern": MONTH_RE.pattern})
    end: str = Field(json_schema_extra={"pattern": f"{MONTH_RE.pattern[:-1]}|^present$"})

    @field_validator("start", "end", mode="before")
    @classmethod
    def _month(cls, value: Any, info: Any) -> str:
        text = str(value)
        if info.field_name == "end" and text == "present":
            return text
        if not isinstance(value, str) or not MONTH_RE.match(text):
            extra = " or 'present'" if info.field_name == "end" else ""
            raise ValueError(f"expected YYYY.MM{extra}, got {text!r}")
        return text

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end != "present" and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def __str__(self) -> str:
        return f"{self.start} ~ {self.end}"


class Avatar(Record):
    """The profile picture: image URL, display width and alt text."""

    src: Url
    width: str = Field(pattern=r"^\d+(%|px)?$", description="e.g. 50% or 240")
    alt: Text


class About(Record):
    """Section 1: who the person is."""

    avatar: Avatar
    name: Text
    alias: str | None = None
    birth: str | None = Field(None, pattern=r"^\d{4}\.\d{2}\.\d{2}$")
    job: Text


class Skills(Record):
    """Section 2: languages with levels, topics, and libraries by area."""

    languages: dict[str, str] = Field(description="language: level, in display order")
    topics: tuple[Text, ...] = ()
    libraries: dict[str, str] = Field(
        default_factory=dict, description="area: libraries, in display order"
    )


class Organisation(Record):
    """Where a biography entry happened, with an optional link."""

    name: Text
    url: Url | None = None


def _item_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict | Node):
        return "node"
    return None


class Node(Record):
    """A list item that has nested items under it."""

    text: Text
    items: tuple[Item, ...] = Field(min_length=1)


Item = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Node, Tag("node")],
    Discriminator(
        _item_kind,
        custom_error_type="item",
        custom_error_message="expected text, or a mapping with 'text' and 'items'",
    ),
]


class Section(Record):
    """A numbered subsection of a biography entry, e.g. `1. Opensources`."""

    title: Text
    url: Url | None = None
    items: tuple[Item, ...] = ()


class Entry(Record):
    """One biography entry: period, role, organisation and its numbered sections."""

    period: Period
    role: Text
    organisation: Organisation
    kind: Literal["work", "education"] = Field(
        "work", description="work: 'Role at Org'; education: 'Degree, School'"
    )
    sections: tuple[Section, ...] = ()


class Contact(Record):
    """A contact line: label and link."""

    label: Text
    url: Url


class Headings(Record):
    """The titles of the four numbered sections."""

    about: Text
    skills: Text
    biography: Text
    contacts: Text


class Tracking(Record):
    """Live-number settings: whose totals to show, and items the CV does not link."""

    github_user: str | None = Field(None, pattern=r"^[A-Za-z0-9-]+$")
    repositories: tuple[RepoName, ...] = ()
    models: tuple[ModelId, ...] = ()


class CV(Record):
    """The whole CV, as data/cv.yaml holds it."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="updater CV",
        json_schema_extra={"description": "data/cv.yaml: the CV that updater renders."},
    )

    title: Text
    headings: Headings
    about: About
    skills: Skills
    biography: tuple[Entry, ...] = Field(min_length=1)
    contacts: tuple[Contact, ...] = ()
    tracking: Tracking = Tracking()

    def texts(self) -> Iterator[str]:
        """Every piece of text and every URL in the CV, in document order."""
        yield from _strings(self)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from (str(key), *_strings(item))
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of data/cv.yaml, generated from the records above."""
    schema = CV.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def load_cv(path: Path) -> CV:
    """Read and validate the CV file; raise InputError or ValidationFailed naming FILE:LINE:COL."""
    return parse_cv(_read(path), str(path))


def parse_cv(text: str, source: str) -> CV:
    """Validate CV text; every problem is reported, each as FILE:LINE:COL: key.path: message."""
    doc = parse_yaml(text, source)
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.problem((), "expected a mapping of CV sections")])
    try:
        return CV.model_validate(doc.data)
    except ValidationError as exc:
        errors = [(_clean_loc(err["loc"]), err) for err in exc.errors()]
        specific = [
            _describe(doc, loc, err)
            for loc, err in errors
            if not any(other[: len(loc)] == loc and len(other) > len(loc) for other, _ in errors)
        ]
        raise ValidationFailed(specific) from exc


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(
            f"{path}:1:1: file not found; run from the profile repository root or pass --data"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}:1:1: cannot read: {exc}") from exc


_TAGS = {"text", "node"}
_KEYS = sorted({name for model in Record.__subclasses__() for name in model.model_fields})


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop the union tags pydantic puts after a list index (`items[2].node.text`)."""
    return tuple(
        p for i, p in enumerate(loc) if not (p in _TAGS and i and isinstance(loc[i - 1], int))
    )


def _describe(doc: YamlDocument, path: tuple[str | int, ...], err: ErrorDetails) -> str:
    kind, msg = err["type"], err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return doc.problem(path[:-1], f"required key '{path[-1]}' is missing")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(path[-1]), _KEYS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; remove it or check its spelling"
        return doc.problem(path, f"unknown key{hint}")
    if kind == "value_error":
        return doc.problem(path, msg)
    got = repr(err.get("input"))
    return doc.problem(path, f"{msg}, got {got[:60]}")
