"""One positioned parse of a page: markdown through pulldown-cmark (pyromark), HTML through
html.parser.

Every link, image, HTML tag, heading, reference definition, comment and run of visible text
is a frozen record carrying its offsets in the original text (BOM, CRLF and all), so `check`,
`annotate` and `links` share one parse instead of pattern-matching lines. pulldown-cmark is
CommonMark with GFM's tables, footnotes, strikethrough, task lists and alerts; it reads any
depth of nesting in time linear in the input, and gives every event its source range. Where
it reads blocks otherwise than cmark-gfm, GitHub's renderer, it is given text that it reads
as cmark-gfm does (blocks.py). What GitHub does not show is not recorded: what a comment left
open by an HTML block hides, footnotes no reference uses."""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any, Protocol, TypeVar

import pyromark

from updater.page.blocks import Reading, Structure, block_starts
from updater.page.html import CLOSED_AT_END, TagScanner
from updater.page.records import (
    Comment,
    Definition,
    Heading,
    Image,
    Link,
    Tag,
    Text,
)

# The line breaks CommonMark knows: offsets are counted on the original text.
NEWLINE_RE = re.compile(r"\r\n?|\n")
# GFM extended autolinks (www., http://, https://) and their end rules, applied to prose.
# (found by its start; the character before must be a line start, space, `*`, `_`, `~` or `(`)
BARE_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<]+", re.IGNORECASE)
NEWLINE_IN_CONTENT_RE = re.compile("\n")
TRAILING_PUNCTUATION = "?!.,:*_~'\""
ENTITY_TAIL_RE = re.compile(r"&[a-zA-Z0-9]+;$")
DEFINITION_LABEL_RE = re.compile(r"\[((?:[^\]\\]|\\.)*)\]:")
# An ATX heading's closing `#`s after a tab, which pulldown-cmark keeps as text (cmark-gfm
# does not), and trailing tabs.
TAB_CLOSING_RE = re.compile(r"\t#+[ \t]*$", re.MULTILINE)
CLOSING_RE = re.compile(r"[ \t]+#+[ \t]*$")
# A CR not followed by LF ends a line for CommonMark and cmark-gfm, not for pulldown-cmark:
# the parse reads it as LF (one character for one, so no offset moves).
LONE_CR_RE = re.compile(r"\r(?!\n)")
NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
# An HTML tag's start left in prose: the parser did not take it as a tag (no `>`, or broken
# attributes), so GitHub shows it as text.
TAG_IN_TEXT_RE = re.compile(r"(?<!\\)<([a-zA-Z][a-zA-Z0-9]*)(?=[\s/]|$)")
HTML_NAMES = frozenset(
    ["a", "abbr", "b", "blockquote", "br", "center", "code", "dd", "del", "details", "div", "dl",
     "dt", "em", "embed", "figure", "font", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
     "iframe", "img", "input", "ins", "kbd", "li", "link", "meta", "object", "ol", "p",
     "picture", "pre", "q", "s", "samp", "script", "source", "span", "strong", "style", "sub",
     "summary", "sup", "svg", "table", "tbody", "td", "th", "thead", "tr", "tt", "u", "ul",
     "video"]
)  # fmt: skip
# GitHub's dialect as pulldown-cmark has it (alerts come with ENABLE_GFM). Math stays prose:
# GitHub renders it in the browser from the text, and the preview protects it separately.
OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_GFM
)
# Blocks whose inline content is prose (a run of text ends with them).
INLINE_CONTAINERS = frozenset({"Paragraph", "Heading", "TableCell", "Item"})
HTML_BLOCK_START = {"Start": "HtmlBlock"}
# Reading again where cmark-gfm starts HTML blocks pulldown-cmark did not (blocks.py): each
# pass takes every such line it finds; a new one appears only where the blocks changed.
PASSES = 4


class _Positioned(Protocol):
    @property
    def start(self) -> int: ...


_Record = TypeVar("_Record", bound=_Positioned)
_Pair = TypeVar("_Pair", bound=tuple[int, Any])
# Events with a value as written (given back as written where pulldown-cmark read a change).
TEXT_EVENTS = frozenset({"Text", "Html", "InlineHtml", "Code"})
LINK_KINDS = {
    "Inline": "inline",
    "Autolink": "autolink",
    "Email": "autolink",
    "Reference": "reference",
    "Collapsed": "reference",
    "Shortcut": "reference",
}


