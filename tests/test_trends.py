"""Trends in words: rises, falls, no change, too little history, humanized, from templates."""

from __future__ import annotations

from datetime import date, timedelta

import jinja2
import pytest

from updater.history import History, Key, Series, total
from updater.trends import Trend, Trends, history_commit_message, trend

DAY = date(2026, 11, 20)


def series(*points: tuple[int, int]) -> Series:
    """Points as (days before DAY, value)."""
    return Series(
        tuple((DAY - timedelta(days=ago)).toordinal() for ago, _ in points),
        tuple(value for _, value in points),
    )


@pytest.mark.parametrize(
    ("points", "days", "text"),
    [
        (((60, 100), (30, 100), (0, 220)), 30, "+120 in 30 days"),
        (((40, 1000), (0, 2234)), 30, "+1.2k in 30 days"),
        (((40, 100), (0, 65)), 30, "\u221235 in 30 days"),
        (((40, 56000), (0, 54766)), 30, "\u22121.2k in 30 days"),
        (((40, 7), (0, 7)), 30, "no change in 30 days"),
        (((1, 7), (0, 8)), 1, "+1 in 1 day"),
        (((10, 100), (0, 140)), 30, "+40 since 2026-11-10"),
        (((10, 100), (0, 100)), 30, "no change since 2026-11-10"),
        (((0, 100),), 30, ""),  # the first day: nothing to compare yet
    ],
)
def test_wording(points: tuple[tuple[int, int], ...], days: int, text: str) -> None:
    assert trend(series(*points), days).text == text


def test_the_value_at_the_period_s_start_is_the_one_that_held_then() -> None:
    # Recorded on days 45 and 20 before: 30 days ago the value was the one of day 45.
    moved = trend(series((45, 10), (20, 30), (0, 31)), 30)
    assert (moved.change, moved.since, moved.value) == (21, None, 31)


def test_an_unknown_number_is_an_empty_false_trend() -> None:
    nothing = Trends(History()).total("stars")
    assert nothing == Trend(None, 30) and not nothing and str(nothing) == ""
    assert nothing.signed == "" and nothing.period == "in 30 days"


def test_a_known_trend_is_true_and_has_its_parts() -> None:
    moved = trend(series((40, 1000), (0, 2234)), 30)
    assert moved and moved.signed == "+1.2k" and moved.period == "in 30 days"
    assert moved.last == DAY


def test_a_period_must_be_a_day_or_more() -> None:
    with pytest.raises(ValueError, match="1 day or more"):
        trend(series((0, 1)), 0)


def history() -> History:
    return History({
        total("stars"): series((40, 5800), (0, 5961)),
        Key("repo", "o/new-name", "stars"): series((40, 1200), (0, 1299)),
        Key("model", "kakaocorp/kanana", "downloads"): series((40, 14000), (0, 13042)),
        Key("model", "kakaocorp/kanana", "likes"): series((40, 50), (0, 51)),
        Key("dataset", "skt/kobest_v1", "downloads"): series((40, 2000), (0, 2315)),
        Key("space", "o/demo", "likes"): series((40, 8), (0, 8)),
        Key("paper", "arxiv:2306.02254", "citations"): series((5, 50), (0, 57)),
    })  # fmt: skip


def test_every_kind_by_the_name_a_page_knows_it_by() -> None:
    trends = Trends(history(), renamed={"o/old-name": "o/new-name"})
    assert trends.total().text == "+161 in 30 days"
    assert trends.repo("O/Old-Name").text == "+99 in 30 days"  # renamed, any case
    assert trends.model("kakaocorp/kanana").text == "\u2212958 in 30 days"
    assert trends.model("kakaocorp/kanana", metric="likes").text == "+1 in 30 days"
    assert trends.dataset("skt/kobest_v1", days=7).text == "+315 in 7 days"
    assert trends.space("o/demo").text == "no change in 30 days"
    assert trends.paper("ARXIV:2306.02254").text == "+7 since 2026-11-15"


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("https://github.com/o/old-name", "+99 in 30 days"),
        ("https://huggingface.co/kakaocorp/kanana", "\u2212958 in 30 days"),
        ("https://huggingface.co/datasets/skt/kobest_v1", "+315 in 30 days"),
        ("https://huggingface.co/spaces/o/demo", "no change in 30 days"),
        ("https://arxiv.org/abs/2306.02254v2", "+7 since 2026-11-15"),
        ("https://example.com/", ""),
        ("https://github.com/o/never-recorded", ""),
    ],
)
def test_a_link_s_trend_is_its_badge_s_first_number(url: str, text: str) -> None:
    assert Trends(history(), renamed={"o/old-name": "o/new-name"}).link(url).text == text


def test_a_number_that_is_never_recorded_is_a_template_mistake() -> None:
    with pytest.raises(ValueError, match="no total number 'forks' is recorded"):
        Trends(history()).total("forks")
    with pytest.raises(ValueError, match="expected one of 'downloads', 'likes'"):
        Trends(history()).model("kakaocorp/kanana", metric="stars")


def test_a_template_uses_trends_as_the_committed_one_will() -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701
    template = env.from_string(
        "★ {{ 5961 }}{% set t = trends.total('stars') %}{% if t %} ({{ t }}){% endif %}"
        "{% set c = trends.total('citations') %}{% if c %} never{% endif %}"
        " · kss {{ trends.link('https://github.com/o/old-name', days=7).signed or '-' }}"
    )
    text = template.render(trends=Trends(history(), renamed={"o/old-name": "o/new-name"}))
    assert text == "★ 5961 (+161 in 30 days) · kss +99"


def test_the_weekly_commit_message_says_what_it_is_and_the_week_s_movement() -> None:
    message = history_commit_message(history(), DAY)
    subject, _, body = message.partition("\n\n")
    assert subject == "data/history.json: the numbers through 2026-11-20"
    assert "No page changed this week" in body
    assert body.rstrip().endswith("- total stars: +161 in 7 days")
    assert "downloads" not in body and "citations" not in body  # not recorded: not invented
    empty = history_commit_message(History(), DAY)
    assert empty.endswith("- no total recorded yet\n")
