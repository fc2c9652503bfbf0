"""How GitHub turns README markdown into a page: cmark-gfm, then an allowlist sanitizer.

The allowlist follows GitHub's html-pipeline sanitization filter: tags and attributes not
listed are removed (the content of a removed tag stays, except for script-like tags)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

ALLOWED_TAGS = frozenset(
    [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "h7",
        "h8",
        "br",
        "b",
        "i",
        "strong",
        "em",
        "a",
        "pre",
        "code",
        "img",
        "tt",
        "div",
        "ins",
        "del",
        "sup",
        "sub",
        "p",
        "ol",
        "ul",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "blockquote",
        "dl",
        "dt",
        "dd",
        "kbd",
        "q",
        "samp",
        "var",
        "hr",
        "ruby",
        "rt",
        "rp",
        "li",
        "tr",
        "td",
        "th",
        "s",
        "strike",
        "summary",
        "details",
        "caption",
        "figure",
        "figcaption",
        "abbr",
        "bdo",
        "cite",
        "dfn",
        "mark",
        "small",
        "span",
        "time",
        "wbr",
        "input",
        "picture",
        "source",
        "center",
        "font",
    ]
)
# Removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    [
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "textarea",
        "title",
        "svg",
        "math",
    ]
)
GLOBAL_ATTRIBUTES = frozenset(
    [
        "abbr",
        "accept",
        "accept-charset",
        "accesskey",
        "action",
        "align",
        "alt",
        "aria-describedby",
        "aria-hidden",
        "aria-label",
        "aria-labelledby",
        "axis",
        "border",
        "cellpadding",
        "cellspacing",
        "char",
        "charoff",
        "charset",
        "checked",
        "clear",
        "cols",
        "colspan",
        "color",
        "compact",
        "coords",
        "datetime",
        "dir",
        "disabled",
        "enctype",
        "for",
        "frame",
        "headers",
        "height",
        "hreflang",
        "hspace",
        "ismap",
        "label",
        "lang",
        "maxlength",
        "media",
        "method",
        "multiple",
        "name",
        "nohref",
        "noshade",
        "nowrap",
        "open",
        "progress",
        "prompt",
        "readonly",
        "rel",
        "rev",
        "role",
        "rows",
        "rowspan",
        "rules",
        "scope",
        "selected",
        "shape",
        "size",
        "span",
        "start",
        "summary",
        "tabindex",
        "target",
        "title",
        "type",
        "usemap",
        "valign",
        "value",
        "vspace",
        "width",
        "itemprop",
        "id",
    ]
)
TAG_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "longdesc", "srcset"}),
    "source": frozenset({"srcset"}),
    "div": frozenset({"itemscope", "itemtype"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite"}),
    "ins": frozenset({"cite"}),
    "q": frozenset({"cite"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "longdesc", "cite"})
SAFE_SCHEMES = ("http://", "https://", "mailto:", "#", "/")
VOID_TAGS = frozenset(["br", "hr", "img", "input", "wbr", "source"])


def attribute_allowed(tag: str, name: str) -> bool:
    """Whether GitHub keeps this attribute on this tag."""
    return name in GLOBAL_ATTRIBUTES or name in TAG_ATTRIBUTES.get(tag, frozenset())


def url_allowed(value: str) -> bool:
    """javascript:, data: and other schemes are dropped; relative URLs are kept."""
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", value.strip())
    return scheme is None or value.strip().lower().startswith(SAFE_SCHEMES)


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation removed, spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    kept = "".join(c for c in text.lower() if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


Resolver = Callable[[str, str, str], str]


class _Sanitizer(HTMLParser):
    def __init__(self, resolve: Resolver) -> None:
        super().__init__(convert_charrefs=False)
        self.resolve = resolve
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.skipping += tag not in VOID_TAGS
            return
        if self.skipping or tag not in ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if not attribute_allowed(tag, name):
                continue
            if name in URL_ATTRIBUTES and value is not None:
                if not url_allowed(value):
                    continue
                kept.append(f' {name}="{escape(self.resolve(tag, name, value), quote=True)}"')
                continue
            kept.append(
                f' {name}="{escape(value, quote=True)}"' if value is not None else f" {name}"
            )
        self.out.append(f"<{tag}{''.join(kept)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping and tag in ALLOWED_TAGS and tag not in VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&#{name};")


def to_html(markdown: str, resolve: Resolver) -> str:
    """GitHub's rendering: cmark-gfm with GitHub's extensions, sanitized, relative URLs resolved,
    and an id on every heading (duplicates numbered, as GitHub does)."""
    raw = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    sanitizer = _Sanitizer(resolve)
    sanitizer.feed(raw)
    sanitizer.close()
    return _anchor_headings("".join(sanitizer.out))


def _anchor_headings(html: str) -> str:
    seen: dict[str, int] = {}

    def add_id(match: re.Match[str]) -> str:
        base = slug(match[2])
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchor = base if count == 0 else f"{base}-{count}"
        return f'<h{match[1]} id="{anchor}">{match[2]}</h{match[1]}>'

    return re.sub(r"<h([1-6])>(.*?)</h\1>", add_id, html)
