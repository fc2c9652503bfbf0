"""The positioned parse: offsets into the original text, whatever the line endings and nesting."""

from __future__ import annotations

import random

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


def test_offsets_count_characters_not_utf8_bytes() -> None:
    text = "😀 漢字 [a](b) é <img src=c>\n\n## Ünïcode [d](e)\n"
    document = parse(text)
    assert [text[link.start : link.end] for link in document.links] == ["[a](b)", "[d](e)"]
    assert [text[image.start : image.end] for image in document.images] == ["<img src=c>"]
    assert [(h.text, text[h.start :].split("\n", maxsplit=1)[0]) for h in document.headings] == [
        ("Ünïcode d", "Ünïcode [d](e)")
    ]


def test_html_blocks_with_crlf_and_inline_html_over_quoted_lines() -> None:
    text = "<p>\r\n<img src=a>\r\n</p>\r\n\r\n> x <img\n> src=b> y\n"
    document = parse(text)
    assert [(i.url, text[i.start : i.start + 4]) for i in document.images] == [
        ("a", "<img"),
        ("b", "<img"),
    ]
    assert text[document.images[1].end - 7 : document.images[1].end] == " src=b>"


def test_reference_links_of_every_form_span_their_source() -> None:
    text = "[a][] [b] [c][ x ] [d][x]\n\n[a]: /a\n[b]: /b\n[x]: /x\n[A]: /ignored\n"
    document = parse(text)
    assert [(text[link.start : link.end], link.label, link.url) for link in document.links] == [
        ("[a][]", "a", "/a"),
        ("[b]", "b", "/b"),
        ("[c][ x ]", "x", "/x"),
        ("[d][x]", "x", "/x"),
    ]
    assert [(d.label, d.url) for d in document.definitions] == [
        ("a", "/a"),
        ("b", "/b"),
        ("x", "/x"),
    ]


def test_bogus_comments_end_where_they_end() -> None:
    text = "<div>\n<!x> <!--z--> <![y]>\n</div>\n"
    spans = [text[c.start : c.end] for c in parse(text).comments]
    assert spans == ["<!x>", "<!--z-->", "<![y]>"]


def test_nesting_of_any_depth_is_read() -> None:
    text = ">" * 1000 + " [x](y)\n\n" + "".join("  " * i + "- i\n" for i in range(300))
    text += "  " * 300 + "- [z](w)\n"
    assert [link.url for link in parse(text).links] == ["y", "w"]


SNIPPETS = (
    "[a](b)", "![x](y.png)", "<img src=x>", "<a href='u'>t</a>", "`c`", "**b**", "> ", "- ",
    "1. ", "# ", "|a|b|\n|-|-|\n|c|d|", "\n", "\r\n", "é", "漢字", "😀", "[r]: /u\n", "[r]",
    "[x][]", "<!--", "-->", "<div>", "</div>", "```\n", "    ", "$x$", "[^1]", "[^1]: f\n",
    "www.x.com", "https://a.b/c", "<https://a>", "<a@b.c>", "&amp;", "\\*", "<details>",
    "\ufeff", "\t", "  \n", "---\n", "<img\nsrc=z>", "[multi\nline](u)", "> [!NOTE]\n",
    "<!x>", "<", ">", "[", "]", "(", ")", "!",
)  # fmt: skip


def test_every_record_spans_its_own_source_on_random_pages() -> None:
    rng = random.Random(7)
    for _ in range(400):
        text = "".join(rng.choice(SNIPPETS) for _ in range(rng.randint(1, 40)))
        document = parse(text)
        spans = [(link.start, link.end) for link in document.links]
        spans += [(image.start, image.end) for image in document.images]
        spans += [(tag.start, tag.end) for tag in document.tags]
        spans += [(comment.start, comment.end) for comment in document.comments]
        for start, end in spans:
            assert 0 <= start <= end <= len(text), (start, end, text)
        for link in document.links:
            if link.kind in ("inline", "reference"):
                assert text[link.start] == "[", (link, text)
            if link.kind == "inline":
                assert text[link.end - 1] == ")", (link, text)
        for image in document.images:
            opening = "![" if image.kind == "markdown" else "<"
            assert text.startswith(opening, image.start), (image, text)
        for tag in document.tags:
            assert text.startswith("<", tag.start), (tag, text)


def test_a_tag_before_a_crlf_in_an_html_block_ends_before_the_cr() -> None:
    text = '<p>\r\n<a href="u">t</a>\r\n</p>\r\n'
    (link,) = parse(text).links
    assert text[link.start : link.end] == '<a href="u">t</a>'


def test_links_inside_an_images_alt_are_alt_text_and_what_follows_is_read() -> None:
    text = "![a [b](c)](i.png) x <img src=y https://x.io\n"
    document = parse(text)
    assert [(image.alt, image.url) for image in document.images] == [("a [b](c)", "i.png")]
    assert [(link.kind, link.url) for link in document.links] == [("bare", "https://x.io")]
    assert document.tags_as_text == ((21, "img"),)


def test_an_autolink_in_a_links_text_leaves_the_outer_link() -> None:
    text = "[<https://ok.io>](javascript:alert(1))\n"
    assert [(link.kind, link.url, link.end) for link in parse(text).links] == [
        ("inline", "javascript:alert(1)", len(text) - 1)
    ]


def test_a_bare_url_right_after_a_quote_marker_is_a_link() -> None:
    assert [link.url for link in parse(">Docs:\n>https://x.io/d\n").links] == ["https://x.io/d"]


def test_heading_text_drops_trailing_tabs_and_a_closing_sequence_after_a_tab() -> None:
    document = parse("# Title \t\n\n# Other\t#\n\n# C#\n")
    assert [heading.text for heading in document.headings] == ["Title", "Other", "C#"]


def test_a_lone_cr_ends_a_line() -> None:
    text = "<div>\r\r[x](javascript:x)\r"
    document = parse(text)
    assert [(link.url, document.position(link.start)) for link in document.links] == [
        ("javascript:x", (3, 1))
    ]


def test_attribute_values_are_decoded_as_browsers_decode_them() -> None:
    text = (
        '<img src="https://x.y/?size=35&center=true&section=x&amp;z=1&copy;" '
        "alt='1&sect2 &lt;3 &gt x'>\n"
    )
    (image,) = parse(text).images
    assert image.url == "https://x.y/?size=35&center=true&section=x&z=1©"
    assert image.alt == "1&sect2 <3 > x"
