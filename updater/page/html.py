"""HTML fragments of a page (HTML blocks and inline tags) read with the stdlib parser, positioned.

The markdown parser hands over each fragment with a function mapping offsets in the fragment
to offsets in the page; the scanner keeps what spans fragments (an `<a>` opened in one inline
tag and closed in another, a heading's text) and records tags, comments and text."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from html.entities import html5
from html.parser import HTMLParser

from updater.page.records import Comment, Image, Link, Tag, Text

Offsets = Callable[[int], int]
TAG_NAME_RE = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
# Where HTML5 ends a comment (`<!-->` and `<!--->` aside): `-->` or `--!>`, never `-- >`.
COMMENT_END_RE = re.compile(r"--!?>")
NEWLINE_RE = re.compile("\n")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
NOT_PROSE = frozenset({"code", "pre", "kbd", "samp", "tt"})
# Of those, the formatting elements: the browser reopens one its block closed (HTML5's
# "reconstruct the active formatting elements"); the others end with their block.
REOPENED = frozenset({"code", "tt"})
# What ends with each block the renderer writes: a list item or quote ends the code-like
# elements opened in it but the reopened ones, a table cell all of them, a paragraph the
# phrasing ones (a <pre> never stood inside it: its start tag ended the paragraph).
CLOSED_AT_END = {
    "Item": NOT_PROSE - REOPENED,
    "BlockQuote": NOT_PROSE - REOPENED,
    "FootnoteDefinition": NOT_PROSE - REOPENED,
    "TableCell": NOT_PROSE,
    "Paragraph": frozenset({"kbd", "samp"}),
}


class _Parser(HTMLParser):
    # cmark-gfm's tagfilter turns <script> and <style> into text, so their content is markup.
    # <noscript> is not filtered, and the sanitizer's HTML5 parser (scripting on) reads its
    # content as raw text up to </noscript>: `<noscript><p title="</noscript><img ...>">`
    # is a real <img> after it, so it is read the same way here.
    CDATA_CONTENT_ELEMENTS = ("noscript",)  # type: ignore[misc]  # a class constant, meant to be set

    def set_cdata_mode(self, elem: str, *, escapable: bool = False) -> None:
        del escapable  # <noscript> is raw text, not escapable raw text
        super().set_cdata_mode(elem)
        self.scanner.raw_text = True

    def clear_cdata_mode(self) -> None:
        super().clear_cdata_mode()
        self.scanner.raw_text = False

    def __init__(self, scanner: TagScanner, content: str, offsets: Offsets, skip: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.scanner = scanner
        self.offsets: Offsets = (lambda index: offsets(index + skip)) if skip else offsets
        content = content[skip:]
        self.line_starts = [0]
        if "\n" in content:
            self.line_starts += [m.end() for m in NEWLINE_RE.finditer(content)]
        self.content = content

    def parse_html_declaration(self, i: int) -> int:
        """`<!...>`: HTML5 reads anything but a comment or doctype (`<![ ]>`, `<![data:`) as a
        bogus comment up to `>`, where html.parser would fail an assertion."""
        rawdata = self.rawdata
        if rawdata.startswith(("<!--", "<!DOCTYPE", "<!doctype"), i) and not rawdata.startswith(
            "<![", i
        ):
            try:
                return int(super().parse_html_declaration(i))
            except (AssertionError, ValueError):
                pass
        end = rawdata.find(">", i + 2)
        if end < 0:
            return -1
        self.handle_comment(rawdata[i + 2 : end])
        return end + 1

    def parse_comment(self, i: int, report: int = 1) -> int:
        """`<!--...-->` as HTML5 reads it: `<!-->` and `<!--->` are whole comments, `--!>` ends
        one too, and `-- >` does not (html.parser has it the other way round)."""
        del report
        rawdata = self.rawdata
        if rawdata.startswith((">", "->"), i + 4):
            data, end = "", rawdata.index(">", i + 4) + 1
        else:
            match = COMMENT_END_RE.search(rawdata, i + 4)
            if match is None:
                return -1  # open at the end of the fragment
            data, end = rawdata[i + 4 : match.start()], match.end()
        # one feed of the whole fragment: rawdata's offsets are the content's
        self.scanner.comments.append(Comment(data, self.offsets(i), self.offsets(end)))
        return end

    def parse_bogus_comment(self, i: int, report: int = 1) -> int:
        """`</ x>`, `<?x>`: a bogus comment up to `>`, never an assertion."""
        end = self.rawdata.find(">", i + 2)
        if end < 0:
            return -1
        if report:
            self.handle_comment(self.rawdata[i + 2 : end])
        return end + 1

    def here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self.here()
        raw = self.get_starttag_text() or ""
        if "&" in raw:
            attrs = _as_browsers_read(raw, attrs)
        self.scanner.start(
            Tag(tag, tuple(attrs), self.offsets(start), self.offsets(start + len(raw)), raw=raw)
        )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        start = self.here()
        end = self.content.find(">", start) + 1 or len(self.content)
        self.scanner.end(Tag(tag, (), self.offsets(start), self.offsets(end), closing=True))

    def handle_data(self, data: str) -> None:
        self.scanner.data(data, self.offsets(self.here()))

    def handle_comment(self, data: str) -> None:
        start = self.here()
        # a bogus comment `<!data>`, `<?data>`, `</ data>` (a real one is parse_comment's)
        end = min(start + len(data) + 3, len(self.content))
        self.scanner.comments.append(Comment(data, self.offsets(start), self.offsets(end)))


# An attribute as written in a start tag: name, then a quoted or bare value.
ATTRIBUTE_RE = re.compile(r"""([^\s/>=][^\s/>=]*)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
# A character reference (html.unescape's own pattern).
CHARREF_RE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")


