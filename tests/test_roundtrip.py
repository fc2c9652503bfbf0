"""Adopting real-world profile READMEs: `init` then `render --offline` gives back the same bytes,
and a live render puts a number after every repository and model link that shows text (not
after one holding only images) without changing what GitHub shows otherwise.

The READMEs are in tests/fixtures/profiles (MANIFEST.md lists each file's idioms and its
repository and model links: the oracle here, written independently of the annotator)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from tests.conftest import FIXTURES
from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from updater.build import Paths
from updater.cli import main

PROFILES = FIXTURES / "profiles"
FILES = sorted(p.name for p in PROFILES.glob("[0-9]*.md"))
SHA = "0123456789abcdef0123456789abcdef01234567"
_ENTRY_RE = re.compile(r"^- \*\*(?P<name>[^*]+)\*\* — (?P<text>.*)$", re.MULTILINE)
_FIELD_RE = r"{}: (.*?)\. (?=[\w -]+: |Defects)"
_HIDDEN = ("[in html-comment]", "[in code-span]")


@dataclass(frozen=True)
class Expected:
    """What MANIFEST.md says a README links: visible targets, and targets that get no number."""

    repos: tuple[str, ...]
    models: tuple[str, ...]
    counted: tuple[str, ...]
    hidden: tuple[str, ...]


def manifest() -> dict[str, Expected]:
    """Each fixture's links, from MANIFEST.md."""
    text = (PROFILES / "MANIFEST.md").read_text(encoding="utf-8")
    return {m["name"]: _expected(m["text"]) for m in _ENTRY_RE.finditer(text)}


def _field(text: str, name: str) -> list[str]:
    match = re.search(_FIELD_RE.format(re.escape(name)), text)
    assert match, (name, text[:80])
    return [] if match[1] == "none" else match[1].split(", ")


def _expected(text: str) -> Expected:
    repos = _field(text, "repo")
    models = _field(text, "HF model")
    visible = [u for u in repos + models if " " not in u]
    counted = [u.split()[0] for u in repos if u.endswith(("[counted]", "[image-only]"))]
    hidden = [u.split()[0] for u in repos if u.endswith(_HIDDEN)]
    hidden = [u for u in hidden if u not in visible]
    return Expected(
        tuple(u for u in visible if u.startswith("https://github.com/")),
        tuple(u for u in visible if u.startswith("https://huggingface.co/")),
        tuple(counted),
        tuple(hidden),
    )


MANIFEST = manifest()


def test_the_corpus_is_varied_enough() -> None:
    assert len(FILES) >= 20
    assert set(MANIFEST) == set(FILES)
    raw = {name: (PROFILES / name).read_bytes() for name in FILES}
    assert any(b"\r\n" in data for data in raw.values())
    assert any(data.startswith(b"\xef\xbb\xbf") for data in raw.values())
    assert any(not data.endswith(b"\n") for data in raw.values())
    assert any(re.search(rb"\r(?!\n)", data) for data in raw.values())  # a lone CR
    text = "\n".join(data.decode("utf-8") for data in raw.values())
    for idiom in ("<picture>", "<details>", "<!--", "```", "{{", "{%", "{#", "<table>"):
        assert idiom in text, idiom
    assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[\u0590-\u06ff]", text)  # CJK, RTL
    assert sum(len(e.repos) for e in MANIFEST.values()) >= 50
    assert sum(len(e.models) for e in MANIFEST.values()) >= 10


def adopt(name: str, root: Path) -> Paths:
    """The fixture as a profile repository's README.md, adopted with `updater init`."""
    shutil.copy(PROFILES / name, root / "README.md")
    argv = ["init", "--root", str(root), "--action-repo", "o/updater", "--action-ref", SHA]
    assert main(argv) == 0
    return Paths(root / "data/cv.yaml", root / "data/stats.json", root / "templates", root)


def render(paths: Paths, *options: str) -> int:
    return main(
        [
            "render",
            *options,
            "--data", str(paths.data),
            "--stats", str(paths.stats),
            "--templates", str(paths.templates),
            "--root", str(paths.root),
        ]
    )  # fmt: skip


