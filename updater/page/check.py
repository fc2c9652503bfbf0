"""`updater check` rules over the positioned parse: errors GitHub will show, warnings of style.

An error is something GitHub shows broken or different from what the author meant; a warning
is accessibility or style. A rule is silenced with an HTML comment, as markdownlint does:
`<!-- check-disable-next-line RULE -->`, `check-disable-line`, `check-disable`/`check-enable`
(to the end or until enabled again) and `check-disable-file`; no rule named means all."""

from __future__ import annotations

import difflib
import os.path
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from updater.page.directives import Directive, Unknown, check_switches
from updater.page.directives import read as read_directives
from updater.page.github_html import Slugger, slug
from updater.page.parse import Document, no_cycle_collection
from updater.page.records import Image, Link, Tag
from updater.page.sanitize import (
    TAGS,
    attribute_kept,
    cmark_href,
    scheme,
    srcset_candidates,
    url_kept,
)

ERROR, WARNING = "error", "warning"
RULES = {
    "missing-file": (ERROR, "a relative link or image to a file that is not in the repository"),
    "broken-anchor": (ERROR, "a link to #anchor that no heading or id on the page defines"),
    "no-scheme": (ERROR, "a host name written without https:// (opens as a relative path)"),
    "empty-url": (ERROR, "an empty link target, src or href"),
    "template-syntax": (ERROR, "Jinja syntax left in the rendered page"),
    "missing-value": (ERROR, "None/nan where a templated value was missing"),
    "stripped-tag": (ERROR, "a tag GitHub's sanitizer removes (content kept, layout lost)"),
    "stripped-attribute": (ERROR, "an attribute GitHub removes that changes the layout"),
    "literal-tag": (ERROR, "<script>, <style>, <iframe>...: GitHub shows them as text"),
    "unsafe-url": (ERROR, "javascript:, data: and other schemes GitHub removes"),
    "event-handler": (ERROR, "on* attributes: GitHub removes them; no script runs"),
    "unclosed-tag": (ERROR, "a tag cut off by the end of its HTML block: GitHub drops it"),
    "theme-image": (ERROR, "a #gh-dark-mode-only/#gh-light-mode-only image of the other theme"),
    "duplicate-anchor": (ERROR, "two headings with the same anchor: links reach the first"),
    "unclosed-comment": (ERROR, "an HTML comment never closed: GitHub hides what follows"),
    "tag-as-text": (
        ERROR,
        "an HTML tag GitHub cannot read (no '>', broken attributes): shown as text",
    ),
    "unknown-directive": (
        ERROR,
        "a check-... or numbers-... comment that does nothing: misspelled, or an unknown rule",
    ),
    "alt-text": (WARNING, "an image without alt text"),
    "heading-level": (WARNING, "a heading level skipped"),
}
# cmark-gfm's tagfilter escapes these: the reader sees the tag as text.
LITERAL_TAGS = frozenset(
    ["title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"]
)
LAYOUT_ATTRIBUTES = frozenset({"style", "class", "bgcolor", "background", "face", "hidden"})
TEMPLATE_RE = re.compile(r"\{\{[^\n]*?\}\}|\{%[^\n]*?%\}|\{#[^\n]*?#\}|\{\{|\{%|\{#")
MISSING_RE = re.compile(r"(?<![\w.-])(None|nan|NaN)(?![\w-])")
SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)$")
URL_MISSING_RE = re.compile(r"(?:^|[/=\-_:])(None|nan|NaN)(?:$|[/&?#\-_.])")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
FOOTNOTE_ID_RE = re.compile(r"^fn(?:ref)?-(.+?)(?:-\d+)?$")
HOST_RE = re.compile(r"^(?:www\.)?(?:[\w-]+\.)+([a-z]{2,})(?=[/?#:]|$)", re.IGNORECASE)
FILE_EXTENSIONS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "ico",
        "bmp",
        "md",
        "markdown",
        "html",
        "htm",
        "txt",
        "pdf",
        "json",
        "yml",
        "yaml",
        "toml",
        "py",
        "js",
        "ts",
        "css",
        "csv",
        "ipynb",
        "sh",
        "tex",
        "bib",
        "zip",
        "gz",
        "mp4",
        "webm",
        "mov",
        "cff",
    ]
)
# "light"/"dark" in a file name says which mode it is for; "white"/"black" would be a logo's
# colour (a white logo is for dark mode), so they are not read.
THEME_WORD_RE = re.compile(r"(?:^|[^a-z])(dark|light)(?:[^a-z]|$)")
# `theme=` values of github-readme-stats and friends whose background is unambiguous.
LIGHT_THEMES = frozenset(
    {"light", "default", "github", "github_light", "vue", "solarized-light", "gruvbox_light",
     "catppuccin_latte", "graywhite", "buefy"}
)  # fmt: skip
DARK_THEMES = frozenset(
    {"dark", "radical", "tokyonight", "onedark", "cobalt", "synthwave", "highcontrast",
     "dracula", "gruvbox", "github_dark", "github_dark_dimmed", "nightowl", "monokai", "nord",
     "midnight-purple", "shades-of-purple", "material-palenight", "catppuccin_mocha",
     "rose_pine", "aura", "ayu-mirage", "react", "vue-dark", "merko", "algolia", "kanagawa"}
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One problem at one place: `FILE:LINE:COL: error|warning: message [rule]`."""

    path: str
    line: int
    column: int
    rule: str
    message: str

    @property
    def severity(self) -> str:
        """`error` or `warning`, from the rule."""
        return RULES[self.rule][0]

    def format(self) -> str:
        """The compiler-style line. It never reads as a workflow command in Actions: a path
        that starts like one (`::error ...::x.md`) is written `./::error ...::x.md`."""
        path = _one_line(self.path)
        if path.lstrip().startswith("::") or path[:1].isspace():
            path = "./" + path
        line = f"{path}:{self.line}:{self.column}: {self.severity}: {_one_line(self.message)}"
        return f"{line} [{self.rule}]".replace("##[", "## [")

    def annotation(self) -> str:
        """A GitHub Actions workflow command, shown on the line in the pull request."""
        return (
            f"::{self.severity} file={_escape_property(self.path)},line={self.line},"
            f"col={self.column},title={_escape_property(self.rule)}::"
            f"{_escape_command(self.message)}"
        )


def _escape_command(text: str) -> str:
    """The Actions toolkit's escapeData."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """The Actions toolkit's escapeProperty: `:` and `,` end a property."""
    return _escape_command(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class Context:
    """Where the page lives: its path as shown, and the repository root for file checks."""

    path: str
    page_dir: Path
    root: Path
    # The page's Jinja source (templates/NAME.j2), if it is rendered from one: template syntax
    # and None/nan are leftovers only where the template does not have them literally.
    template: str | None = None
    # The anchors of every page checked together, by resolved path, for `RESUME.md#education`.
    pages: Mapping[str, frozenset[str]] = field(default_factory=dict)


Found = tuple[int, str, str]  # (offset, rule, message)
OTHER_THEME = {"dark": "light", "light": "dark"}


def check(document: Document, context: Context) -> list[Finding]:
    """Every finding on the page, in source order, after the page's directives."""
    with no_cycle_collection():
        return _check(document, context)


def _check(document: Document, context: Context) -> list[Finding]:
    found: list[Found] = []
    if context.template is not None:
        context = replace(context, template=template_literal(context.template))
    # Resolved once: every relative URL is then joined to them as text, not resolved again.
    context = replace(context, page_dir=context.page_dir.resolve(), root=context.root.resolve())
    for rule_set in (_links, _images, _tags, _text, _headings, _anchor_links, _structure):
        found.extend(rule_set(document, context))
    found.extend(_definitions(document, context))
    directives, unknown = read_directives(document)
    found.extend(_directives(directives, unknown))
    silenced = check_switches(directives).on
    findings = []
    for offset, rule, message in sorted(found, key=lambda item: item[0]):
        line, column = document.position(offset)
        if not silenced(rule, line):
            findings.append(Finding(context.path, line, column, rule, message))
    return findings


def _links(document: Document, context: Context) -> Iterator[Found]:
    for link in document.links:
        if link.kind in ("reference", "html"):  # checked at its definition, or its <a> tag
            continue
        # markdown destinations reach GitHub as cmark-gfm writes them: percent-encoded
        url = cmark_href(link.url) if link.kind in ("inline", "autolink") else link.url
        yield from _url(link.start, url, "link", "a", "href", context)
    for link in document.links:
        yield from _linked_theme(link)


def _linked_theme(link: Link) -> Iterator[Found]:
    """`[![icon](globe-light.svg)](url#gh-dark-mode-only)`: GitHub shows the link, image and
    all, only in the theme its URL names; an image there of the other theme is a mistake."""
    mode = _mode_only(link.url)
    for image in link.images if mode else ():
        if _theme_of(image.url.lower()) == OTHER_THEME[mode]:
            yield (
                image.start,
                "theme-image",
                f"a link shown only in {mode} mode holds a {OTHER_THEME[mode]} image: "
                f"{_short(image.url)}",
            )


def _mode_only(url: str) -> str:
    """The theme a `#gh-dark-mode-only` or `#gh-light-mode-only` URL is shown in, else ""."""
    lowered = url.lower()
    return next((m for m in OTHER_THEME if lowered.endswith(f"#gh-{m}-mode-only")), "")


def _definitions(document: Document, context: Context) -> Iterator[Found]:
    for definition in document.definitions:
        if definition.duplicate:
            continue
        url = cmark_href(definition.url)
        yield from _url(definition.start, url, "definition", "a", "href", context)


def _images(document: Document, context: Context) -> Iterator[Found]:
    for image in document.images:
        tag = "source" if image.tag is not None and image.tag.name == "source" else "img"
        attribute = "srcset" if tag == "source" else "src"
        no_src = tag == "img" and image.tag is not None and not image.tag.has("src")
        if no_src and image.picture:
            pass  # a <picture>'s <img> shows the chosen <source>: its src is optional
        elif no_src:
            yield image.start, "empty-url", "<img> without src"
        else:
            for written in _srcset(image.url) if tag == "source" else [image.url]:
                url = cmark_href(written) if image.kind == "markdown" else _slashes(written)
                yield from _url(image.start, url, "image", tag, attribute, context)
        yield from _theme(image)
        if tag == "img" and not _has_alt(image):
            what = _short(image.url) if image.url else "(no src)"
            yield image.start, "alt-text", f"image without alt text: {what}"


def _slashes(url: str) -> str:
    """An HTML attribute's relative URL as the browser reads it against github.com: `\\` is `/`
    in http(s) URLs (WHATWG URL standard). cmark-gfm percent-encodes it in markdown instead."""
    return url.replace("\\", "/") if scheme(url) is None else url


def _has_alt(image: Image) -> bool:
    if image.kind == "html":
        return image.tag is not None and image.tag.has("alt")
    return bool((image.alt or "").strip())


def _srcset(value: str) -> list[str]:
    return [url for url, _ in srcset_candidates(value)] or [""]


def _url(  # noqa: PLR0917 - the URL and where it sits
    offset: int, url: str, kind: str, tag: str, attribute: str, context: Context
) -> Iterator[Found]:
    """The rules every URL obeys: not empty, a scheme GitHub keeps, a file that exists."""
    if not url.strip():
        yield offset, "empty-url", f"empty {kind} target"
        return
    if not url_kept(tag, attribute, url):
        yield (
            offset,
            "unsafe-url",
            f"{_short(url)}: GitHub removes this {attribute}= ({scheme(url)}:)",
        )
        return
    yield from _values_in_url(offset, url, context.template)
    if scheme(url) is not None or url.startswith(("#", "//")):
        return
    if _looks_like_host(url) and not _exists(url, context):
        yield (
            offset,
            "no-scheme",
            f"{kind} without a scheme: {_short(url)} opens as a file in the repository; "
            "add https://",
        )
    elif not _exists(url, context):
        yield (
            offset,
            "missing-file",
            f"{kind} to {_short(url)}: no such file in the repository",
        )
    else:
        yield from _page_anchor(offset, url, context)


def _page_anchor(offset: int, url: str, context: Context) -> Iterator[Found]:
    """`RESUME.md#education`: the anchor must exist on that page, when it is one of ours."""
    parts = urlsplit(url)
    if not parts.fragment:
        return
    target = _joined(context.page_dir, unquote(parts.path))
    anchors = context.pages.get(target)
    fragment = unquote(parts.fragment).removeprefix("user-content-")
    if anchors is not None and fragment not in anchors and fragment.lower() not in anchors:
        yield (
            offset,
            "broken-anchor",
            f"link to {_short(url)}: no heading or id on {parts.path} has that anchor",
        )


def _values_in_url(offset: int, url: str, template: str | None) -> Iterator[Found]:
    if template is None:
        return
    decoded = unquote(url)
    leftover = TEMPLATE_RE.search(decoded)
    if leftover and leftover[0] not in template:
        yield offset, "template-syntax", f"template syntax in a URL: {_short(url)}"
    missing = URL_MISSING_RE.search(decoded)
    if missing and url not in template:
        yield offset, "missing-value", f"'{missing[1]}' in a URL: a templated value was missing"


def _looks_like_host(url: str) -> bool:
    host = HOST_RE.match(url)
    return host is not None and host[1].lower() not in FILE_EXTENSIONS


def _exists(url: str, context: Context) -> bool:
    path = unquote(urlsplit(url).path)
    if not path:
        return True
    base = context.root if path.startswith("/") else context.page_dir
    root, target = str(context.root), _joined(base, path.lstrip("/"))
    # A path above the repository (`../../issues`) is a github.com page, not a file.
    if not (target == root or target.startswith(root.rstrip("/") + "/")):
        return True
    return os.path.exists(target)


def _joined(directory: Path, path: str) -> str:
    """A relative path under a resolved directory, `..` and `.` taken as GitHub takes them."""
    return os.path.normpath(os.path.join(directory, path))


def _theme(image: Image) -> Iterator[Found]:
    url = image.url.lower()
    mode = _mode_only(url)
    if mode and _theme_of(url) == OTHER_THEME[mode]:
        yield (
            image.start,
            "theme-image",
            f"#gh-{mode}-mode-only image shows a {_theme_of(url)} image: {_short(image.url)}",
        )
    if image.tag is not None and image.tag.name == "source":
        media = (image.tag.get("media") or "").replace(" ", "").lower()
        for mode, wrong in (("dark", "light"), ("light", "dark")):
            if f"prefers-color-scheme:{mode}" in media and _theme_of(url) == wrong:
                yield (
                    image.start,
                    "theme-image",
                    f"<source> for {mode} mode shows a {_theme_of(url)} image: {_short(image.url)}",
                )


def _theme_of(url: str) -> str | None:
    """The theme an image URL names: `theme=dark` in its query, or dark/light in its name."""
    parts = urlsplit(url.split("#", maxsplit=1)[0])
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        if key == "theme":
            value = value.lower()
            return "light" if value in LIGHT_THEMES else "dark" if value in DARK_THEMES else None
    words = THEME_WORD_RE.findall(parts.path.rsplit("/", 1)[-1])
    return words[-1] if words else None


def _tags(document: Document, context: Context) -> Iterator[Found]:
    for tag in document.tags:
        if not tag.closing:
            yield from _tag(tag)
        if tag.name == "a" and tag.has("href"):
            yield from _url(
                tag.start, _slashes(tag.get("href") or ""), "link", "a", "href", context
            )
    last_bracket = document.text.rfind(">")
    for tag in document.unclosed:
        # The rendered page goes on after the block: the next `>` closes the tag and the
        # element shows. Only a tag with no `>` after it, or an open quote, loses content.
        if last_bracket < tag.end:
            yield (
                tag.start,
                "unclosed-tag",
                f"<{tag.name} is never closed with '>': GitHub drops it",
            )
        elif _open_quote(tag.raw):
            yield (
                tag.start,
                "unclosed-tag",
                f"<{tag.name} has an attribute value whose quote is never closed: GitHub hides "
                "what follows, up to the next such quote",
            )


def _open_quote(raw: str) -> bool:
    """Whether a cut-off tag ends inside a quoted attribute value."""
    quote = ""
    after_equals = False
    for char in raw:
        if quote:
            if char == quote:
                quote = ""
        elif after_equals and char in "\"'":
            quote = char
        elif char == "=":
            after_equals = True
            continue
        if not char.isspace():
            after_equals = False
    return bool(quote)


def _structure(document: Document, context: Context) -> Iterator[Found]:
    """What the parse could not take as written: open comments, broken tags."""
    del context
    for start in document.unclosed_comments:
        yield (
            start,
            "unclosed-comment",
            "<!-- is never closed with -->: GitHub shows nothing after it",
        )
    for start, name in document.tags_as_text:
        yield (
            start,
            "tag-as-text",
            f"<{name} is not a valid tag (no closing '>' or a broken attribute): GitHub shows "
            "it as text",
        )


def _tag(tag: Tag) -> Iterator[Found]:
    if tag.name in LITERAL_TAGS:
        yield tag.start, "literal-tag", f"<{tag.name}> is shown as literal text on GitHub"
        return
    if tag.name not in TAGS:
        yield tag.start, "stripped-tag", f"<{tag.name}> is removed by GitHub (its content stays)"
    for name, value in tag.attrs:
        if name.startswith("on"):
            yield tag.start, "event-handler", f"{name}= on <{tag.name}> is removed by GitHub"
        elif tag.name in TAGS and name in LAYOUT_ATTRIBUTES and not attribute_kept(tag.name, name):
            yield (
                tag.start,
                "stripped-attribute",
                f"{name}= on <{tag.name}> is removed by GitHub: the layout it sets is lost",
            )
        elif name in ("cite", "longdesc") and value and not url_kept(tag.name, name, value):
            yield tag.start, "unsafe-url", f"{name}={_short(value)} is removed by GitHub"


def _text(document: Document, context: Context) -> Iterator[Found]:
    template = context.template
    if template is None:
        return
    for run in document.texts:
        for match in TEMPLATE_RE.finditer(run.text):
            if match[0] not in template:
                yield (
                    run.start + match.start(),
                    "template-syntax",
                    f"leftover template syntax {_short(match[0])!r}: not in the template",
                )
        for match in MISSING_RE.finditer(run.text):
            if _is_prose_none(run.text, match) or _literal_in(template, run.text, match):
                continue
            yield (
                run.start + match.start(),
                "missing-value",
                f"'{match[1]}' in the text: a templated value was missing",
            )


JINJA_RE = re.compile(
    r"\{%-?\s*raw\s*-?%\}(?P<raw>.*?)\{%-?\s*endraw\s*-?%\}"
    r"|\{\{-?\s*(?P<string>\"[^\"]*\"|'[^']*')\s*-?\}\}"
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}",
    re.DOTALL,
)


