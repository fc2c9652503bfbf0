"""Insert a badge after links: `annotate(page, badge)`, and `links(page)` to discover targets.

Built on the positioned parse, so code, comments, reference definitions and HTML attributes are
never touched, and the text between insertions is copied byte for byte."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from updater.links import classify
from updater.page.parse import Document, parse
from updater.page.records import Image, Link

# Badge services whose images show a live number (stars, downloads, ...) for a target.
BADGE_HOSTS = frozenset(
    {"img.shields.io", "shields.io", "badgen.net", "flat.badgen.net", "badge.fury.io"}
)
# Hosts whose every badge is a download count (pepy: a package's downloads).
COUNT_HOSTS = frozenset({"pepy.tech", "static.pepy.tech", "img.pepy.tech"})
DOWNLOADS = ("download", "/dm/", "/dw/", "/dt/", "/dy/", "install", "pulls")
# The number each kind of link gets, as badge URLs name it: a badge showing another number
# (a package's downloads beside a repository's link) leaves the link's own number missing.
METRICS: dict[str | None, tuple[str, ...]] = {
    "repo": ("star",),
    "model": (*DOWNLOADS, "like"),
    "dataset": (*DOWNLOADS, "like"),
    "space": ("like",),
    "paper": ("citation", "cited"),
    None: ("star", "fork", *DOWNLOADS, "like", "citation", "cited", "follower", "watcher"),
}
# What may stand between a link and the badge beside it: spaces, or the next table cell.
SPACE = " \t|"


@dataclass(frozen=True)
class PageLink:
    """A visible link: its URL and where it starts (1-based line and column)."""

    url: str
    line: int
    column: int
    kind: str  # "inline" | "reference" | "autolink" | "bare" | "html"
    text: str


def links(markdown: str) -> list[PageLink]:
    """Every link a reader can click, in document order (not definitions, code or comments)."""
    document = parse(markdown)
    return [
        PageLink(link.url, *document.position(link.start), link.kind, link.text)
        for link in document.links
    ]


def annotate(markdown: str, badge: Callable[[str], str | None]) -> str:
    """The page with `badge(url)` inserted after each link that gets one and shows no count."""
    document = parse(markdown)
    inserts: list[tuple[int, str]] = []
    for link in document.links:
        text = badge(link.url)
        if text is None or markdown.startswith(text, link.end):
            continue
        if carries_number(link, _following(document, link.end)):
            continue
        inserts.append((link.end, text))
    return _splice(markdown, inserts)


def carries_number(link: Link, following: Sequence[Image]) -> bool:
    """Whether the link's content, or the image right after it, is a count badge for its target."""
    return any(is_count_badge(image.url, link.url) for image in (*link.images, *following))


def is_count_badge(image_url: str, target: str) -> bool:
    """A shields.io/badgen-style image showing the number this target's link would get."""
    parts = urlsplit(image_url.strip())
    host = parts.netloc.lower()
    decoded = unquote(image_url).lower()
    ref = classify(target)
    metrics = METRICS[ref.kind if ref else None]
    counts = (host in COUNT_HOSTS and "download" in metrics) or (
        host in BADGE_HOSTS and any(metric in decoded for metric in metrics)
    )
    return counts and _target_key(target) in decoded


def _target_key(url: str) -> str:
    """The last path segment of the target (the repository, model or package name)."""
    segments = [s for s in urlsplit(url.strip()).path.split("/") if s]
    return segments[-1].lower() if segments else "\0"


def _following(document: Document, end: int) -> tuple[Image, ...]:
    """The image written right after a link (spaces or a cell border between), or inside a link
    right after it."""
    start = end
    while start < len(document.text) and document.text[start] in SPACE:
        start += 1
    images = document.images_at(start)
    return images if images else document.link_images_at(start)


def _splice(text: str, inserts: Sequence[tuple[int, str]]) -> str:
    if not inserts:
        return text
    parts, last = [], 0
    for offset, insert in sorted(inserts, key=lambda pair: pair[0]):
        parts += [text[last:offset], insert]
        last = offset
    parts.append(text[last:])
    return "".join(parts)
