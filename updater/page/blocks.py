"""Where pulldown-cmark reads HTML blocks otherwise than cmark-gfm (GitHub's renderer), and the
text pulldown-cmark is given instead: changed character for character, so every offset holds,
into text it reads as cmark-gfm reads the page. Event values are given back as written.

pulldown-cmark follows CommonMark 0.31; cmark-gfm is 0.29 with its own habits:
- it ends a `<pre>`/`<script>`/`<style>`/`<textarea>` block at `</PRE>` in any case;
- `<source>` starts a block that may interrupt a paragraph, `<search>` does not (0.31 swapped
  them);
- it reads a declaration only after an upper-case letter: `<!doctype` is text;
- a line that is one tag alone (`<img src=x>`, `</pre>`, `<br>`) starts an HTML block where
  the line only lazily continues a paragraph (inside a list item or quote whose marker or
  indentation it lacks), and after a paragraph's end when the tag is `</pre>`, `</script>`...
  (the spec continues the paragraph and excludes those names). Such a line's tag name is read
  as `p` (padded with spaces), a tag that starts a block anywhere.

`tests/page/test_blocks.py` compares which tags, comments and links each reads as HTML over
generated pages."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

CMARK_READS_RE = re.compile(
    r"</(?:pre|script|style|textarea)(?=[\s>]|$)|</?(?:source|search)(?=[\s/>]|$)|<!(?=(?-i:[a-z]))",
    re.IGNORECASE | re.MULTILINE,
)
RAW_TEXT_TAGS = ("pre", "script", "style", "textarea")
SWAPPED = {"source": "hEaDeR", "search": "sEaRcZ"}  # a block tag of 0.31, and one of no block
# cmark-gfm's HTML block of kind 7: a complete open or closing tag, alone on its line.
ATTRIBUTE = (
    r"(?:[ \t]+[A-Za-z_:][A-Za-z0-9_.:-]*"
    r"""(?:[ \t]*=[ \t]*(?:[^ \t\r\n"'=<>`]+|'[^'\r\n]*'|"[^"\r\n]*"))?)"""
)
TAG_ALONE_RE = re.compile(
    rf"<(?:(?P<open>[A-Za-z][A-Za-z0-9-]*){ATTRIBUTE}*[ \t]*/?"
    r"|/(?P<closing>[A-Za-z][A-Za-z0-9-]*)[ \t]*)>[ \t]*\r?$",
    re.MULTILINE,
)
QUOTE, ITEM, FOOTNOTE = "quote", "item", "footnote"
INLINE_TAGS = frozenset(
    {"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"}
)
CONTAINERS = {"Item": ITEM, "BlockQuote": QUOTE, "FootnoteDefinition": FOOTNOTE}
LEAVES = frozenset({"Paragraph", "Heading", "CodeBlock", "HtmlBlock", "Table"})
# A line after the first whose text (after quote markers and indentation) starts with `<`.
LINE_STARTING_WITH_TAG_RE = re.compile(r"\n[ \t>]*<")
LIST_MARKER_RE = re.compile(r"[-+*]|[0-9]{1,9}[.)]")
FOOTNOTE_INDENT = 4  # cmark-gfm continues a footnote definition on lines indented this much
Container = tuple[str, int]  # (QUOTE, ITEM or FOOTNOTE, where pulldown-cmark's range starts)
# The containers open, innermost first, each with its parent: shared, so a paragraph keeps
# them at no cost however deep the nesting.
Chain = tuple[str, int, "Chain"] | None


def outermost_first(chain: Chain) -> list[Container]:
    """The chain's containers, outermost first."""
    found: list[Container] = []
    while chain is not None:
        kind, start, chain = chain
        found.append((kind, start))
    return found[::-1]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as pulldown-cmark read it (in a tight list item: the item's text)."""

    start: int
    end: int
    containers: Chain  # the quotes, list items and footnotes it is in


@dataclass(frozen=True)
class Reading:
    """The page as written (a lone CR read as LF) and as pulldown-cmark is to read it."""

    written: str
    read: str
    changes: tuple[tuple[int, int], ...] = ()  # (offset, length) of each change, in order
    starts: frozenset[int] = field(default_factory=frozenset)  # tags renamed to start a block

    @classmethod
    def of(cls, written: str, start: int) -> Reading:
        """The page with CMARK_READS_RE's changes, from `start` (after a BOM)."""
        if (
            "</" not in written
            and "<!" not in written
            and "<s" not in written
            and "<S" not in written
        ):
            return cls(written, written)
        changes: list[tuple[int, int]] = []

        def change(match: re.Match[str]) -> str:
            found = match[0]
            if found[1] == "!":
                read = "!!"
            elif found[1] == "/" and found[2:].lower() in RAW_TEXT_TAGS:
                read = found.lower()
            else:
                name = found.lstrip("</")
                read = found[: len(found) - len(name)] + SWAPPED[name.lower()]
            if read != found:
                changes.append((match.start(), len(found)))
            return read

        read = written[:start] + CMARK_READS_RE.sub(change, written[start:])
        assert len(read) == len(written)  # every offset holds
        return cls(written, read, tuple((at + start, size) for at, size in changes))

    def with_block_starts(self, offsets: Sequence[int]) -> Reading:
        """The page with the tags at these offsets renamed `p`: each starts an HTML block."""
        read = self.read
        changes = list(self.changes)
        for offset in offsets:
            tag = TAG_ALONE_RE.match(self.written, offset)
            assert tag is not None
            start, end = tag.span("open") if tag["open"] else tag.span("closing")
            read = read[:start] + "p" + " " * (end - start - 1) + read[end:]
            changes.append((start, end - start))
        changes.sort()
        return Reading(self.written, read, tuple(changes), self.starts | frozenset(offsets))

    @cached_property
    def offsets(self) -> list[int]:
        """Where each change starts, for bisecting."""
        return [at for at, _ in self.changes]

    def restore(self, value: str, start: int, end: int) -> str:
        """An event's value as written, given its source range."""
        offsets = self.offsets
        first = bisect.bisect_left(offsets, start)
        if first == len(offsets) or offsets[first] >= end:
            return value
        if self.read[start:end] == value:  # an HTML line, inline HTML on one line: a slice
            return self.written[start:end]
        # a code span's content, text with escapes: each change found again in the value
        restored, cursor = value, 0
        for at, size in self.changes[first:]:
            if at >= end:
                break
            found = restored.find(self.read[at : at + size], cursor)
            if found >= 0:
                restored = (
                    restored[:found] + self.written[at : at + size] + restored[found + size :]
                )
                cursor = found + size
        return restored


class Structure:
    """The blocks pulldown-cmark reports, as far as `block_starts` needs them: the containers
    open, the leaf block open, and every paragraph in a container (or beginning with `<`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.containers: Chain = None
        self.leaf: str | None = None  # Paragraph, Heading, CodeBlock, HtmlBlock or Table
        self.tight: tuple[int, int, Chain] | None = None  # text in a list item, no paragraph
        self.paragraphs: list[Paragraph] = []

    def start(self, name: str, start: int, end: int) -> None:
        """A block (or an inline tag: emphasis, a link) starts."""
        if name in INLINE_TAGS:
            return
        self.rule()
        if name in CONTAINERS:
            self.containers = (CONTAINERS[name], start, self.containers)
        elif name in LEAVES:
            self.leaf = name
            # a setext heading's lines may continue a paragraph lazily too
            first_tag = name == "Paragraph" and self.text.startswith("<", start)
            if first_tag or (self.containers and name in ("Paragraph", "Heading")):
                self.paragraphs.append(Paragraph(start, end, self.containers))

    def end(self, name: str) -> None:
        """A block (or an inline tag) ends."""
        if name in INLINE_TAGS:
            return
        self.rule()
        if name == self.leaf:
            self.leaf = None
        elif name in CONTAINERS and self.containers is not None:
            self.containers = self.containers[2]

    def inline_text(self, start: int, end: int) -> None:
        """Text, code or inline HTML: outside a paragraph, a tight list item's text."""
        if self.leaf is not None or self.containers is None:
            return
        if self.tight is None:
            self.tight = (start, end, self.containers)
        else:
            self.tight = (self.tight[0], end, self.tight[2])

    def rule(self) -> None:
        """A block comes: a tight item's text before it ends."""
        if self.tight is not None:
            self.paragraphs.append(Paragraph(*self.tight))
            self.tight = None


def block_starts(
    written: str, paragraphs: Sequence[Paragraph], definition_ends: frozenset[int]
) -> list[int]:
    """Where cmark-gfm starts an HTML block of kind 7 in what pulldown-cmark read as a
    paragraph: at its first line (after anything but a link reference definition), or at
    a line continuing it lazily."""
    columns = _Columns(written)
    found: set[int] = set()
    for paragraph in paragraphs:
        start, containers = paragraph.start, paragraph.containers
        line_start = written.rfind("\n", 0, start) + 1
        if TAG_ALONE_RE.match(written, start):
            # after a definition, the line continues cmark-gfm's paragraph (definitions are
            # taken from its start when it ends): only lazily does it start a block
            after_definition = bool({line_start - 1, line_start - 2} & definition_ends)
            if not after_definition or columns.starts_block_lazily(start, containers):
                found.add(start)
        if containers is None:
            continue
        for line in LINE_STARTING_WITH_TAG_RE.finditer(written, start, paragraph.end):
            offset = line.end() - 1
            if TAG_ALONE_RE.match(written, offset) and columns.starts_block_lazily(
                offset, containers
            ):
                found.add(offset)
    return sorted(found)


class _Columns:
    """Which containers a line continues, computed as CommonMark does: columns with tabs to
    the next multiple of 4, a quote's `>` after at most 3 spaces, an item's content indent."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.widths: dict[int, int] = {}

    def starts_block_lazily(self, offset: int, chain: Chain) -> bool:
        """Whether the line lacks a container's marker or indent, and its tag stands at most 3
        columns right of the last container it continues (further is indented code)."""
        if chain is None:
            return False
        containers = outermost_first(chain)
        line_start = self.text.rfind("\n", 0, offset) + 1
        matched, column = self._matched(line_start, containers)
        return matched < len(containers) and self._column(line_start, offset) - column <= 3

    def _matched(self, line_start: int, containers: Sequence[Container]) -> tuple[int, int]:
        """How many of the containers the line continues, and the column after them."""
        line = self._line(line_start)
        column = 0
        for index, (kind, start) in enumerate(containers):
            if start >= line_start:  # opened on this line: its marker is here
                column = _content(line, max(column, self._column(line_start, start)), kind)
                continue
            if kind == QUOTE:
                marker = column + _spaces(line, column)
                if marker - column > 3 or line[marker : marker + 1] != ">":
                    return index, column
                column = _after_space(line, marker + 1)
            else:
                width = (
                    FOOTNOTE_INDENT if kind == FOOTNOTE else self._width(containers[: index + 1])
                )
                if _spaces(line, column) < width:
                    return index, column
                column += width
        return len(containers), column

    def _width(self, containers: Sequence[Container]) -> int:
        """A list item's content indent, relative to its parent's content on its first line."""
        start = containers[-1][1]
        if start not in self.widths:
            line_start = self.text.rfind("\n", 0, start) + 1
            _, parent = self._matched(line_start, containers[:-1])
            line = self._line(line_start)
            content = _content(line, max(parent, self._column(line_start, start)), ITEM)
            self.widths[start] = content - parent
        return self.widths[start]

    def _line(self, line_start: int) -> str:
        end = self.text.find("\n", line_start)
        return self.text[line_start : end if end >= 0 else None].rstrip("\r").expandtabs(4)

    def _column(self, line_start: int, offset: int) -> int:
        return len(self.text[line_start:offset].expandtabs(4))


def _content(line: str, column: int, kind: str) -> int:
    """The content column of a container whose marker is on the line, at or after `column`."""
    marker = column + _spaces(line, column)
    if kind == QUOTE:
        return _after_space(line, marker + 1)
    if kind == FOOTNOTE:  # `[^label]:` and a space: only continuation lines are measured
        return marker
    match = LIST_MARKER_RE.match(line, marker)
    after = match.end() if match else marker + 1
    gap = _spaces(line, after)
    if after + gap >= len(line) or gap > 4:  # nothing after the marker, or indented code
        return after + 1
    return after + gap


def _spaces(line: str, column: int) -> int:
    return len(line) - column - len(line[column:].lstrip(" "))


def _after_space(line: str, column: int) -> int:
    return column + 1 if line[column : column + 1] == " " else column
