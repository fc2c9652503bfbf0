"""A standalone HTML page showing the README as a GitHub profile page would."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from urllib.parse import urljoin

from updater.githubmd import to_html

# The profile README box sits in a column about 880 px wide on github.com.
CONTENT_WIDTH_PX = 848

STYLE = """
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff;
  --border: #d1d9e0; --code-bg: #818b981f; --link: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f0f6fc; --muted: #9198a1; --bg: #0d1117; --border: #3d444d;
    --code-bg: #656c7633; --link: #4493f8; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
  sans-serif, "Apple Color Emoji", "Segoe UI Emoji"; }
.profile { max-width: __WIDTH__px; margin: 24px auto; padding: 24px;
  border: 1px solid var(--border); border-radius: 6px; }
.profile > .path { color: var(--muted); font-size: 12px; margin: 0 0 16px;
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.markdown-body { overflow-wrap: break-word; word-wrap: break-word; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4 {
  margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h1, .markdown-body h2 { padding-bottom: .3em;
  border-bottom: 1px solid var(--border); }
.markdown-body h1 { font-size: 2em; }
.markdown-body h2 { font-size: 1.5em; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body a { color: var(--link); text-decoration: none; }
.markdown-body a:hover { text-decoration: underline; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body pre,
.markdown-body table, .markdown-body details { margin: 0 0 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body code { padding: .2em .4em; font-size: 85%; background: var(--code-bg);
  border-radius: 6px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.markdown-body pre { padding: 16px; overflow: auto; background: var(--code-bg);
  border-radius: 6px; }
.markdown-body pre code { padding: 0; background: transparent; font-size: 85%; }
.markdown-body img { max-width: 100%; box-sizing: content-box; }
.markdown-body sub { font-size: 75%; }
.markdown-body table { border-collapse: collapse; }
.markdown-body td, .markdown-body th { padding: 6px 13px; border: 1px solid var(--border); }
""".replace("__WIDTH__", str(CONTENT_WIDTH_PX + 48))


def resolver(repo: str, branch: str) -> Callable[[str, str, str], str]:
    """Resolve relative links against github.com/OWNER/REPO, as the profile page does."""
    blob = f"https://github.com/{repo}/blob/{branch}/"
    raw = f"https://github.com/{repo}/raw/{branch}/"

    def resolve(tag: str, attribute: str, value: str) -> str:
        if value.startswith(("#", "http://", "https://", "mailto:")) or not value:
            return value
        if value.startswith("/"):
            return urljoin("https://github.com/", value)
        return urljoin(raw if tag == "img" else blob, value)

    return resolve


def page(markdown: str, repo: str, branch: str) -> str:
    """The whole HTML document. The same input gives the same bytes."""
    body = to_html(markdown, resolver(repo, branch))
    title = escape(f"{repo} · README.md preview")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<main class="profile">\n<p class="path">{escape(repo)} / README.md</p>\n'
        f'<article class="markdown-body">\n{body}</article>\n</main>\n</body>\n</html>\n'
    )
