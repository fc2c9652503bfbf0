"""The page's directive comments, read one way for both tools that take them: `check-...`
(which check rules are off where) and `numbers-...` (where the live numbers go).

Each directive switches names on for lines, as markdownlint's comments do: `-next-line` for
the line after the comment, `-line` for its own, `-file` for the page, and a range from the
comment to the one that ends it (`check-disable` ... `check-enable`). A comment that looks
like a directive but is none (a misspelled verb) is kept, so check can say so."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from updater.page.parse import Document

DIRECTIVE_RE = re.compile(r"^\s*(check|numbers)-([A-Za-z-]+)(?=\s|$)(.*)$", re.DOTALL)
NAMES_RE = re.compile(r"[\s,]+")
NO_NAMES: frozenset[str] = frozenset()
SCOPES = ("-next-line", "-line", "-file", "")
# `check-`: `disable` switches rules off for lines, `enable` ends a `disable` range.
CHECK = {f"disable{scope}": "disable" for scope in SCOPES} | {"enable": "enable"}
# `numbers-`: `disable` switches the numbers off (ended by `numbers-enable`); `images`
# switches them on after links that hold only images (ended by `numbers-images-end`).
NUMBERS = (
    {f"disable{scope}": "disable" for scope in SCOPES}
    | {"enable": "enable"}
    | {f"images{scope}": "images" for scope in SCOPES}
    | {"images-end": "images-end"}
)
VERBS = {"check": CHECK, "numbers": NUMBERS}


class Directive(NamedTuple):
    """One directive comment: `check-disable-next-line alt-text` at line 3."""

    tool: str  # "check" | "numbers"
    verb: str  # "disable-next-line", "images", "enable"...
    names: frozenset[str]  # the rules named (check); none means every rule
    start: int  # the comment's offset
    line: int  # the comment's first line
    next_line: int  # the line after the comment's last

    @property
    def scope(self) -> str:
        """`next-line`, `line`, `file`, or `range` (a range's start or end)."""
        for scope in ("next-line", "line", "file"):
            if self.verb.endswith(scope):
                return scope
        return "range"


class Unknown(NamedTuple):
    """A comment that looks like a directive and is none: it does nothing."""

    start: int
    written: str  # `numbers-disable-nextline`
    suggestion: str | None  # `numbers-disable-next-line`


def read(document: Document) -> tuple[list[Directive], list[Unknown]]:
    """Every directive comment of the page, in order, and the misspelled ones."""
    found: list[Directive] = []
    unknown: list[Unknown] = []
    for comment in document.comments:
        match = DIRECTIVE_RE.match(comment.text)
        if match is None:
            continue
        tool, verb, rest = match[1], match[2].lower(), match[3]
        if verb not in VERBS[tool]:
            close = difflib.get_close_matches(verb, VERBS[tool], n=1, cutoff=0.6)
            if close or verb.startswith(("disable", "enable", "images")):
                suggestion = f"{tool}-{close[0]}" if close else None
                unknown.append(Unknown(comment.start, f"{tool}-{verb}", suggestion))
            continue
        rest = rest.strip()
        names = frozenset(NAMES_RE.split(rest)) - {""} if rest else NO_NAMES
        line = document.position(comment.start)[0]
        next_line = document.position(comment.end)[0] + 1
        found.append(Directive(tool, verb, names, comment.start, line, next_line))
    return found, unknown


@dataclass(frozen=True)
class Switches:
    """Which names are switched on where: rules a check directive silences, or `disable`
    and `images` for the numbers."""

    whole_file: frozenset[str]
    lines: Mapping[int, frozenset[str]]
    ranges: tuple[tuple[int, bool, frozenset[str]], ...]  # (line, on, names)

    @classmethod
    def of(cls, entries: Iterable[tuple[Directive, str, bool, frozenset[str]]]) -> Switches:
        """Switches from (directive, scope, on, names) entries: each switches its names on
        (off: a range's end) for its line, the next, the file, or from its line on."""
        whole: set[str] = set()
        lines: dict[int, frozenset[str]] = {}
        ranges: list[tuple[int, bool, frozenset[str]]] = []
        for directive, scope, on, names in entries:
            if scope == "file":
                whole |= names
            elif scope in ("line", "next-line"):
                target = directive.line if scope == "line" else directive.next_line
                lines[target] = lines.get(target, frozenset()) | names
            else:
                ranges.append((directive.line, on, names))
        return cls(frozenset(whole), lines, tuple(ranges))

    @cached_property
    def _states(self) -> tuple[list[int], list[frozenset[str]]]:
        """The names on after each range directive, computed once: lookups bisect."""
        lines: list[int] = []
        states: list[frozenset[str]] = []
        on: frozenset[str] = frozenset()
        for start, switch_on, names in self.ranges:
            if switch_on:
                on |= names
            else:
                on = frozenset() if "*" in names else on - names
            lines.append(start)
            states.append(on)
        return lines, states

    def on(self, name: str, line: int) -> bool:
        """Whether the name (or every name, `*`) is switched on at the line."""
        wanted = {name, "*"}
        if wanted & (self.whole_file | self.lines.get(line, frozenset())):
            return True
        lines, states = self._states
        index = bisect.bisect_right(lines, line) - 1
        return index >= 0 and bool(wanted & states[index])


def check_switches(directives: Iterable[Directive]) -> Switches:
    """The rules each `check-` directive silences (none named: every rule)."""
    return Switches.of(
        (d, d.scope, CHECK[d.verb] == "disable", d.names or frozenset("*"))
        for d in directives
        if d.tool == "check"
    )


def number_switches(directives: Iterable[Directive]) -> Switches:
    """`disable` where a `numbers-disable...` directive puts no numbers, `images` where a
    `numbers-images...` one puts them after image-only links too."""
    entries = []
    for directive in directives:
        if directive.tool != "numbers":
            continue
        kind = NUMBERS[directive.verb]
        name = "images" if kind.startswith("images") else "disable"
        entries.append(
            (directive, directive.scope, kind in ("disable", "images"), frozenset([name]))
        )
    return Switches.of(entries)
