"""One positioned parse of a page: markdown through markdown-it-py, HTML through html.parser.

Every link, image, HTML tag, heading, reference definition, comment and run of visible text
is a frozen record carrying its offsets in the original text (BOM, CRLF and all), so `check`,
`annotate` and `links` share one parse instead of pattern-matching lines."""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from updater.page.html import TagScanner
from updater.page.records import (
    Comment,
    Definition,
    Heading,
    Image,
    Link,
    Tag,
    Text,
)

# The line breaks markdown-it normalizes to "\n": offsets are counted on the original text.
NEWLINE_RE = re.compile(r"\r\n?|\n")
# GFM extended autolinks (www., http://, https://) and their end rules, applied to prose.
# (found by its start; the character before must be a line start, space, `*`, `_`, `~` or `(`)
BARE_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<]+", re.IGNORECASE)
NEWLINE_IN_CONTENT_RE = re.compile("\n")
TRAILING_PUNCTUATION = "?!.,:*_~'\""
ENTITY_TAIL_RE = re.compile(r"&[a-zA-Z0-9]+;$")
# Inline tokens whose source is not prose: bare URLs and visible text are looked for around them.
DEFINITION_LABEL_RE = re.compile(r"\[((?:[^\]\\]|\\.)*)\]:")
# The inline rules whose tokens need source spans (the rest are wrapped for nothing).
SPANNED_RULES = ("backticks", "link", "image", "autolink", "html_inline")
# Deeper than this (32 quotes, or lists 32 levels in), markdown-it stops reading; check reports
# such a region instead of passing it unseen. Parse time grows with depth times lines.
MAX_NESTING = 64
INLINE_NESTING = 32
FOOTNOTE_RE = re.compile(r"\[\^([^\]\s]+)\]:[ \t]*")
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
# The characters markdown-it's inline rules start at (its terminators), and line breaks.
INLINE_SPECIAL_RE = re.compile(r"[\n!#$%&*+\-:<=>@\[\\\]^_`{}~]")
OPAQUE = frozenset({"code_inline", "html_inline", "image", "link_open", "math_inline"})


@dataclass(frozen=True)
class Document:
    """The parsed page: the original text and everything found in it, in document order."""

    text: str
    line_starts: tuple[int, ...]
    tokens: tuple[Token, ...]
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
    too_deep: tuple[int, ...] = ()  # starts of regions nested too deep for the parser
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


class _Markdown(MarkdownIt):
    """URLs kept as written (after unescaping), javascript: included, so check sees them."""

    def validateLink(self, url: str) -> bool:
        return True

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link


@cache
def markdown() -> MarkdownIt:
    """GFM-like markdown-it that records source spans on inline tokens."""
    md = _Markdown("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    md.block.ruler.before(
        "reference",
        "footnote",
        _footnote(md.block.ruler.__rules__[_index(md, "paragraph")].fn),
        {"alt": ["paragraph", "reference"]},
    )
    md.core.ruler.at("inline", _inline)
    tokenize = md.block.tokenize

    def bounded(state: StateBlock, start: int, end: int) -> None:
        """markdown-it skips what is nested deeper than maxNesting: remember where."""
        if state.level >= MAX_NESTING:
            first = state.skipEmptyLines(start)
            if first < end and state.sCount[first] >= state.blkIndent:
                state.env.setdefault("too_deep", []).append(first)
        tokenize(state, start, end)

    md.block.tokenize = bounded  # type: ignore[method-assign,assignment]  # the nested calls go through it
    for name in SPANNED_RULES:
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)].fn
        md.inline.ruler.at(name, _spanned(rule))
    md.block.ruler.at(
        "reference", _remembered(md.block.ruler.__rules__[_index(md, "reference")].fn)
    )
    return md


