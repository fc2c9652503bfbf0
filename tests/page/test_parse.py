"""The positioned parse: offsets into the original text, whatever the line endings and nesting."""

from __future__ import annotations

from updater.page.parse import parse


def test_positions_survive_bom_crlf_quotes_lists_and_tables() -> None:
    text = (
        "\ufeffa\r\n\r\n> [r]: ./x\r\n\r\n1. 1\r\n- * *a* [q](w) \r\n\r\n"
        "| 1 | [a](b) | 1 |\r\n|--|--|--|\r\n| [c](d) | e | [c](f)\r\n"
    )
    document = parse(text)
    assert [(d.label, document.position(d.start)) for d in document.definitions] == [("r", (3, 3))]
    assert [
        (link.url, document.position(link.start), text[link.start : link.end])
        for link in document.links
    ] == [
        ("w", (6, 9), "[q](w)"),
        ("b", (8, 7), "[a](b)"),
        ("d", (10, 3), "[c](d)"),
        ("f", (10, 16), "[c](f)"),
    ]


def test_html_tags_over_several_lines_in_a_list() -> None:
    text = "- item\n\n  <p align=center>\n  <img\n    src='a.png'\n    alt=''>\n  </p>\n"
    document = parse(text)
    (image,) = document.images
    assert image.url == "a.png" and document.position(image.start) == (4, 3)
    assert text[image.start : image.end].endswith("alt=''>")


def test_comments_code_and_unclosed_tags() -> None:
    text = "<!-- [a](b) -->\n\n`[c](d)`\n\n```\n[e](f)\n```\n\n<div\n"
    document = parse(text)
    assert document.links == ()
    assert [c.text for c in document.comments] == [" [a](b) "]
    assert [(t.name, document.position(t.start)) for t in document.unclosed] == [("div", (9, 1))]


def test_headings_markdown_and_html() -> None:
    document = parse("# One :rocket:\n\n<h3 align=center>Three <b>bold</b></h3>\n\nTwo\n---\n")
    assert [(h.level, h.text, h.source) for h in document.headings] == [
        (1, "One :rocket:", "markdown"),
        (3, "Three bold", "html"),
        (2, "Two", "markdown"),
    ]
