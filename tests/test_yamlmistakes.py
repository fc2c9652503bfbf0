"""Each YAML mistake people make in a CV gets one message, at the place to fix, naming the fix.

Modelled on what CVs hold: items that start with a markdown link, `Label: text` items, dates,
hashtags and issue numbers, and the indentation slips of hand-edited YAML."""

from __future__ import annotations

import pytest

from tests.conftest import paths_args
from updater.build import Paths
from updater.cli import main
from updater.cv import parse_cv
from updater.errors import InputError, ValidationFailed
from updater.yamlsource import quoted

WORK = "sections:\n  - title: Work\n    items:\n"

# name -> (the file, the one message: FILE:LINE:COL: ...)
MISTAKES: dict[str, tuple[str, str]] = {
    "an item that starts with a markdown link": (
        WORK + "      - [Transformer](https://github.com/hyunwoongko/transformer): PyTorch implementation\n"
        "      - other\n",
        'cv.yaml:4:9: this item starts with [, which YAML reads as a list ([a, b]), not as text '
        '(a markdown link needs quotes): quote the whole item: - "[Transformer]'
        '(https://github.com/hyunwoongko/transformer): PyTorch implementation"',
    ),
    "a value that is a markdown link": (
        "sections:\n  - title: [Projects](https://example.com/projects)\n",
        'cv.yaml:2:12: this value starts with [, which YAML reads as a list ([a, b]), not as text '
        '(a markdown link needs quotes): quote the whole value: - title: '
        '"[Projects](https://example.com/projects)"',
    ),
    "a colon inside a value": (
        WORK + "      - text: Model: [Solar](https://huggingface.co/upstage/solar)\n",
        'cv.yaml:4:15: this value holds ": ", which YAML reads as a key and a value; to write it '
        'as text, quote it: - text: "Model: [Solar](https://huggingface.co/upstage/solar)"',
    ),
    "two colons in an item": (
        WORK + "      - Languages: Korean: native\n",
        'cv.yaml:4:9: this item holds ": ", which YAML reads as a key and a value; to write it as '
        'text, quote it: - "Languages: Korean: native"',
    ),
    "a missing closing quote, reported where it opens": (
        'title: Jane\nsections:\n  - title: "Work\n    items:\n      - a\n',
        'cv.yaml:3:12: the quote " that starts this text is not closed on its line (YAML reads on '
        'to the next ", which never comes): end the text with "',
    ),
    "a missing closing quote, another quote further down": (
        'sections:\n  - title: "Work\n    items:\n      - "a"\n',
        'cv.yaml:2:12: the quote " that starts this text is not closed on its line (YAML reads on '
        'to the next ", on line 4): end the text with "',
    ),
    "a de-indented key": (
        "sections:\n  - title: Work\n    entries:\n      - role: Engineer\n     period: {start: '2020'}\n",
        "cv.yaml:5:6: period is indented 5 spaces, which lines up with nothing above it (the keys "
        "of one mapping line up): indent it 8 spaces, as role (line 4) or 4 spaces, as entries "
        "(line 3)",
    ),
    "a key under the list's dash": (
        "sections:\n  - entries:\n      - role: Engineer\n      period: {start: '2020'}\n",
        "cv.yaml:4:7: period is indented 6 spaces, which lines up with nothing above it (the keys "
        "of one mapping line up): indent it 8 spaces, as role (line 3) or 4 spaces, as entries "
        "(line 2)",
    ),
    "a de-indented item": (
        WORK + "      - a\n     - b\n",
        "cv.yaml:5:6: this item is indented 5 spaces, which lines up with nothing above it (items "
        "of one list line up): indent it 6 spaces, as the item on line 4 or 2 spaces, as the item "
        "on line 2",
    ),
    "an over-indented key": (
        "sections:\n  - title: Work\n      items: []\n",
        "cv.yaml:3:7: items is indented more than title (line 2), so YAML reads this line as more "
        "of its text: indent it 4 spaces, as title (line 2)",
    ),
    "a tab": (
        "sections:\n  - title: Work\n\titems: []\n",
        "cv.yaml:3:1: a tab: YAML indents with spaces only; replace the tab with spaces",
    ),
    "an unclosed bracket": (
        "tracking:\n  models: [upstage/solar, google/gemma\n  papers: []\n",
        "cv.yaml:2:11: the [ opened here is not closed: YAML reads [ ... ] as a list ([a, b]); "
        'close it with ], or, if this is text, quote it: models: "[upstage/solar, google/gemma"',
    ),
    "an unclosed brace inside a list": (
        "sections:\n  - links: [{label: Mail, url: mailto:me@example.com]\n",
        "cv.yaml:2:13: the { opened here is not closed: YAML reads { ... } as a mapping "
        "({key: value}); close it with }",
    ),
    "a stray closing brace": (
        "sections:\n  - image: {src: me.png, alt: Me}}\n",
        "cv.yaml:2:34: this } closes no {: remove it, or, if the value is text, quote it: "
        '- image: "{src: me.png, alt: Me}}"',
    ),
    "text after a closing quote": (
        WORK + '      - "Attention Is All You Need" (reimplementation)\n',
        "cv.yaml:4:9: this item goes on after its closing \", which YAML does not allow: quote the "
        "whole item: - '\"Attention Is All You Need\" (reimplementation)'",
    ),
    "a handle at the start": (
        WORK + "      - @huggingface maintainer\n",
        "cv.yaml:4:9: this item starts with @, which YAML reads as a character YAML reserves, not "
        'as text: quote the whole item: - "@huggingface maintainer"',
    ),
    "code at the start": (
        WORK + "      - `pip install updater` in one line\n",
        "cv.yaml:4:9: this item starts with `, which YAML reads as a character YAML reserves, not "
        'as text: quote the whole item: - "`pip install updater` in one line"',
    ),
    "bold at the start": (
        WORK + "      - **Best paper** at ACL 2023\n",
        "cv.yaml:4:9: this item starts with *, which YAML reads as an alias (*name), not as text: "
        'quote the whole item: - "**Best paper** at ACL 2023"',
    ),
    "an ampersand at the start": (
        WORK + "      - &more to come\n",
        "cv.yaml:4:9: this item starts with &, which YAML reads as an anchor (&name), not as text: "
        'quote the whole item: - "&more to come"',
    ),
    "a quote mark at the start": (
        WORK + "      - > 10k stars on GitHub\n",
        "cv.yaml:4:9: this item starts with >, which YAML reads as the start of a block of text on "
        'the lines below, not as text: quote the whole item: - "> 10k stars on GitHub"',
    ),
    "a backslash in double quotes": (
        'sections:\n  - markdown: "see C:\\Users\\me"\n',
        "cv.yaml:2:22: in double quotes a backslash starts an escape (\\n, \\\"), and this one is "
        "none: write \\\\ for a backslash, or put the text in single quotes, where \\ is just \\",
    ),
    "a second document": (
        "title: Jane\n---\nsections: []\n",
        "cv.yaml:2:1: --- on a line of its own starts a second YAML document, and the file is "
        "one: remove the line",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", MISTAKES)
def test_each_syntax_mistake_has_one_message_at_the_place_to_fix(name: str) -> None:
    text, message = MISTAKES[name]
    with pytest.raises(InputError) as info:
        parse_cv(text, "cv.yaml")
    assert str(info.value) == message


# Mistakes YAML reads without a syntax error: the value is not what was written.
READ_WRONG: dict[str, tuple[str, list[str]]] = {
    "yes": (
        WORK + "      - yes\n",
        ['cv.yaml:4:9: sections[0].items[0]: yes is read as true (YAML reads yes, no, on, off, '
         'true and false as true or false, not as text): to write it as text, quote it: - "yes"'],
    ),
    "no as a title": (
        "sections:\n  - title: no\n",
        ['cv.yaml:2:5: sections[0].title: no is read as false (YAML reads yes, no, on, off, true '
         'and false as true or false, not as text): to write it as text, quote it: title: "no"'],
    ),
    "a tilde": (
        WORK + "      - ~\n",
        ['cv.yaml:4:9: sections[0].items[0]: ~ is read as nothing (YAML\'s null, like ~): write '
         'the text, or quote it: - "~"'],
    ),
    "an issue number": (
        WORK + "      - Fixed issue #1234 in PyTorch\n",
        ["cv.yaml:4:21: sections[0].items[0]: the text stops at 'Fixed issue': a space then # "
         "starts a comment in YAML, so '#1234 in PyTorch' is left out; to keep it, quote the "
         'text: - "Fixed issue #1234 in PyTorch"'],
    ),
    "a hashtag item": (
        WORK + "      - #NLP researcher\n",
        ["cv.yaml:4:9: sections[0].items[0]: the value is empty: a space then # starts a comment "
         "in YAML, so '#NLP researcher' is left out; to keep it, quote the text: "
         '- "#NLP researcher"'],
    ),
    "an over-indented item joins the one above": (
        WORK + "      - Python\n        - PyTorch\n",
        ["cv.yaml:5:9: sections[0].items[0]: this '- ' is indented more than the text above it "
         "(line 4), so YAML reads it as more of that text: line up its '- ' with the item above "
         "to make it an item of its own"],
    ),
    "a stray dash": (
        "sections:\n  - - title: Work\n",
        ["cv.yaml:2:5: sections[0]: expected a mapping (key: value lines) with id, title, image, "
         "markdown, items, entries, links, sections; got [{'title': 'Work'}] (a list: is there a "
         "second '- ' on the line? remove it)"],
    ),
    "no space after the colon": (
        "sections:\n  - title:Work\n",
        ["cv.yaml:2:5: sections[0]: expected a mapping (key: value lines) with id, title, image, "
         "markdown, items, entries, links, sections; got 'title:Work' (text: YAML needs a space "
         "after the colon: title: Work)"],
    ),
    "a key with nothing after it": (
        WORK + "      - Python:\n",
        ['cv.yaml:4:9: sections[0].items[0]: "Python:" is read as a key and a value; to write it '
         'as text, quote it: - "Python:"'],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", READ_WRONG)
def test_values_yaml_reads_as_something_else_are_named_with_the_fix(name: str) -> None:
    text, messages = READ_WRONG[name]
    with pytest.raises(ValidationFailed) as info:
        parse_cv(text, "cv.yaml")
    assert list(info.value.problems) == messages


@pytest.mark.parametrize(
    "text",
    [
        WORK + "      - C# and F#\n      - a comment after the text  # kept out, as meant\n",
        WORK + '      - "[Transformer](https://x.y): quoted"\n      - "yes"\n      - "Issue #1"\n',
        WORK + "      - Python: quoted later\n".replace("Python: quoted later", "'Python: ok'"),
        "sections:\n  - markdown: |\n      # A heading\n      - a list in markdown\n",
    ],
)
def test_what_is_written_right_stays_quiet(text: str) -> None:
    parse_cv(text, "cv.yaml")


def test_anchors_in_yaml_syntax_keep_their_own_message() -> None:
    with pytest.raises(InputError, match=r"&r: anchors .* write the value out in full"):
        parse_cv("title: x\nx: &r [*r]\n", "cv.yaml")


def test_an_error_not_recognised_keeps_the_parser_s_words_and_place() -> None:
    with pytest.raises(InputError, match=r"^cv\.yaml:2:3: invalid YAML: found unhashable key"):
        parse_cv("title: x\n? [a]\n", "cv.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("plain", '"plain"'), ('say "hi"', "'say \"hi\"'"), ("it's \\", "'it''s \\'")],
)
def test_quoted_text_reads_back_as_written(text: str, expected: str) -> None:
    assert quoted(text) == expected
    assert parse_cv(f"title: {quoted(text)}\n", "cv.yaml").title == text


def test_validate_prints_the_message_and_the_summary(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    text, message = MISTAKES["an item that starts with a markdown link"]
    profile.data.write_text(text, encoding="utf-8")
    assert main(["validate", *paths_args(profile)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        message.replace("cv.yaml", str(profile.data)),
        f"error: 1 problem in {profile.data}",
    ]
