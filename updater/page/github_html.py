"""A page's markdown as GitHub renders it: cmark-gfm, GitHub's sanitizer, then GitHub's filters.

The filters run on the sanitized HTML in GitHub's order: emoji, heading anchors (`user-content-`
ids), alerts, task lists, theme images (`#gh-dark-mode-only`, `<picture>`), math kept verbatim."""

from __future__ import annotations

import bisect
import json
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import escape, unescape
from importlib.resources import files
from urllib.parse import quote, unquote

import cmarkgfm
from cmarkgfm.cmark import Options

from updater.page.parse import Document, parse, unparsed
from updater.page.sanitize import sanitize, scheme, srcset_candidates

OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_GITHUB_PRE_LANG
# Task lists are GitHub's own filter after sanitizing (its checkbox is not the author's <input>).
EXTENSIONS = ["table", "autolink", "tagfilter", "strikethrough"]
THEMES = ("light", "dark")
ALERTS = ("note", "tip", "important", "warning", "caution")
# An alert is a top-level blockquote whose first line is the marker alone; what follows may be
# more of the paragraph or any blocks. Quotes and list items are tracked to tell the top level.
ALERT_RE = re.compile(
    r"(?P<alert><blockquote>\n<p>\[!(?P<kind>NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]"
    r"(?P<sep>\n|<br />\n|</p>\n(?!</blockquote>)))"
    r"|<blockquote>|</blockquote>|<li\b[^>]*>|</li>",
    re.IGNORECASE,
)
TASK_LIST_RE = re.compile(r'<(ul|ol)>(?=\n<li class="task-list-item">)')
TASK_RE = re.compile(r"<li>(\n?<p>)?\[([ xX])\](?=\s)")
HEADING_RE = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.DOTALL)
EMOJI_RE = re.compile(r":([a-z0-9_+-]+):")
# Elements whose text is shown as written: no emoji there.
VERBATIM_TAG_RE = re.compile(r"<(/?)(?:code|pre|tt|kbd|samp)\b[^>]*>", re.IGNORECASE)
# GitHub's custom emoji (images, not Unicode): the names its emoji API lists with no character.
CUSTOM_EMOJI = frozenset(
    {"accessibility", "atom", "bowtie", "dependabot", "electron",
     "feelsgood", "finnadie", "fishsticks", "goberserk", "godmode", "hurtrealbad", "neckbeard",
     "octocat", "rage1", "rage2", "rage3", "rage4", "shipit", "suspect", "trollface"}
)  # fmt: skip
CUSTOM_EMOJI_URL = "https://github.githubassets.com/images/icons/emoji/"
PICTURE_RE = re.compile(r"<picture[^>]*>(.*?)</picture>", re.DOTALL)
SOURCE_RE = re.compile(r"<source\b([^>]*)>")
IMG_RE = re.compile(r"<img\b([^>]*)>")
ATTR_RE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
SOURCE_MEDIA_RE = re.compile(r'(<source\b[^>]*\bmedia=")([^"]*)(")')
COLOR_SCHEME_RE = re.compile(r"\(\s*prefers-color-scheme\s*:\s*([\w-]+)\s*\)", re.IGNORECASE)
# What a media query may hold besides the color scheme without depending on the viewport.
MEDIA_NOISE_RE = re.compile(r"\b(?:and|only|screen|all)\b|[\s(),]", re.IGNORECASE)
# In a theme's view, its color scheme is a feature every viewport has, the other one none has.
ALWAYS, NEVER = "(min-width: 0px)", "(max-width: 0px)"
# GitHub's math: $`...`$ and $...$ inline, $$...$$ display; the delimiters must hug the content.
MATH_RE = re.compile(
    r"\$\$(?P<display>[^$]+?)\$\$"
    r"|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?![\w$])",
    re.DOTALL,
)
# Where a link to another page's preview names the view, between body() and themed(): cmark-gfm
# writes no NUL (it replaces every one by U+FFFD), so no page text can be taken for it.
VIEW_MARK = "\0"
# Kept as written when a path goes into a URL: `%` too, so an escape the author wrote stays one.
PATH_SAFE = "/%:@!$&'()*+,;=~-._"
# Block containers cmark-gfm writes (always balanced), and how deep the preview keeps them.
CONTAINER_RE = re.compile(r"<(/?)(?:blockquote|ul|ol|li)\b[^>]*>")
MAX_DEPTH = 64


