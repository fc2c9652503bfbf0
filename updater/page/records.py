"""What a page is made of, as frozen records with offsets into the original text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tag:
    """A start or end tag as written, attributes unescaped (as a browser reads them)."""

    name: str
    attrs: tuple[tuple[str, str | None], ...]
    start: int
    end: int
    closing: bool = False
    raw: str = ""

    def get(self, name: str) -> str | None:
        """The value of an attribute (the first, as browsers keep), or None."""
        return next((value or "" for key, value in self.attrs if key == name), None)

    def has(self, name: str) -> bool:
        """Whether the attribute is present."""
        return any(key == name for key, _ in self.attrs)


@dataclass(frozen=True)
class Comment:
    """An HTML comment: GitHub renders nothing of it; directives live here."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Image:
    """An image as written: markdown `![alt](src)` or HTML `<img>`/`<source>`."""

    url: str
    alt: str | None
    start: int
    end: int
    kind: str  # "markdown" | "html"
    tag: Tag | None = None
    picture: bool = False  # inside a <picture>: an <img> there shows the chosen <source>


@dataclass(frozen=True)
class Link:
    """A link a reader can click, with its whole source span (the badge goes at `end`)."""

    url: str
    kind: str  # "inline" | "reference" | "autolink" | "bare" | "html"
    start: int
    end: int
    text: str
    images: tuple[Image, ...] = ()
    label: str | None = None  # reference label, for `kind == "reference"`


@dataclass(frozen=True)
class Definition:
    """A link reference definition `[label]: url`."""

    label: str
    url: str
    start: int
    duplicate: bool


@dataclass(frozen=True)
class Heading:
    """A markdown heading (`source == "markdown"`) or an HTML `<h1>`..`<h6>`."""

    level: int
    text: str
    start: int
    source: str


@dataclass(frozen=True)
class Text:
    """A run of visible prose, outside code, tags and link destinations."""

    text: str
    start: int
