"""`updater check` rules over the positioned parse: errors GitHub will show, warnings of style.

An error is something GitHub shows broken or different from what the author meant; a warning
is accessibility or style. A rule is silenced with an HTML comment, as markdownlint does:
`<!-- check-disable-next-line RULE -->`, `check-disable-line`, `check-disable`/`check-enable`
(to the end or until enabled again) and `check-disable-file`; no rule named means all."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from updater.page.parse import Document
from updater.page.records import Image, Tag
from updater.page.render import emoji, slug
from updater.page.sanitize import TAGS, attribute_kept, scheme, url_kept

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
DIRECTIVE_RE = re.compile(
    r"^\s*check-(disable-next-line|disable-line|disable-file|disable|enable)\b([\w\s,-]*)$"
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
        """The compiler-style line."""
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.rule}]"
        )

    def annotation(self) -> str:
        """A GitHub Actions workflow command, shown on the line in the pull request."""
        return (
            f"::{self.severity} file={self.path},line={self.line},col={self.column},"
            f"title={self.rule}::{_escape_command(self.message)}"
        )


def _escape_command(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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


def check(document: Document, context: Context) -> list[Finding]:
    """Every finding on the page, in source order, after the page's directives."""
    found: list[Found] = []
    for rule_set in (_links, _images, _tags, _text, _headings, _anchor_links):
        found.extend(rule_set(document, context))
    found.extend(_definitions(document, context))
    silenced = Directives.read(document).silenced
    findings = []
    for offset, rule, message in sorted(found, key=lambda item: item[0]):
        line, column = document.position(offset)
        if not silenced(rule, line):
            findings.append(Finding(context.path, line, column, rule, message))
    return findings


def _links(document: Document, context: Context) -> Iterator[Found]:
    for link in document.links:
        if link.kind == "inline":  # a reference link is checked at its definition
            yield from _url(link.start, link.url, "link", "a", "href", context)


def _definitions(document: Document, context: Context) -> Iterator[Found]:
    for definition in document.definitions:
        if definition.duplicate:
            continue
        yield from _url(definition.start, definition.url, "definition", "a", "href", context)


def _images(document: Document, context: Context) -> Iterator[Found]:
    for image in document.images:
        tag = "source" if image.tag is not None and image.tag.name == "source" else "img"
        attribute = "srcset" if tag == "source" else "src"
        if tag == "img" and image.tag is not None and not image.tag.has("src"):
            yield image.start, "empty-url", "<img> without src"
        else:
            for url in _srcset(image.url) if tag == "source" else [image.url]:
                yield from _url(image.start, url, "image", tag, attribute, context)
        yield from _theme(image)
        if tag == "img" and not _has_alt(image):
            yield image.start, "alt-text", f"image without alt text: {_short(image.url)}"


def _has_alt(image: Image) -> bool:
    if image.kind == "html":
        return image.tag is not None and image.tag.has("alt")
    return bool((image.alt or "").strip())


def _srcset(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.split()] or [""]


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
    target = str((context.page_dir / unquote(parts.path)).resolve())
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
    return _exists_under(str(context.root.resolve()), str((base / path.lstrip("/")).resolve()))


def _exists_under(root: str, target: str) -> bool:
    # A path above the repository (`../../issues`) is a github.com page, not a file.
    if not (target == root or target.startswith(root.rstrip("/") + "/")):
        return True
    return Path(target).exists()


def _theme(image: Image) -> Iterator[Found]:
    url = image.url.lower()
    for mode, wrong in (("dark", "light"), ("light", "dark")):
        if url.endswith(f"#gh-{mode}-mode-only") and _theme_of(url) == wrong:
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
            yield from _url(tag.start, tag.get("href") or "", "link", "a", "href", context)
    for tag in document.unclosed:
        yield (
            tag.start,
            "unclosed-tag",
            f"<{tag.name} is never closed with '>': GitHub drops it (and what follows in the "
            "block)",
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
    last, seen = 0, dict[str, int]()
    for heading in document.headings:
        if last and heading.level > last + 1:
            yield (
                heading.start,
                "heading-level",
                f"heading level {heading.level} follows level {last}",
            )
        last = heading.level
        if heading.source != "markdown":
            continue
        anchor = anchor_of(heading.text)
        if anchor in seen:
            line = document.position(seen[anchor])[0]
            yield (
                heading.start,
                "duplicate-anchor",
                f"duplicate anchor #{anchor} (first at line {line}): links to it reach the first",
            )
        seen.setdefault(anchor, heading.start)


def anchor_of(text: str) -> str:
    """GitHub's anchor for a heading's text, emoji shortcodes rendered (and so dropped)."""
    names = emoji()
    rendered = re.sub(r":([a-z0-9_+-]+):", lambda m: names.get(m[1], m[0]), text)
    return slug(rendered)


def _anchor_links(document: Document, context: Context) -> Iterator[Found]:
    del context
    anchors = _anchors(document)
    for link in document.links:
        if link.url.startswith("#") and len(link.url) > 1:
            target = unquote(link.url[1:]).removeprefix("user-content-")
            if target not in anchors and target.lower() not in anchors:
                yield (
                    link.start,
                    "broken-anchor",
                    f"link to #{target}: no heading or id on this page has that anchor",
                )


def anchors(document: Document) -> frozenset[str]:
    """Every anchor a link can reach on the page: headings (GitHub's slugs) and ids."""
    return frozenset(_anchors(document))


def _anchors(document: Document) -> set[str]:
    anchors: set[str] = set()
    counts: dict[str, int] = {}
    for heading in document.headings:
        base = anchor_of(heading.text)
        count = counts.get(base, 0)
        counts[base] = count + 1
        anchors.add(base if count == 0 else f"{base}-{count}")
    for tag in document.tags:
        for name in ("id", "name"):
            value = tag.get(name)
            if value:
                anchors.add(value)
    return anchors


@dataclass(frozen=True)
class Directives:
    """The page's `check-disable...` comments: which rules are off where."""

    whole_file: frozenset[str]
    lines: Mapping[int, frozenset[str]]
    ranges: tuple[tuple[int, str, frozenset[str]], ...]  # (line, disable|enable, rules)

    @classmethod
    def read(cls, document: Document) -> Directives:
        """Collect the directives from the page's comments."""
        whole: set[str] = set()
        lines: dict[int, frozenset[str]] = {}
        ranges = []
        for comment in document.comments:
            match = DIRECTIVE_RE.match(comment.text)
            if match is None:
                continue
            rules = frozenset(re.split(r"[\s,]+", match[2].strip())) - {""} or frozenset("*")
            kind, line = match[1], document.position(comment.start)[0]
            if kind == "disable-file":
                whole |= rules
            elif kind in ("disable-line", "disable-next-line"):
                target = line if kind == "disable-line" else document.position(comment.end)[0] + 1
                lines[target] = lines.get(target, frozenset()) | rules
            else:
                ranges.append((line, kind, rules))
        return cls(frozenset(whole), lines, tuple(ranges))

    def silenced(self, rule: str, line: int) -> bool:
        """Whether the rule is off on the line."""
        wanted = {rule, "*"}
        if wanted & (self.whole_file | self.lines.get(line, frozenset())):
            return True
        off: frozenset[str] = frozenset()
        for start, kind, rules in self.ranges:
            if start > line:
                break
            if kind == "disable":
                off |= rules
            else:
                off = frozenset() if "*" in rules else off - rules
        return bool(wanted & off)


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."
