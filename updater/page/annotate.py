"""Insert a badge after links: `annotate(page, badge)`, and `links(page)` to discover targets.

Built on the positioned parse, so only links GitHub shows are touched (never code, comments or
what a comment hides, reference definitions, attributes, footnotes nobody cites), and the text
between insertions is copied byte for byte. `links` lists the same links: what is fetched is
what a reader can see. A number goes only where it informs:
- not after a link that holds only images (a card, a logo, a badge wall) unless the page asks
  for it (`<!-- numbers-images-next-line -->` and the other directives.py forms), and never
  after a card that is about someone else (a stats or streak card linked to the tool's repo);
- never where an image already shows that number (a shields.io badge, a pin card);
- nowhere `<!-- numbers-disable... -->` says."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from updater.links import classify
from updater.page.directives import Switches, number_switches
from updater.page.directives import read as read_directives
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
# Cards that show a repository's stars: github-readme-stats' pin card on any instance
# (`/api/pin?username=O&repo=R`: vercel.app forks, self-hosted), gh-card.dev, GitHub's own
# social card (opengraph.githubassets.com/HASH/O/R), socialify with its star count on.
GH_CARD_RE = re.compile(r"^/repos/([^/]+)/([^/]+?)\.(?:svg|png)$")
OPENGRAPH_RE = re.compile(r"^/[^/]+/([^/]+)/([^/]+?)/?$")
SOCIALIFY_RE = re.compile(r"^/([^/]+)/([^/]+)/image/?$")
CARD_PATHS = {
    "gh-card.dev": GH_CARD_RE,
    "opengraph.githubassets.com": OPENGRAPH_RE,
    "socialify.git.ci": SOCIALIFY_RE,
}
# Services whose cards draw someone's profile (stats, languages, streak, trophies, activity,
# views, typing text...): linked, they lead to the service's own repository, whose stars a
# number would pass off as the owner's.
PROFILE_CARD_HOST_RE = re.compile(
    r"readme-stats|streak-stats|profile-trophy|activity-graph|readme-typing-svg|"
    r"profile-summary-cards|github-stats|readme-cards|^komarev\.com$|^metrics\.lecoq\.io$|"
    r"^capsule-render\.vercel\.app$|^github-contributor-stats|^wakatime\.com$"
)


@dataclass(frozen=True)
class PageLink:
    """A visible link: its URL and where it starts (1-based line and column)."""

    url: str
    line: int
    column: int
    kind: str  # "inline" | "reference" | "autolink" | "bare" | "html"
    text: str


def links(markdown: str) -> list[PageLink]:
    """Every link a reader can click, in document order (not definitions, code, comments or
    what GitHub hides): what is fetched, numbered or not."""
    document = parse(markdown)
    return [
        PageLink(link.url, *document.position(link.start), link.kind, link.text)
        for link in document.links
    ]


def annotate(markdown: str, badge: Callable[[str], str | None]) -> str:
    """The page with `badge(url)` inserted after each link that gets one (see the module's
    docstring for where a number informs)."""
    document = parse(markdown)
    switches = number_switches(read_directives(document)[0])
    inserts: list[tuple[int, str]] = []
    for link in document.links:
        text = badge(link.url)
        if text is None or markdown.startswith(text, link.end):
            continue
        if wants_number(document, link, switches):
            inserts.append((link.end, text))
    return _splice(markdown, inserts)


def wants_number(document: Document, link: Link, switches: Switches) -> bool:
    """Whether the link's number informs: the page does not turn it off there, no image shows
    it already, and the link shows text (or the page asks for numbers after images too)."""
    line = document.position(link.start)[0]
    if switches.on("disable", line):
        return False
    if carries_number(link, _following(document, link.end)):
        return False
    if link.text.strip():
        return True
    return switches.on("images", line) and not any(is_profile_card(i.url) for i in link.images)


def carries_number(link: Link, following: Sequence[Image]) -> bool:
    """Whether the link's content, or the image right after it, shows its target's number: a
    count badge for it, or a card showing a repository's stars beside a repository's link."""
    images = (*link.images, *following)
    if any(is_count_badge(image.url, link.url) for image in images):
        return True
    ref = classify(link.url)
    return ref is not None and ref.kind == "repo" and any(stars_card(i.url) for i in images)


def stars_card(image_url: str) -> str | None:
    """The repository (`owner/name`) a card shows the stars of, or None."""
    parts = urlsplit(image_url.strip())
    host, path = parts.netloc.lower(), unquote(parts.path)
    query = parse_qs(parts.query)
    if path.rstrip("/") == "/api/pin" and query.get("username") and query.get("repo"):
        return f"{query['username'][0]}/{query['repo'][0]}"
    pattern = CARD_PATHS.get(host)
    match = pattern.match(path) if pattern else None
    if match is None or (host == "socialify.git.ci" and query.get("stargazers") != ["1"]):
        return None
    return f"{match[1]}/{match[2]}"


def is_profile_card(image_url: str) -> bool:
    """A card drawing someone's profile (stats, languages, streak...), not a repository."""
    parts = urlsplit(image_url.strip())
    return stars_card(image_url) is None and bool(PROFILE_CARD_HOST_RE.search(parts.netloc.lower()))


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