@dataclass(frozen=True)
class Marks:
    """Placeholders for one page that its text cannot hold: `zqN` with the first N from 9 whose
    prefix is nowhere in the text, as written, entity-decoded or percent-decoded."""

    prefix: str

    @classmethod
    def for_text(cls, text: str) -> Marks:
        """Marks that appear in no form of this text."""
        forms = (text, unescape(text), unquote(text))
        number = 9
        while any(f"zq{number}" in form for form in forms):
            number += 1
        return cls(f"zq{number}")

    def math(self, index: int) -> str:
        """The placeholder of the index-th math span (letters and digits only)."""
        return f"{self.prefix}m{index}qz"

    @property
    def view(self) -> str:
        """What the resolver writes where the view goes (replaced by VIEW_MARK in body)."""
        return f"{self.prefix}v9qz"

    def restore(self, html: str, maths: list[str]) -> str:
        """Every math placeholder replaced by its HTML."""
        pattern = re.compile(rf"{self.prefix}m(\d+)qz")
        return pattern.sub(lambda m: maths[int(m[1])] if int(m[1]) < len(maths) else m[0], html)


@dataclass(frozen=True)
class Site:
    """Where relative links point: the repository on github.com, and the pages previewed here."""

    repo: str
    branch: str
    pages: frozenset[str] = frozenset()  # repository paths of the pages previewed together
    theme: str = "light"
    page: str = "README.md"  # the page being rendered: relative links start from its folder


def file_name(page: str, theme: str) -> str:
    """The preview of a page: `README.md.html` (light view), `README.md.dark.html` (dark)."""
    return f"{page}.html" if theme == "light" else f"{page}.{theme}.html"


def preview_document(text: str) -> Document:
    """The parse the preview needs: the markdown parse only finds where math sits, so a page with
    nothing math could be (no `$x$`, `$$`, or $`x`$ anywhere in its text) skips it: cmark-gfm
    renders the page either way. A run of prose is cut from the text at a link, tag or code
    span, whose edges are never word characters, so math in a run is math in the text."""
    if MATH_RE.search(text) is None and "$`" not in text:
        return unparsed(text)
    return parse(text)


def render(document: Document, site: Site) -> str:  # site.page: which page it is
    """The page body as GitHub shows it in `site.theme`."""
    return themed(body(document, site), site.theme)


def themed(html: str, theme: str) -> str:
    """A theme-independent body in one theme: its images, and links to that view of pages."""
    html = html.replace(VIEW_MARK, "" if theme == "light" else f".{theme}")
    return _theme_images(html, theme)


def body(document: Document, site: Site) -> str:
    """The page body as GitHub renders it, before the theme is chosen."""
    marks = Marks.for_text(document.text)
    source, maths = _protect_math(document, marks)
    raw = cmarkgfm.markdown_to_html_with_extensions(source, options=OPTIONS, extensions=EXTENSIONS)
    html = sanitize(_bounded(raw), _resolver(site, marks))
    html = _emoji(_anchors(html, maths, marks))
    html = _alerts(html)
    html = _task_lists(html)
    return marks.restore(html, maths).replace(marks.view, VIEW_MARK)


