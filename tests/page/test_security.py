"""XSS vectors: the preview runs no script, and `check` reports each one as an error."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.page.helpers import findings
from updater.page.github_html import Site, render
from updater.page.parse import parse
from updater.page.sanitize import scheme, srcset_candidates

VECTORS = {
    "unclosed-details-at-eof": "# Hi\n\n<details open ontoggle=alert(1)",
    "unclosed-img-at-eof": "<p>\n<img src=x onerror=alert(1)",
    "tab-entity-in-scheme": '<a href="java&#x09;script:alert(1)">x</a>',
    "literal-tab-in-scheme": '<a href="java\tscript:alert(1)">x</a>',
    "newline-in-scheme": '<a href="java\nscript:alert(1)">x</a>',
    "entity-encoded-scheme": '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    "padded-entities": '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    "upper-case-scheme": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "leading-space": '<a href=" javascript:alert(1)">x</a>',
    "markdown-link": "[x](javascript:alert(1))",
    "markdown-entity-link": "[x](&#106;avascript:alert(1))",
    "markdown-reference": "[x]\n\n[x]: javascript:alert(1)",
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data-html-link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data-svg-image": '<img alt="x" src="data:image/svg+xml,<svg onload=alert(1)>">',
    "data-markdown-link": "[x](data:text/html,<script>alert(1)</script>)",
    "img-onerror": '<img src="x.png" alt="x" onerror="alert(1)">',
    "event-on-allowed-tag": '<div onmouseover="alert(1)">x</div>',
    "svg-onload": "<svg onload=alert(1)><circle r=1 /></svg>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "math-href": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "script": "<script>alert(1)</script>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "form": '<form action="javascript:alert(1)"><button>go</button></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="javascript:alert(1)//">',
    "style-import": "<style>@import 'javascript:alert(1)';</style>",
    "inline-style": '<p style="background:url(javascript:alert(1))">x</p>',
    "blockquote-cite": '<blockquote cite="javascript:alert(1)">x</blockquote>',
    # From the review: root-relative paths, srcset candidates, autolinks, <noscript>.
    "root-relative-javascript": "[x](/javascript:alert(1))",
    "root-relative-html": '<a href="/javascript:alert(document.domain)">x</a>',
    "root-relative-data-image": "![x](/data:image/svg+xml,x)",
    "srcset-data-candidate": '<source srcset="https://a/x.png 1x, data:image/svg+xml;base64,PHN2Zz4= 2x">',
    "autolink-javascript": "<javascript:alert(1)>",
    "autolink-data": "<data:text/html,x>",
    "noscript-attribute": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "deep-quote": ">" * 70 + " [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
}
SCRIPTABLE = {"script", "iframe", "object", "embed", "svg", "math", "form", "meta", "base", "style"}
URL_ATTRIBUTES = {"href", "src", "srcset", "cite", "longdesc", "action", "data", "formaction"}


class Audit(HTMLParser):
    """Everything in a document that could run script."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SCRIPTABLE:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and any(
                scheme(url) not in (None, "http", "https", "mailto")
                for url in _candidates(name, value or "")
            ):
                self.problems.append(f"{name}={value!r} on <{tag}>")


def _candidates(name: str, value: str) -> list[str]:
    return [url for url, _ in srcset_candidates(value)] if name == "srcset" else [value]


def audit(html: str) -> list[str]:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


@pytest.mark.parametrize("vector", sorted(VECTORS))
def test_preview_runs_no_script(vector: str) -> None:
    for theme in ("light", "dark"):
        assert audit(render(parse(VECTORS[vector]), Site("o/r", "main", theme=theme))) == []


@pytest.mark.parametrize("vector", sorted(VECTORS))
def test_check_reports_an_error(vector: str) -> None:
    assert [f for f in findings(VECTORS[vector]) if f.severity == "error"], vector


def test_the_audit_sees_script() -> None:
    assert audit('<img src=x onerror=alert(1)><a href="java\tscript:x">') == [
        "onerror= on <img>",
        "href='java\\tscript:x' on <a>",
    ]
