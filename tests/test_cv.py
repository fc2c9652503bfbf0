"""CV loading and validation: every problem at once, each as FILE:LINE:COL: path: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from updater.cv import parse_cv
from updater.errors import InputError, ValidationFailed
from updater.yamlsource import format_path

ROOT = Path(__file__).resolve().parent.parent
VALID = (ROOT / "data/cv.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_cv(text, "cv.yaml")
    return list(info.value.problems)


def test_committed_cv_is_valid() -> None:
    cv = parse_cv(VALID, "data/cv.yaml")
    assert cv.about.name == "Hyunwoong Ko"
    assert len(cv.biography) == 7
    assert str(cv.biography[-1].period) == "2024.06 ~ present"


def test_records_are_frozen() -> None:
    cv = parse_cv(VALID, "data/cv.yaml")
    with pytest.raises(ValueError, match="frozen"):
        cv.title = "x"  # type: ignore[misc]


def test_dotted_months_stay_text() -> None:
    text = VALID.replace('start: "2021.03"', "start: 2020.10").replace(
        'end: "2023.05"', "end: 2023.10"
    )
    cv = parse_cv(text, "cv.yaml")
    assert str(cv.biography[3].period) == "2020.10 ~ 2023.10"


def test_invalid_period_names_line_column_and_path() -> None:
    text = VALID.replace('{start: "2021.03", end: "2023.05"}', '{start: "2023-5", end: "2023.05"}')
    line = text.splitlines().index('  - period: {start: "2023-5", end: "2023.05"}') + 1
    assert problems(text) == [
        f"cv.yaml:{line}:14: biography[3].period.start: expected YYYY.MM, got '2023-5'"
    ]


def test_period_end_before_start() -> None:
    text = VALID.replace('{start: "2014.03", end: "2020.08"}', '{start: "2014.03", end: "2013.01"}')
    [problem] = problems(text)
    assert "biography[0].period: end 2013.01 is before start 2014.03" in problem


def test_misspelled_key_is_an_error_with_a_suggestion() -> None:
    text = VALID.replace("    organisation: {name: TUNiB", "    organization: {name: TUNiB")
    found = problems(text)
    assert any(
        "biography[3].organization: unknown key; did you mean 'organisation'?" in p for p in found
    )
    assert any("biography[3]: required key 'organisation' is missing" in p for p in found)


def test_duplicated_key_is_an_error() -> None:
    text = VALID.replace("  job: Software", "  name: Again\n  job: Software")
    line = text.splitlines().index("  name: Again") + 1
    assert problems(text) == [
        f"cv.yaml:{line}:3: about.name: duplicated key (first defined at line {line - 3}); "
        "keep one of them"
    ]


def test_missing_required_key() -> None:
    text = VALID.replace("  job: Software Engineer / AI Researcher\n", "")
    [problem] = problems(text)
    assert problem.startswith("cv.yaml:")
    assert "about: required key 'job' is missing" in problem


def test_wrong_type() -> None:
    text = VALID.replace("    Python: Excellent", "    Python: [Excellent]")
    [problem] = problems(text)
    assert "skills.languages.Python: Input should be a valid string, got ['Excellent']" in problem


def test_all_problems_reported_at_once() -> None:
    text = VALID.replace("  job: Software", "  jb: Software").replace(
        'start: "2019.08"', 'start: "2019.13"'
    )
    found = problems(text)
    assert len(found) == 3  # unknown key, missing key, invalid month
    assert any("biography[1].period.start: expected YYYY.MM" in p for p in found)


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(InputError, match=r"^cv\.yaml:4:1: invalid YAML: .*flow sequence at line 3"):
        parse_cv("title: x\nheadings:\n  - [unclosed\n", "cv.yaml")
    with pytest.raises(InputError, match=r"^cv\.yaml:2:\d+: invalid YAML: "):
        parse_cv("title: x\n  bad: indent: here\n", "cv.yaml")


def test_not_a_mapping() -> None:
    assert problems("- a list\n") == ["cv.yaml:1:1: (document): expected a mapping of CV sections"]


def test_nested_item_errors_point_inside_the_item() -> None:
    text = VALID.replace(
        "          - I developed an interenal evaluation framework for aligned models.",
        "          - {text: 3, itms: []}",
    )
    found = problems(text)
    assert any(p.endswith("items[2].text: Input should be a valid string, got 3") for p in found)
    assert any(p.endswith("items[2].itms: unknown key; did you mean 'items'?") for p in found)


@pytest.mark.parametrize(
    ("path", "text"),
    [((), ""), (("a",), "a"), (("a", 3, "b"), "a[3].b"), ((0,), "[0]")],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text