def _bounded(html: str) -> str:
    """cmark-gfm's quotes and lists nested deeper than MAX_DEPTH are flattened to that depth
    (their text kept): the sanitizer's HTML5 parser takes time growing with depth squared."""
    if html.count("<blockquote>") + html.count("<li") < MAX_DEPTH:
        return html
    parts: list[str] = []
    kept: list[bool] = []
    depth, last = 0, 0
    for match in CONTAINER_RE.finditer(html):
        if match[1]:  # closing
            if not kept:
                continue
            keep = kept.pop()
            depth -= keep
        else:
            keep = depth < MAX_DEPTH
            kept.append(keep)
            depth += keep
        if not keep:
            parts += [html[last : match.start()]]
            last = match.end()
    parts.append(html[last:])
    return "".join(parts)


def _protect_math(document: Document, marks: Marks) -> tuple[str, list[str]]:
    """Swap math in prose for placeholders, so markdown never escapes or emphasizes it."""
    text = document.text
    spans: list[tuple[int, int, str]] = []
    for run in document.texts:
        if "$" not in run.text or text[run.start : run.start + len(run.text)] != run.text:
            continue
        for match in MATH_RE.finditer(run.text):
            spans.append((run.start + match.start(), run.start + match.end(), _math_html(match)))
    for start, end in document.code_spans:  # $`...`$: a code span between dollars
        if text[start - 1 : start] == "$" and text[end : end + 1] == "$":
            body = text[start:end].strip("`")
            spans.append(
                (start - 1, end + 1, f'<span class="math math-inline">${escape(body)}$</span>')
            )
    pieces: list[str] = []
    maths: list[str] = []
    last = 0
    for start, end, html in sorted(spans):
        if start < last:
            continue
        pieces += [text[last:start], marks.math(len(maths))]
        maths.append(html)
        last = end
    pieces.append(text[last:])
    return "".join(pieces).removeprefix("\ufeff"), maths


def _math_html(match: re.Match[str]) -> str:
    if match["display"] is not None:
        return f'<span class="math math-display">$${escape(match["display"])}$$</span>'
    return f'<span class="math math-inline">${escape(match["inline"])}$</span>'


def _resolver(site: Site, marks: Marks) -> Callable[[str, str, str], str]:
    folder = posixpath.dirname(site.page)

    def resolve(tag: str, attribute: str, value: str) -> str:
        if attribute == "srcset":
            return ", ".join(
                " ".join([resolve(tag, "src", url), descriptors]).strip()
                for url, descriptors in srcset_candidates(value)
            )
        if not value or scheme(value) is not None or value.startswith("//"):
            return value
        if value.startswith("#"):
            return "#" + _user_content(value[1:])
        path, _, fragment = value.partition("#")
        path, mark, query = path.partition("?")
        path = path.replace("\\", "/")  # as browsers read http(s) URLs (markdown's are %5C)
        target = _repo_path(folder, path)
        if tag == "a" and unquote(target) in site.pages:  # a page previewed with this one
            relative = posixpath.relpath(unquote(target), folder or ".")
            return f"{quote(relative, safe=PATH_SAFE)}{marks.view}.html" + (
                "#" + _user_content(fragment) if fragment else ""
            )
        kind = "blob" if tag == "a" else "raw"
        if not path:  # `?query` alone: the page itself
            target = site.page
        # Concatenated, never joined: no part of the value can become a scheme or a host.
        url = f"https://github.com/{site.repo}/{kind}/{site.branch}/" + quote(
            target, safe=PATH_SAFE
        )
        return url + (mark + query if mark else "") + ("#" + fragment if fragment else "")

    return resolve


def _repo_path(folder: str, path: str) -> str:
    """A relative or root-relative path as a path in the repository (dot segments resolved,
    never above the root)."""
    joined = path[1:] if path.startswith("/") else f"{folder}/{path}" if folder else path
    parts: list[str] = []
    for part in joined.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts) + ("/" if joined.endswith("/") and parts else "")


def _user_content(fragment: str) -> str:
    return fragment if fragment.startswith("user-content-") else "user-content-" + fragment


@cache
def emoji() -> dict[str, str]:
    """GitHub's emoji shortcodes (gemoji), name -> character."""
    data = files("updater.page").joinpath("assets/gemoji.json").read_text(encoding="utf-8")
    return dict(json.loads(data))


