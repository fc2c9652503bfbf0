"""The parse reads blocks as cmark-gfm does: which tags, comments and links are HTML, compared
with GitHub's renderer over generated pages, then each known difference of pulldown-cmark."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm
import nh3
import pytest

from tests.page.helpers import rules
from updater.page.blocks import Reading
from updater.page.github_html import EXTENSIONS, OPTIONS
from updater.page.parse import parse
from updater.page.sanitize import TAGS

# Every generated tag carries its number; a closing tag is written in capitals, which
# cmark-gfm never writes.
NUMBERED_RE = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*)[^<>"]*(?:"[^<>"]*"[^<>"]*)*? data-k="(\d+)"')
COMMENT_NUMBER_RE = re.compile(r"^\s*c(\d+)c")
LINK_NUMBER_RE = re.compile(r"https://l\.org/(\d+)")
CLOSING_RE = re.compile(r"</([A-Z][a-zA-Z0-9]*)\s*>")
COMMENT_END_RE = re.compile(r"--!?>")
PREFIXES = (
    "", "", "", "> ", "- ", "1. ", "> - ", "  ", "   ", ">  ", "  - ", "\t", " \t", ">\t",
    "-\t", "    - ", "      ", "> > ", "* ", "2) ",
)  # fmt: skip
INDENTS = (0, 0, 0, 1, 2, 3, 4)
BLANKS = ("", "", ">", "  ")
# What a line is made of: tags of every kind (numbered), comments open and closed, prose,
# code, links (numbered), markdown blocks.
SNIPPETS = (
    '<p align="left" data-k="{n}">', "</P>", '<P data-k="{n}">', '<img src="i.png" data-k="{n}">',
    '<a href="https://l.org/{n}" data-k="{n}">y</A>', '\t<img src="t.png" data-k="{n}">',
    '<details data-k="{n}">', "</Details>", '<summary data-k="{n}">s</Summary>',
    '<div align="center" data-k="{n}">', "</Div>", '<DIV data-k="{n}">', '<br data-k="{n}">',
    '<br data-k="{n}" />', '<picture data-k="{n}">', '<source srcset="d.png" data-k="{n}">',
    "</Picture>", '<pre data-k="{n}">', "</Pre>", '<sub data-k="{n}">x</Sub>',
    '<b data-k="{n}">', '<span data-k="{n}">', '<search data-k="{n}">', '<table data-k="{n}">',
    '<h3 align="center" data-k="{n}">t</H3>', '<div data-k="{n}"\n  align="center">',
    '<span data-k="{n}"\ntitle="t">x</span>', "<!-- c{n}c -->", "<!-- c{n}c", "-->", "<!--",
    "<!-- c{n}c -- x -->", "<!--c{n}c-->", '<p data-k="{n}"', '<img data-k="{n}" src=x',
    '\\<b data-e="{n}">', '`<b data-k="{n}">`', "``", "text", "*em", "em*",
    "&amp; &lt;b&gt;", "# heading", "---", "===", "```", "~~~", "[l](https://l.org/{n})",
    "see https://l.org/{n} ok", "![i](https://l.org/{n}.png)", "[l][r{n}]",
    "[r{last}]: https://l.org/{last}", "<?php x ?>", "<!DOCTYPE html>", "<![CDATA[ x ]]>",
    "| a | b |", "|---|---|", "",
)  # fmt: skip
NUMBER_FIELD_RE = re.compile(r"\{(n|last)\}")
KINDS_2_TO_5_RE = re.compile(r"<!--|-->|<\?|<!D|<!\[")


@dataclass
class Seen:
    """What a reader of GitHub's page gets, or what our parse recorded, by number."""

    elements: set[str] = field(default_factory=set)
    closing: Counter[str] = field(default_factory=Counter)
    comments: set[str] = field(default_factory=set)
    as_text: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)


