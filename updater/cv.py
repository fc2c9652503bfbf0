"""The CV as frozen, validated records: load data/cv.yaml, report every problem at once.

The owner decides the sections; the records are building blocks that make a CV pleasant and
safe to edit (sections, entries, nested items, links, images, free markdown). Nothing is
required that a template may not use.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from updater.errors import POSITION_RE, InputError, ValidationFailed, sort_problems
from updater.files import read_text
from updater.yamlsource import MAX_BYTES, YamlDocument, format_path, parse_yaml

MONTH = r"\d{4}(\.(0[1-9]|1[0-2]))?"
# `$(?!\n)` is the end of the text, as `$` is in JSON Schema: Python's `$` also accepts a final
# newline (`"octocat\n"`). The schema is written from these patterns, so no `\Z`.
TEXT_END = r"$(?!\n)"
MONTH_PATTERN = rf"^{MONTH}{TEXT_END}"
END_PATTERN = rf"^({MONTH}|present){TEXT_END}"
# Any link GitHub renders: a scheme its sanitizer keeps, a #fragment, or a path in the repository.
URL_PATTERN = (
    r"^((https?|mailto|xmpp|ircs?|tel):[^\s<>]+|#[^\s<>]*|(?![A-Za-z][A-Za-z0-9+.-]*:)[^\s<>]+)"
    + TEXT_END
)
URL_EXAMPLE = (
    "a link such as https://example.com, mailto:me@example.com, or a path in the repository "
    "such as RESUME.md"
)
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*" + TEXT_END
SIZE_PATTERN = r"^\d+(%|px)?" + TEXT_END
USER_PATTERN = r"^[A-Za-z0-9-]+" + TEXT_END
HUB_USER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*" + TEXT_END
AUTHOR_PATTERN = r"^[0-9]+" + TEXT_END
NAME_PATTERN = r"^[\w.-]+/[\w.-]+" + TEXT_END

# What each pattern means, in the person's words (pydantic would show the raw regex).
PATTERN_HELP = {
    MONTH_PATTERN: 'a date written YYYY.MM (month 01 to 12) or YYYY, in quotes, e.g. "2021.03"',
    END_PATTERN: (
        'a date written YYYY.MM (month 01 to 12) or YYYY, in quotes, or present, e.g. "2023.05"'
    ),
    URL_PATTERN: URL_EXAMPLE,
    ID_PATTERN: "an id of lower-case letters, digits, - and _, e.g. experience",
    SIZE_PATTERN: "a size in pixels or percent, e.g. 240 or 50%",
    USER_PATTERN: "a GitHub user or organization name, e.g. octocat",
    HUB_USER_PATTERN: "a Hugging Face user or organization name, e.g. kakaocorp",
    AUTHOR_PATTERN: (
        "a Semantic Scholar author id: the number at the end of the author's page "
        "semanticscholar.org/author/NAME/ID, e.g. 2262347"
    ),
    NAME_PATTERN: "OWNER/NAME, e.g. octocat/hello-world",
}

Url = Annotated[str, Field(pattern=URL_PATTERN, description=URL_EXAMPLE)]
Text = Annotated[str, Field(min_length=1, description="Markdown inline text; links allowed.")]
Markdown = Annotated[str, Field(min_length=1, description="A block of free markdown.")]
RepoName = Annotated[str, Field(pattern=NAME_PATTERN, description="OWNER/REPO")]
HubId = Annotated[str, Field(pattern=NAME_PATTERN, description="ORG/NAME")]


class Record(BaseModel):
    """Base of every CV record: immutable, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")


class Period(Record):
    """When something happened: `start`, and `end` for a span (`present` while it lasts).

    Without `end` it is a moment, such as a paper's date: shown as `start` alone."""

    start: str = Field(pattern=MONTH_PATTERN, description="YYYY.MM or YYYY")
    end: str | None = Field(
        None, pattern=END_PATTERN, description="YYYY.MM, YYYY or present; none for a moment"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end not in (None, "present") and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def __str__(self) -> str:
        return f"{self.start} ~ {self.end}" if self.end else self.start


class Image(Record):
    """A picture: its URL (or a path in the repository), alt text for screen readers, a size."""

    src: Url
    alt: Text
    width: str | None = Field(None, pattern=SIZE_PATTERN, description="e.g. 50% or 240")
    height: str | None = Field(None, pattern=SIZE_PATTERN, description="e.g. 120")


class Link(Record):
    """A labelled link: a contact, a project page, a paper."""

    label: Text
    url: Url


class Organisation(Record):
    """Where an entry happened, with an optional link."""

    name: Text
    url: Url | None = None


def _item_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict | Node):
        return "node"
    return None


