"""Data loading and validation: every problem at once, each as FILE:LINE:COL: path: message."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SEED
from updater.cv import parse_cv
from updater.errors import InputError, ValidationFailed
from updater.yamlsource import format_path

VALID = (SEED / "data/cv.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_cv(text, "cv.yaml")
    return list(info.value.problems)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_seed_data_is_valid() -> None:
    cv = parse_cv(VALID, "data/cv.yaml")
    assert [s.id for s in cv.sections] == ["about", "skills", "biography", "contacts"]
    biography = cv.section("biography")
    assert len(biography.entries) == 7
    assert str(biography.entries[-1].period) == "2024.06 ~ present"


def test_records_are_frozen() -> None:
    cv = parse_cv(VALID, "data/cv.yaml")
    with pytest.raises(ValueError, match="frozen"):
        cv.title = "x"  # type: ignore[misc]


def test_everything_is_optional() -> None:
    assert parse_cv("", "cv.yaml").sections == ()
    cv = parse_cv("sections:\n  - title: Projects\n", "cv.yaml")
    assert cv.sections[0].title == "Projects"


def test_sections_are_the_owners() -> None:
    text = """
title: Jane Doe
sections:
  - id: projects
    title: Projects
    items:
      - text: "[tool](https://github.com/jane/tool)"
        items: [A thing, Another]
  - id: publications
    title: Publications
    markdown: |
      1. Doe, J. *A paper*. [arXiv](https://arxiv.org/abs/2306.02254)
  - id: contact
    title: Contact
    links:
      - {label: Email, url: "mailto:jane@example.com"}
      - {label: Resume, url: RESUME.md}
      - {label: Matrix, url: "xmpp:jane@example.com"}
"""
    cv = parse_cv(text, "cv.yaml")
    assert [s.title for s in cv.sections] == ["Projects", "Publications", "Contact"]
    assert cv.section("contact").links[0].url == "mailto:jane@example.com"


def test_missing_section_id_is_a_clear_error() -> None:
    cv = parse_cv("sections:\n  - {id: a, title: A}\n", "cv.yaml")
    with pytest.raises(KeyError) as info:
        cv.section("b")
    assert info.value.args[0].startswith("no section with id 'b' in the data (ids: a); for a ")


def test_an_optional_section_is_tested_with_has_section() -> None:
    cv = parse_cv("sections:\n  - {id: a, title: A}\n", "cv.yaml")
    assert cv.has_section("a") and not cv.has_section("talks")


def test_a_period_without_an_end_is_a_moment() -> None:
    text = 'sections:\n  - items:\n      - {text: A paper, period: {start: "2023.06"}}\n'
    item = parse_cv(text, "cv.yaml").sections[0].items[0]
    assert not isinstance(item, str) and str(item.period) == "2023.06"


def test_duplicate_section_ids_at_any_depth_are_placed() -> None:
    [problem] = problems("sections:\n  - {id: a, title: A}\n  - {id: a, title: B}\n")
    assert problem == (
        "cv.yaml:3:6: sections[1].id: the id 'a' is already used by sections[0] (line 2): "
        "ids must be unique"
    )
    nested = "sections:\n  - id: a\n    sections:\n      - id: a\n        titel: x\n"
    assert [p.split(": ", 2)[1] for p in problems(nested)] == [
        "sections[0].sections[0].id",
        "sections[0].sections[0].titel",
    ]


def test_dates_stay_text_and_years_alone_are_dates() -> None:
    text = "sections:\n  - entries:\n      - period: {start: 2020.10, end: 2023}\n"
    cv = parse_cv(text, "cv.yaml")
    assert str(cv.sections[0].entries[0].period) == "2020.10 ~ 2023"


def test_invalid_period_names_line_column_path_and_an_example() -> None:
    text = VALID.replace('{start: "2021.03", end: "2023.05"}', '{start: "2023-5", end: "2023.05"}')
    line = line_of(text, '{start: "2023-5"')
    assert problems(text) == [
        f"cv.yaml:{line}:14: sections[2].entries[3].period.start: expected a date written "
        "YYYY.MM (month 01 to 12) or YYYY, in quotes, e.g. \"2021.03\", got '2023-5'"
    ]


@pytest.mark.parametrize("end", ["2023.05 (approx)", "presently", "2023.13"])
def test_period_end_rejects_what_the_schema_rejects(end: str) -> None:
    [problem] = problems(
        f'sections:\n  - entries:\n      - period: {{start: "2020", end: "{end}"}}\n'
    )
    assert (
        "period.end: expected a date written YYYY.MM (month 01 to 12) or YYYY, in quotes, or present"
        in problem
    )


def test_period_end_before_start() -> None:
    text = VALID.replace('{start: "2014.03", end: "2020.08"}', '{start: "2014.03", end: "2013.01"}')
    [problem] = problems(text)
    assert "entries[0].period: end 2013.01 is before start 2014.03" in problem


def test_misspelled_key_suggests_only_keys_valid_there() -> None:
    text = VALID.replace("    organisation: {name: TUNiB", "    organization: {name: TUNiB")
    [problem] = problems(text)
    assert problem.endswith("entries[3].organization: unknown key; did you mean 'organisation'?")
    [problem] = problems("sections:\n  - {title: A, itmes: [x]}\n")
    assert problem.endswith("sections[0].itmes: unknown key; did you mean 'items'?")
    [problem] = problems("sections:\n  - {title: A, zzz: 1}\n")
    assert "expected one of: id, title, image, markdown, items, entries, links, sections" in problem


def test_duplicated_key_is_an_error() -> None:
    text = VALID.replace("  title: Who am I?", "  title: Who am I?\n  title: Again")
    line = line_of(text, "title: Again")
    assert problems(text) == [
        f"cv.yaml:{line}:3: sections[0].title: duplicated key (first defined at line "
        f"{line - 1}); keep one of them"
    ]


def test_image_needs_alt_text() -> None:
    [problem] = problems("sections:\n  - image: {src: me.png}\n")
    assert problem.endswith("sections[0].image: required key 'alt' is missing")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://exa mple.com", "data:text/html,x"])
def test_bad_urls_say_what_is_expected(url: str) -> None:
    [problem] = problems(f'sections:\n  - links: [{{label: x, url: "{url}"}}]\n')
    assert "expected a link such as https://example.com, mailto:me@example.com" in problem
    assert "^(" not in problem  # no raw regex


def test_text_with_a_colon_hint() -> None:
    found = problems("sections:\n  - items:\n      - Python: Excellent\n")
    assert found == [
        'cv.yaml:3:9: sections[0].items[0]: "Python: Excellent" is read as a key and a value; '
        'to write it as text, quote it: - "Python: Excellent"'
    ]


def test_all_problems_reported_at_once() -> None:
    text = VALID.replace("  title: Who am I?", "  titel: Who am I?").replace(
        'start: "2019.08"', 'start: "2019.13"'
    )
    found = problems(text)
    assert len(found) == 2
    assert any("entries[1].period.start: expected a date" in p for p in found)
    assert any("sections[0].titel: unknown key; did you mean 'title'?" in p for p in found)


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(InputError, match=r"^cv\.yaml:3:5: the \[ opened here is not closed"):
        parse_cv("title: x\nsections:\n  - [unclosed\n", "cv.yaml")
    with pytest.raises(InputError, match=r"^cv\.yaml:2:3: bad is indented more than title"):
        parse_cv("title: x\n  bad: indent: here\n", "cv.yaml")


def test_not_a_mapping() -> None:
    assert problems("- a list\n") == [
        "cv.yaml:1:1: (document): expected a mapping with title and sections"
    ]


def test_nested_item_errors_point_inside_the_item() -> None:
    text = VALID.replace(
        "      - I developed an interenal evaluation framework for aligned models.",
        "      - {text: '', itms: []}",
    )
    found = problems(text)
    assert any(
        p.endswith("items[0].items[2].text: is empty: write some text, or remove the key")
        for p in found
    )
    assert any(
        p.endswith("items[0].items[2].itms: unknown key; did you mean 'items'?") for p in found
    )


@pytest.mark.parametrize(
    ("path", "text"),
    [((), ""), (("a",), "a"), (("a", 3, "b"), "a[3].b"), ((0,), "[0]")],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


TEN_MISTAKES = """\
title: Jane Doe
title: Jane Again
sections:
  - id: About Me
    titel: About
    image: {src: me.png, width: big}
  - title: Work
    entries:
      - period: {start: "2021-03", end: "2023.05"}
        role: ""
      - period: {start: "2020.05", end: "2019.01"}
        url: "javascript:alert(1)"
        items: [[1]]
  - links: [{label: Mail}]
  - id: About Me
tracking:
  github_user: "not a user!"
"""


def test_ten_mistakes_all_reported_sorted_in_one_format() -> None:
    # Positions are those of the key holding the wrong value (or of the item), as editors show.
    found = problems(TEN_MISTAKES)
    assert [p.split(": ", 1)[0] for p in found] == [
        "cv.yaml:2:1",  # duplicated title
        "cv.yaml:4:5",  # id with spaces and capitals
        "cv.yaml:5:5",  # titel
        "cv.yaml:6:5",  # image without alt
        "cv.yaml:6:26",  # width: big
        "cv.yaml:9:18",  # 2021-03
        "cv.yaml:10:9",  # empty role
        "cv.yaml:11:9",  # end before start
        "cv.yaml:12:9",  # javascript: link
        "cv.yaml:13:17",  # a list where an item goes
        "cv.yaml:14:13",  # link without url
        "cv.yaml:15:5",  # the first section's id again: as badly written,
        "cv.yaml:15:5",  # and already used
        "cv.yaml:17:3",  # not a GitHub user name
    ]
    for problem in found:
        assert re.fullmatch(r"cv\.yaml:\d+:\d+: [\w\[\].]+: [^\n]+", problem), problem
        assert "^(" not in problem and "updater." not in problem and "Value error" not in problem
    assert found[0].endswith("title: duplicated key (first defined at line 1); keep one of them")
    assert "expected an id of lower-case letters, digits, - and _, e.g. experience" in found[1]
    assert (
        "expected a GitHub user or organization name, e.g. octocat, got 'not a user!'" in found[-1]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sections: {a: 1}\n", "cv.yaml:1:1: sections: expected a list (one '- ' line per item); got {'a': '1'}"),
        ("sections:\n  - image: x\n", "cv.yaml:2:5: sections[0].image: expected a mapping (key: value lines) with src, alt, width, height; got 'x'"),
    ],
)  # fmt: skip
def test_wrong_shapes_say_what_is_expected_without_class_names(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_the_sources_a_cv_names_are_optional_and_checked() -> None:
    tracking = parse_cv(
        "tracking:\n  github_user: kakao\n  semantic_scholar_author: 2262347\n"
        "  huggingface_authors: [kakaocorp, hyunwoongko]\n",
        "cv.yaml",
    ).tracking
    assert tracking.semantic_scholar_author == "2262347"  # a YAML number is the id as text
    assert tracking.huggingface_authors == ("kakaocorp", "hyunwoongko")
    assert parse_cv("title: x\n", "cv.yaml").tracking.semantic_scholar_author is None
    with pytest.raises(ValidationFailed) as info:
        parse_cv(
            "tracking:\n  semantic_scholar_author: Ada Park\n  huggingface_author: [x]\n"
            "  huggingface_authors: [ok, 'two words']\n",
            "cv.yaml",
        )
    assert list(info.value.problems) == [
        "cv.yaml:2:3: tracking.semantic_scholar_author: expected a Semantic Scholar author id: "
        "the number at the end of the author's page semanticscholar.org/author/NAME/ID, e.g. "
        "2262347, got 'Ada Park'",
        "cv.yaml:3:3: tracking.huggingface_author: unknown key; did you mean "
        "'huggingface_authors'?",
        "cv.yaml:4:29: tracking.huggingface_authors[1]: expected a Hugging Face user or "
        "organization name, e.g. kakaocorp, got 'two words'",
    ]
