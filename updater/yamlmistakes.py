"""The YAML mistakes people make in a CV, recognised from the parser's error and the text of the
line, each explained in one message at the place to fix, with the fix.

Almost every CV item starts with a markdown link, and YAML reads `[`, `{`, `*`, `&`, `!`, `|`,
`>`, `@` and a backtick at the start of a value as its own syntax; a `: ` inside unquoted text
as a second key; a wrong indentation as the end of a mapping. PyYAML reports where it noticed
(often a line later, in its own grammar's words); these say where to write what."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml

from updater.yamlsource import quoted

# A key at the start of a line's content: plain text up to `:` and a space (or the line's end).
_KEY_RE = re.compile(r"""([^\s:#\[\]{}'"&*!|>%@`,?-][^:#]*?|"[^"\n]*"|'[^'\n]*'):(?=[ \t]|$)""")
_COMMENT_RE = re.compile(r"[ \t]+#.*$")
# What YAML reads a value starting with each of these as, in the message's words.
_INDICATORS = {
    "[": "a list ([a, b])",
    "{": "a mapping ({key: value})",
    "*": "an alias (*name)",
    "&": "an anchor (&name)",
    "!": "a tag (!name)",
    "|": "the start of a block of text on the lines below",
    ">": "the start of a block of text on the lines below",
    "@": "a character YAML reserves",
    "`": "a character YAML reserves",
    "%": "a character YAML reserves",
    ",": "a separator",
    '"': "quoted text",
    "'": "quoted text",
}
# `&name` or `*name` followed by words: text that starts with & or *, not an anchor or alias.
_ANCHORED_TEXT_RE = re.compile(r"""[&*]\S+[ \t]+[^\s\[{"']""")
_INDENT_TOKENS = ("'<block mapping start>'", "'?'", "'<block sequence start>'", "'-'")


@dataclass(frozen=True)
class Line:
    """One line of the file as a person reads it: indentation, list dashes, key and value."""

    number: int  # 1-based
    text: str
    start: int  # 0-based column of the content after the indentation and any `- `
    item: bool  # the line starts a list item
    key: str | None
    value: int  # 0-based column of the value: after `key: `, else `start`

    @classmethod
    def of(cls, text: str, number: int) -> Line:
        """Read one line (without its newline)."""
        column = len(text) - len(text.lstrip(" "))
        item = False
        while text[column:].startswith("- ") or text[column:] == "-":
            item = True
            column += 1
            column += len(text[column:]) - len(text[column:].lstrip(" "))
        match = _KEY_RE.match(text, column)
        if not match:
            return cls(number, text, column, item, None, column)
        value = match.end() + len(text[match.end() :]) - len(text[match.end() :].lstrip(" \t"))
        return cls(number, text, column, item, match[1], value)

    @property
    def indent_of_dash(self) -> int:
        """Spaces before the line's first character (its first `- ` on an item's line)."""
        return len(self.text) - len(self.text.lstrip(" "))

    def rest(self, column: int) -> str:
        """The text from column to the end of the line, without a trailing comment."""
        return _COMMENT_RE.sub("", self.text[column:]).rstrip()


def explain(text: str, source: str, exc: yaml.MarkedYAMLError, keys: frozenset[str]) -> str | None:
    """The person's words for a YAML error, as `FILE:LINE:COL: message`; None if not one of
    the mistakes known here."""
    if exc.problem_mark is None:
        return None
    lines = tuple(Line.of(line, n) for n, line in enumerate(text.split("\n"), 1))
    case = Case(lines, exc, exc.problem_mark, keys)
    rules = (_tab, _quote, _escape, _bracket, _stray, _indicator, _colon, _indentation)
    for rule in rules:
        found = rule(case)
        if found:
            line, column, message = found
            return f"{source}:{line}:{column + 1}: {message}"
    return None


Found = tuple[int, int, str] | None  # 1-based line, 0-based column, message


@dataclass(frozen=True)
class Case:
    """One error to explain: the file's lines, the parser's error and where, the known keys."""

    lines: tuple[Line, ...]
    exc: yaml.MarkedYAMLError
    mark: yaml.Mark
    keys: frozenset[str]

    @property
    def problem(self) -> str:
        """The parser's words for what it found."""
        return str(self.exc.problem)

    @property
    def context(self) -> str:
        """The parser's words for what it was reading (empty if nothing)."""
        return str(self.exc.context or "")

    @property
    def line(self) -> Line:
        """The line the parser stopped on."""
        return self.lines[self.mark.line]

    def fix(self, line: Line, column: int) -> str:
        """The line's text from `column` quoted, with what comes before it, as it should read."""
        return line.text[line.indent_of_dash : column] + quoted(line.rest(column))


def _tab(case: Case) -> Found:
    if "'\\t'" not in case.problem:
        return None
    message = "a tab: YAML indents with spaces only; replace the tab with spaces"
    return case.mark.line + 1, case.mark.column, message


def _quote(case: Case) -> Found:
    """A quote left open: the text runs on to the next quote, lines later, or to the end."""
    opened = _open_quote(case)
    if opened is None:
        return None
    number, column = opened
    quote = case.lines[number - 1].text[column]
    ends = f"on line {case.mark.line + 1}"
    if "end of stream" in case.problem:
        ends = "which never comes"
    return (
        number,
        column,
        f"the quote {quote} that starts this text is not closed on its line (YAML reads on to "
        f"the next {quote}, {ends}): end the text with {quote}",
    )


def _open_quote(case: Case) -> tuple[int, int] | None:
    opening = case.exc.context_mark
    if opening and "quoted scalar" in case.context and "end of stream" in case.problem:
        return opening.line + 1, opening.column
    # A quoted text that spans lines and ends right where the error is: its quote was left open.
    for token in _tokens_before(case):
        if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
            start, end = token.start_mark, token.end_mark
            if start.line < end.line == case.mark.line and 0 <= case.mark.column - end.column <= 1:
                return start.line + 1, start.column
    return None


def _escape(case: Case) -> Found:
    """`"C:\\Users"`: in double quotes, `\\U` asks for eight hex digits; `\\p` is no escape."""
    if "unknown escape character" not in case.problem and "escape sequence" not in case.problem:
        return None
    backslash = case.line.text.rfind("\\", 0, case.mark.column + 1)
    return (
        case.mark.line + 1,
        max(backslash, 0),
        'in double quotes a backslash starts an escape (\\n, \\"), and this one is none: write '
        "\\\\ for a backslash, or put the text in single quotes, where \\ is just \\",
    )


def _bracket(case: Case) -> Found:
    """A `[` or `{` still open where the error is: the list or mapping was not closed."""
    if "flow" not in case.context and "<stream end>" not in case.problem:
        return None
    opened: list[yaml.Token] = []
    for token in _tokens_before(case):
        if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
            opened.append(token)
        elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken) and opened:
            opened.pop()
    if not opened:
        return None
    start = opened[-1].start_mark
    sequence = isinstance(opened[-1], yaml.FlowSequenceStartToken)
    bracket, close = ("[", "]") if sequence else ("{", "}")
    line = case.lines[start.line]
    message = (
        f"the {bracket} opened here is not closed: YAML reads {bracket} ... {close} as "
        f"{_INDICATORS[bracket]}; close it with {close}"
    )
    if start.column == line.value:  # where a value starts: perhaps text that starts with [
        message += f", or, if this is text, quote it: {case.fix(line, start.column)}"
    return start.line + 1, start.column, message


def _stray(case: Case) -> Found:
    """A `]` or `}` that closes nothing, or a `---` line that starts a second document."""
    line, column = case.line, case.mark.column
    if "another document" in case.problem:
        message = "--- on a line of its own starts a second YAML document, and the file is one"
        return line.number, column, f"{message}: remove the line"
    found = re.search(r"but found '([\]}])'", case.problem)
    if not found:
        return None
    opening = "[" if found[1] == "]" else "{"
    return (
        line.number,
        column,
        f"this {found[1]} closes no {opening}: remove it, or, if the value is text, quote it: "
        f"{case.fix(line, line.value)}",
    )


def _indicator(case: Case) -> Found:
    """A value starting with a character YAML reads as syntax, with more text after it."""
    for line in _lines_of(case):
        char = line.text[line.value : line.value + 1]
        if char not in _INDICATORS or not _error_in_value(case, line):
            continue
        if "anchors" in case.problem and not _ANCHORED_TEXT_RE.match(line.rest(line.value)):
            return None  # YAML's anchors and aliases themselves: the guard's message says it
        what = "item" if line.item and line.value == line.start else "value"
        column = line.start if what == "item" else line.value
        fix = f"quote the whole {what}: {case.fix(line, column)}"
        if char in "\"'":
            message = f"this {what} goes on after its closing {char}, which YAML does not allow"
            return line.number, column, f"{message}: {fix}"
        link = " (a markdown link needs quotes)" if char == "[" else ""
        return (
            line.number,
            column,
            f"this {what} starts with {char}, which YAML reads as {_INDICATORS[char]}, not as "
            f"text{link}: {fix}",
        )
    return None


def _lines_of(case: Case) -> Iterator[Line]:
    """The line of the error, then the line of its context (where the value began)."""
    yield case.line
    context = case.exc.context_mark
    if context is not None and context.line != case.mark.line:
        yield case.lines[context.line]


# Errors that a value starting with an indicator makes, at or after that value's start.
_IN_VALUE = ("but found '<scalar>'", "cannot start any token", "alias", "anchors", "tag",
             "block scalar", "node content", "a comment or a line break")  # fmt: skip


def _error_in_value(case: Case, line: Line) -> bool:
    """Whether the error is inside the value that starts the line's text (not before it)."""
    context = case.exc.context_mark
    if context is not None and (context.line + 1, context.column) == (line.number, line.value):
        return True
    here = case.mark.line + 1 == line.number and case.mark.column >= line.value
    return here and any(kind in case.problem for kind in _IN_VALUE)


def _colon(case: Case) -> Found:
    """`: ` inside unquoted text (a second key on one line), or a line indented so far that
    YAML reads it as more of the text above it."""
    if "mapping values are not allowed" not in case.problem:
        return None
    line = case.line
    if line.key is None or case.mark.column != line.start + len(line.key):
        keep_key = line.key is not None and (not line.item or line.key in case.keys)
        column = line.value if keep_key else line.start
        what = "value" if keep_key else "item" if line.item else "text"
        return (
            line.number,
            column,
            f'this {what} holds ": ", which YAML reads as a key and a value; to write it as '
            f"text, quote it: {case.fix(line, column)}",
        )
    above = _previous(case.lines, line)
    if above is None or above.start >= line.start:
        return None
    name = f"{above.key} (line {above.number})" if above.key else f"line {above.number}"
    return (
        line.number,
        line.start,
        f"{line.key} is indented more than {name}, so YAML reads this line as more of its "
        f"text: indent it {above.start} spaces, as {name}",
    )


def _indentation(case: Case) -> Found:
    """A key or item that lines up with nothing above it: the mapping or list ends there."""
    if "expected <block end>" not in case.problem:
        return None
    if not any(token in case.problem for token in _INDENT_TOKENS):
        return None
    line = case.line
    dash = not line.key and line.item
    column = line.indent_of_dash if dash else line.start
    levels = _levels(case.lines, line.number, dash)
    deeper = [level for level in levels if level[0] > column][:1]
    shallower = [level for level in levels if level[0] < column][:1]
    options = [f"{spaces} spaces, as {name}" for spaces, name in deeper + shallower]
    if not options:
        return None
    what = "this item" if dash else (line.key or "this line")
    kind = "items of one list" if dash else "the keys of one mapping"
    return (
        line.number,
        column,
        f"{what} is indented {column} spaces, which lines up with nothing above it ({kind} "
        f"line up): indent it {' or '.join(options)}",
    )


def _levels(lines: Sequence[Line], number: int, dash: bool) -> list[tuple[int, str]]:
    """The columns open above line `number` (keys, or list dashes), nearest first: each line
    above that is indented less than all those below it."""
    found: list[tuple[int, str]] = []
    lowest = 1 << 30
    for line in reversed(lines[: number - 1]):
        if not line.rest(0).strip():
            continue
        if (dash and not line.item) or (not dash and line.key is None):
            lowest = min(lowest, line.start)
            continue
        column = line.indent_of_dash if dash else line.start
        if column < lowest:
            name = f"the item on line {line.number}" if dash else f"{line.key} (line {line.number})"
            found.append((column, name))
            lowest = column
    return found


def _previous(lines: Sequence[Line], line: Line) -> Line | None:
    for above in reversed(lines[: line.number - 1]):
        if above.rest(0).strip() and not above.text.lstrip().startswith("#"):
            return above
    return None


def _tokens_before(case: Case) -> Iterator[yaml.Token]:
    """The file's tokens up to the error (as far as the scanner gets)."""
    text = "\n".join(line.text for line in case.lines)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= case.mark.index:
                return
            yield token
    except yaml.YAMLError:
        return