class Node(Record):
    """A list item with more to it: a link, a period, or nested items under it."""

    text: Text
    url: Url | None = None
    period: Period | None = None
    items: tuple[Item, ...] = ()


Item = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Node, Tag("node")],
    Discriminator(
        _item_kind,
        custom_error_type="item",
        custom_error_message=(
            "expected text, or a mapping with 'text' and optional 'url', 'period', 'items' "
            '(text holding ": " needs quotes, e.g. - "Python: Excellent")'
        ),
    ),
]


class Entry(Record):
    """A CV entry: a job, a degree, a project. Period, role, organisation and nested items."""

    period: Period | None = None
    role: Text | None = None
    organisation: Organisation | None = None
    kind: str | None = Field(
        None, description="free text the template may use, e.g. work or education"
    )
    location: Text | None = None
    url: Url | None = None
    summary: Markdown | None = None
    items: tuple[Item, ...] = ()


class Section(Record):
    """One section of a page: a title and any of the building blocks, each optional."""

    id: str | None = Field(None, pattern=ID_PATTERN, description="how templates find it")
    title: Text | None = None
    image: Image | None = None
    markdown: Markdown | None = None
    items: tuple[Item, ...] = ()
    entries: tuple[Entry, ...] = ()
    links: tuple[Link, ...] = ()
    sections: tuple[Section, ...] = ()


HubUser = Annotated[str, Field(pattern=HUB_USER_PATTERN, description="a user or organization")]


class Tracking(Record):
    """Live-number settings: whose totals and lists to show, and items the CV does not link."""

    github_user: str | None = Field(
        None,
        pattern=USER_PATTERN,
        description="a GitHub user or organization: its stars total and its repositories list",
    )
    semantic_scholar_author: str | None = Field(
        None,
        pattern=AUTHOR_PATTERN,
        description="a Semantic Scholar author id (digits): the h-index, citations and papers",
    )
    huggingface_authors: tuple[HubUser, ...] = Field(
        (), description="Hugging Face users or organizations: their models, datasets, Spaces"
    )
    repositories: tuple[RepoName, ...] = ()
    models: tuple[HubId, ...] = ()
    datasets: tuple[HubId, ...] = ()
    spaces: tuple[HubId, ...] = ()
    papers: tuple[Url, ...] = Field((), description="paper links (arXiv, ACL Anthology, DOI)")


class CV(Record):
    """The whole CV, as data/cv.yaml holds it."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        regex_engine="python-re",
        title="updater CV",
        json_schema_extra={"description": "data/cv.yaml: the data that updater renders."},
    )

    title: Text | None = None
    sections: tuple[Section, ...] = ()
    tracking: Tracking = Tracking()

    @model_validator(mode="after")
    def _unique_ids(self) -> CV:
        seen: set[str] = set()
        for section in _walk_sections(self.sections):
            if section.id is not None and section.id in seen:
                raise ValueError(f"two sections have the id {section.id!r}: {UNIQUE_IDS}")
            if section.id is not None:
                seen.add(section.id)
        return self

    def section(self, section_id: str) -> Section:
        """The section with this id, at any depth; a template asking for a missing one fails."""
        for section in _walk_sections(self.sections):
            if section.id == section_id:
                return section
        known = ", ".join(s.id for s in _walk_sections(self.sections) if s.id) or "none"
        raise KeyError(
            f"no section with id {section_id!r} in the data (ids: {known}); for a section that "
            f'may be absent, test it first: {{% if cv.has_section("{section_id}") %}}'
        )

    def has_section(self, section_id: str) -> bool:
        """Whether the data has a section with this id: guards an optional section."""
        return any(s.id == section_id for s in _walk_sections(self.sections))

    def texts(self) -> Iterator[str]:
        """Every piece of text and every URL in the CV, in document order."""
        yield from _strings(self)


def _walk_sections(sections: tuple[Section, ...]) -> Iterator[Section]:
    for section in sections:
        yield section
        yield from _walk_sections(section.sections)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of data/cv.yaml, generated from the records above."""
    schema = CV.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def load_cv(path: Path, root: Path) -> CV:
    """Read and validate the CV file (inside the repository root); raise InputError or
    ValidationFailed naming FILE:LINE:COL."""
    return load_cv_source(path, root)[0]