def _as_browsers_read(
    raw: str, attrs: list[tuple[str, str | None]]
) -> list[tuple[str, str | None]]:
    """Attribute values decoded as HTML5 decodes them in attributes: a named reference with no
    `;` before a letter, digit or `=` stays as written (`?a=1&copy=2` keeps `&copy`), where
    html.parser would make it `©`. Each value is re-read from the tag as written."""
    written: dict[str, str] = {}
    for match in ATTRIBUTE_RE.finditer(raw, len(raw.split(None, 1)[0])):
        value = match[2]
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1:
            value = value[1:-1]
        written.setdefault(match[1].lower(), value)
    return [
        (name, _attribute_value(written[name]) if value and name in written else value)
        for name, value in attrs
    ]


def _attribute_value(value: str) -> str:
    def decode(match: re.Match[str]) -> str:
        reference = match[1]
        if reference.startswith("#") or reference in html5:  # numeric, or `&copy;`
            return unescape(match[0])
        for length in range(len(reference), 1, -1):  # the longest entity name that matches
            if reference[:length] in html5:
                after = reference[length : length + 1]
                if after and (after.isalnum() or after == "="):
                    return match[0]
                return html5[reference[:length]] + reference[length:]
        return match[0]

    return CHARREF_RE.sub(decode, value)


