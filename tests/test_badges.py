"""Badges after links, humanized numbers that never crash, and the headline totals."""

from __future__ import annotations

import re

import pytest

from tests.conftest import FIXTURES
from updater.badges import Totals, badge, humanize, totals
from updater.links import Targets
from updater.snapshot import Snapshot, load_snapshot
from updater.stats import DatasetStats, ModelStats, PaperStats, RepoStats, SpaceStats, UserTotals

T = "2026-11-26T00:00:00Z"
SNAPSHOT = Snapshot(
    repositories={"hyunwoongko/kss": RepoStats("hyunwoongko/kss", 1349, 10, T)},
    models={"org/m": ModelStats("org/m", T, downloads=12_100, likes=45),
            "org/likes-only": ModelStats("org/likes-only", T, likes=3),
            "org/nothing": ModelStats("org/nothing", T)},
    user=UserTotals("Me", 4_900, 30, T),
    renamed={"old/name": "hyunwoongko/kss"},
    datasets={"org/d": DatasetStats("org/d", T, downloads=4_560, likes=12)},
    spaces={"org/s": SpaceStats("org/s", T, likes=1_200), "org/s0": SpaceStats("org/s0", T)},
    papers={"arxiv:2502.18934": PaperStats("ARXIV:2502.18934", T, 1_234),
            "acl:p19-1001": PaperStats("ACL:P19-1001", T, 7)},
)  # fmt: skip


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""), (0, "0"), (999, "999"), (1000, "1k"), (1049, "1k"), (1050, "1.1k"),
        (1234, "1.2k"), (56_789, "56.8k"), (999_949, "999.9k"), (999_950, "1M"),
        (1_234_567, "1.2M"), (2_500_000_000, "2.5B"), (-1234, "-1.2k"), (-5, "-5"),
        (10**40, "10000000000000000000000000000000B"), (True, ""), (False, ""), (1.5, ""),
        ("12", ""),
    ],
)  # fmt: skip
def test_humanize_never_crashes(value: object, text: str) -> None:
    assert humanize(value) == text


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("https://github.com/hyunwoongko/kss", " <sub>★ 1.3k</sub>"),
        ("https://github.com/Old/Name", " <sub>★ 1.3k</sub>"),
        ("https://huggingface.co/org/m", " <sub>⬇ 12.1k last 30 days · ♥ 45</sub>"),
        ("https://huggingface.co/Org/likes-only", " <sub>♥ 3</sub>"),
        ("https://huggingface.co/datasets/org/d", " <sub>⬇ 4.6k last 30 days · ♥ 12</sub>"),
        ("https://huggingface.co/spaces/org/s", " <sub>♥ 1.2k</sub>"),
        ("https://arxiv.org/abs/2502.18934v2", " <sub>cited by 1.2k</sub>"),
        ("https://aclanthology.org/P19-1001.pdf", " <sub>cited by 7</sub>"),
        ("https://huggingface.co/org/nothing", None),
        ("https://huggingface.co/spaces/org/s0", None),
        ("https://github.com/unknown/repo", None),
        ("https://arxiv.org/abs/2306.02254", None),
        ("https://github.com/hyunwoongko/kss/blob/main/x.py", None),
        ("https://example.com", None),
    ],
)
def test_badge_after_each_kind_of_link(url: str, text: str | None) -> None:
    assert badge(SNAPSHOT, url) == text


def test_totals_over_the_linked_items() -> None:
    targets = Targets(
        ("hyunwoongko/kss",), ("org/m", "org/likes-only", "org/unknown"), "me",
        papers=("ARXIV:2502.18934", "ACL:P19-1001", "DOI:10.1/x"),
    )  # fmt: skip
    assert totals(SNAPSHOT, targets) == Totals(4_900, 12_100, 1_241)


def test_totals_unknown_are_none() -> None:
    assert totals(SNAPSHOT, Targets((), (), "someone-else")) == Totals(None, None, None)
    assert totals(Snapshot(), Targets((), ("org/m",), None, papers=("ACL:x",))) == Totals(
        None, None, None
    )


def test_badges_match_the_golden_readme() -> None:
    """Every badge in the golden README is exactly what badge() gives for its link."""
    golden = (FIXTURES / "seed" / "README.expected.md").read_text(encoding="utf-8")
    snapshot = load_snapshot(FIXTURES / "seed" / "stats.json", FIXTURES)
    found = re.findall(r"\]\((https://[^)\s]+)\)( <sub>[^<]*</sub>)?", golden)
    badged = [(url, sub) for url, sub in found if sub]
    assert len(badged) >= 5
    for url, sub in found:
        assert badge(snapshot, url) == (sub or None), url