def load_cv_source(path: Path, root: Path) -> tuple[CV, YamlDocument]:
    """The CV and its parsed file, which says where each key was written (for messages)."""
    return _parse_cv(_read(path, root), str(path))


def parse_cv(text: str, source: str) -> CV:
    """Validate CV text; every problem is reported, in line order, as FILE:LINE:COL: path: msg."""
    return _parse_cv(text, source)[0]


def _parse_cv(text: str, source: str) -> tuple[CV, YamlDocument]:
    doc = parse_yaml(text, source, KEYS)
    problems = list(doc.problems)
    cv = CV()
    if doc.data is not None and not isinstance(doc.data, dict):
        problems.append(doc.problem((), "expected a mapping with title and sections"))
    elif doc.data is not None:
        # Read from the data as written, so a repeated id is reported with its place and
        # alongside every other problem (the model's own check runs only once all else holds).
        problems += _repeated_ids(doc, doc.data.get("sections"), ("sections",), {})
        try:
            cv = CV.model_validate(doc.data)
        except ValidationError as exc:
            problems += [
                problem for problem in _schema_problems(doc, exc) if UNIQUE_IDS not in problem
            ]
    if problems:
        raise ValidationFailed(sort_problems(problems))
    return cv, doc


UNIQUE_IDS = "ids must be unique"
# Every key the file may hold: a fix for a YAML mistake quotes the text after one of these.
KEYS = frozenset(
    name
    for model in (CV, Section, Entry, Node, Period, Image, Link, Organisation, Tracking)
    for name in model.model_fields
)


def _repeated_ids(doc: YamlDocument, sections: Any, path: Loc, seen: dict[str, Loc]) -> list[str]:
    """Each section id written a second time, at any depth, where it is written."""
    found: list[str] = []
    for index, section in enumerate(sections if isinstance(sections, list) else ()):
        if not isinstance(section, dict):
            continue
        here = (*path, index)
        key = section.get("id")
        if isinstance(key, str) and key in seen:
            first = seen[key]
            found.append(
                doc.problem(
                    (*here, "id"),
                    f"the id {key!r} is already used by {format_path(first)} (line "
                    f"{doc.locate((*first, 'id')).line}): {UNIQUE_IDS}",
                )
            )
        elif isinstance(key, str):
            seen[key] = here
        found += _repeated_ids(doc, section.get("sections"), (*here, "sections"), seen)
    return found


def _schema_problems(doc: YamlDocument, exc: ValidationError) -> list[str]:
    """One problem per failing key, the most specific only (no echo from enclosing unions)."""
    errors = [(_clean_loc(err["loc"]), err) for err in exc.errors()]
    slips = _unquoted_colons(errors)
    return [
        _colon_hint(doc, loc, err) if loc[:-1] in slips else _describe(doc, loc, err)
        for loc, err in errors
        if not any(other[: len(loc)] == loc and len(other) > len(loc) for other, _ in errors)
        and not (err["type"] == "missing" and loc[:-1] in slips)
        and loc not in doc.explained
    ]


Loc = tuple[str | int, ...]


def _unquoted_colons(errors: list[tuple[Loc, ErrorDetails]]) -> set[Loc]:
    """Items written `- Python: Excellent`: YAML reads a one-key mapping, not text."""
    extra = [loc[:-1] for loc, err in errors if err["type"] == "extra_forbidden"]
    missing_text = {
        loc[:-1] for loc, err in errors if err["type"] == "missing" and loc[-1] == "text"
    }
    return {parent for parent in missing_text if extra.count(parent) == 1}


def _colon_hint(doc: YamlDocument, loc: Loc, err: ErrorDetails) -> str:
    value = err.get("input")
    text = f"{loc[-1]}:" if value is None else f"{loc[-1]}: {value}"
    return doc.problem(
        loc[:-1],
        f'"{text}" is read as a key and a value; to write it as text, quote it: - "{text}"',
    )


def _read(path: Path, root: Path) -> str:
    try:
        text = read_text(path, root, limit=MAX_BYTES)
    except InputError as exc:
        raise InputError(_with_position(str(exc))) from exc
    if text is None:
        raise InputError(
            f"{path}:1:1: file not found; run from the profile repository root or pass --data"
        )
    return text


