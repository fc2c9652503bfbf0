"""Standalone preview pages: each page of the repository, in GitHub's light and dark themes."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from functools import cache
from html import escape
from importlib.resources import files
from urllib.parse import quote

from updater.page.github_html import PATH_SAFE, THEMES, Site, body, file_name, themed
from updater.page.parse import Document
from updater.page.sanitize import scheme, url_kept

# The profile README box sits in a column about 880 px wide on github.com.
CONTENT_WIDTH_PX = 848
LAYOUT = f"""
body {{ margin: 0; }}
.preview-bar {{ font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace;
  padding: 8px 16px; border-bottom: 1px solid #8888; }}
.preview-bar a {{ margin-right: 8px; }}
.preview-bar .current {{ font-weight: 600; text-decoration: none; }}
.profile {{ box-sizing: border-box; max-width: {CONTENT_WIDTH_PX + 50}px; margin: 24px auto;
  padding: 24px; border: 1px solid #8886; border-radius: 6px; }}
.math {{ font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }}
.math-display {{ display: block; text-align: center; white-space: pre-wrap; }}
"""


@cache
def stylesheet(theme: str) -> str:
    """github-markdown-css for the theme (vendored, MIT; see assets/README.md)."""
    name = f"assets/github-markdown-{theme}.css"
    return files("updater.page").joinpath(name).read_text(encoding="utf-8")


def views(name: str, document: Document, site: Site) -> dict[str, str]:
    """File name -> whole HTML document, one per theme. The same input gives the same bytes."""
    site = replace(site, page=name)
    html = body(document, site)
    return {
        file_name(name, theme): page(name, themed(html, theme), replace(site, theme=theme))
        for theme in THEMES
    }


def page(name: str, content: str, site: Site) -> str:
    """One page in one theme, with a bar linking the other pages and the other theme."""
    title = escape(f"{site.repo} · {name} preview ({site.theme})")
    background = "#0d1117" if site.theme == "dark" else "#ffffff"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en" data-color-mode="{site.theme}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{stylesheet(site.theme)}\n{LAYOUT}"
        f"body {{ background: {background}; color-scheme: {site.theme}; }}\n"
        f"{_other_theme_hidden(site.theme)}\n</style>\n</head>\n"
        f"<body>\n{_bar(name, site)}\n"
        f'<main class="profile">\n'
        f'<p class="path">{escape(site.repo)} / {escape(name)}</p>\n'
        f'<article class="markdown-body">\n{content}</article>\n</main>\n</body>\n</html>\n'
    )


def _other_theme_hidden(theme: str) -> str:
    """GitHub's own rule: in each theme, a link (or image) whose URL ends with the other
    theme's `#gh-*-mode-only` is hidden, with everything in it (`[![icon](a.svg)](url#...)`)."""
    other = "light" if theme == "dark" else "dark"
    return (
        f'.markdown-body [href$="#gh-{other}-mode-only"], '
        f'.markdown-body [src$="#gh-{other}-mode-only"] {{ display: none; }}'
    )


def bar_href(path: str) -> str:
    """A link to a preview file by its relative path, as the body's links are checked: encoded,
    and never read as a scheme (a page named `javascript:x.md` is `./javascript:x.md`)."""
    href = quote(path, safe=PATH_SAFE)
    if scheme(href) is not None:
        href = "./" + href
    assert url_kept("a", "href", href)  # a relative path is always kept
    return escape(href)


def _bar(name: str, site: Site) -> str:
    folder = posixpath.dirname(name) or "."
    pages = " ".join(
        f'<a href="{bar_href(posixpath.relpath(file_name(other, site.theme), folder))}"'
        f"{' class=current' if other == name else ''}>{escape(other)}</a>"
        for other in sorted(site.pages, key=lambda page: (page != "README.md", page))
    )
    themes = " ".join(
        f'<a href="{bar_href(posixpath.basename(file_name(name, theme)))}"'
        f"{' class=current' if theme == site.theme else ''}>{theme}</a>"
        for theme in THEMES
    )
    return f'<nav class="preview-bar markdown-body">{pages} · view: {themes}</nav>'
