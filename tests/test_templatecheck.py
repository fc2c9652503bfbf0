"""Static template checks: every branch, by the data's types, with no false alarms on plain Jinja."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from tests.conftest import ROOT, SEED, paths_args
from updater.build import Paths
from updater.cli import main
from updater.errors import ValidationFailed
from updater.pages import discover
from updater.templatecheck import check_template, plain_undefined
from updater.templates import CONTEXT_TYPES, load_templates, make_environment


def check(source: str) -> list[str]:
    env = make_environment(Path())
    # The partial the ordinary templates below import, as if it stood beside them.
    assert env.loader is not None
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"_blocks.j2": ""}), env.loader])
    return check_template(env, source, "t.j2", CONTEXT_TYPES)


def test_seed_and_example_templates_are_clean() -> None:
    templates = [SEED / "templates/README.md.j2", ROOT / "templates/README.md.j2"]
    templates += sorted((ROOT / "docs/examples").glob("*/templates/*.j2"))
    for path in templates:
        env = make_environment(path.parent)
        assert check_template(env, path.read_text(encoding="utf-8"), str(path), CONTEXT_TYPES) == []


def test_untaken_branch_with_missing_data_fails_validate(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    template = profile.templates / "README.md.j2"
    template.write_text(
        template.read_text(encoding="utf-8")
        + "{% if cv.title %}\nHello\n{% else %}\n{{ cv.about.nickname }}\n{% endif %}\n",
        encoding="utf-8",
    )
    line = len(template.read_text(encoding="utf-8").splitlines()) - 1
    capsys.readouterr()
    assert main(["validate", *paths_args(profile)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{template}:{line}:7: cv.about: no such field; fields here: ")
    assert 'a section by its id is cv.section("about")' in err[0]
    assert err[1] == f"error: 1 problem in {template}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "{% for s in cv.sections %}\n{{ s.nickname }}\n{% endfor %}",
            "t.j2:2:6: cv.sections[].nickname: no such field; fields here: id, title, image, "
            "markdown, items, entries, links, sections",
        ),
        (
            "{% for s in cv.sections %}{% for e in s.entries %}{{ e.rol }}{% endfor %}{% endfor %}",
            "t.j2:1:56: cv.sections[].entries[].rol: no such field; did you mean 'role'?",
        ),
        (
            "{% for i in cv.section('a').items %}{{ i.txt }}{% endfor %}",
            "t.j2:1:42: cv.section(...).items[].txt: no such field; did you mean 'text'?",
        ),
        (
            "{% set org = (cv.sections | first).entries[0].organisation %}{{ org.nmae }}",
            "t.j2:1:69: cv.sections[].entries[].organisation.nmae: no such field; "
            "did you mean 'name'?",
        ),
        ("{{ totals.star }}", "t.j2:1:11: totals.star: no such field; did you mean 'stars'?"),
        ("{{ cv.title.nickname }}", "t.j2:1:13: cv.title.nickname: no such field; cv.title is text"),
        ("{{ cvv.title }}", "t.j2:1:4: cvv: no such variable; did you mean 'cv'?; a page sees cv, "
         "lists, page, pages, scholar, snapshot, totals"),
        ("{% if cv.title %}{{ 3 | humanise }}{% endif %}",
         "t.j2:1:25: humanise: no such filter; did you mean 'humanize'?"),
        ("{% if false %}{{ cv.title is strng }}{% endif %}",
         "t.j2:1:30: strng: no such test; did you mean 'string'?"),
    ],
)  # fmt: skip
def test_reports_what_cannot_exist(source: str, expected: str) -> None:
    assert check(source) == [expected]


MACRO = "{% macro row(text, url, indent=0) %}{{ text }}{{ url }}{{ indent }}{% endmacro %}\n"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("{{ row(1, 2, 3, 4) }}", "row: called with 4 arguments; it takes row(text, url, indent)"),
        ("{{ row(1, 2, size=3) }}", "row: no argument named 'size'; it takes row(text, url, indent)"),
        ("{{ row(1) }}", "row: argument 'url' not given; it takes row(text, url, indent)"),
    ],
)  # fmt: skip
def test_macros_called_with_wrong_arguments(call: str, expected: str) -> None:
    assert check(MACRO + "{% if false %}" + call + "{% endif %}") == [f"t.j2:2:18: {expected}"]


ORDINARY = """\
{% import "_blocks.j2" as blocks %}
{% from "_blocks.j2" import card %}
{% set ns = namespace(count=0) %}
{% macro tree(items) %}{% for i in items %}{{ i.whatever }}{{ caller() if caller }}{% endfor %}{% endmacro %}
{% macro opt(a, b) %}{{ a }}{% if b is defined %}{{ b }}{% endif %}{{ varargs }}{{ kwargs }}{% endmacro %}
{{ opt(1) }}{{ opt(1, 2, 3, x=4) }}
{% call tree(cv.sections) %}inner{% endcall %}
{% for s in cv.sections if s.id %}{{ loop.index }}. {{ s.title | default("") | upper }}
  {% set ns.count = ns.count + 1 %}
  {% for e in s.entries | sort(attribute="role") %}{{ e.period.start }} {{ e.organisation.name if e.organisation }}{% endfor %}
  {% for i in s.items %}{{ i.text if i is not string else i.upper() }}{% for j in i.items if i is not string %}{{ j }}{% endfor %}{% endfor %}
{% endfor %}
{% set x = cv.title %}{% set x = cv.section("a") %}{{ x.title }}
{% for k, v in snapshot.repositories.items() %}{{ k }} {{ v.stars }}{% endfor %}
{{ snapshot.repo("a/b").stars if snapshot.repo("a/b") }} {{ snapshot.models["x"].downloads }}
{{ totals.stars | humanize }} {{ pages | length }} {{ page.endswith(".md") }} {{ cv.sections[0].title }}
{{ (cv.sections | selectattr("id") | first).title }} {{ cv.sections | map(attribute="title") | join }}
{{ cv.tracking.github_user }} {{ cv.sections | length }} {{ range(3) | list }} {{ dict(a=1).a }}
{% with t = cv.title %}{{ t.upper() }}{% endwith %}
{% filter upper %}{{ cv.title }}{% endfilter %}
{% set block %}text{% endset %}{{ block }}
{{ blocks.card(1) }} {{ card(2) }} {{ cv.model_dump().anything }}
"""


def test_no_false_alarms_on_ordinary_jinja() -> None:
    assert check(ORDINARY) == []


def test_unclosed_block_points_at_its_opening_tag() -> None:
    [problem] = check("# Title\n{% for s in cv.sections %}\n  {% if s.title %}\n{{ s.title }}\n")
    assert problem == (
        "t.j2:3:3: template syntax error: this {% if %} is never closed (reached the end of the "
        "file): add {% endif %} where it should end"
    )
    [problem] = check("{% for s in cv.sections %}\n{% if s %}\n{% endfor %}\n")
    assert problem.startswith("t.j2:2:1: template syntax error: this {% if %} is never closed")
    assert "(reached line 3)" in problem


def test_syntax_errors_carry_a_column() -> None:
    [problem] = check("text\n  {% for x in %}\n{% endfor %}\n")
    assert problem.startswith("t.j2:2:3: template syntax error: Expected an expression")


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        (
            "'updater.cv.Section object' has no attribute 'jobs'",
            "no field 'jobs' in section; fields here: id, title, image, markdown, items, "
            "entries, links, sections",
        ),
        ("'updater.cv.Entry object' has no attribute 'rol'", "no field 'rol' in entry; did you mean 'role'?"),
        ("'None' has no attribute 'url'", "no field 'url': the value is empty (None) here; guard it with {% if %}"),
        ("'str object' has no attribute 'text'", "no field 'text': text has no such field"),
        ("'nick' is undefined", "nick is undefined: no such variable; a page sees cv, snapshot, totals, scholar, lists, page, pages"),
    ],
)  # fmt: skip
def test_runtime_messages_have_no_internal_names(message: str, plain: str) -> None:
    assert plain_undefined(message, CONTEXT_TYPES) == plain
    assert "updater." not in plain and "object'" not in plain


def test_partials_are_checked_but_may_use_their_includers_names(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (profile.templates / "_row.j2").write_text(
        "{{ heading }}\n{{ cv.sections[0].titel }}\n{% macro row(x) %}{{ x | humanise }}{% endmacro %}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["validate", *paths_args(profile)]) == 2
    lines = capsys.readouterr().err.splitlines()
    partial = profile.templates / "_row.j2"
    assert lines == [
        f"{partial}:2:19: cv.sections[].titel: no such field; did you mean 'title'?",
        f"{partial}:3:26: humanise: no such filter; did you mean 'humanize'?",
        f"error: 2 problems in {partial}",
    ]


def test_runtime_errors_in_a_partial_name_the_partial(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (profile.templates / "_extra.j2").write_text("ok\n{{ cv.sections | sum }}\n", encoding="utf-8")
    (profile.templates / "README.md.j2").write_text(
        '# {{ cv.title }}\n{% include "_extra.j2" %}\n', encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{profile.templates / '_extra.j2'}:2:1: template error: ")
    assert "internal error" not in err


def test_an_included_partial_that_is_not_there_is_named(tmp_path: Path) -> None:
    (tmp_path / "README.md.j2").write_text('# x\n{% include "_header.j2" %}\n', encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_templates(discover(tmp_path))
    assert info.value.problems == (
        f"{tmp_path / 'README.md.j2'}:2:12: '_header.j2': no such template in the templates "
        "folder (names are relative to it, from a page in a folder too: _NAME.j2, or "
        "FOLDER/_NAME.j2 for a partial in a folder of it)",
    )


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ("ab {% if 1 %}{{ x }\n{% endif %}\n", "t.j2:1:14:"),
        ("x {{ a }} {{ b + }} {{ c }}\n", "t.j2:1:11:"),
        ("a\n{{ a }} {% if %}{% endif %}\n", "t.j2:2:9:"),
    ],
)
def test_a_syntax_error_points_at_the_tag_that_makes_it(source: str, where: str) -> None:
    [problem] = check_template(make_environment(Path("."), "\n"), source, "t.j2", CONTEXT_TYPES)
    assert problem.startswith(where + " template syntax error: "), problem


def test_runtime_errors_of_one_page_are_reported_with_static_problems_of_another(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (profile.templates / "A.md.j2").write_text("{{ cv.title | nosuchfilter }}\n", "utf-8")
    (profile.templates / "B.md.j2").write_text('x\n{{ cv.section("nope").title }}\n', "utf-8")
    (profile.templates / "C.md.j2").write_text('{{ cv.section("missing") }}\n', "utf-8")
    assert main(["validate", *paths_args(profile)]) == 2
    err = capsys.readouterr().err
    assert f"{profile.templates / 'A.md.j2'}:1:" in err and "nosuchfilter" in err
    assert f"{profile.templates / 'B.md.j2'}:2:7: no section with id 'nope'" in err
    assert f"{profile.templates / 'C.md.j2'}:1:" in err and "no section with id 'missing'" in err