def template_literal(template: str) -> str:
    """What a template outputs as written: its text outside `{{ }}`, `{% %}` and `{# #}`,
    `{% raw %}` blocks and string literals output as is (`{{ "{{" }}`); the rest is a
    separator. Text inside a Jinja tag is not on the page, so it cannot excuse a leftover."""
    parts: list[str] = []
    last = 0
    for match in JINJA_RE.finditer(template):
        parts.append(template[last : match.start()])
        if match["raw"] is not None:
            parts.append(match["raw"])
        elif match["string"] is not None:  # printed in place: `{{ "{{" }} name }}`
            parts.append(match["string"][1:-1].replace("\\r", "\r"))
        else:
            parts.append("\x00")
        last = match.end()
    parts.append(template[last:])
    return "".join(parts)


def _literal_in(template: str, text: str, match: re.Match[str]) -> bool:
    """Whether the word is written so in the template, with its neighbours on one side."""
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end < 0 else line_end
    left = text[max(line_start, match.start() - 12) : match.end()].lstrip()
    right = text[match.start() : min(line_end, match.end() + 12)].rstrip()
    return any(len(side) > len(match[0]) + 1 and side in template for side in (left, right))


def _is_prose_none(text: str, match: re.Match[str]) -> bool:
    """ "None of my projects": a sentence starting with the word, followed by prose."""
    after = text[match.end() : match.end() + 2]
    before = text[max(0, match.start() - 3) : match.start()]
    return (
        match[1] == "None"
        and len(after) == 2
        and after[0] == " "
        and after[1].islower()
        and SENTENCE_START_RE.search(before) is not None
    )


