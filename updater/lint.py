"""`updater check` rules: what would look broken on the GitHub profile page, line by line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from updater.githubmd import (
    ALLOWED_TAGS,
    DROPPED_WITH_CONTENT,
    URL_ATTRIBUTES,
    attribute_allowed,
    slug,
    url_allowed,
)

TEMPLATE_RE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#")
NONE_RE = re.compile(r"\b(None|nan|NaN|null|undefined)\b")
MD_LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]*)(?:\s+\"[^\"]*\")?\)")
TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>"
)
ATTR_RE = re.compile(r"([^\s=>/]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
HOST_RE = re.compile(r"^(?:[\w-]+\.)+([a-z]{2,})(?=[/?#:]|$)", re.IGNORECASE)
# `logo.png` is a relative file, `facebook.com/x` a forgotten scheme.
FILE_EXTENSIONS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "md",
        "html",
        "htm",
        "txt",
        "pdf",
        "json",
        "yml",
        "yaml",
        "py",
    ]
)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass(frozen=True)
class Finding:
    """One problem, at one line."""

    line: int
    message: str

    def format(self, path: str) -> str:
        """`README.md:LINE: message`."""
        return f"{path}:{self.line}: {self.message}"


def _prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines outside fenced code blocks, with inline code spans blanked."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if marker and (fence is None or marker[1].startswith(fence)):
            fence = None if fence else marker[1]
            continue
        if fence is None:
            yield number, CODE_SPAN_RE.sub(lambda m: " " * len(m[0]), line)


def check(text: str) -> list[Finding]:
    """Every finding in a rendered README, in line order."""
    findings: list[Finding] = []
    last_level, anchors = 0, dict[str, int]()
    for number, line in _prose_lines(text):
        findings += [Finding(number, m) for m in _line_findings(line)]
        heading = HEADING_RE.match(line)
        if heading:
            level, anchor = len(heading[1]), slug(heading[2])
            if last_level and level > last_level + 1:
                findings.append(
                    Finding(
                        number, f"heading level {level} follows level {last_level}: levels skipped"
                    )
                )
            if anchor in anchors:
                findings.append(
                    Finding(number, f"duplicate anchor #{anchor} (first at line {anchors[anchor]})")
                )
            anchors.setdefault(anchor, number)
            last_level = level
    return findings


def _line_findings(line: str) -> Iterator[str]:
    if TEMPLATE_RE.search(line):
        yield "leftover template syntax"
    # URLs and tag attributes may legitimately hold such words; the visible text may not.
    missing = NONE_RE.search(re.sub(r"\([^)\s]*\)|<[^>]*>", "", line))
    if missing:
        yield f"'{missing[0]}' in the text: a missing value was rendered"
    for image, label, url in MD_LINK_RE.findall(line):
        yield from _link_findings(url, label, bool(image))
    for closing, tag, attributes in TAG_RE.findall(line):
        if not closing:
            yield from _tag_findings(tag.lower(), attributes)


def _schemeless(url: str) -> bool:
    """A host name written without https:// (GitHub would treat it as a relative path)."""
    host = HOST_RE.match(url)
    return host is not None and host[1].lower() not in FILE_EXTENSIONS


def _link_findings(url: str, label: str, image: bool) -> Iterator[str]:
    kind = "image" if image else "link"
    if not url:
        yield f"empty {kind} target: [{label}]()"
    elif _schemeless(url):
        yield f"{kind} without a scheme: {url} would open as a relative path (a 404); add https://"
    if image and not label.strip():
        yield f"image without alt text: {url}"
    if image and url and not url.startswith(("http://", "https://")):
        yield f"image URL is not absolute: {url}"


def _tag_findings(tag: str, attributes: str) -> Iterator[str]:
    if tag in DROPPED_WITH_CONTENT:
        yield f"<{tag}> is removed by GitHub's sanitizer, with its content"
        return
    if tag not in ALLOWED_TAGS:
        yield f"<{tag}> is removed by GitHub's sanitizer"
        return
    attrs = {
        name.lower(): (value or "").strip("\"'") for name, value in ATTR_RE.findall(attributes)
    }
    for name, value in attrs.items():
        if not attribute_allowed(tag, name):
            yield f"{name}= on <{tag}> is removed by GitHub's sanitizer"
        elif name in URL_ATTRIBUTES and not url_allowed(value):
            yield f"{name}={value!r} on <{tag}> is removed by GitHub's sanitizer"
        elif name in URL_ATTRIBUTES:
            yield from _html_url_findings(tag, name, value)
    if tag == "img" and not attrs.get("alt", "").strip():
        yield f"image without alt text: {attrs.get('src', '')}"


def _html_url_findings(tag: str, name: str, value: str) -> Iterator[str]:
    if not value:
        yield f"empty {name}= on <{tag}>"
    elif _schemeless(value):
        yield f"{name}={value} on <{tag}> has no scheme: it would open as a relative path; add https://"
    elif tag == "img" and name == "src" and not value.startswith(("http://", "https://")):
        yield f"image URL is not absolute: {value}"