@dataclass(frozen=True)
class Document:
    """The parsed page: the original text and everything found in it, in document order."""

    text: str
    line_starts: tuple[int, ...]
    links: tuple[Link, ...]
    images: tuple[Image, ...]
    tags: tuple[Tag, ...]
    comments: tuple[Comment, ...]
    definitions: tuple[Definition, ...]
    headings: tuple[Heading, ...]
    texts: tuple[Text, ...]
    unclosed: tuple[Tag, ...]  # tags cut off by the end of an HTML block or the file
    code_spans: tuple[tuple[int, int], ...] = ()  # inline code, backticks included
    footnotes: frozenset[str] = frozenset()  # labels of `[^label]:` definitions
    # `<img src=x` or `<img ... /onerror=x>` in prose: not a valid tag, so shown as text
    tags_as_text: tuple[tuple[int, str], ...] = ()
    unclosed_comments: tuple[int, ...] = ()  # `<!--` never closed: hides the rest

    @cached_property
    def image_starts(self) -> list[int]:
        """Start offsets of the images, for bisecting."""
        return [image.start for image in self.images]

    @cached_property
    def link_starts(self) -> list[int]:
        """Start offsets of the links, for bisecting."""
        return [link.start for link in self.links]

    def images_at(self, start: int) -> tuple[Image, ...]:
        """The image (if any) whose source starts at this offset."""
        index = bisect.bisect_left(self.image_starts, start)
        found = self.images[index : index + 1]
        return found if found and found[0].start == start else ()

    def link_images_at(self, start: int) -> tuple[Image, ...]:
        """The images inside the link (if any) whose source starts at this offset."""
        index = bisect.bisect_left(self.link_starts, start)
        found = self.links[index : index + 1]
        return found[0].images if found and found[0].start == start else ()

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1


def line_starts(text: str) -> tuple[int, ...]:
    """Offsets where each line starts, with CommonMark's notion of a line break."""
    first = 1 if text.startswith("\ufeff") else 0
    return (first, *(match.end() for match in NEWLINE_RE.finditer(text)))


@lru_cache(maxsize=16)
def parse(text: str) -> Document:
    """Parse a page once; every later question is answered from the records.

    Remembered for the last few texts: a run asks of the same page for its links, then for
    its numbers (annotate), then check; the records are frozen, so sharing them is safe."""
    with no_cycle_collection():
        return _parse(text)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused: the parse allocates hundreds of thousands of records that
    live until it ends, and collecting while they pile up took 40% of the time on 1 MB."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Everything allocated so far goes straight to the oldest generation (freeze, then
        # unfreeze: two list splices). Re-enabled as it was, the collector's next young pass
        # would walk every record of the parse, only to find that they are all alive.
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def _parse(text: str) -> Document:
    starts = line_starts(text)
    written = LONE_CR_RE.sub("\n", text) if "\r" in text else text
    reading = Reading.of(written, starts[0])
    chars = _CharOffsets(written[starts[0] :], starts[0])
    for _ in range(PASSES):
        builder = _Builder(text, starts, reading)
        _read(builder, reading.read[starts[0] :], chars)
        # The first definition of each label (a later one is never used, so never checked).
        found = pyromark.reference_definitions(reading.read[starts[0] :], options=OPTIONS)
        spans = sorted(
            (chars(d["span"]["start"]), chars(d["span"]["end"]), d["dest"]) for d in found.values()
        )
        ends = frozenset(end for _, end, _ in spans)
        more = [
            at
            for at in block_starts(written, builder.blocks.paragraphs, ends)
            if at not in reading.starts
        ]
        if not more:
            break
        reading = reading.with_block_starts(more)
    definitions = [Definition(_label(text, at), url, at, False) for at, _, url in spans]
    return builder.document(tuple(definitions))


def _read(builder: _Builder, body: str, chars: _CharOffsets) -> None:
    """Every event of the body, with offsets into the text, to the builder."""
    event_of = builder.event
    if chars.identity:  # an ASCII page: offsets are as given, no call per event
        base = chars.base
        for event, span in pyromark.events_with_range(body, options=OPTIONS):
            event_of(event, span["start"] + base, span["end"] + base)
    else:
        for event, span in pyromark.events_with_range(body, options=OPTIONS):
            event_of(event, chars(span["start"]), chars(span["end"]))


def unparsed(text: str) -> Document:
    """The page with no records: for a preview that needs nothing from the markdown parse."""
    empty = ()
    return Document(text, line_starts(text), empty, empty, empty, empty, empty, empty, empty, empty)