def _headings(document: Document, context: Context) -> Iterator[Found]:
    del context
    last = 0
    for heading in document.headings:
        if last and heading.level > last + 1:
            yield (
                heading.start,
                "heading-level",
                f"heading level {heading.level} follows level {last}",
            )
        last = heading.level
    first: dict[str, int] = {}
    unique = Slugger()
    for heading in document.headings:  # markdown and HTML headings: GitHub anchors both
        base = anchor_of(heading.text)
        anchor = unique(base)
        if base and anchor != base:  # an empty anchor cannot be linked: nothing collides
            line = document.position(first[base])[0]
            yield (
                heading.start,
                "duplicate-anchor",
                f"duplicate anchor #{base} (first at line {line}): links to it reach the first; "
                f"this heading is #{anchor}",
            )
        first.setdefault(anchor, heading.start)


def anchor_of(text: str) -> str:
    """GitHub's anchor for a heading's text; an emoji shortcode keeps its name
    (`## :rocket: Launch` is #rocket-launch, github/markup#1231)."""
    return slug(text)


def _anchor_links(document: Document, context: Context) -> Iterator[Found]:
    del context
    anchors = _anchors(document)
    for link in document.links:
        if link.url.startswith("#") and len(link.url) > 1:
            target = unquote(link.url[1:]).removeprefix("user-content-")
            if not _reaches(target, anchors, document):
                yield (
                    link.start,
                    "broken-anchor",
                    f"link to #{_short(target)}: no heading or id on this page has that anchor"
                    + _near(target, anchors),
                )


