"""The preview in headless Chromium: what a person would see on the profile page."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from updater.page.github_html import Site
from updater.page.parse import parse
from updater.page.preview import CONTENT_WIDTH_PX, views

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM = next((path for name in BROWSERS if (path := shutil.which(name))), None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium here: install Debian's `chromium` package (.ci/run does where it can)",
    ),
]

# Measures the rendered page and writes the result into the DOM, for --dump-dom to carry out.
PROBE = """
<script>
addEventListener("load", () => {
  const article = document.querySelector("article.markdown-body");
  const box = article.getBoundingClientRect();
  const img = article.querySelector("img");
  const overflowing = [...article.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > box.right + 1)
    .map((el) => el.tagName + ": " + el.textContent.slice(0, 60));
  const result = {
    headings: [...article.querySelectorAll("h1, h2, h3")].map((h) => h.textContent.trim()),
    image: img && { width: img.getAttribute("width"), alt: img.getAttribute("alt"),
                    rendered: img.getBoundingClientRect().width },
    contentWidth: box.width,
    totals: (article.querySelector("p > sub") || {}).textContent || null,
    overflowing: overflowing,
    scrolls: article.scrollWidth > article.clientWidth,
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""


def png(path: Path, width: int, height: int) -> Path:
    """A plain grey PNG, so the avatar has real pixels without a network."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x99" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900",
    ]  # fmt: skip
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp_path = tmp_path_factory.mktemp("browser")
    readme = (FIXTURES / "seed" / "README.expected.md").read_text(encoding="utf-8")
    preview = tmp_path / "preview.html"
    light = views("README.md", parse(readme), Site("hyunwoongko/hyunwoongko", "main"))
    preview.write_text(light["README.md.html"], encoding="utf-8")
    # The avatar lives on github.com; offline, a local image of the same kind stands in.
    avatar = re.search(r'<img src="([^"]+)"', preview.read_text(encoding="utf-8"))
    assert avatar
    local = png(tmp_path / "avatar.png", 460, 460).as_uri()
    preview.write_text(
        preview.read_text(encoding="utf-8").replace(avatar[1], local), encoding="utf-8"
    )
    probe = tmp_path / "probe.html"
    probe.write_text(
        preview.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    dom = chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()).stdout
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, flags=re.DOTALL)
    assert match, dom[-2000:]
    screenshot = tmp_path / "preview.png"
    chromium(tmp_path, f"--screenshot={screenshot}", "--window-size=1280,3000", preview.as_uri())
    assert screenshot.stat().st_size > 10_000
    result: dict[str, Any] = json.loads(html.unescape(match[1]))
    result["screenshot"] = str(screenshot)
    return result


def test_shows_the_cv_section_headings(measured: dict[str, Any]) -> None:
    headings = measured["headings"]
    assert headings[:3] == ["Curriculum Vitae", "1. Who am I?", "2. Skill Sets"], headings
    assert "3. Biography" in headings and "4. How to contact?" in headings
    assert "[2024.06 ~ present] Machine Learning Researcher at Kakao" in headings


def test_avatar_image_with_its_width(measured: dict[str, Any]) -> None:
    image = measured["image"]
    assert image["width"] == "50%" and image["alt"] == "Hyunwoong Ko"
    assert measured["contentWidth"] == pytest.approx(CONTENT_WIDTH_PX, abs=2)
    assert image["rendered"] == pytest.approx(measured["contentWidth"] / 2, abs=2)


def test_totals_line_is_shown(measured: dict[str, Any]) -> None:
    assert measured["totals"] == "★ 6k stars on GitHub · ⬇ 14k model downloads in the last 30 days"


def test_no_text_overflows_the_content_width(measured: dict[str, Any]) -> None:
    assert measured["overflowing"] == []
    assert measured["scrolls"] is False


# Which theme images show, and how GitHub's CSS lays out the features, in one view.
THEME_PROBE = """
<script>
addEventListener("load", () => {
  const visible = (el) => el && el.getClientRects().length > 0;
  const images = [...document.querySelectorAll("article img")]
    .filter(visible)
    .map((img) => img.getAttribute("alt") + "=" + img.getAttribute("src").split("/").pop());
  const summaryHeading = document.querySelector("summary h2");
  const task = document.querySelector(".task-list-item");
  const quote = document.querySelector("blockquote");
  const alert = document.querySelector(".markdown-alert-warning");
  const result = {
    images: images,
    background: getComputedStyle(document.body).backgroundColor,
    summaryHeading: summaryHeading && getComputedStyle(summaryHeading).display,
    taskBullet: task && getComputedStyle(task).listStyleType,
    quoteBar: quote && getComputedStyle(quote).borderLeftStyle,
    alertBar: alert && getComputedStyle(alert).borderLeftColor,
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""
THEMED = """
![light stats](https://stats.example/api?theme=default#gh-light-mode-only)
![dark stats](https://stats.example/api?theme=dark#gh-dark-mode-only)

<picture>
  <source media="(prefers-color-scheme: dark)" srcset="https://img.example/logo-dark.png">
  <img alt="logo" src="https://img.example/logo-light.png">
</picture>

[![light icon](https://img.example/icon-light.svg)](https://example.com#gh-light-mode-only)
[![dark icon](https://img.example/icon-dark.svg)](https://example.com#gh-dark-mode-only)

<details open><summary><h2>Projects</h2></summary>

- [x] done
- [ ] todo

</details>

> quoted

> [!WARNING]
> Careful.
"""


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp_path = tmp_path_factory.mktemp("themes")
    results = {}
    for name, document in views("README.md", parse(THEMED), Site("o/o", "main")).items():
        probe = tmp_path / name
        probe.write_text(document.replace("</body>", THEME_PROBE + "</body>"), encoding="utf-8")
        dom = chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", probe.as_uri()).stdout
        match = re.search(r'<pre id="probe">(.*?)</pre>', dom, flags=re.DOTALL)
        assert match, dom[-2000:]
        results["dark" if ".dark." in name else "light"] = json.loads(html.unescape(match[1]))
    return results


@pytest.mark.parametrize(
    ("theme", "images", "background"),
    [
        (
            "light",
            [
                "light stats=api?theme=default#gh-light-mode-only",
                "logo=logo-light.png",
                "light icon=icon-light.svg",
            ],
            "rgb(255, 255, 255)",
        ),
        (
            "dark",
            [
                "dark stats=api?theme=dark#gh-dark-mode-only",
                "logo=logo-dark.png",
                "dark icon=icon-dark.svg",
            ],
            "rgb(13, 17, 23)",
        ),
    ],
)
def test_each_view_shows_its_theme(
    themed: dict[str, dict[str, Any]], theme: str, images: list[str], background: str
) -> None:
    assert themed[theme]["images"] == images
    assert themed[theme]["background"] == background


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_github_css_lays_out_the_features(themed: dict[str, dict[str, Any]], theme: str) -> None:
    result = themed[theme]
    assert result["summaryHeading"] == "inline-block"
    assert result["taskBullet"] == "none"
    assert result["quoteBar"] == "solid"
    assert result["alertBar"] not in ("", "rgba(0, 0, 0, 0)")