class _CharOffsets:
    """pyromark's ranges are UTF-8 byte offsets into the body: these are character offsets
    into the text (the BOM before the body counted as one character)."""

    def __init__(self, body: str, base: int) -> None:
        self.base = base
        self.identity = body.isascii()
        self.byte_starts: list[int] = []
        self.runs: list[tuple[int, int, int, str]] = []  # byte start, byte end, char start, run
        extra = 0
        if not self.identity:
            for match in NON_ASCII_RE.finditer(body):
                run = match[0]
                size = len(run.encode("utf-8"))
                start = match.start() + extra
                self.byte_starts.append(start)
                self.runs.append((start, start + size, match.start(), run))
                extra += size - len(run)

    def __call__(self, offset: int) -> int:
        if self.identity:
            return offset + self.base
        index = bisect.bisect_right(self.byte_starts, offset) - 1
        if index < 0:
            return offset + self.base
        byte_start, byte_end, char_start, run = self.runs[index]
        if offset >= byte_end:
            return offset - byte_end + char_start + len(run) + self.base
        inside = run.encode("utf-8")[: offset - byte_start].decode("utf-8", "ignore")
        return char_start + len(inside) + self.base


@dataclass
class _Span:
    """A link or image being read: its inner events collected until it ends."""

    event: dict[str, Any]
    start: int
    end: int
    parts: list[str]
    images: list[Image]
    first: int = -1  # the source range of its inner events (an image's alt as written)
    last: int = -1