def _emoji(html: str) -> str:
    """`:rocket:` in text (not in code, pre or attributes) becomes the emoji, as on GitHub.

    Only the shortcodes are visited: the page between them is copied, never split."""
    if ":" not in html:
        return html
    names = emoji()
    verbatim = _verbatim_ranges(html)
    starts = [start for start, _ in verbatim]
    out, last = [], 0
    for match in EMOJI_RE.finditer(html):
        at = match.start()
        if html.rfind("<", 0, at) > html.rfind(">", 0, at):
            continue  # inside a tag: an attribute value
        inside = bisect.bisect_right(starts, at) - 1
        if inside >= 0 and at < verbatim[inside][1]:
            continue
        shown = _emoji_html(match[1], names)
        if shown is not None:
            out += [html[last:at], shown]
            last = match.end()
    out.append(html[last:])
    return "".join(out)


def _verbatim_ranges(html: str) -> list[tuple[int, int]]:
    """Where text is shown as written (inside code, pre, tt, kbd, samp), outermost spans."""
    ranges: list[tuple[int, int]] = []
    depth, start = 0, 0
    for match in VERBATIM_TAG_RE.finditer(html):
        if not match[1]:
            start = match.end() if depth == 0 else start
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                ranges.append((start, match.start()))
    if depth:
        ranges.append((start, len(html)))
    return ranges


def _emoji_html(name: str, names: dict[str, str]) -> str | None:
    if name in names:
        return f'<g-emoji class="g-emoji" alias="{name}">{names[name]}</g-emoji>'
    if name in CUSTOM_EMOJI:  # GitHub's own, images rather than characters
        return (
            f'<img class="emoji" title=":{name}:" alt=":{name}:" src="{CUSTOM_EMOJI_URL}'
            f'{name}.png" height="20" width="20" align="absmiddle">'
        )
    return None


ASCII_DROPPED_RE = re.compile(r"[^a-z0-9_ -]+")


def _word(category: str) -> bool:
    """Ruby's `\\p{Word}`, which GitHub's slug keeps: letters, marks, decimal and letter numbers,
    connector punctuation (`_`). Other numbers (`①`, `²`) are dropped."""
    return category[0] in "LM" or category in ("Nd", "Nl", "Pc")


def slug(text: str) -> str:
    """GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens."""
    if text.isascii():  # letters, digits and `_` are ASCII's word characters
        return ASCII_DROPPED_RE.sub("", text.lower()).replace(" ", "-")
    kept = "".join(c for c in text.lower() if c in " -" or _word(unicodedata.category(c)))
    return kept.replace(" ", "-")


class Slugger:
    """Unique heading ids as GitHub gives them (github-slugger): a taken id gets `-1`, `-2`...
    until free, so `Foo`, `Foo`, `Foo-1` are `foo`, `foo-1`, `foo-1-1` (github/markup#990)."""

    def __init__(self) -> None:
        self.taken: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        anchor = base
        while anchor in self.taken:
            self.taken[base] += 1
            anchor = f"{base}-{self.taken[base]}"
        self.taken[anchor] = 0
        return anchor


def _anchors(html: str, maths: list[str], marks: Marks) -> str:
    """A permalink anchor in every heading (`user-content-` + slug; repeats numbered), as GitHub
    adds; an id the author wrote stays on the heading. The id comes from the heading's text
    (math as its TeX, emoji shortcodes as written), never from markup."""
    unique = Slugger()

    def add(match: re.Match[str]) -> str:
        content = marks.restore(match[3], maths)
        text = unescape(re.sub(r"<[^>]*>", "", content))
        anchor = escape(unique(slug(text)))
        link = (
            f'<a id="user-content-{anchor}" class="anchor" aria-hidden="true" '
            f'href="#user-content-{anchor}"></a>'
        )
        return f"<h{match[1]}{match[2]}>{link}{match[3]}</h{match[1]}>"

    return HEADING_RE.sub(add, html)


