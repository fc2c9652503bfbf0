"""Is an SVG file safe to show on GitHub? Well-formed, and nothing GitHub strips or blocks.

GitHub shows a repository's SVG as an image (`<img>`, through raw.githubusercontent.com or
its image proxy): scripts never run, nothing outside the file is loaded (fonts, stylesheets,
images), and HTML inside `<foreignObject>` is not a drawing. Such parts are at best dead
weight and often a sign of a file made for another place, so `check` reports them. The file
is read by expat with no DOCTYPE allowed: no entity can expand, nothing external is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# GitHub's image proxy refuses images over about 5 MB.
MAX_BYTES = 5 * 1024 * 1024
_NOT_DRAWN = {
    "script": "a script: it never runs in an image, and GitHub strips it",
    "foreignObject": "<foreignObject>: HTML inside an SVG is not drawn where GitHub shows it",
    "iframe": "an <iframe>: not drawn in an image",
    "embed": "an <embed>: not drawn in an image",
    "object": "an <object>: not drawn in an image",
    "audio": "<audio>: not played in an image",
    "video": "<video>: not played in an image",
}
# A reference inside the file, or an embedded raster image: everything else is outside it.
_LOCAL_REF_RE = re.compile(r"\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)
_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT_RE = re.compile(r"@import\b", re.IGNORECASE)
_SCRIPT_URL_RE = re.compile(r"^\s*(javascript|vbscript):", re.IGNORECASE)


@dataclass
class _Scan:
    source: str
    parser: expat.XMLParserType
    problems: list[str] = field(default_factory=list)
    depth: int = 0
    in_style: bool = False
    style_at: tuple[int, int] = (1, 1)
    style_text: list[str] = field(default_factory=list)

    def report(self, message: str, at: tuple[int, int] | None = None) -> None:
        line, col = at or (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)
        self.problems.append(f"{self.source}:{line}:{col}: {message}")


class _Refused(Exception):
    """A DOCTYPE's entity: parsing stops there."""


def check_svg(data: bytes, source: str, max_bytes: int = MAX_BYTES) -> list[str]:
    """Every problem of one SVG file as `FILE:LINE:COL: what; the fix`, [] when it is fine."""
    if len(data) > max_bytes:
        return [f"{source}:1:1: {len(data) // 1024} KB: GitHub's image proxy refuses images over "
                f"about {max_bytes // (1024 * 1024)} MB; make it smaller"]  # fmt: skip
    parser = expat.ParserCreate(namespace_separator=" ")
    scan = _Scan(source, parser)
    _connect(parser, scan)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        scan.report(f"not well-formed XML: {expat.errors.messages[exc.code]}",
                    (exc.lineno, exc.offset + 1))  # fmt: skip
    except _Refused:
        pass
    return scan.problems


def _connect(parser: expat.XMLParserType, scan: _Scan) -> None:
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(name: str, system: str | None, public: str | None, internal: int) -> None:
        scan.report("a DOCTYPE: SVG needs none, and its entities are refused; remove it")
        raise _Refused

    def instruction(target: str, data: str) -> None:
        if target == "xml-stylesheet":
            scan.report("an external stylesheet (<?xml-stylesheet?>): never loaded in an image; "
                        "put the styles in the file")  # fmt: skip

    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    parser.StartElementHandler = lambda name, attrs: _start(scan, name, attrs)
    parser.EndElementHandler = lambda name: _end(scan, name)
    parser.CharacterDataHandler = lambda text: (
        scan.style_text.append(text) if scan.in_style else None
    )


def _start(scan: _Scan, name: str, attrs: dict[str, str]) -> None:
    namespace, _, local = name.rpartition(" ")
    if scan.depth == 0 and (local != "svg" or namespace != SVG_NS):
        scan.report(f'the root is <{local}>, not <svg xmlns="{SVG_NS}">: not an SVG image')
    scan.depth += 1
    if local in _NOT_DRAWN:
        scan.report(f"{_NOT_DRAWN[local]}; remove it")
    elif namespace != SVG_NS:
        scan.report(f"<{local}> from {namespace or 'no namespace'}: only SVG is drawn; remove it")
    if local == "style":
        scan.in_style, scan.style_text = True, []
        scan.style_at = (scan.parser.CurrentLineNumber, scan.parser.CurrentColumnNumber + 1)
    for attr, value in attrs.items():
        _attribute(scan, local, attr.rpartition(" ")[2], value)


def _attribute(scan: _Scan, element: str, attr: str, value: str) -> None:
    if attr.lower().startswith("on"):
        scan.report(f"<{element} {attr}>: an event handler never runs in an image; remove it")
    elif attr == "href" and not _LOCAL_REF_RE.match(value):
        scan.report(f"<{element} href={value[:60]!r}>: an external reference is never loaded "
                    "in an image; embed it, or refer to an #id in the file")  # fmt: skip
    elif _SCRIPT_URL_RE.match(value):
        scan.report(f"<{element} {attr}>: a script URL; remove it")
    elif attr == "attributeName" and value.rpartition(":")[2] == "href":
        scan.report(f"<{element} attributeName={value!r}>: an animated link; remove it")
    elif attr == "style":
        _css(scan, value, None, f"<{element} style>")
    elif "url(" in value:
        _css(scan, value, None, f"<{element} {attr}>")


def _end(scan: _Scan, name: str) -> None:
    scan.depth -= 1
    if name.rpartition(" ")[2] == "style" and scan.in_style:
        scan.in_style = False
        _css(scan, "".join(scan.style_text), scan.style_at, "<style>")


def _css(scan: _Scan, css: str, at: tuple[int, int] | None, where: str) -> None:
    """Styles may only refer to the file itself: no @import, no url() of anything outside."""
    if _CSS_IMPORT_RE.search(css):
        scan.report(f"{where}: @import is never loaded in an image; put the styles in the file", at)
    for match in _CSS_URL_RE.finditer(css):
        if not _LOCAL_REF_RE.match(match[2]):
            outside = f"{where}: url({match[2][:60]}) is outside the file, never loaded in an image"
            scan.report(f"{outside}; use a system font, or embed the image", at)