class _Builder:
    """Reads the event stream once, turning ranges into records with original offsets."""

    def __init__(self, text: str, starts: tuple[int, ...], reading: Reading) -> None:
        self.text, self.starts = text, starts
        self.reading = reading if reading.changes else None
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.headings: list[Heading] = []
        self.texts: list[Text] = []
        self.code_spans: list[tuple[int, int]] = []
        self.tags_as_text: list[tuple[int, str]] = []
        # `[^label]:` definitions (label, start, end): cmark-gfm shows only those referenced
        self.footnotes: list[tuple[str, int, int]] = []
        self.footnote_references: set[str] = set()
        self.footnote_labels: list[str] = []  # of the definitions open
        self.scanner = TagScanner()
        self.heading: tuple[int, int, list[str]] | None = None  # level, start, text parts
        self.link: _Span | None = None
        self.image: _Span | None = None
        self.nested = 0  # links and images inside the open image's alt, or the open link
        self.html: list[tuple[str, int]] = []  # the lines of the HTML block being read
        # HTML blocks one after the other come out as one run of raw HTML: read together, as
        # the browser does, a tag or comment left open in one goes on in the next.
        self.html_ended = False
        self.run = (-1, -1)  # the prose being read: its source range
        self.blocks = Structure(text)  # where cmark-gfm may start HTML blocks (blocks.py)
        self.code_marks: list[int] = []  # the code-like tags open where each block began
        self.on: dict[str, Callable[[Any, int, int], None]] = {
            "Text": self._on_text,
            "Start": self._start,
            "End": self._end,
            "Html": self._on_html,
            "Code": self._on_code,
            "InlineHtml": self._on_inline_html,
            "FootnoteReference": self._on_footnote_reference,
        }

    def event(self, event: Any, start: int, end: int) -> None:
        if self.html_ended:
            self.html_ended = False
            if event != HTML_BLOCK_START:
                self._close_html()
        if isinstance(event, str):  # SoftBreak, HardBreak, Rule
            if event == "Rule":
                self.blocks.rule()
            elif self.image is None:
                self._text(" ", start, end)
            return
        kind, value = next(iter(event.items()))
        if kind in TEXT_EVENTS:
            self.blocks.inline_text(start, end)
            if self.reading is not None:
                value = self.reading.restore(value, start, end)
        if self.heading is not None and self.heading[1] < 0 and kind != "End":
            self.heading = (self.heading[0], start, self.heading[2])  # where its text starts
        handler = self.on.get(kind)
        if handler is not None:
            handler(value, start, end)

    def _on_text(self, value: str, start: int, end: int) -> None:
        # a code block's text is not prose, nor an HTML block's indentation
        if self.blocks.leaf not in ("CodeBlock", "HtmlBlock"):
            self._text(value, start, end)

    def _on_html(self, value: str, start: int, end: int) -> None:
        del end
        self.html.append((value, start))

    def _on_code(self, value: str, start: int, end: int) -> None:
        self._flush()
        self.code_spans.append((start, end))
        self._inner(value, start, end)

    def _on_inline_html(self, value: str, start: int, end: int) -> None:
        self._flush()
        self.scanner.feed(value, self._inline_offsets(value, start, end))
        if self.image is not None:
            self._widen(self.image, start, end)

    def _on_footnote_reference(self, value: str, start: int, end: int) -> None:
        del start, end
        self._flush()
        self.footnote_references.add(_footnote_label(value))

    def _text(self, value: str, start: int, end: int) -> None:
        self._inner(value, start, end)
        if self.image is None and self.link is None:  # prose, not a label or an alt
            first = self.run[0]
            self.run = (start if first < 0 else first, end)

    def _inner(self, value: str, start: int, end: int) -> None:
        """Text a reader sees in a heading or a link label."""
        if self.image is not None:
            self._widen(self.image, start, end)
            self.image.parts.append(value)
            return
        if self.heading is not None:
            self.heading[2].append(value)
        if self.link is not None:
            self.link.parts.append(value)

    @staticmethod
    def _widen(span: _Span, start: int, end: int) -> None:
        span.first = start if span.first < 0 else span.first
        span.last = max(span.last, end)

    def _start(self, value: Any, start: int, end: int) -> None:
        name = value if isinstance(value, str) else _kind(value)
        self.blocks.start(name, start, end)
        if name in CLOSED_AT_END:
            self.code_marks.append(self.scanner.code_mark())
        if self.image is not None:  # the alt text: emphasis, links and images in it are text
            self._widen(self.image, start, end)
            if name in ("Link", "Image"):
                self.nested += 1
        elif isinstance(value, str):
            if value in INLINE_CONTAINERS or value == "HtmlBlock":
                self._flush()
        else:
            self._start_tagged(name, value[name], start, end)

    def _start_tagged(self, kind: str, detail: Any, start: int, end: int) -> None:
        """The start of a link, image, heading, code block, footnote, quote, list..."""
        if kind != "FootnoteDefinition":
            self._flush()
        if kind == "Link":
            if self.link is not None:  # `[<https://a.b>](c)`: the outer link is what opens
                self.nested += 1
                return
            if detail["link_type"] == "Collapsed" and self.text.startswith("[]", end):
                end += 2  # pulldown-cmark's range stops before the `[]`
            self.link = _Span(detail, start, end, [], [])
        elif kind == "Image":
            self.image = _Span(detail, start, end, [], [])
        elif kind == "Heading":
            self.heading = (int(detail["level"][1]), -1, [])
        elif kind == "FootnoteDefinition":
            self.footnote_labels.append(detail)

    def _end(self, value: Any, start: int, end: int) -> None:
        kind = value if isinstance(value, str) else _kind(value)
        self.blocks.end(kind)
        if kind in CLOSED_AT_END and self.code_marks:
            self._flush()  # the prose read so far is inside what the block ends
            self.scanner.block_ends(self.code_marks.pop(), CLOSED_AT_END[kind])
        if kind in ("Link", "Image") and self.nested:
            self.nested -= 1
            if self.image is not None:
                self._widen(self.image, start, end)
        elif self.image is not None:
            if kind == "Image":
                self._close_image()
            else:
                self._widen(self.image, start, end)
        elif kind == "Link" and self.link is not None:
            self._close_link()
        elif kind == "HtmlBlock":
            self.html_ended = True
        elif kind == "Heading" and self.heading is not None:
            self._close_heading(start, end)
        elif kind in INLINE_CONTAINERS:
            self._flush()
        elif kind == "FootnoteDefinition":
            self.footnotes.append((self.footnote_labels.pop(), start, end))

    def _close_heading(self, start: int, end: int) -> None:
        assert self.heading is not None
        self._flush()
        level, first, parts = self.heading
        text = "".join(parts)
        if TAB_CLOSING_RE.search(self.text, first if first >= 0 else start, end):
            text = CLOSING_RE.sub("", text)
        heading_start = start if first < 0 else first
        self.headings.append(Heading(level, text.rstrip(" \t"), heading_start, "markdown"))
        self.heading = None

    def _close_link(self) -> None:
        link = self.link
        assert link is not None
        self.link = None
        detail = link.event
        kind = LINK_KINDS.get(detail["link_type"], "reference")
        url = detail["dest_url"]
        if detail["link_type"] == "Email":
            url = "mailto:" + url
        label = detail["id"] if kind == "reference" else None
        images = tuple(link.images)
        self.links.append(Link(url, kind, link.start, link.end, "".join(link.parts), images, label))
        label_end = self.text.rfind("]", link.start, link.end)
        if self.text[link.start] == "[" and label_end > link.start:
            self.texts.append(Text(self.text[link.start + 1 : label_end], link.start + 1))

    def _close_image(self) -> None:
        image = self.image
        assert image is not None
        self.image = None
        alt = self.text[image.first : image.last] if image.first >= 0 else ""
        record = Image(str(image.event["dest_url"]), alt, image.start, image.end, "markdown")
        self.images.append(record)
        if self.link is not None:
            self.link.images.append(record)

    def _close_html(self) -> None:
        if not self.html:
            return
        content = "".join(piece for piece, _ in self.html)
        # a line break after a line is an event of its own, and a CRLF's starts at the LF:
        # counted from the CR, the tag before it ends where it ends
        offsets = _Pieces(
            [
                (
                    piece,
                    start - 1
                    if piece[:1] == "\n" and self.text[start - 1 : start] == "\r"
                    else start,
                )
                for piece, start in self.html
            ]
        )
        self.html = []
        self.scanner.feed(content, offsets, block_end=True)

    def _inline_offsets(self, content: str, start: int, end: int) -> Callable[[int], int]:
        """Offsets of inline HTML: one line is its range; over several lines, each line
        is found at the end of its source line (quote markers and indentation stripped)."""
        if "\n" not in content:
            return lambda index: start + index
        pieces = content.split("\n")
        anchors = [start]
        cursor = start
        for index, piece in enumerate(pieces[1:], 1):
            newline = self.text.find("\n", cursor, end)
            line_start = newline + 1 if newline >= 0 else cursor
            if index == len(pieces) - 1:
                line_end = end
            else:
                following = self.text.find("\n", line_start, end)
                line_end = following if following >= 0 else end
            found = self.text.rfind(piece, line_start, line_end) if piece else -1
            anchors.append(found if found >= 0 else line_start)
            cursor = line_start
        return _Offsets(anchors, content)

    def _flush(self) -> None:
        """The prose read since the last link, image, code or tag: visible text, checked for
        template leftovers, broken tags and bare URLs."""
        start, end = self.run
        if start < 0:
            return
        self.run = (-1, -1)
        self._prose(self.text[start:end], start)

    def _prose(self, piece: str, start: int) -> None:
        if not piece:
            return
        if not self.scanner.in_code():  # `<code>None</code>`: shown as written, not linted
            self.texts.append(Text(piece, start))
            for match in TAG_IN_TEXT_RE.finditer(piece) if "<" in piece else ():
                if match[1].lower() in HTML_NAMES:
                    self.tags_as_text.append((start + match.start(), match[1].lower()))
        if self.scanner.inside_link():
            self.scanner.data(piece, start, prose=False)
        # cmark-gfm autolinks any markdown text, inside raw <code> or <a> too (the browser then
        # closes an <a> where the next one opens)
        if "://" not in piece and "www." not in piece.lower():
            return
        for match in BARE_URL_RE.finditer(piece):
            if match.start() and not (
                piece[match.start() - 1].isspace()
                or piece[match.start() - 1] in "*_~("
                or _after_quote_markers(piece, match.start())
            ):
                continue
            url = _trim_autolink(match[0])
            if "." not in url.split("://")[-1]:
                continue
            begin = start + match.start()
            target = url if "://" in url else "http://" + url
            self.links.append(Link(target, "bare", begin, begin + len(url), url))

    def document(self, definitions: tuple[Definition, ...]) -> Document:
        self._flush()
        self._close_html()
        scanner = self.scanner
        scanner.close(len(self.text))
        shown = {
            label
            for label, _, _ in self.footnotes
            if _footnote_label(label) in self.footnote_references
        }
        dropped = [(start, end) for label, start, end in self.footnotes if label not in shown]
        hidden, dropped_footnotes = _Hidden(scanner.hidden + dropped), _Hidden(dropped)
        images = hidden.drop(self.images + scanner.images())
        images.sort(key=lambda image: image.start)
        image_starts = [image.start for image in images]
        links = [
            _with_images(link, images, image_starts)
            for link in hidden.drop(self.links + scanner.links())
        ]
        links.sort(key=lambda link: link.start)
        headings = hidden.drop(self.headings) + hidden.drop(
            [Heading(int(tag.name[1]), text, tag.start, "html") for tag, text in scanner.headings()]
        )
        headings.sort(key=lambda heading: heading.start)
        texts = sorted(hidden.drop(self.texts + scanner.texts), key=lambda run: run.start)
        return Document(
            self.text,
            self.starts,
            tuple(links),
            tuple(images),
            tuple(dropped_footnotes.drop(scanner.tags)),
            tuple(dropped_footnotes.drop(scanner.comments)),
            definitions,
            tuple(headings),
            tuple(texts),
            tuple(dropped_footnotes.drop(scanner.unclosed)),
            tuple(hidden.drop_at(self.code_spans)),
            frozenset(shown),
            tuple(hidden.drop_at(self.tags_as_text)),
            tuple(at for at in scanner.unclosed_comments if at not in dropped_footnotes),
        )


