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
from dataclasses import dataclass, field
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
    # Plain scalars YAML reads as other than text (`yes` as true, `null` and `~` as nothing),
    # as written, by path: the message for them quotes what the person wrote.
    raw: Mapping[Path_, str] = field(default_factory=dict)
    # Values one of the problems above already explains (text cut short by a comment): no
    # second message for them.
    explained: frozenset[Path_] = frozenset()

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


def parse_yaml(text: str, source: str, keys: frozenset[str] = frozenset()) -> YamlDocument:
    """Parse YAML text; duplicated keys are kept as problems, anything else raises InputError.

    Read with libyaml's events where PyYAML has it; a file libyaml refuses is read again by
    the pure-Python reader, whose messages and limits (depth, control characters) are ours,
    and a syntax error is explained in the person's words where it can be (yamlmistakes;
    `keys` are the keys the file may hold, which a fix keeps unquoted)."""
    if _Loader is not _TextLoader:
        try:
            return _parse(_Loader(text), text, source)
        except yaml.YAMLError:
            pass
    try:
        loader = _TextLoader(text)
    except yaml.reader.ReaderError as exc:
        raise InputError(_reader_problem(text, source, exc)) from exc
    try:
        return _parse(loader, text, source)
    except yaml.reader.ReaderError as exc:
        raise InputError(_reader_problem(text, source, exc)) from exc
    except yaml.MarkedYAMLError as exc:
        # Only a file with a mistake pays for the module that explains it.
        from updater.yamlmistakes import explain  # noqa: PLC0415

        raise InputError(explain(text, source, exc, keys) or _marked_problem(source, exc)) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{source}:1:1: invalid YAML: {exc}") from exc


def _parse(loader: _TextLoader, text: str, source: str) -> YamlDocument:
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(source, None, {})
        walker = _Walker(source, text.split("\n"))
        walker.walk(node, ())
        data = loader.construct_document(node)
        return YamlDocument(
            source,
            data,
            walker.positions,
            tuple(walker.problems),
            walker.raw,
            frozenset(walker.explained),
        )
    finally:
        loader.dispose()


def quoted(text: str) -> str:
    """Text as a YAML quoted value: double quotes, or single quotes when it holds `"` or `\\`."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


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


class _Walker:
    """Records where every key and item is, and the mistakes YAML reads without complaint:
    duplicated keys, control characters from escapes, text cut short by a `#` taken for a
    comment, and list items indented so far that they join the text above."""

    def __init__(self, source: str, lines: list[str]) -> None:
        self.source, self.lines = source, lines
        self.positions: dict[Path_, Position] = {}
        self.problems: list[str] = []
        self.raw: dict[Path_, str] = {}
        self.explained: set[Path_] = set()

    def walk(self, node: yaml.Node, path: Path_) -> None:
        """Visit node (at path) and everything under it."""
        self.positions.setdefault(path, _mark(node))
        if isinstance(node, yaml.MappingNode):
            self._mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))
        elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
            self._scalar(node, path)

    def _problem(self, where: Position, path: Path_, message: str) -> None:
        name = format_path(path) or "(document)"
        self.problems.append(f"{self.source}:{where.line}:{where.column}: {name}: {message}")

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> None:
        first_seen: dict[str, Position] = {}
        kept = []
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = _mark(key_node)
            if key in first_seen:
                line = first_seen[key].line
                message = f"duplicated key (first defined at line {line}); keep one of them"
                self._problem(here, (*path, key), message)
                continue
            first_seen[key] = here
            kept.append((key_node, value_node))
            self.positions[(*path, key)] = here
            self.walk(value_node, (*path, key))
        # The first occurrence is the one validated, so later positions and values agree.
        node.value = kept

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> None:
        bad = _CONTROL_RE.search(node.value)
        if bad:
            self._problem(
                _mark(node),
                path,
                f"control character U+{ord(bad[0]):04X} in the text (from an escape in double "
                "quotes, such as \\x00, \\e or \\a): remove it; for a backslash write \\\\, "
                "or use single quotes",
            )
        if node.style not in (None, ""):  # quoted or block text: # and - are text there
            return
        if node.tag != "tag:yaml.org,2002:str":
            self.raw[path] = node.value  # yes, no, null, ~: read as other than text
        self._comment(node, path)
        self._joined_items(node, path)

    def _comment(self, node: yaml.ScalarNode, path: Path_) -> None:
        """`- Issue #12 fixed`: a space then # starts a comment, and the text stops before it."""
        line = self.lines[node.end_mark.line]
        found = _CUT_RE.match(line, node.end_mark.column)
        if not found:
            return
        self.explained.add(path)
        kept = f"the text stops at {node.value!r}" if node.value else "the value is empty"
        start = node.start_mark.column
        fix = f"{line[:start].strip()} {quoted(line[start:].strip())}".strip()
        self._problem(
            Position(node.end_mark.line + 1, found.start(1) + 1),
            path,
            f"{kept}: a space then # starts a comment in YAML, so {found[1]!r} is left out; to "
            f"keep it, quote the text: {fix}",
        )

    def _joined_items(self, node: yaml.ScalarNode, path: Path_) -> None:
        """A `- ` line indented under a plain text item joins it as more of its text."""
        for number in range(node.start_mark.line + 1, node.end_mark.line + 1):
            line = self.lines[number]
            if line.lstrip(" ").startswith("- "):
                column = len(line) - len(line.lstrip(" "))
                self._problem(
                    Position(number + 1, column + 1),
                    path,
                    f"this '- ' is indented more than the text above it (line "
                    f"{node.start_mark.line + 1}), so YAML reads it as more of that text: "
                    "line up its '- ' with the item above to make it an item of its own",
                )
                return


# After a plain text: blanks, then # with no space after it (`#12`, `#NLP`): a comment by YAML's
# rule, text by the writer's intent. `# note` with a space is taken as a comment meant.
_CUT_RE = re.compile(r"[ \t]+(#\S.*?)[ \t]*$")


# Control characters a quoted scalar can spell with escapes ("\x00", "\e"), and lone
# surrogates: the reader refuses them written raw, so refuse them escaped too.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
