"""Issue 17's reproductions for templates: sandboxed, bounded, and no None on a page (issue 16).

Each case runs the real command line against a scratch profile (and the fake GitHub where a
commit could happen) and asserts the exit code, the message, and that nothing was written,
committed or executed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GITHUB_TOKEN, paths_args
from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from tests.fakes.profile import populate
from updater.build import Paths, load_inputs
from updater.cli import main
from updater.errors import ValidationFailed
from updater.links import Targets
from updater.snapshot import Snapshot
from updater.templates import MAX_PAGE_BYTES, render_pages

REPO = "hyunwoongko/hyunwoongko"
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def template(profile: Paths, text: str, **partials: str) -> Path:
    """The profile's README template replaced by text; partials as templates/_NAME.j2."""
    (profile.templates / "README.md.j2").write_text(text, encoding="utf-8")
    for name, body in partials.items():
        (profile.templates / f"_{name}.j2").write_text(body, encoding="utf-8")
    return profile.page("README.md")


def run(command: str, profile: Paths, *extra: str) -> int:
    """`updater render --offline` (or validate, render --check) on the profile."""
    args = {
        "render": ["render", "--offline"],
        "render --check": ["render", "--offline", "--check"],
        "validate": ["validate"],
    }[command]
    return main([*args, *paths_args(profile), *extra])


def nothing_written(profile: Paths) -> bool:
    leftovers = [p for p in profile.root.rglob("*") if p.name.endswith((".tmp", ".journal"))]
    return not profile.page("README.md").exists() and not leftovers


@pytest.fixture
def site(
    profile: Paths, live_env: dict[str, str], fake_github: FakeGitHub, fake_hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
) -> FakeGitHub:  # fmt: skip
    """The profile repository on the fake GitHub, run from its root as the workflow does."""
    populate(fake_github, fake_hub)
    fake_github.add(REPO)
    fake_github.init_branch(REPO, {"README.md": "hand-written\n", "data/stats.json": "{}\n"})
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.chdir(profile.root)
    return fake_github


def writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method in WRITES]


# Secrets into a public page --------------------------------------------------------------

TOKEN_LINE = '# x\n{{ cycler.__init__.__globals__.os.environ.get("GITHUB_TOKEN") }}\n'


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_template_cannot_read_the_token_into_a_commit(
    site: FakeGitHub, profile: Paths, capsys: pytest.CaptureFixture[str], dry_run: bool
) -> None:
    template(profile, TOKEN_LINE)
    before = site.head(REPO).sha
    assert main(["update", *(["--dry-run"] if dry_run else [])]) == 2
    out, err = capsys.readouterr()
    assert "templates/README.md.j2:2:11: __init__: not allowed: templates run sandboxed" in err
    assert GITHUB_TOKEN not in out + err and "***" not in out
    assert site.head(REPO).sha == before and writes(site) == []