def _with_position(message: str) -> str:
    """`FILE: msg` -> `FILE:1:1: msg`, so every problem with a data file has a position."""
    if POSITION_RE.match(message):
        return message
    path, _, rest = message.partition(": ")
    return f"{path}:1:1: {rest}"


_TAGS = {"text", "node"}


def _fields_at(path: tuple[str | int, ...]) -> list[str]:
    """The keys valid at `path` (the mapping that holds the unknown key)."""
    model: type[Record] | None = CV
    for part in path:
        if isinstance(part, int):
            continue
        hints = typing.get_type_hints(model, include_extras=True) if model else {}
        if part not in hints:
            return []
        model = _record_in(hints[part])
        if model is None:
            return []
    return list(model.model_fields) if model else []


def _record_in(annotation: Any) -> type[Record] | None:
    """The record type inside an annotation such as `tuple[Entry, ...] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or getattr(annotation, "__metadata__", ()):
        found = _record_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _record_in(origin) if origin not in (None, tuple) and origin is not annotation else None


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop the union tags pydantic puts after a list index (`items[2].node.text`)."""
    return tuple(
        p for i, p in enumerate(loc) if not (p in _TAGS and i and isinstance(loc[i - 1], int))
    )


def _describe(doc: YamlDocument, path: tuple[str | int, ...], err: ErrorDetails) -> str:
    kind, msg = err["type"], err["msg"].removeprefix("Value error, ")
    if path in doc.raw and kind not in {"missing", "extra_forbidden"}:
        return doc.problem(path, _not_text(doc.raw[path], err.get("input"), path))
    if kind == "missing":
        return doc.problem(path[:-1], f"required key '{path[-1]}' is missing")
    if kind == "extra_forbidden":
        return doc.problem(path, f"unknown key{_key_hint(path)}")
    return doc.problem(path, msg if kind == "value_error" else _expected(kind, msg, err, path))


def _key_hint(path: tuple[str | int, ...]) -> str:
    """Did-you-mean drawn only from the keys valid where the unknown key stands."""
    valid = _fields_at(path[:-1])
    close = difflib.get_close_matches(str(path[-1]), valid, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; expected one of: {', '.join(valid)}" if valid else "; remove it"


def _not_text(raw: str, value: object, path: Loc) -> str:
    """`- yes`, `title: no`, `- ~`: YAML read a word as true, false or nothing, not as text."""
    fix = f'- "{raw}"' if isinstance(path[-1], int) else f'{path[-1]}: "{raw}"'
    if not raw:
        return "is empty: write the text, or remove the line"
    if isinstance(value, bool):
        return (
            f"{raw} is read as {str(value).lower()} (YAML reads yes, no, on, off, true and false "
            f"as true or false, not as text): to write it as text, quote it: {fix}"
        )
    return f"{raw} is read as nothing (YAML's null, like ~): write the text, or quote it: {fix}"


# What pydantic's error kinds mean, in the person's words ({got} is the value found).
_EXPECTED = {
    "tuple_type": "expected a list (one '- ' line per item); got {got}",
    "list_type": "expected a list (one '- ' line per item); got {got}",
    "string_type": "expected text, got {got}",
    "string_too_short": "is empty: write some text, or remove the key",
    "string_unicode": "is not valid text (a lone surrogate escape such as \\ud800): remove it",
}


def _shape_hint(err: ErrorDetails) -> str:
    """Why a mapping came out as something else: `- - key: v`, or `key:value` with no space."""
    value = err.get("input")
    if isinstance(value, list):
        return " (a list: is there a second '- ' on the line? remove it)"
    glued = re.match(r"^([A-Za-z_]\w*):(\S.*)$", value) if isinstance(value, str) else None
    if glued:
        return f" (text: YAML needs a space after the colon: {glued[1]}: {glued[2]})"
    return ""


def _expected(kind: str, msg: str, err: ErrorDetails, path: tuple[str | int, ...]) -> str:
    got = repr(err.get("input"))
    got = got if len(got) <= 60 else got[:57] + "..."
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        keys = ", ".join(_fields_at(path)) or "keys"
        return f"expected a mapping (key: value lines) with {keys}; got {got}{_shape_hint(err)}"
    if kind == "string_pattern_mismatch":
        pattern = str((err.get("ctx") or {}).get("pattern", ""))
        return f"expected {PATTERN_HELP.get(pattern, 'a different value')}, got {got}"
    return _EXPECTED.get(kind, "{msg}, got {got}").format(msg=msg, got=got)
