"""Charts: well-formed, proxy-safe SVG in both themes, the same bytes for the same data, small;
the <picture> a template places; the validator for committed SVGs; both themes in Chromium."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, chromium
from updater.charts.draw import DARK, LIGHT, MAX_BYTES, describe, draw, nice_ticks
from updater.charts.place import Charts, file_stem
from updater.charts.validate import check_svg
from updater.history import History, Key, Series, total

DAY = date(2026, 11, 20)
SVG = "{http://www.w3.org/2000/svg}"


def year(start: int = 5200, days: int = 365) -> Series:
    """Stars that rise, fall, then hold, one point a day."""
    first = (DAY - timedelta(days=days - 1)).toordinal()
    values = [start + min(i, 200) * 3 - max(i - 260, 0) for i in range(days)]
    return Series(tuple(range(first, first + days)), tuple(values))


def test_a_chart_is_well_formed_svg_with_title_and_description() -> None:
    text = draw(year(), "Stars on GitHub", LIGHT)
    root = ET.fromstring(text)  # noqa: S314 - our own output, and the validator forbids DTDs
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Stars on GitHub"
    assert root.findtext(f"{SVG}desc") == "5.7k on 2026-11-20, from 5.2k on 2025-11-21"
    assert "-apple-system" in (root.get("font-family") or "")
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[-2:] == ["2025-11-21", "2026-11-20"] and "5.7k" in labels


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_both_themes_pass_the_validator_with_nothing_external(theme: object) -> None:
    text = draw(year(), 'Stars & forks <of> "x"', theme)  # type: ignore[arg-type]
    assert check_svg(text.encode(), "c.svg") == []
    assert not re.search(r"<script|<foreignObject|href=|url\(|@import|@font-face|<!DOCTYPE", text)
    assert theme.line in text and theme.text in text  # type: ignore[attr-defined]


def test_the_same_data_gives_the_same_bytes_whatever_the_order() -> None:
    a = History({total("stars"): year(), total("citations"): year(50)})
    b = History({total("citations"): year(50), total("stars"): year()})
    files = []
    for history in (a, b):
        charts = Charts(history)
        charts.total("citations")
        charts.standard()
        files.append(charts.files())
    assert files[0] == files[1] and list(files[0]) == sorted(files[0])
    assert list(files[0]) == [
        "charts/total-citations.dark.svg", "charts/total-citations.svg",
        "charts/total-stars.dark.svg", "charts/total-stars.svg",
    ]  # fmt: skip


def test_five_years_and_a_very_long_series_stay_under_20_kb() -> None:
    five = year(days=5 * 365)
    long = Series(tuple(range(1, 100_001)), tuple(i * 7 % 1000 for i in range(100_000)))
    for series in (five, long):
        for theme in (LIGHT, DARK):
            size = len(draw(series, "Stars", theme).encode())
            assert size < MAX_BYTES, size
    assert len(draw(year(), "Stars", LIGHT).encode()) < 12 * 1024


def test_a_chart_of_one_day_and_of_a_flat_line() -> None:
    one = Series((DAY.toordinal(),), (42,))
    assert check_svg(draw(one, "Likes", LIGHT).encode(), "one.svg") == []
    assert describe(one) == "42 on 2026-11-20, the first day recorded"
    assert nice_ticks(5961, 5961) == [5900, 6000, 6100]  # labels that stay apart humanized


def test_a_chart_from_a_day_on_starts_with_the_value_of_that_day() -> None:
    text = draw(year(), "Stars", LIGHT, since=DAY - timedelta(days=30))
    assert "5.7k on 2026-11-20, from 5.7k on 2026-10-21" in text
    assert ">2026-10-21</text>" in text


def test_a_template_places_a_picture_pair_with_alt_text_relative_to_its_page() -> None:
    history = History({
        total("stars"): year(),
        Key("repo", "o/new", "stars"): year(100),
    })  # fmt: skip
    charts = Charts(history, renamed={"o/old": "o/new"})
    assert charts.total("stars") == (
        '<picture><source media="(prefers-color-scheme: dark)" '
        'srcset="charts/total-stars.dark.svg"><img alt="Stars on GitHub over time, now 5.7k" '
        'src="charts/total-stars.svg" width="720"></picture>'
    )
    nested = charts.for_page("docs/CV.md").link("https://github.com/O/Old", days=90)
    assert 'srcset="../charts/repo-o--new-stars-90d.dark.svg"' in nested
    assert 'alt="Stars of o/new over time, now 596"' in nested
    assert charts.total("citations") == "" and charts.link("https://example.com") == ""
    assert sorted(charts.files()) == [
        "charts/repo-o--new-stars-90d.dark.svg", "charts/repo-o--new-stars-90d.svg",
        "charts/total-stars.dark.svg", "charts/total-stars.svg",
    ]  # fmt: skip


def test_file_names_keep_different_numbers_apart() -> None:
    names = {
        file_stem(Key("repo", "a-b/c", "stars")),
        file_stem(Key("repo", "a/b-c", "stars")),
        file_stem(Key("paper", "doi:10.1145/3442188.3445922", "citations")),
        file_stem(Key("model", "a/b", "downloads"), 30),
        file_stem(Key("model", "a/b", "downloads")),
    }
    assert len(names) == 5
    assert file_stem(Key("paper", "arxiv:2306.02254", "citations")) == (
        "paper-arxiv-2306.02254-citations"
    )


@pytest.mark.parametrize(
    ("svg", "problem"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "1:41: a script"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg">\n<foreignObject/></svg>',
            "2:1: <foreignObject>",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x"/></svg>', "<rect onclick>"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            '<image x:href="https://e.com/a.png"/></svg>',
            "an external reference",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#a"/></svg>',
            "an external reference",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://f.com/x.css";</style>'
            "</svg>",
            "<style>: @import",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><style>@font-face{src:url(https://f.com/a.woff)}'
            "</style></svg>",
            "url(https://f.com/a.woff) is outside the file",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(\'http://x/y\')"/></svg>',
            "<rect style>: url(http://x/y)",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x()"/></svg>',
            "an external reference",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="xlink:href" to="x"/></svg>',
            "an animated link",
        ),
        (
            '<?xml-stylesheet href="s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "an external stylesheet",
        ),
        ('<!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]><svg>&a;</svg>', "a DOCTYPE"),
        ("<svg><rect/></svg>", "not an SVG image"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', "1:46: not well-formed XML"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><html:p xmlns:html="http://www.w3.org/1999/'
            'xhtml"/></svg>',
            "<p> from http://www.w3.org/1999/xhtml: only SVG is drawn",
        ),
    ],
)
def test_the_validator_finds_what_github_strips_or_blocks(svg: str, problem: str) -> None:
    problems = check_svg(svg.encode(), "logo.svg")
    assert any(p.startswith("logo.svg:") and problem in p for p in problems), problems


def test_the_validator_accepts_what_draws_in_an_image() -> None:
    fine = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<defs><linearGradient id="g"/></defs><style>rect{fill:url(#g)}</style>'
        '<rect fill="url(#g)"/><use xlink:href="#g"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo="/></svg>'
    )
    assert check_svg(fine.encode(), "ok.svg") == []
    assert "refuses images over" in check_svg(b"<svg/>" * 10, "big.svg", max_bytes=20)[0]


PROBE = """<script>
addEventListener("load", () => {
  const img = document.querySelector("img");
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({src: img.currentSrc.split("/").pop(), width: img.naturalWidth,
                                    height: img.naturalHeight});
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here: install Debian's `chromium`")
@pytest.mark.parametrize(("theme", "flags", "chosen"), [
    ("light", (), "total-stars.svg"),
    ("dark", ("--force-dark-mode",), "total-stars.dark.svg"),
])  # fmt: skip
def test_chromium_shows_the_chart_of_its_theme(
    tmp_path: Path, theme: str, flags: tuple[str, ...], chosen: str
) -> None:
    charts = Charts(History({total("stars"): year()}))
    snippet = charts.total("stars")
    for path, text in charts.files().items():
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    background = "#0d1117" if theme == "dark" else "#ffffff"
    page = tmp_path / "page.html"
    page.write_text(f"<body style='background:{background}'>{snippet}{PROBE}</body>", "utf-8")
    dom = chromium(tmp_path, *flags, "--virtual-time-budget=3000", "--dump-dom", page.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, flags=re.DOTALL)
    assert match, dom.stdout[-2000:]
    # The picture picked its theme's file, and the browser drew it as an image of its size.
    assert json.loads(html.unescape(match[1])) == {"src": chosen, "width": 720, "height": 200}
    shot = tmp_path / f"{theme}.png"
    chromium(tmp_path, *flags, f"--screenshot={shot}", "--window-size=760,240", page.as_uri())
    assert shot.stat().st_size > 5_000