def test_an_include_of_the_process_environment_is_refused(
    profile: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    (profile.templates / "_env.j2").symlink_to("/proc/self/environ")
    template(profile, '# x\n{% include "_env.j2" %}\n')
    assert run("render", profile) == 2
    err = capsys.readouterr().err
    assert (
        f"{profile.templates}/README.md.j2:2:12: {profile.templates}/_env.j2: resolves to " in err
    )
    assert "outside the templates folder" in err and GITHUB_TOKEN not in err
    assert nothing_written(profile)


# Templates run code ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "render --check", "render"])
def test_a_template_cannot_run_a_command(
    profile: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    marker = tmp_path / "MARKER"
    popen = f'{{{{ cycler.__init__.__globals__.os.popen("touch {marker}").read() }}}}'
    template(profile, f"# x\n{popen}\n")
    assert run(command, profile) == 2
    err = capsys.readouterr().err
    assert "README.md.j2:2:11: __init__: not allowed" in err
    assert not marker.exists() and nothing_written(profile)


def test_the_sandbox_also_stops_what_the_static_check_cannot_see(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    # The attribute's name is computed: only the sandbox, at render time, sees it.
    template(profile, '# x\n{{ cycler | attr("_" ~ "_init_" ~ "_") }}\n')
    assert run("render", profile) == 2
    err = capsys.readouterr().err
    assert "README.md.j2:2:1: not allowed: access to attribute '__init__'" in err
    assert "templates run sandboxed" in err and nothing_written(profile)


def test_a_template_cannot_change_the_data(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    template(profile, "# x\n{% set l = [1] %}{{ l.append(2) }}{{ l }}\n")
    assert run("render", profile) == 2
    assert "README.md.j2:2:1: not allowed: " in capsys.readouterr().err
    assert nothing_written(profile)


# Unbounded rendering ---------------------------------------------------------------------


def test_a_huge_range_is_refused_at_once(
    site: FakeGitHub, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    template(profile, "# x\n{% for i in range(3*10**8) %}{% endfor %}\n")
    before = site.head(REPO).sha
    assert main(["update", "--offline", "--deadline", "5"]) == 2
    err = capsys.readouterr().err
    assert (
        "README.md.j2:2:1: range() of 300000000 numbers: a template may loop over at most " in err
    )
    assert "network" not in err and site.head(REPO).sha == before and writes(site) == []


def test_a_huge_range_with_text_does_not_allocate(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    template(profile, "# x\n{% for i in range(10**9) %}text{% endfor %}\n")
    assert run("render", profile) == 2
    assert "README.md.j2:2:1: range() of 1000000000 numbers" in capsys.readouterr().err
    assert nothing_written(profile)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{{ "x" * 10**9 }}', "2:1: repeating str 1000000000 times: larger than the 16 MB"),
        ("{{ [1] * 10**9 }}", "2:1: repeating list 1000000000 times: larger than the 16 MB"),
        ('{{ "x".ljust(10**9) }}', "2:1: ljust(1000000000): at most 10000 here"),
        ('{{ "x" | center(10**9) }}', "2:1: center(1000000000): at most 10000 here"),
        ("{{ [1] | batch(10**9, 0) | list }}", "2:1: batch(1000000000): at most 10000 here"),
        ('{{ "%*d" % (10**9, 1) }}', "2:1: a format with a width over 10000"),
        ('{{ "{:>999999999}".format(1) }}', "2:1: a format with a width over 10000"),
        ("{{ 2 ** (10 ** 9) }}", "2:1: 2 ** 1000000000: a number far too large"),
        (
            '{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s }}{% endmacro %}{{ d("x", 40) }}',
            "2:1: joined text: larger than the 16 MB",
        ),
        ("{{ lipsum(10**9) }}", "2:4: lipsum: no such variable"),
    ],
)
def test_text_a_template_builds_is_capped_before_it_is_built(
    profile: Paths, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    template(profile, f"# x\n{text}\n")
    assert run("render", profile) == 2
    assert f"README.md.j2:{where}" in capsys.readouterr().err
    assert nothing_written(profile)


def test_a_page_over_the_cap_is_not_written(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    # What `check` and `render --check` read back is what render may write.
    (profile.templates / "_big.j2").write_text("x" * (1024 * 1024) + "\n", encoding="utf-8")
    template(profile, '# x\n{% for i in range(17) %}{% include "_big.j2" %}{% endfor %}\n')
    assert run("render", profile) == 2
    err = capsys.readouterr().err
    assert "README.md.j2:1:1: the page it renders is larger than 16 MB, the most check and " in err
    assert MAX_PAGE_BYTES == 16 * 1024 * 1024 and nothing_written(profile)


def test_an_include_over_the_cap_is_refused_before_it_is_read(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    big = profile.templates / "_big.j2"
    with big.open("wb") as handle:  # 200 MB, sparse: nothing is written to disk
        handle.truncate(200 * 1024 * 1024)
    template(profile, '# x\n{% include "_big.j2" %}\n')
    assert run("render", profile) == 2
    assert f"{big}:1:1: larger than 16 MB; is this the right file?" in capsys.readouterr().err
    assert nothing_written(profile)


@pytest.mark.parametrize(
    ("text", "partials", "where"),
    [
        ("# x\n{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(0) }}\n", {}, "README.md.j2:2:1"),
        ('# x\n{% include "_a.j2" %}\n', {"a": 'a\n{% include "_a.j2" %}\n'}, "_a.j2:2:1"),
    ],
)
def test_endless_recursion_is_an_error_at_the_template_line(
    profile: Paths, capsys: pytest.CaptureFixture[str], text: str, partials: dict[str, str],
    where: str,
) -> None:  # fmt: skip
    template(profile, text, **partials)
    assert run("render", profile) == 2
    err = capsys.readouterr().err
    assert f"{where}: recursion too deep: a macro calls itself, or templates include" in err
    assert "internal error" not in err and nothing_written(profile)


@pytest.mark.parametrize("depth", [100, 1000])
def test_deeply_nested_blocks_are_an_error_at_the_tag(
    profile: Paths, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    template(profile, "# x\n" + "{% if true %}" * depth + "x" + "{% endif %}" * depth + "\n")
    assert run("render", profile) == 2
    err = capsys.readouterr().err
    # The 21st tag: 20 tags of 13 characters before it.
    assert "README.md.j2:2:261: blocks nested more than 20 deep here" in err
    assert "internal error" not in err and nothing_written(profile)


def test_twenty_nested_blocks_of_the_costliest_kind_still_compile(profile: Paths) -> None:
    # A macro and 19 loops (each using `loop` and an else) inside it: 20 blocks.
    loops = "{% for a in [1] if a %}{{ loop.index }}" * 19 + "x" + "{% else %}{% endfor %}" * 19
    template(profile, "# x\n{% macro m() %}" + loops + "{% endmacro %}{{ m() }}\n")
    assert run("render", profile) == 0
    assert profile.page("README.md").read_text(encoding="utf-8") == "# x\n" + "1" * 19 + "x\n"


def test_deeply_nested_brackets_are_an_error_not_a_crash(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    template(profile, "# x\n{{ " + "(" * 300 + "1" + ")" * 300 + " }}\n")
    assert run("render", profile) == 2
    err = capsys.readouterr().err
    assert "README.md.j2:2:1: nested too deeply for Python to compile" in err
    assert nothing_written(profile)


def clock(ticks: int) -> Callable[[], float]:
    """Seconds left that run out after `ticks` looks at the clock: no real time passes."""
    looks = iter(range(ticks, -1, -1))
    return lambda: float(next(looks, 0))


@pytest.mark.parametrize(
    "loop",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% set r = range(100000) %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    ],
)
def test_rendering_stops_when_the_deadline_is_spent(profile: Paths, loop: str) -> None:
    template(profile, f"# x\n{loop}\n")
    inputs = load_inputs(profile)
    with pytest.raises(ValidationFailed) as caught:
        render_pages(inputs.templates, inputs.cv, Snapshot(), Targets(),
                     remaining=clock(50), min_seconds=0)  # fmt: skip
    [problem] = caught.value.problems
    assert problem.endswith(
        "README.md.j2:2:1: the deadline (--deadline) ran out while rendering this page, not "
        "while fetching: a loop or a macro here runs too long"
    )


# A missing value never reaches a page (issue 16) -----------------------------------------


def test_an_empty_data_file_is_an_error_at_the_line_that_prints_it(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    profile.data.write_text("", encoding="utf-8")
    assert run("render", profile) == 2
    assert (
        f"{profile.templates}/README.md.j2:16:3: cv.title is empty: {profile.data} has no "
        "title; set it, or guard it with {% if cv.title %}\n"
    ) in capsys.readouterr().err
    assert nothing_written(profile)


def test_a_section_without_a_title_names_its_place_in_the_data(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    text = profile.data.read_text(encoding="utf-8")
    assert "- id: skills\n  title: Skill Sets\n" in text
    profile.data.write_text(text.replace("  title: Skill Sets\n", "", 1), encoding="utf-8")
    line = text[: text.index("- id: skills")].count("\n") + 1  # where the section starts
    for command in ("validate", "render"):
        assert run(command, profile) == 2
        err = capsys.readouterr().err
        assert (
            f"README.md.j2:26:22: cv.sections[1].title is empty: {profile.data}:{line}:3: "
            "sections[1] has no title; set it, or guard it with {% if section.title %}"
        ) in err
    assert nothing_written(profile)


def test_update_commits_nothing_when_a_value_is_missing(
    site: FakeGitHub, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    profile.data.write_text("tracking:\n  github_user: hyunwoongko\n", encoding="utf-8")
    before = site.head(REPO).sha
    assert main(["update"]) == 2
    assert "cv.title is empty: data/cv.yaml has no title" in capsys.readouterr().err
    assert site.head(REPO).sha == before and writes(site) == []


def test_guards_and_none_tests_keep_working(profile: Paths) -> None:
    profile.data.write_text("sections:\n  - markdown: hello\n", encoding="utf-8")
    template(
        profile,
        '# {{ cv.title or "Untitled" }}\n'
        "{% for s in cv.sections %}{% if s.title %}## {{ s.title }}{% endif %}"
        '[{{ s.title | default("none") }}] {{ s.title is none }} {{ s.title == None }} '
        "{{ s.title is defined }}\n{% endfor %}"
        "{{ totals.stars is not none }} {{ totals.stars | humanize }}.\n"
        '{{ snapshot.repo("a/b") is none }}\n',
    )
    assert run("render", profile) == 0
    assert profile.page("README.md").read_text(encoding="utf-8") == (
        "# Untitled\n[none] True True False\nFalse .\nTrue\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{{ totals.stars }}",
            "2:1: totals.stars is empty: no number is known for it yet "
            "(data/stats.json has none); guard it with {% if totals.stars is not none %}",
        ),
        ('{{ "a" ~ cv.title }}', "2:1: cv.title is empty: "),
        ("{{ cv.title.upper() }}", "2:1: cv.title is empty, so it has no field 'upper': "),
        ('{{ snapshot.repo("a/b") }}', "2:1: a value printed here is empty (None): guard it"),
    ],
)
def test_every_way_a_missing_value_reaches_the_page(
    profile: Paths, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    profile.data.write_text("sections: []\n", encoding="utf-8")
    template(profile, f"# x\n{text}\n")
    assert run("render", profile) == 2
    assert f"README.md.j2:{message}" in capsys.readouterr().err
    assert nothing_written(profile)


def test_the_seed_page_renders_byte_for_byte_in_the_sandbox(fixed_stats: Paths) -> None:
    assert run("render", fixed_stats) == 0
    expected = (Path(__file__).parent / "fixtures/seed/README.expected.md").read_bytes()
    assert fixed_stats.page("README.md").read_bytes() == expected
    assert not [p for p in os.listdir(fixed_stats.root) if p.endswith(".tmp")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{% include "../data/cv.yaml" %}', "2:12: '../data/cv.yaml': names a file outside the "),
        ('{% set n = "../data/cv.yaml" %}{% include n %}', "2:1: '../data/cv.yaml': names a file "),
        (
            '{% include "/etc/passwd" %}',
            "2:12: '/etc/passwd': no such template in the templates folder",
        ),
    ],
)
def test_includes_reach_only_the_templates_folder(
    profile: Paths, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    template(profile, f"# x\n{text}\n")
    assert run("render", profile) == 2
    assert f"README.md.j2:{message}" in capsys.readouterr().err
    assert nothing_written(profile)
