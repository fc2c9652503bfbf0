"""`updater preview`: GitHub's markdown engine, a standalone page, links resolved as on the profile."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from updater.cli import main
from updater.githubmd import to_html
from updater.preview import page, resolver

README = (FIXTURES / "seed" / "README.expected.md").read_text(encoding="utf-8")
REPO = "hyunwoongko/hyunwoongko"
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source"}


class Structure(HTMLParser):
    """Collects headings and links, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.headings: list[str] = []
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if tag == "img":
            self.images.append(dict(attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self._in_heading = True
            self.headings.append("")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")
        if re.fullmatch(r"h[1-6]", tag):
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self.headings[-1] += data


def parse(html: str) -> Structure:
    structure = Structure()
    structure.feed(html)
    structure.close()
    return structure


def test_page_is_well_formed_with_the_cvs_headings_and_links() -> None:
    html = page(README, REPO, "main")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    structure = parse(html)
    assert structure.errors == [] and structure.stack == []
    assert structure.headings[:3] == ["Curriculum Vitae", "1. Who am I?", "2. Skill Sets"]
    assert "4. How to contact?" in structure.headings
    assert (
        "[2014.03 ~ 2020.08] BS in Software Engineering, Chonbuk National University"
        in structure.headings
    )
    assert "https://github.com/hyunwoongko/kss" in structure.links
    assert "https://huggingface.co/kakaocorp/kanana-1.5-8b-instruct-2505" in structure.links
    assert structure.images[0]["width"] == "50%" and structure.images[0]["alt"] == "Hyunwoong Ko"
    assert "<sub>★ 6k stars on GitHub · ⬇ 14k model downloads in the last 30 days</sub>" in html


def test_relative_links_resolve_against_the_repository() -> None:
    html = to_html(
        "[manual](docs/README.md) ![logo](img/logo.png) [top](#top) [abs](/other/repo)",
        resolver(REPO, "main"),
    )
    assert f'href="https://github.com/{REPO}/blob/main/docs/README.md"' in html
    assert f'src="https://github.com/{REPO}/raw/main/img/logo.png"' in html
    assert 'href="#top"' in html
    assert 'href="https://github.com/other/repo"' in html


def test_footer_link_to_the_manual_is_rewritten() -> None:
    assert (
        parse(page(README, REPO, "main")).links.count(
            f"https://github.com/{REPO}/blob/main/docs/README.md"
        )
        == 1
    )


def test_sanitized_like_github() -> None:
    html = to_html(
        '<script>x()</script><span style="color:red" onclick="y()">kept</span>\n\n[a](javascript:alert(1))',
        resolver(REPO, "main"),
    )
    assert "<script" not in html and "style=" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "<span>kept</span>" in html


def test_light_and_dark_and_profile_width() -> None:
    html = page(README, REPO, "main")
    assert "@media (prefers-color-scheme: dark)" in html
    assert "max-width: 896px" in html


def test_duplicate_headings_get_numbered_anchors() -> None:
    html = to_html("## ETC\n\n## ETC\n", resolver(REPO, "main"))
    assert '<h2 id="etc">' in html and '<h2 id="etc-1">' in html


def test_same_input_same_bytes() -> None:
    assert page(README, REPO, "main") == page(README, REPO, "main")


def test_preview_through_main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    readme, out = tmp_path / "README.md", tmp_path / "preview.html"
    readme.write_text(README, encoding="utf-8")
    data = FIXTURES.parent.parent / "data" / "cv.yaml"
    args = ["preview", "--readme", str(readme), "--output", str(out), "--data", str(data)]
    assert main(args) == 0
    first = out.read_bytes()
    assert main(args) == 0
    assert out.read_bytes() == first
    assert f"https://github.com/{REPO}/blob/main/docs/README.md".encode() in first
    assert main(["preview", "--readme", str(tmp_path / "nope.md"), "--repo", REPO]) == 2