def _inline(state: StateCore) -> None:
    """markdown-it's inline stage, skipped for content with no character any inline rule
    starts at (table cells, plain list items): one text token, as the rules would give."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        if INLINE_SPECIAL_RE.search(token.content) is None:
            token.children = [Token("text", "", 0, content=token.content)]
        else:
            token.children = []
            # Inline nesting keeps markdown-it's 32: label scans cost length times depth.
            state.md.options["maxNesting"] = INLINE_NESTING
            try:
                state.md.inline.parse(token.content, state.md, state.env, token.children)
            finally:
                state.md.options["maxNesting"] = MAX_NESTING


def _footnote(
    paragraph: Callable[[StateBlock, int, int, bool], bool],
) -> Callable[[StateBlock, int, int, bool], bool]:
    """`[^label]: text`: a GFM footnote definition, read as a paragraph of its text (never as
    a link reference definition to `text`)."""

    def run(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if state.sCount[start] - state.blkIndent >= 4:
            return False
        begin = state.bMarks[start] + state.tShift[start]
        match = FOOTNOTE_RE.match(state.src, begin, state.eMarks[start])
        if match is None:
            return False
        if silent:
            return True
        state.env.setdefault("footnotes", []).append(match[1])
        if match.end() >= state.eMarks[start]:  # the text starts on the next line
            state.line = start + 1
            return True
        saved = state.bMarks[start], state.tShift[start], state.sCount[start]
        state.bMarks[start], state.tShift[start] = match.end(), 0
        state.sCount[start] = state.blkIndent
        try:
            return paragraph(state, start, end, False)
        finally:
            state.bMarks[start], state.tShift[start], state.sCount[start] = saved

    return run


def _index(md: MarkdownIt, name: str) -> int:
    return md.block.ruler.__find__(name)


def _spanned(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """Wrap an inline rule to store `(start, end)` in the meta of the tokens it pushes."""

    def run(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            for token in state.tokens[count:]:
                if token.type != "text" and "span" not in token.meta:
                    token.meta["span"] = (start, state.pos)
        return matched

    return run


def _remembered(
    rule: Callable[[StateBlock, int, int, bool], bool],
) -> Callable[[StateBlock, int, int, bool], bool]:
    """Wrap the reference rule to record each definition's line, label and duplication."""

    def run(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        references = state.env.setdefault("references", {})
        before = len(references)
        matched = rule(state, start, end, silent)
        if matched and not silent:
            added = len(references) > before
            label = next(reversed(references)) if added else ""
            offset = state.bMarks[start] + state.tShift[start]
            column = offset - (state.src.rfind("\n", 0, offset) + 1)
            state.env.setdefault("definitions", []).append(
                (start, label if added else None, column)
            )
        return matched

    return run


def line_starts(text: str) -> tuple[int, ...]:
    """Offsets where each line starts, with markdown-it's notion of a line break."""
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
    """The cycle collector paused: the parse allocates hundreds of thousands of tokens that
    live until it ends, and collecting while they pile up took 40% of the time on 1 MB."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(text: str) -> Document:
    starts = line_starts(text)
    body = text[starts[0] :]
    env: dict[str, Any] = {}
    tokens = markdown().parse(body, env)
    builder = _Builder(text, starts, env)
    for token in tokens:
        builder.block(token)
    return builder.document(tuple(tokens))


def unparsed(text: str) -> Document:
    """The page with no records: for a preview that needs nothing from markdown-it."""
    empty = ()
    return Document(
        text, line_starts(text), empty, empty, empty, empty, empty, empty, empty, empty, empty
    )


class _Builder:
    """Walks the token stream once, turning spans into records with original offsets."""

    def __init__(self, text: str, starts: tuple[int, ...], env: dict[str, Any]) -> None:
        self.text, self.starts, self.env = text, starts, env
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.headings: list[Heading] = []
        self.texts: list[Text] = []
        self.code_spans: list[tuple[int, int]] = []
        self.tags_as_text: list[tuple[int, str]] = []
        self.scanner = TagScanner()
        self.heading_level = 0
        self.cursor = (-1, 0)  # (line, offset): table cells share a line
        self.in_cell = False

    def line_end(self, line: int) -> int:
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            return end - (2 if self.text[end - 2 : end] == "\r\n" else 1)
        return len(self.text)

    def anchors(self, first_line: int, content: str) -> list[int]:
        """Source offset of the start of each line of a block's content."""
        result = []
        for index, piece in enumerate(content.split("\n")):
            line = min(first_line + index, len(self.starts) - 1)
            start, end = self.starts[line], self.line_end(line)
            if self.cursor[0] == line:
                start = max(start, self.cursor[1])
            found = self._locate(piece, start, end)
            result.append(found if found >= 0 else start)
            self.cursor = (line, (found + len(piece)) if found >= 0 else start)
        return result

    def _locate(self, piece: str, start: int, end: int) -> int:
        """Where a content line sits in its source line: a suffix (markers and indentation
        stripped, trailing space trimmed), or in a table cell, the next occurrence."""
        if not piece:
            return -1
        if not self.in_cell:
            trimmed = end
            while trimmed > start and self.text[trimmed - 1] in " \t":
                trimmed -= 1
            for stop in (end, trimmed):
                if self.text.endswith(piece, start, stop):
                    return stop - len(piece)
        return self.text.find(piece, start, end)

    def block(self, token: Token) -> None:
        if token.type in ("th_open", "td_open"):
            self.in_cell = True
        elif token.type in ("th_close", "td_close"):
            self.in_cell = False
        if token.type == "heading_open":
            self.heading_level = int(token.tag[1])
        elif token.type == "inline" and token.map is not None:
            self.inline(token, _Offsets(self.anchors(token.map[0], token.content), token.content))
            self.heading_level = 0
        elif token.type == "html_block" and token.map is not None:
            self.cursor = (-1, 0)
            offsets = _Offsets(self.anchors(token.map[0], token.content), token.content)
            self.scanner.feed(token.content, offsets, block_end=True)

    def inline(self, token: Token, offsets: _Offsets) -> None:
        children = token.children or []
        if self.heading_level:
            start = offsets(0)
            self.headings.append(Heading(self.heading_level, _plain(children), start, "markdown"))
        self.walk(token.content, children, offsets)

    def walk(self, content: str, children: Sequence[Token], offsets: _Offsets) -> None:
        """Links, images and inline HTML with their spans; prose in the gaps between them."""
        covered = 0
        index = 0
        while index < len(children):
            child = children[index]
            span = child.meta.get("span")
            if span is None or child.type not in OPAQUE or span[0] < covered:
                index += 1
                continue
            self.prose(content, covered, span[0], offsets, children)
            if child.type == "link_open":
                index = self.link(content, children, index, offsets)
                self.prose_inside(content, children, span, offsets)
            elif child.type == "image":
                self.images.append(_image(child, offsets(span[0]), offsets(span[1])))
                index += 1
            elif child.type == "code_inline":
                self.code_spans.append((offsets(span[0]), offsets(span[1])))
                index += 1
            elif child.type == "html_inline":
                self.scanner.feed(child.content, _shifted(offsets, span[0]))
                index += 1
            else:
                index += 1
            covered = span[1]
        self.prose(content, covered, len(content), offsets, children)

    def link(self, content: str, children: Sequence[Token], index: int, offsets: _Offsets) -> int:
        """Record the link opened at `index`; return the index after its close."""
        opening = children[index]
        start, end = opening.meta["span"]
        depth, inner, close = 0, [], index + 1
        while close < len(children):
            token = children[close]
            depth += token.nesting if token.type in ("link_open", "link_close") else 0
            if depth < 0:
                break
            inner.append(token)
            close += 1
        images = tuple(
            _image(t, offsets(t.meta["span"][0]), offsets(t.meta["span"][1]))
            for t in inner
            if t.type == "image" and "span" in t.meta
        )
        self.images.extend(images)
        source = content[start:end]
        kind, label = _link_kind(opening, source)
        url = str(opening.attrs.get("href", ""))
        self.links.append(
            Link(url, kind, offsets(start), offsets(end), _plain(inner), images, label)
        )
        for token in inner:
            if token.type == "html_inline" and "span" in token.meta:
                self.scanner.feed(token.content, _shifted(offsets, token.meta["span"][0]))
        return close + 1

    def prose_inside(
        self, content: str, children: Sequence[Token], span: tuple[int, int], offsets: _Offsets
    ) -> None:
        """The visible label of a link: from after `[` to its closing `]`."""
        label_end = content.rfind("]", span[0], span[1])
        if content[span[0]] == "[" and label_end > span[0]:
            self.texts.append(Text(content[span[0] + 1 : label_end], offsets(span[0] + 1)))

    def prose(
        self, content: str, start: int, end: int, offsets: _Offsets, children: Sequence[Token]
    ) -> None:
        if start >= end:
            return
        piece = content[start:end]
        if self.scanner.in_code():  # `<code>None</code>`: code is shown as written
            return
        self.texts.append(Text(piece, offsets(start)))
        for match in TAG_IN_TEXT_RE.finditer(piece) if "<" in piece else ():
            if match[1].lower() in HTML_NAMES:
                self.tags_as_text.append((offsets(start + match.start()), match[1].lower()))
        if self.scanner.inside_link():
            self.scanner.data(piece, offsets(start), prose=False)
            return
        for match in BARE_URL_RE.finditer(piece):
            if match.start() and not (
                piece[match.start() - 1].isspace() or piece[match.start() - 1] in "*_~("
            ):
                continue
            url = _trim_autolink(match[0])
            if "." not in url.split("://")[-1]:
                continue
            begin = offsets(start + match.start())
            target = url if "://" in url else "http://" + url
            self.links.append(Link(target, "bare", begin, begin + len(url), url))

    def document(self, tokens: tuple[Token, ...]) -> Document:
        self.scanner.close()
        definitions = tuple(
            Definition(
                _label(self.text, self.starts[line] + column),
                self._definition_url(label),
                self.starts[line] + column,
                label is None,
            )
            for line, label, column in self.env.get("definitions", [])
        )
        images = self.images + self.scanner.images()
        images.sort(key=lambda image: image.start)
        image_starts = [image.start for image in images]
        links = [
            _with_images(link, images, image_starts) for link in self.links + self.scanner.links()
        ]
        links.sort(key=lambda link: link.start)
        headings = self.headings + [
            Heading(int(tag.name[1]), text, tag.start, "html")
            for tag, text in self.scanner.headings()
        ]
        headings.sort(key=lambda heading: heading.start)
        return Document(
            self.text,
            self.starts,
            tokens,
            tuple(links),
            tuple(images),
            tuple(self.scanner.tags),
            tuple(self.scanner.comments),
            definitions,
            tuple(headings),
            tuple(self.texts) + tuple(self.scanner.texts),
            tuple(self.scanner.unclosed),
            tuple(self.code_spans),
            frozenset(self.env.get("footnotes", ())),
            tuple(self.starts[line] for line in self.env.get("too_deep", ())),
            tuple(self.tags_as_text),
            tuple(self.scanner.unclosed_comments),
        )

    def _definition_url(self, label: str | None) -> str:
        if label is None:
            return ""
        return str(self.env["references"][label].get("href", ""))


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


def _label(text: str, start: int) -> str:
    match = DEFINITION_LABEL_RE.match(text, start)
    return match[1] if match else ""


def _with_images(link: Link, images: Sequence[Image], starts: Sequence[int]) -> Link:
    """The link with every image written inside its span."""
    first = bisect.bisect_left(starts, link.start)
    last = bisect.bisect_left(starts, link.end, lo=first)
    return replace(link, images=tuple(images[first:last])) if last > first else link


def _shifted(offsets: Callable[[int], int], base: int) -> Callable[[int], int]:
    return lambda index: offsets(base + index)


def _plain(tokens: Sequence[Token]) -> str:
    """The text a reader sees, images by their alt text omitted (as GitHub's anchors do)."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _image(token: Token, start: int, end: int) -> Image:
    return Image(str(token.attrs.get("src", "")), token.content, start, end, "markdown")


def _link_kind(opening: Token, source: str) -> tuple[str, str | None]:
    if opening.markup == "autolink":
        return "autolink", None
    if source.endswith(")"):
        return "inline", None
    last = source.rfind("[")
    label = source[last + 1 : -1] if last > 0 else ""
    if not label:  # `[text][]` or `[text]`: the text is the label
        label = source[1 : source.find("]") if last > 0 else -1]
    return "reference", label


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


def iter_tokens(tokens: Sequence[Token]) -> Iterator[Token]:
    """Every token, children included, in document order."""
    for token in tokens:
        yield token
        if token.children:
            yield from iter_tokens(token.children)