class _Html5Comments(HTMLParser):
    """html.parser with HTML5's comments: `<!-->` and `<!--->` whole, ended by `-->` or
    `--!>` (never `-- >`), open to the end."""

    def parse_comment(self, i: int, report: int = 1) -> int:
        rawdata = self.rawdata
        if rawdata.startswith((">", "->"), i + 4):
            data, end = "", rawdata.index(">", i + 4) + 1
        else:
            found = COMMENT_END_RE.search(rawdata, i + 4)
            data = rawdata[i + 4 : found.start() if found else None]
            end = found.end() if found else len(rawdata)
        if report:
            self.handle_comment(data)
        return end


class _Browser(_Html5Comments):
    """Reads the sanitized page: html5ever's tree, serialized, so nothing is left to guess."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen = Seen()
        self.code: list[tuple[str, bool]] = []  # the <pre>/<code> open, and whether the page's
        self.as_text_anywhere: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "data-k" in values:
            self.seen.elements.add(values["data-k"] or "")
        if tag in ("code", "pre"):
            self.code.append((tag, "data-k" in values))
        link = LINK_NUMBER_RE.match(values.get("href") or "")
        if tag == "a" and link:
            self.seen.links.add(link[1])

    def handle_endtag(self, tag: str) -> None:
        # the serialized tree closes the last element it opened of that name
        names = [name for name, _ in self.code]
        if tag in names:
            del self.code[len(names) - 1 - names[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        if not any(not own for _, own in self.code):  # not in code the renderer wrote
            numbers = {match[2] for match in NUMBERED_RE.finditer(data)}
            self.as_text_anywhere |= numbers
            if not self.code:
                self.seen.as_text |= numbers

    def handle_comment(self, data: str) -> None:
        self.seen.comments |= set(COMMENT_NUMBER_RE.findall(data))


class _EndTags(_Html5Comments):
    """The end tags of raw HTML as HTML5's tokenizer reads them (its comments, not
    html.parser's): those in capitals, the page's own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.closing: Counter[str] = Counter()

    def parse_endtag(self, i: int) -> int:
        closing = CLOSING_RE.match(self.rawdata, i)
        if closing:
            self.closing[closing[1]] += 1
        return int(super().parse_endtag(i))


def github(text: str) -> tuple[Seen, set[str], set[str]]:
    """What GitHub shows (cmark-gfm, then the browser's tree); the numbers of the tags
    cmark-gfm passes through as HTML (raw), shown or not; those shown as text anywhere but in
    code blocks and spans (in the page's own <pre> and <code> too)."""
    html = cmarkgfm.markdown_to_html_with_extensions(text, options=OPTIONS, extensions=EXTENSIONS)
    tree = nh3.clean(
        html,
        tags=set(TAGS) | {"search", "section"},
        attributes={"*": {"data-k"}, "a": {"href"}},
        strip_comments=False,
        link_rel=None,
    )
    browser = _Browser()
    browser.feed(tree)
    end_tags = _EndTags()
    end_tags.feed(html)
    browser.seen.closing = end_tags.closing
    raw = {match[2] for match in NUMBERED_RE.finditer(html)}
    return browser.seen, raw, browser.as_text_anywhere


def ours(text: str) -> tuple[Seen, set[str]]:
    """What our parse recorded, and the numbers of the tags it found cut off by the end of
    their HTML block (the browser drops one at the end of the page)."""
    document = parse(text)
    seen = Seen()
    for tag in document.tags:
        written = text[tag.start : tag.end]
        closing = CLOSING_RE.match(written)
        if tag.closing and closing:
            seen.closing[closing[1]] += 1
        elif tag.has("data-k"):
            seen.elements.add(tag.get("data-k") or "")
    seen.comments = {n for c in document.comments for n in COMMENT_NUMBER_RE.findall(c.text)}
    seen.as_text = {m[2] for at, _ in document.tags_as_text if (m := NUMBERED_RE.match(text, at))}
    seen.links = {m[1] for link in document.links if (m := LINK_NUMBER_RE.match(link.url))}
    cut = {m[2] for tag in document.unclosed if (m := NUMBERED_RE.match(text, tag.start))}
    return seen, cut


