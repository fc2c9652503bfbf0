"""YAML loading that remembers where every value came from and refuses duplicate keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from updater.errors import InputError, ValidationFailed

Path_ = tuple[str | int, ...]


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that keeps numbers and dates as text: `2020.10` means October, not 2020.1."""


_TextLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx) for tag, rx in resolvers if not tag.endswith((":float", ":int", ":timestamp"))
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Position:
    """1-based line and column in a source file."""

    line: int
    column: int


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file with the position of every key and item."""

    source: str
    data: Any
    positions: Mapping[Path_, Position]

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


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse YAML text; raise ValidationFailed with every duplicate key or the syntax error."""
    loader = _TextLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(source, None, {})
        positions: dict[Path_, Position] = {}
        problems: list[str] = []
        _walk(node, (), positions, problems, source)
        if problems:
            raise ValidationFailed(problems)
        return YamlDocument(source, loader.construct_document(node), positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        context = ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            context = f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise InputError(f"{source}:{where}: invalid YAML: {exc.problem or exc}{context}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{source}:1:1: invalid YAML: {exc}") from exc
    finally:
        loader.dispose()


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(
    node: yaml.Node, path: Path_, positions: dict[Path_, Position], problems: list[str], src: str
) -> None:
    positions.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, Position] = {}
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
            positions[(*path, key)] = here
            _walk(value_node, (*path, key), positions, problems, src)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), positions, problems, src)
