"""Bounded YAML: hostile and mistaken files are exit 2 with FILE:LINE:COL, quickly, through the CLI."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import paths_args
from updater.build import Paths
from updater.cli import main
from updater.errors import InputError
from updater.yamlsource import MAX_BYTES, MAX_DEPTH, parse_yaml, position_of


def _alias_bomb(levels: int) -> str:
    """The billion-laughs file: each level is nine aliases of the one before."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _padded_bomb() -> str:
    """A 14 KB file with nine levels of anchors and aliases under an ordinary-looking CV."""
    head = "title: Jane Doe\nsections:\n" + "  - title: Padding\n    markdown: x\n" * 300
    return head + _alias_bomb(9)


# name -> (file bytes, line, column of the problem, what the message says)
HOSTILE: dict[str, tuple[bytes, int, int, str]] = {
    "alias bomb (9 levels)": (_padded_bomb().encode(), 603, 5, "&l0: anchors (&name) and aliases"),
    "1 GB-equivalent expansion": (_alias_bomb(10).encode(), 1, 5, "anchors (&name) and aliases"),
    "recursive alias": (b"title: x\nx: &r [*r]\n", 2, 4, "&r: anchors"),
    "alias without anchor": (b"title: *nowhere\n", 1, 8, "*nowhere: anchors"),
    "deep nesting (5,000)": (
        b"title: " + b"[" * 5000 + b"]" * 5000 + b"\n", 1, 7 + MAX_DEPTH, "nested more than"
    ),
    "deep mappings": (
        "".join(f"{' ' * 2 * i}k{i}:\n" for i in range(200)).encode(), MAX_DEPTH, 2 * MAX_DEPTH - 1, "nested more than"
    ),
    "NUL byte": (b"title: Jane\nsections: []\n# a\x00b\n", 3, 4, "binary file (NUL byte)"),
    "control character": (b"title: Ja\x07ne\n", 1, 10, "control character U+0007"),
    "escape character": (b"sections:\n  - title: \x1b[31mred\n", 2, 12, "control character U+001B"),
    "too large": (b"title: x\n" + b"#" * MAX_BYTES, 1, 1, "larger than 256 KB"),
    "not UTF-8": (b"title: caf\xe9\n", 1, 11, "not UTF-8 text (byte 0xe9)"),
}  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_data_is_exit_2_with_a_position_quickly(
    case: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    data, line, column, message = HOSTILE[case]
    profile.data.write_bytes(data)
    capsys.readouterr()
    started = time.monotonic()
    assert main(["validate", *paths_args(profile)]) == 2
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith(f"{profile.data}:{line}:{column}: "), err
    assert message in first
    assert "Traceback" not in err and "internal error" not in err
    assert elapsed < 10, f"{case}: {elapsed:.1f} s"  # generous: the bound is well under 1 s


def test_bounds_are_what_the_docs_say() -> None:
    assert MAX_BYTES == 256 * 1024
    assert MAX_DEPTH == 40


def test_nesting_up_to_the_bound_is_fine() -> None:
    text = "title: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert parse_yaml(text, "cv.yaml").data is not None


def test_duplicated_keys_are_collected_not_raised() -> None:
    doc = parse_yaml("title: a\ntitle: b\nsections: []\nsections: []\n", "cv.yaml")
    assert doc.problems == (
        "cv.yaml:2:1: title: duplicated key (first defined at line 1); keep one of them",
        "cv.yaml:4:1: sections: duplicated key (first defined at line 3); keep one of them",
    )
    assert doc.data == {"title": "a", "sections": []}  # the first one, where positions point


def test_syntax_errors_name_the_place() -> None:
    # Where the [ opens, not where the parser ran out of file (tests/test_yamlmistakes.py).
    with pytest.raises(InputError, match=re.escape("cv.yaml:2:8: the [ opened here is not")):
        parse_yaml("title: x\nother: [\n", "cv.yaml")


@pytest.mark.parametrize(
    ("text", "offset", "where"),
    [("abc", 0, (1, 1)), ("abc", 2, (1, 3)), ("a\nbc", 3, (2, 2)), ("a\n\nb", 3, (3, 1))],
)
def test_position_of(text: str, offset: int, where: tuple[int, int]) -> None:
    pos = position_of(text, offset)
    assert (pos.line, pos.column) == where


@pytest.mark.parametrize(
    ("text", "code"),
    [('title: "\\x00"\n', "0000"), ('title: "a\\eb"\n', "001B"), ('title: "\\ud800"\n', "D800")],
)
def test_escaped_control_characters_are_refused_too(text: str, code: str) -> None:
    [problem] = parse_yaml(text, "cv.yaml").problems
    assert problem.startswith(f"cv.yaml:1:8: title: control character U+{code} in the text")