def _near(target: str, anchors: set[str]) -> str:
    """A hint when the anchor differs only by the invisible U+FE0F an emoji left in it."""
    for anchor in anchors:
        if "\ufe0f" in anchor and anchor.replace("\ufe0f", "") == target.replace("\ufe0f", ""):
            visible = anchor.replace("\ufe0f", "%EF%B8%8F")
            return f" (the heading's is #{visible}: its emoji leaves an invisible U+FE0F)"
    return ""


def _reaches(target: str, anchors: set[str], document: Document) -> bool:
    """Whether `#target` goes somewhere: an anchor, `#top` (the HTML standard scrolls to the
    top), or the ids GitHub gives footnotes (`fn-1`, `fnref-1`, `footnote-label`)."""
    if target in anchors or target.lower() in anchors or target.lower() == "top":
        return True
    if document.footnotes:
        label = FOOTNOTE_ID_RE.match(target)
        return target == "footnote-label" or (label is not None and label[1] in document.footnotes)
    return False


def anchors(document: Document) -> frozenset[str]:
    """Every anchor a link can reach on the page: headings (GitHub's slugs) and ids."""
    return frozenset(_anchors(document))


def _anchors(document: Document) -> set[str]:
    unique = Slugger()
    anchors = {unique(anchor_of(heading.text)) for heading in document.headings}
    for tag in document.tags:
        for name in ("id", "name"):
            value = tag.get(name)
            if value:
                anchors.add(value)
    return anchors