class _Hidden:
    """What GitHub does not show, though the markdown is rendered: what follows a comment an
    HTML block leaves open (it is all inside the comment), and footnote definitions no
    reference uses (cmark-gfm drops them)."""

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.ranges = merged
        self.starts = [start for start, _ in merged]

    def __contains__(self, offset: int) -> bool:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ranges[index][1]

    def drop(self, records: list[_Record]) -> list[_Record]:
        """The records that start where the reader sees them."""
        return (
            [record for record in records if record.start not in self] if self.ranges else records
        )

    def drop_at(self, pairs: list[_Pair]) -> list[_Pair]:
        """The (offset, ...) pairs whose offset the reader sees."""
        return [pair for pair in pairs if pair[0] not in self] if self.ranges else pairs


class _Pieces:
    """Maps an offset in text joined from pieces to one in the source, given where each piece
    starts there (an HTML block's lines and line breaks, each an event of its own)."""

    def __init__(self, pieces: Sequence[tuple[str, int]]) -> None:
        self.joined_starts: list[int] = []
        self.source_starts: list[int] = []
        joined = 0
        for piece, start in pieces:
            self.joined_starts.append(joined)
            self.source_starts.append(start)
            joined += len(piece)

    def __call__(self, index: int) -> int:
        piece = max(0, bisect.bisect_right(self.joined_starts, index) - 1)
        return self.source_starts[piece] + index - self.joined_starts[piece]


