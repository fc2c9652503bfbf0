"""Rendering: the golden output, humanized numbers, badges, strictness and determinism."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import jinja2
import pytest

from tests.conftest import SEED
from updater.badges import badge, humanize
from updater.build import Paths, build
from updater.errors import InputError
from updater.page.annotate import annotate
from updater.pages import discover
from updater.snapshot import Snapshot, load_snapshot
from updater.stats import ModelStats, RepoStats
from updater.templates import load_templates, make_environment

T = "2026-11-20T03:17:00Z"


def test_golden_output(fixed_stats: Paths) -> None:
    expected = (SEED / "README.expected.md").read_text(encoding="utf-8")
    assert build(fixed_stats, None).pages["README.md"] == expected


def test_same_inputs_same_bytes(fixed_stats: Paths) -> None:
    assert (
        build(fixed_stats, None).pages["README.md"] == build(fixed_stats, None).pages["README.md"]
    )


def test_committed_snapshot_holds_no_invented_numbers() -> None:
    snapshot = load_snapshot(SEED / "no-such-stats.json", SEED)
    assert snapshot == Snapshot()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1_000, "1k"),
        (1_234, "1.2k"),
        (1_250, "1.3k"),
        (9_999, "10k"),
        (56_789, "56.8k"),
        (99_950, "100k"),
        (999_949, "999.9k"),
        (999_999, "1M"),
        (1_000_000, "1M"),
        (1_234_567, "1.2M"),
        (2_500_000_000, "2.5B"),
        (None, ""),
    ],
)
def test_humanize(value: int | None, text: str) -> None:
    assert humanize(value) == text


def test_badges_follow_links_and_missing_numbers_leave_no_trace() -> None:
    snapshot = Snapshot(
        repositories={"o/known": RepoStats("o/known", 1234, 5, T)},
        models={"org/m": ModelStats("org/m", T, downloads=56_789, likes=7)},
    )
    text = (
        "[A](https://github.com/o/known): x, [B](https://github.com/o/unknown): y, "
        "[M](https://huggingface.co/org/m), [N](https://huggingface.co/org/none), "
        "[F](https://github.com/o/known/blob/main/f.gif)"
    )
    assert annotate_with(snapshot, text) == (
        "[A](https://github.com/o/known) <sub>★ 1.2k</sub>: x, [B](https://github.com/o/unknown): y, "
        "[M](https://huggingface.co/org/m) <sub>⬇ 56.8k last 30 days · ♥ 7</sub>, "
        "[N](https://huggingface.co/org/none), [F](https://github.com/o/known/blob/main/f.gif)"
    )


def test_model_with_only_likes_known() -> None:
    snapshot = Snapshot(models={"org/m": ModelStats("org/m", T, likes=3)})
    assert annotate_with(snapshot, "[M](https://huggingface.co/org/m)").endswith("<sub>♥ 3</sub>")


def test_model_with_no_numbers_shows_no_empty_badge() -> None:
    snapshot = Snapshot(models={"org/m": ModelStats("org/m", T)})
    assert (
        annotate_with(snapshot, "[M](https://huggingface.co/org/m)")
        == "[M](https://huggingface.co/org/m)"
    )


def test_renamed_repository_keeps_its_badge() -> None:
    snapshot = Snapshot(
        repositories={"o/new": RepoStats("o/new", 10, 0, T)}, renamed={"o/old": "o/new"}
    )
    assert annotate_with(snapshot, "[X](https://github.com/O/Old)").endswith("<sub>★ 10</sub>")


def annotate_with(snapshot: Snapshot, text: str) -> str:
    return annotate(text, partial(badge, snapshot))


def test_empty_snapshot_renders_no_numbers(profile: Paths) -> None:
    readme = build(profile, None).pages["README.md"]
    assert "<sub>" not in readme
    assert not re.search(r"\b(None|nan)\b", readme)


def test_missing_field_names_the_template_line_and_column(profile: Paths) -> None:
    (profile.templates / "README.md.j2").write_text(
        "# {{ cv.title }}\n\n{{ cv.nickname }}\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"README\.md\.j2:3:7: cv\.nickname: no such field; "):
        build(profile, None)


def test_runtime_error_names_line_and_column_in_plain_words(profile: Paths) -> None:
    (profile.templates / "README.md.j2").write_text(
        '# {{ cv.title }}\n{{ cv.section("nope").title }}\n', encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        build(profile, None)
    assert str(info.value).endswith(
        "README.md.j2:2:7: no section with id 'nope' in the data "
        "(ids: about, skills, biography, contacts); for a section that may be absent, test it "
        'first: {% if cv.has_section("nope") %}'
    )


def test_template_syntax_error_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "t.md.j2").write_text("ok\n{% for x in y %}\nno end\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.md\.j2:\d+:\d+: template syntax error: "):
        load_templates(discover(tmp_path))


def test_environment_is_strict(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{{ x }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        make_environment(tmp_path).get_template("t.j2").render()