def _directives(directives: list[Directive], unknown: list[Unknown]) -> Iterator[Found]:
    """Directive comments that do nothing: a misspelled verb, a rule check does not have,
    names after a numbers- directive (it takes none)."""
    for comment in unknown:
        hint = f"; did you mean {comment.suggestion}?" if comment.suggestion else ""
        yield (
            comment.start,
            "unknown-directive",
            f"<!-- {comment.written} --> is not a directive, it does nothing{hint}",
        )
    for directive in directives:
        if directive.tool == "check":
            for name in sorted(directive.names - set(RULES)):
                close = difflib.get_close_matches(name, RULES, n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                yield (
                    directive.start,
                    "unknown-directive",
                    f"check-{directive.verb} names no rule {_short(name)!r}{hint}",
                )
        elif directive.names:
            ignored = _short(" ".join(sorted(directive.names)))
            yield (
                directive.start,
                "unknown-directive",
                f"numbers-{directive.verb} takes no names: {ignored} is ignored",
            )


def _one_line(text: str) -> str:
    """Control characters (line breaks included) shown as escapes: one finding, one line."""
    return CONTROL_RE.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


def _short(url: str) -> str:
    """The URL or text on one line, long ones cut."""
    url = _one_line(url)
    return url if len(url) <= 80 else url[:77] + "..."