class _Offsets:
    """Maps an offset in a block's content (lines joined by "\\n") to one in the source."""

    def __init__(self, anchors: Sequence[int], content: str = "") -> None:
        self.anchors = anchors
        self.line_starts = [0]
        if "\n" in content:
            self.line_starts += [match.end() for match in NEWLINE_IN_CONTENT_RE.finditer(content)]

    def __call__(self, index: int) -> int:
        line = bisect.bisect_right(self.line_starts, index) - 1
        line = min(line, len(self.anchors) - 1)
        return self.anchors[line] + index - self.line_starts[line]


def _after_quote_markers(piece: str, index: int) -> bool:
    """Whether only a continuation line's `>` markers stand before `index` on its line: the
    prose is sliced from the source, where GitHub sees the line without them."""
    line_start = piece.rfind("\n", 0, index) + 1
    return line_start > 0 and not piece[line_start:index].strip(" \t>")


def _footnote_label(label: str) -> str:
    """A footnote label as cmark-gfm matches it: case and runs of spaces do not count."""
    return " ".join(label.split()).casefold()


def _kind(value: dict[str, Any]) -> str:
    return next(iter(value))


def _label(text: str, start: int) -> str:
    match = DEFINITION_LABEL_RE.match(text, start)
    return match[1] if match else ""


def _with_images(link: Link, images: Sequence[Image], starts: Sequence[int]) -> Link:
    """The link with every image written inside its span."""
    first = bisect.bisect_left(starts, link.start)
    last = bisect.bisect_left(starts, link.end, lo=first)
    return replace(link, images=tuple(images[first:last])) if last > first else link


def _trim_autolink(url: str) -> str:
    """GFM's end rules: trailing punctuation, an unbalanced `)`, an entity-like `&x;`."""
    unbalanced = url.count(")") - url.count("(")
    while url:
        entity = ENTITY_TAIL_RE.search(url[-40:]) if url.endswith(";") else None
        if entity:
            url = url[: len(url) - len(entity[0])]
        elif url[-1] in TRAILING_PUNCTUATION:
            url = url[:-1]
        elif url[-1] == ")" and unbalanced > 0:
            url, unbalanced = url[:-1], unbalanced - 1
        else:
            break
    return url