class Pages:
    """Seeded HTML-block-ish markdown: tags of every kind alone or in runs, indented 0 to 4,
    in lists and quotes and lazy lines, blank lines, comments open and closed, code."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.number = 0

    def snippet(self) -> str:
        """One of SNIPPETS, each `{n}` a new number, `{last}` the last one."""

        def number(field: re.Match[str]) -> str:
            self.number += field[1] == "n"
            return str(self.number)

        return NUMBER_FIELD_RE.sub(number, self.random.choice(SNIPPETS))

    def content(self) -> str:
        joined = ""
        for _ in range(self.random.choice((1, 1, 1, 2, 3))):
            part = self.snippet()
            # A tag cut off after a comment (or <?, <!X, <![) that ends its block on the
            # same line runs on into whatever the renderer writes next: tokenizing, not the
            # block reading compared here.
            if KINDS_2_TO_5_RE.search(joined) and (part.endswith(('"', "src=x")) or "\n" in part):
                part = "text"
            if joined:  # GFM's autolink runs on over what follows a bare URL without a space
                bare_url = "://" in joined.rsplit(" ", 1)[-1]
                joined += " " if bare_url else self.random.choice((" ", ""))
            joined += part
        return joined

    def page(self) -> str:
        lines: list[str] = []
        for _ in range(self.random.randint(1, 14)):
            indent = " " * self.random.choice(INDENTS)
            lines.append(self.random.choice(PREFIXES) + indent + self.content())
            if self.random.random() < 0.3:
                # A whitespace line after an empty list item keeps the item open for
                # cmark-gfm, not for CommonMark: left out (see the README's known differences).
                empty_item = re.fullmatch(r"[ \t>]*(?:[-*]|\d[.)])[ \t]*", lines[-1])
                lines.append(self.random.choice(BLANKS[:3] if empty_item else BLANKS))
        newline = "\r\n" if self.random.random() < 0.1 else "\n"
        return newline.join(lines).replace("\r\n", "\n").replace("\n", newline) + newline


def differences(text: str) -> list[str]:
    """How our parse and GitHub differ on the page (nothing, when they agree)."""
    return compare(text)[0]


def compare(text: str) -> tuple[list[str], Seen]:
    """The differences, and what GitHub shows."""
    shown, raw, as_text_anywhere = github(text)
    seen, cut = ours(text)
    # A tag cut off by the end of its HTML block is HTML for both; the browser keeps it if
    # something follows it on the page.
    seen.elements |= cut & shown.elements
    found = []
    if cut - raw:
        found.append(f"cut off, but text for GitHub: {sorted(cut - raw)}")
    for name in ("elements", "closing", "comments", "links"):
        if getattr(shown, name) != getattr(seen, name):
            found.append(f"{name}: github {getattr(shown, name)} ours {getattr(seen, name)}")
    # every tag GitHub shows as text outside code is reported; none it shows as HTML is
    if shown.as_text - seen.as_text:
        found.append(f"shown as text, not reported: {sorted(shown.as_text - seen.as_text)}")
    if seen.as_text - as_text_anywhere:
        found.append(f"reported as text, but not: {sorted(seen.as_text - as_text_anywhere)}")
    return found, shown


def test_500_generated_pages_read_as_github_reads_them() -> None:
    """The pages exercise what is compared: tags read as HTML and as text, comments, links
    (shown and hidden), text pulldown-cmark reads changed."""
    pages = Pages(16)
    totals: Counter[str] = Counter()
    for _ in range(500):
        pages.number = 0
        text = pages.page()
        found, shown = compare(text)
        assert found == [], text
        totals.update(
            pages=1,
            elements=len(shown.elements),
            as_text=len(shown.as_text),
            comments=len(shown.comments),
            links=len(shown.links),
            changed=bool(Reading.of(text, 0).changes),
        )
    assert totals["pages"] == 500
    assert min(totals.values()) > 50, totals


def links_shown(text: str) -> list[str]:
    """The numbers of the https://l.org/N links our parse records, in order."""
    return [m[1] for link in parse(text).links if (m := LINK_NUMBER_RE.match(link.url))]


