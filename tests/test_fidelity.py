"""The generated README carries the hand-written seed: every link, every text line, in order."""

from __future__ import annotations

import itertools
import re

from tests.conftest import SEED as SEED_DIR
from updater.build import Paths, build

SEED = (SEED_DIR / "seed_readme.md").read_text(encoding="utf-8")
URL_RE = re.compile(r"\]\(([^()\s]+)\)|(?:href|src)=\"([^\"]+)\"")


def urls(markdown: str) -> list[str]:
    return [a or b for a, b in URL_RE.findall(markdown)]


def plain(line: str) -> str:
    """A line's text with markdown syntax, HTML tags and the added numbers stripped."""
    line = re.sub(r"<sub>.*?</sub>", "", line)  # the live numbers
    line = re.sub(r"<img [^>]*>|&nbsp;", "", line)
    line = re.sub(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^()\s]+\)", r"\1", line)  # [t](u) -> t
    line = re.sub(r"</?(?:a|code)\b[^>]*>", "", line)
    line = re.sub(r"^\s*(?:#+|-|\d+\.)\s+", "", line)
    line = re.sub(r"\s+", " ", line)
    # The seed writes "Github :" and "Github:" for the same kind of line; the data has one label.
    return re.sub(r" :", ":", line).strip()


def text_lines(markdown: str) -> list[str]:
    return [p for line in markdown.splitlines() if (p := plain(line))]


def test_every_seed_link_is_in_the_readme(fixed_stats: Paths) -> None:
    readme = build(fixed_stats, None).pages["README.md"]
    seed_urls = urls(SEED)
    assert len(seed_urls) == 49
    missing = [u for u in seed_urls if u not in urls(readme)]
    assert missing == []


def test_every_seed_line_appears_in_order(fixed_stats: Paths) -> None:
    rendered = iter(text_lines(build(fixed_stats, None).pages["README.md"]))
    seed = text_lines(SEED)
    assert len(seed) == 144
    # `in` on an iterator consumes it: each seed line must be found after the previous one.
    missing = [line for line in seed if line not in rendered]
    assert missing == []


def test_numbers_sit_next_to_their_links(fixed_stats: Paths) -> None:
    readme = build(fixed_stats, None).pages["README.md"]
    assert "[Kss](https://github.com/hyunwoongko/kss) <sub>★ 1.3k</sub>:" in readme
    assert (
        "[kanana-1.5-8b-instruct-2505](https://huggingface.co/kakaocorp/kanana-1.5-8b-instruct-2505)"
        " <sub>⬇ 13k last 30 days · ♥ 51</sub> (sft project leader)"
    ) in readme


def test_markup_fixed_for_github(fixed_stats: Paths) -> None:
    readme = build(fixed_stats, None).pages["README.md"]
    assert 'alt="Hyunwoong Ko"' in readme
    levels = [len(m) for m in re.findall(r"^(#+) ", readme, flags=re.MULTILINE)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