@pytest.mark.parametrize("name", FILES)
def test_init_then_offline_render_gives_back_the_same_bytes(name: str, tmp_path: Path) -> None:
    original = (PROFILES / name).read_bytes()
    paths = adopt(name, tmp_path)
    (tmp_path / "README.md").write_bytes(b"overwritten, so the render must write it again")
    assert render(paths, "--offline") == 0
    assert (tmp_path / "README.md").read_bytes() == original
    assert render(paths, "--offline", "--check") == 0


def star_badge(stars: int) -> str:
    return f" <sub>★ {stars}</sub>"


def model_badge(downloads: int, likes: int) -> str:
    return f" <sub>⬇ {downloads} last 30 days · ♥ {likes}</sub>"


def badges(expected: Expected) -> dict[str, str]:
    """A number of its own for each target (all under 1,000, so none is rounded)."""
    found = {url: star_badge(101 + 7 * i) for i, url in enumerate(expected.repos)}
    for url in expected.counted:
        found[url] = star_badge(900 + len(found))
    for i, url in enumerate(expected.models):
        found[url] = model_badge(300 + 11 * i, 20 + i)
    return found


def populate(github: FakeGitHub, hub: FakeHub, found: dict[str, str]) -> None:
    for url, badge in found.items():
        name = url.split(".co/", 1)[-1].split(".com/", 1)[-1]
        numbers = [int(n) for n in re.findall(r"\d+", badge)]
        if url.startswith("https://github.com/"):
            github.add(name, stars=numbers[0])
        else:
            hub.add(name, downloads=numbers[0], downloads_all_time=numbers[0], likes=numbers[2])


def github_html(markdown: str) -> str:
    """The HTML GitHub's markdown engine makes of the page (before its sanitizer)."""
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


_TAG_RE = re.compile(r"<[^>]*>")
_A_RE = re.compile(r"<a\s[^>]*?href=\"(?P<href>[^\"]*)\"[^>]*>(?P<inner>.*?)</a>", re.DOTALL)
_STARS_BADGE = r"<img[^>]*src=\"https://img\.shields\.io/github/stars/{}[?\"]"
# A stars badge for the repository: inside the link, right after it, or in the next table cell.
_NEXT_STARS = r"\s*(?:</td>\s*<td[^>]*>)?\s*(?:<a [^>]*>)?\s*" + _STARS_BADGE


def shows_its_stars(url: str, inner: str, after: str) -> bool:
    """Whether a link to `url` already shows the repository's stars as a badge."""
    name = re.escape(url.removeprefix("https://github.com/"))
    return bool(
        re.search(_STARS_BADGE.format(name), inner) or re.match(_NEXT_STARS.format(name), after)
    )


LIVE = FILES


@pytest.mark.parametrize("name", LIVE)
def test_live_render_numbers_every_link_and_keeps_the_page(
    name: str,
    tmp_path: Path,
    live_env: dict[str, str],
    fake_github: FakeGitHub,
    fake_hub: FakeHub,
) -> None:
    expected = MANIFEST[name]
    found = badges(expected)
    populate(fake_github, fake_hub, found)
    original = (PROFILES / name).read_bytes().decode("utf-8")
    paths = adopt(name, tmp_path)
    assert render(paths, "--deadline", "20") == 0
    result = (tmp_path / "README.md").read_bytes().decode("utf-8")

    html = github_html(result)
    for url in (*expected.repos, *expected.models):
        assert found[url] in html, f"{url}: no number"
    for url in (*expected.counted, *expected.hidden):
        assert found.get(url, "\0") not in html, f"{url}: numbered though it should not be"
    # Every link to a target shows its number right after it, unless it shows its stars already.
    for link in _A_RE.finditer(html):
        url = link["href"].rstrip("/")
        if url not in found or url in expected.counted:
            continue
        after = html[link.end() :]
        if not _TAG_RE.sub("", link["inner"]).strip():  # only images: no number
            assert not after.startswith(found[url]), link[0]
            continue
        assert after.startswith(found[url]) or shows_its_stars(url, link["inner"], after), link[0]
    # Take the numbers out, and GitHub shows exactly the page it showed before.
    stripped = html
    for badge in found.values():
        stripped = stripped.replace(badge, "")
    assert stripped == github_html(original)
    # And the numbers are elements on the page, not escaped text.
    assert html.count("<sub>★") + html.count("<sub>⬇") == sum(
        html.count(badge) for badge in set(found.values())
    )
    assert "&lt;sub&gt;" not in html
