"""GitHub's HTML allowlist, applied with nh3 (ammonia), and the URL rules `check` shares with it.

The lists follow html-pipeline's SanitizationFilter (gjtorikian/html-pipeline,
`lib/html_pipeline/sanitization_filter.rb`), updated with what github.com renders today:
`<picture>`/`<source>` are kept (dark/light logos), `<center>`, `<font>` and `<input>` are not,
and `irc:`/`xmpp:` links keep their href."""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3

TAGS = frozenset(
    [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
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
        "picture",
        "source",
    ]
)
# Kept only for what the markdown renderer itself produces (footnotes), never from the author.
RENDERER_TAGS = frozenset({"section"})
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
        "id",
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
        "title",
        "type",
        "usemap",
        "valign",
        "value",
        "width",
        "itemprop",
    ]
)
TAG_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "longdesc"}),
    "source": frozenset({"srcset"}),
    "div": frozenset({"itemscope", "itemtype"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite"}),
    "ins": frozenset({"cite"}),
    "q": frozenset({"cite"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "longdesc", "cite", "srcset"})
LINK_SCHEMES = frozenset(
    {"http", "https", "mailto", "xmpp", "irc", "ircs", "github-windows", "github-mac"}
)
IMAGE_SCHEMES = frozenset({"http", "https"})
# Tags GitHub drops with everything inside; the tagfilter has already made
# <script>/<style>/<iframe>/... literal text by then, so this is the sanitizer's own list.
CLEAN_CONTENT_TAGS = frozenset({"script", "style"})
# WHATWG URL parsing: leading/trailing C0 controls and spaces are stripped, tabs and newlines
# removed anywhere, so `java\tscript:` is `javascript:`.
C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
TAB_OR_NEWLINE_RE = re.compile("[\t\n\r]")
SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")

UrlFilter = Callable[[str, str, str], str | None]


def scheme(url: str) -> str | None:
    """The URL's scheme as a browser reads it (lower case), or None for a relative URL."""
    cleaned = TAB_OR_NEWLINE_RE.sub("", url.strip(C0_OR_SPACE))
    match = SCHEME_RE.match(cleaned)
    return match[1].lower() if match else None


# cmark-gfm's houdini_escape_href: what it leaves as written in a markdown link destination;
# everything else (spaces, tabs, controls, non-ASCII, `[]\\^`{|}"<>`) is percent-encoded.
HREF_SAFE = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'();/?:@&=+$,%#"
)


def cmark_href(url: str) -> str:
    """A markdown link destination as cmark-gfm writes it into the href (percent-encoded)."""
    if all(char in HREF_SAFE for char in url):
        return url
    return "".join(
        char if char in HREF_SAFE else "".join(f"%{byte:02X}" for byte in char.encode())
        for char in url
    )


def srcset_candidates(value: str) -> list[tuple[str, str]]:
    """`(url, descriptors)` of each image candidate, split as the HTML standard does: a URL
    runs to whitespace (commas inside it stay), descriptors run to the next comma."""
    found: list[tuple[str, str]] = []
    position, size = 0, len(value)
    while position < size:
        while position < size and (value[position].isspace() or value[position] == ","):
            position += 1
        if position >= size:
            break
        start = position
        while position < size and not value[position].isspace():
            position += 1
        url = value[start:position]
        if url.endswith(","):
            found.append((url.rstrip(","), ""))
            continue
        start, depth = position, 0
        while position < size:
            char = value[position]
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            elif char == "," and depth == 0:
                break
            position += 1
        found.append((url, value[start:position].strip()))
        position += 1
    return found


def url_kept(tag: str, attribute: str, url: str) -> bool:
    """Whether GitHub keeps this URL on this attribute (relative URLs always are); a srcset
    is kept only if every candidate is."""
    if attribute == "srcset":
        return all(url_kept(tag, "src", part) for part, _ in srcset_candidates(url))
    found = scheme(url)
    if found is None:
        return True
    allowed = LINK_SCHEMES if (tag, attribute) == ("a", "href") else IMAGE_SCHEMES
    return found in allowed


def attribute_kept(tag: str, attribute: str) -> bool:
    """Whether GitHub keeps this attribute on this tag."""
    return attribute in GLOBAL_ATTRIBUTES or attribute in TAG_ATTRIBUTES.get(tag, frozenset())


def sanitize(html: str, rewrite: UrlFilter) -> str:
    """GitHub's sanitizer over rendered HTML; `rewrite(tag, attribute, value)` resolves URLs."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute in URL_ATTRIBUTES:
            if not url_kept(tag, attribute, value):
                return None
            try:
                rewritten = rewrite(tag, attribute, value)
            except ValueError:  # a URL nothing can resolve: dropped, never a traceback
                return None
            # The rewritten URL is checked again: resolving must never make a scheme appear.
            return rewritten if rewritten is None or url_kept(tag, attribute, rewritten) else None
        if attribute in ("id", "name"):
            return "user-content-" + value
        return value

    attributes: dict[str, set[str]] = {
        tag: set(TAG_ATTRIBUTES.get(tag, ())) | set(GLOBAL_ATTRIBUTES) for tag in TAGS
    }
    attributes["section"] = set()
    return nh3.clean(
        html,
        tags=set(TAGS | RENDERER_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes=attributes,
        attribute_filter=attribute_filter,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(LINK_SCHEMES),
        allowed_classes={"section": {"footnotes"}},
    )
