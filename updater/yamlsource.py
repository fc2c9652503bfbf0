"""YAML loading that remembers where every value came from, refuses duplicate keys, and is
bounded: a hostile or mistaken file is an error with a position, never minutes of work.

Bounds (a long CV is about 30 KB and 8 levels deep):
- size: MAX_BYTES, checked before parsing (files.read_input);
- nesting: MAX_DEPTH levels of mappings and sequences, checked while composing, so a 5,000-deep
  file stops at level MAX_DEPTH + 1 instead of exhausting the recursion limit;
- anchors and aliases (`&name`, `*name`) are refused where they first appear: a CV has no use
  for them, and refusing them makes alias bombs and recursive aliases impossible;
- control characters (NUL and the like) are refused by the YAML reader itself; we give the
  line and column it found them at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from updater.errors import InputError

Path_ = tuple[str | int, ...]

MAX_BYTES = 256 * 1024  # a maximal file parses and validates in under a second
MAX_DEPTH = 40


class _Guarded(yaml.composer.Composer):
    """A composer that refuses anchors and aliases and stops at MAX_DEPTH levels of nesting."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise yaml.composer.ComposerError(
                None,
                None,
                f"{sign}{event.anchor}: anchors (&name) and aliases (*name) are not supported "
                "here; write the value out in full where it is used",
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"nested more than {MAX_DEPTH} levels deep; a CV needs far fewer",
                event.start_mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _TextLoader(_Guarded, yaml.SafeLoader):
    """SafeLoader that keeps numbers and dates as text (`2020.10` means October, not 2020.1),
    refuses anchors and aliases, and stops at MAX_DEPTH levels of nesting."""


_TextLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx) for tag, rx in resolvers if not tag.endswith((":float", ":int", ":timestamp"))
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader: Callable[[str], _TextLoader] = _TextLoader

if yaml.__with_libyaml__:  # PyYAML's wheels bundle libyaml; a source build may lack it
    from yaml._yaml import CParser

    class _FastTextLoader(
        _Guarded, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        """The same loader reading its events from libyaml (C): the composer above, with its
        guards, runs on them, and a CV loads in 1.5 ms instead of 11."""

        yaml_implicit_resolvers = _TextLoader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _Loader = _FastTextLoader  # type: ignore[assignment]


@dataclass(frozen=True)
class Position:
    """1-based line and column in a source file."""

    line: int
    column: int


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file with the position of every key and item, and its duplicated keys."""

    source: str
    data: Any
    positions: Mapping[Path_, Position]
    problems: tuple[str, ...] = ()

    def locate(self, path: Path_) -> Position:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, Position(1, 1))

    def problem(self, path: Path_, message: str) -> str:
        """Format one problem as `FILE:LINE:COL: key.path: message`."""
        pos = self.locate(path)
        where = format_path(path) or "(document)"
        return f"{self.source}:{pos.line}:{pos.column}: {where}: {message}"


def format_path(path: Path_) -> str:
    """Render a key path the way users write it: `biography[3].period.start`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def position_of(text: str, offset: int) -> Position:
    """The line and column of a character offset in text."""
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse YAML text; duplicated keys are kept as problems, anything else raises InputError.

    Read with libyaml's events where PyYAML has it; a file libyaml refuses is read again by
    the pure-Python reader, whose messages and limits (depth, control characters) are ours."""
    if _Loader is not _TextLoader:
        try:
            return _parse(_Loader(text), source)
        except yaml.YAMLError:
            pass
    try:
        loader = _TextLoader(text)
    except yaml.reader.ReaderError as exc:
        raise InputError(_reader_problem(text, source, exc)) from exc
    try:
        return _parse(loader, source)
    except yaml.reader.ReaderError as exc:
        raise InputError(_reader_problem(text, source, exc)) from exc
    except yaml.MarkedYAMLError as exc:
        raise InputError(_marked_problem(source, exc)) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{source}:1:1: invalid YAML: {exc}") from exc


def _parse(loader: _TextLoader, source: str) -> YamlDocument:
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(source, None, {})
        positions: dict[Path_, Position] = {}
        problems: list[str] = []
        _walk(node, (), positions, problems, source)
        data = loader.construct_document(node)
        return YamlDocument(source, data, positions, tuple(problems))
    finally:
        loader.dispose()


def _reader_problem(text: str, source: str, exc: yaml.reader.ReaderError) -> str:
    pos = position_of(text, exc.position)
    char = exc.character if isinstance(exc.character, int) else 0
    return (
        f"{source}:{pos.line}:{pos.column}: control character U+{char:04X} is not allowed "
        "(it is invisible in most editors): delete it"
    )


def _marked_problem(source: str, exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
    context = ""
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        context = f" ({exc.context} at line {exc.context_mark.line + 1})"
    return f"{source}:{where}: invalid YAML: {exc.problem or exc}{context}"


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(
    node: yaml.Node, path: Path_, positions: dict[Path_, Position], problems: list[str], src: str
) -> None:
    positions.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, Position] = {}
        kept = []
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = _mark(key_node)
            if key in first_seen:
                problems.append(
                    f"{src}:{here.line}:{here.column}: {format_path((*path, key))}: "
                    f"duplicated key (first defined at line {first_seen[key].line}); "
                    "keep one of them"
                )
                continue
            first_seen[key] = here
            kept.append((key_node, value_node))
            positions[(*path, key)] = here
            _walk(value_node, (*path, key), positions, problems, src)
        # The first occurrence is the one validated, so later positions and values agree.
        node.value = kept
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), positions, problems, src)
    elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
        bad = _CONTROL_RE.search(node.value)
        if bad:
            here = _mark(node)
            problems.append(
                f"{src}:{here.line}:{here.column}: {format_path(path) or '(document)'}: "
                f"control character U+{ord(bad[0]):04X} in the text (from an escape in quotes, "
                "such as \\x00 or \\e): remove it"
            )


# Control characters a quoted scalar can spell with escapes ("\x00", "\e"), and lone
# surrogates: the reader refuses them written raw, so refuse them escaped too.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
