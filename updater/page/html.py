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
NEWLINE_RE = re.compile("\n")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
NOT_PROSE = frozenset({"code", "pre", "kbd", "samp", "tt"})


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
        # `<!--data-->`, or a bogus comment `<!data>`, `<?data>`, `</ data>`
        end = start + len(data) + (7 if self.content.startswith("<!--", start) else 3)
        end = min(end, len(self.content))
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
        self._not_prose = 0
        self.raw_text = False  # inside <noscript>, whose content HTML5 reads as text

    def feed(self, content: str, offsets: Offsets, block_end: bool = False) -> None:
        """Read one fragment; at the end of an HTML block a tag still open is cut off."""
        skip = 0
        if self.raw_text:  # inside <noscript> opened by an earlier fragment: text up to its end
            skip = content.lower().find("</noscript")
            if skip < 0:
                return
            self.raw_text = False
        parser = _Parser(self, content, offsets, skip)
        parser.feed(content[skip:])
        leftover = parser.rawdata
        if block_end and leftover.lstrip().startswith("<!--"):
            self.unclosed_comments.append(offsets(len(content) - len(leftover.lstrip())))
            return
        name = TAG_NAME_RE.match(leftover.lstrip())
        if block_end and name:
            start = len(content) - len(leftover.lstrip())
            self.unclosed.append(
                Tag(name[1].lower(), (), offsets(start), offsets(len(content)), raw=leftover)
            )

    def start(self, tag: Tag) -> None:
        self.tags.append(tag)
        if tag.name == "a":
            self._open_links.append((tag, []))
        elif tag.name in HEADINGS and self._open_heading is None:
            self._open_heading = (tag, [])
        elif tag.name in NOT_PROSE:
            self._not_prose += 1

    def end(self, tag: Tag) -> None:
        self.tags.append(tag)
        if tag.name == "a" and self._open_links:
            opening, parts = self._open_links.pop()
            self._links.append((opening, tag.end, "".join(parts)))
        elif self._open_heading and tag.name == self._open_heading[0].name:
            self._headings.append((self._open_heading[0], "".join(self._open_heading[1])))
            self._open_heading = None
        elif tag.name in NOT_PROSE:
            self._not_prose = max(0, self._not_prose - 1)

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
        return self._not_prose > 0

    def inside_link(self) -> bool:
        """Whether an `<a>` is open (GitHub does not autolink inside it)."""
        return bool(self._open_links)

    def close(self) -> None:
        """Nothing to flush; kept so the builder reads as feed/close."""

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