class TagScanner:
    """Collects tags, comments, text, `<a>` links and HTML headings across fragments."""

    def __init__(self) -> None:
        self.tags: list[Tag] = []
        self.comments: list[Comment] = []
        self.texts: list[Text] = []
        self.unclosed: list[Tag] = []
        self.unclosed_comments: list[int] = []
        self._links: list[tuple[Tag, int, str]] = []
        self._open_links: list[tuple[Tag, list[str]]] = []
        self._headings: list[tuple[Tag, str]] = []
        self._open_heading: tuple[Tag, list[str]] | None = None
        self._not_prose: list[str] = []  # the code-like elements open, innermost last
        self.raw_text = False  # inside <noscript>, whose content HTML5 reads as text
        # A comment an HTML block leaves open: the browser reads all that follows in the
        # output (markdown rendered or not) as comment, up to the next `-->` of raw HTML.
        self._open_comment: tuple[int, list[str]] | None = None
        self.hidden: list[tuple[int, int]] = []  # (start, end) of such comments

    def feed(self, content: str, offsets: Offsets, block_end: bool = False) -> None:
        """Read one fragment; at the end of an HTML block a tag still open is cut off, and a
        comment still open goes on over what follows."""
        skip = self._resume(content, offsets)
        if skip < 0:
            return
        parser = _Parser(self, content, offsets, skip)
        parser.feed(content[skip:])
        if not block_end:
            return
        rest = parser.rawdata.lstrip()
        at = len(content) - len(rest)
        if rest.startswith("<!--"):
            self.unclosed_comments.append(offsets(at))
            self._open_comment = (offsets(at), [rest[4:]])
            return
        name = TAG_NAME_RE.match(rest)
        if name:
            self.unclosed.append(
                Tag(name[1].lower(), (), offsets(at), offsets(len(content)), raw=parser.rawdata)
            )

    def _resume(self, content: str, offsets: Offsets) -> int:
        """Where the fragment's markup starts: after the end of the comment or `<noscript>` an
        earlier fragment left open; -1 when it is all inside."""
        if self._open_comment is not None:
            match = COMMENT_END_RE.search(content)
            self._open_comment[1].append(content[: match.start() if match else None])
            if match is None:
                return -1
            self._close_comment(offsets(match.end()))
            return match.end()
        if self.raw_text:  # inside <noscript> opened by an earlier fragment: text up to its end
            skip = content.lower().find("</noscript")
            if skip >= 0:
                self.raw_text = False
            return skip
        return 0

    def _close_comment(self, end: int) -> None:
        assert self._open_comment is not None
        start, parts = self._open_comment
        self._open_comment = None
        self.comments.append(Comment("".join(parts), start, end))
        self.hidden.append((start, end))

    def start(self, tag: Tag) -> None:
        self.tags.append(tag)
        if tag.name == "a":
            self._open_links.append((tag, []))
        elif tag.name in HEADINGS and self._open_heading is None:
            self._open_heading = (tag, [])
        elif tag.name in NOT_PROSE:
            self._not_prose.append(tag.name)

    def end(self, tag: Tag) -> None:
        self.tags.append(tag)
        if tag.name == "a" and self._open_links:
            opening, parts = self._open_links.pop()
            self._links.append((opening, tag.end, "".join(parts)))
        elif self._open_heading and tag.name == self._open_heading[0].name:
            self._headings.append((self._open_heading[0], "".join(self._open_heading[1])))
            self._open_heading = None
        elif tag.name in self._not_prose:
            del self._not_prose[len(self._not_prose) - 1 - self._not_prose[::-1].index(tag.name)]

    def data(self, text: str, start: int, prose: bool = True) -> None:
        """Text between tags (or markdown prose inside an open `<a>`, with prose=False)."""
        for _, parts in self._open_links:
            parts.append(text)
        if self._open_heading:
            self._open_heading[1].append(text)
        if prose and not self._not_prose:
            self.texts.append(Text(text, start))

    def in_code(self) -> bool:
        """Whether a `<code>`, `<kbd>`, `<pre>`... is open: its text is not prose."""
        return bool(self._not_prose)

    def code_mark(self) -> int:
        """How many code-like elements are open: where a block starts."""
        return len(self._not_prose)

    def block_ends(self, mark: int, closes: frozenset[str]) -> None:
        """A block the renderer wrote ends (`</li>`, `</blockquote>`, `</p>`): the elements of
        `closes` opened inside it end there, as the browser ends them."""
        inside = self._not_prose[mark:]
        if inside:
            self._not_prose[mark:] = [name for name in inside if name not in closes]

    def inside_link(self) -> bool:
        """Whether an `<a>` is open: markdown prose read there is part of its text."""
        return bool(self._open_links)

    def close(self, end: int) -> None:
        """The page ends at `end`: a comment still open hides everything up to there."""
        if self._open_comment is not None:
            self._close_comment(end)

    def links(self) -> list[Link]:
        """Every `<a href>` closed by `</a>`, spanning from `<a` to the end of `</a>`."""
        return [
            Link(opening.get("href") or "", "html", opening.start, end, text)
            for opening, end, text in self._links
            if opening.has("href")
        ]

    def images(self) -> list[Image]:
        """`<img src>` and `<source srcset>`."""
        found = []
        pictures = 0
        for tag in self.tags:
            if tag.name == "picture":
                pictures = max(0, pictures + (-1 if tag.closing else 1))
            if tag.closing or tag.name not in ("img", "source"):
                continue
            url = tag.get("src") if tag.name == "img" else tag.get("srcset")
            found.append(
                Image(url or "", tag.get("alt"), tag.start, tag.end, "html", tag, pictures > 0)
            )
        return found

    def headings(self) -> list[tuple[Tag, str]]:
        """HTML headings with their text content."""
        return list(self._headings)