# Each known difference: a page, and the links GitHub shows on it.
DIFFERENCES = [
    # an HTML block's indentation is not prose: the next block's text is not read with it
    ("<details>\n\n  <!-- Repo cards - https://l.org/1 -->\n\nsee https://l.org/2\n", ["2"]),
    # cmark-gfm ends a <pre> block at its end tag in any case
    ("<pre>\nx\n</PRE>\n\n[a](https://l.org/1)\n", ["1"]),
    # <source> starts a block even after a paragraph; <search> does not (CommonMark 0.31
    # swapped them)
    ('text\n<source srcset="a.png">\n[a](https://l.org/1)\n', []),
    ("text\n<search>\n[a](https://l.org/1)\n", ["1"]),
    # `<!` and a lower-case letter is not a declaration: a paragraph, its link shown
    ("<!doctype x\n[a](https://l.org/1)\n>\n", ["1"]),
    # one tag alone on a line that only lazily continues a paragraph starts a block
    ('- item\n<img src="x.png">\n[a](https://l.org/1)\n', []),
    ("> quote\n<br>\n[a](https://l.org/1)\n\n[b](https://l.org/2)\n", ["2"]),
    ("- a\n  - b\n  <sub>\n  https://l.org/1\n", []),
    ("- a\n  <sub>\n  https://l.org/1\n", ["1"]),  # the item goes on: no block
    # and so does `</pre>` alone after a blank line (the spec says it never does)
    ("text\n\n</pre>\n[a](https://l.org/1)\n", []),
    # a comment an HTML block leaves open hides the markdown after it, to a raw `-->`
    (
        "<div>\n<!-- draft\n\n[a](https://l.org/1)\n\n<p>--></p>\n\n[b](https://l.org/2)\n",
        ["2"],
    ),
    ("<div>\n<!-- draft\n\n[a](https://l.org/1)\n\n-->\n[b](https://l.org/2)\n", []),
    # HTML5's comments: `-- >` does not end one, `<!-->` is one
    (
        '<p>\n<!-- a -- > <a href="https://l.org/1">x</a> -->\n'
        '<!--> <a href="https://l.org/2">y</a>\n</p>\n',
        ["2"],
    ),
    # a footnote no reference uses is not shown
    ("[^1]: see https://l.org/1\n", []),
    ("a[^1]\n\n[^1]: see https://l.org/1\n", ["1"]),
    # cmark-gfm autolinks inside a raw <code> or <a> too
    (
        'x <code>see https://l.org/1</code> <a href="https://l.org/2">https://l.org/3</a>\n',
        ["1", "2", "3"],
    ),
]


@pytest.mark.parametrize(("text", "shown"), DIFFERENCES)
def test_what_github_shows_pulldown_cmark_alone_reads_otherwise(
    text: str, shown: list[str]
) -> None:
    assert differences(text) == []
    assert links_shown(text) == shown


def test_the_issues_indented_blocks_are_html_not_text() -> None:
    """Two indented HTML blocks with a blank line between: all their tags are HTML."""
    text = (
        '  <p align="left">\n    <a href="https://x.org">y</a>\n  </p>\n\n'
        '  <p align="left">\n    <a href="https://x.org">z</a>\n  </p>\n'
    )
    assert rules(text) == []
    assert [tag.name for tag in parse(text).tags] == ["p", "a", "a", "p"] * 2
    assert parse(text).tags_as_text == ()


def test_a_pre_opened_in_a_list_item_ends_with_it() -> None:
    text = "- <pre>\n\nsee <img src=x\n"
    assert differences(text) == []
    assert rules(text) == ["tag-as-text"]


def test_html_blocks_one_after_another_are_read_together() -> None:
    """A comment left open in one HTML block closes in the next, as in the page GitHub
    writes (the blank line between is dropped)."""
    text = "<div>\n<!-- a\n\n</div> -->\n\n[a](https://l.org/1)\n"
    assert differences(text) == []
    assert [text[c.start : c.end] for c in parse(text).comments] == ["<!-- a\n\n</div> -->"]
    assert rules(text) == [] and links_shown(text) == ["1"]