def _task_lists(html: str) -> str:
    def box(match: re.Match[str]) -> str:
        checked = " checked" if match[2] in "xX" else ""
        return (
            f'<li class="task-list-item">{match[1] or ""}'
            f'<input type="checkbox" class="task-list-item-checkbox" disabled{checked}>'
        )

    return TASK_LIST_RE.sub(r'<\1 class="contains-task-list">', TASK_RE.sub(box, html))


def _alerts(html: str) -> str:
    """`> [!NOTE]` at the top level becomes GitHub's alert, its `</blockquote>` a `</div>`;
    alerts cannot be nested in lists or quotes (GitHub's documentation)."""
    if "[!" not in html:
        return html
    parts: list[str] = []
    stack: list[str] = []  # "li", "quote", "alert"
    last = 0
    for match in ALERT_RE.finditer(html):
        found = match[0]
        replacement = found
        if match["alert"]:
            kind = match["kind"].lower()
            alert = not stack
            stack.append("alert" if alert else "quote")
            if alert:
                replacement = (
                    f'<div class="markdown-alert markdown-alert-{kind}">\n'
                    f'<p class="markdown-alert-title">{kind.capitalize()}</p>\n'
                    + ("" if match["sep"].startswith("</p>") else "<p>")
                )
        elif found == "<blockquote>":
            stack.append("quote")
        elif found == "</blockquote>":
            while stack and stack[-1] == "li":
                stack.pop()
            if stack and stack.pop() == "alert":
                replacement = "</div>"
        elif found.startswith("<li"):
            stack.append("li")
        elif stack and stack[-1] == "li":
            stack.pop()
        if replacement != found:
            parts += [html[last : match.start()], replacement]
            last = match.end()
    parts.append(html[last:])
    return "".join(parts)


def _theme_images(html: str, theme: str) -> str:
    """Drop the other theme's `#gh-*-mode-only` images; pick each `<picture>`'s source."""
    other = "light" if theme == "dark" else "dark"

    def picture(match: re.Match[str]) -> str:
        if _viewport_media(match[1]):  # `(max-width: 600px)`: the browser picks, as on GitHub
            return SOURCE_MEDIA_RE.sub(lambda m: m[1] + _themed_media(m[2], theme) + m[3], match[0])
        img = IMG_RE.search(match[1])
        if img is None:
            return ""
        chosen = _picture_source(match[1], theme)
        if chosen is None:
            return img[0]
        attrs = re.sub(r'\ssrc="[^"]*"', "", img[1])
        return f'<img src="{chosen}"{attrs}>'

    html = PICTURE_RE.sub(picture, html)
    return IMG_RE.sub(
        lambda m: "" if f'#gh-{other}-mode-only"' in m[1] else m[0],
        html,
    )


def _viewport_media(inner: str) -> bool:
    """Whether a `<picture>`'s sources ask of the viewport (width, resolution...), not only of
    the color scheme."""
    return any(
        MEDIA_NOISE_RE.sub("", COLOR_SCHEME_RE.sub("", unescape(m[2])))
        for m in SOURCE_MEDIA_RE.finditer(inner)
    )


def _themed_media(media: str, theme: str) -> str:
    """The media query with its color scheme decided for the view."""
    return COLOR_SCHEME_RE.sub(lambda m: ALWAYS if m[1].lower() == theme else NEVER, media)


def _picture_source(inner: str, theme: str) -> str | None:
    """The first `<source>` whose media query matches the theme (or has none)."""
    for source in SOURCE_RE.finditer(inner):
        attrs = dict(ATTR_RE.findall(source[1]))
        media = attrs.get("media", "").replace(" ", "").lower()
        matches = not media or f"prefers-color-scheme:{theme}" in media
        candidates = srcset_candidates(unescape(attrs.get("srcset", "")))
        if matches and candidates:
            return escape(candidates[0][0])
    return None
