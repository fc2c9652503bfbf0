"""The `updater` entry point through main(argv): exit codes, output, and nothing written on error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, paths_args
from updater import cli
from updater.build import Paths
from updater.cli import _run, build_parser, main

SENTINEL = "hand-written README\n"


def test_render_offline_writes_the_readme(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    assert profile.page("README.md").read_text(encoding="utf-8").startswith("# Curriculum Vitae\n")
    assert f"wrote {profile.page('README.md')}" in capsys.readouterr().err


def test_check_passes_when_current_and_fails_with_a_diff(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    assert main(["render", "--offline", "--check", *paths_args(profile)]) == 0
    profile.page("README.md").write_text(SENTINEL, encoding="utf-8")
    capsys.readouterr()
    assert main(["render", "--offline", "--check", *paths_args(profile)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(
        f"--- {profile.page('README.md')} (on disk)\n+++ {profile.page('README.md')} (rendered)\n"
    )
    assert "-hand-written README" in out
    assert "out of date: " in err
    assert profile.page("README.md").read_text(encoding="utf-8") == SENTINEL


def test_committed_readme_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["render", "--offline", "--check"]) == 0


def test_validate(profile: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *paths_args(profile)]) == 0
    assert (
        "tracking 15 repositories, 5 models, 0 datasets, 0 Spaces and 3 papers"
        in capsys.readouterr().err
    )


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--no-such-option"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_version_and_help_exit_0() -> None:
    assert main(["--version"]) == 0
    assert main(["render", "--help"]) == 0


def test_schema_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "--output", str(out), "--check"]) == 1
    assert f"error: {out} is missing: run `updater schema` to write it" in capsys.readouterr().err
    assert main(["schema", "--output", str(out)]) == 0
    assert main(["schema", "--output", str(out), "--check"]) == 0
    out.write_text("{}\n", encoding="utf-8")
    assert main(["schema", "--output", str(out), "--check"]) == 1
    assert f"error: {out} is out of date: run `updater schema`" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "usage", "hint"),
    [
        (["renders"], "usage: updater render ", "invalid choice: 'renders' (choose from"),
        (["render", "--ofline"], "usage: updater render ", "arguments: --ofline (did you mean --offline?)"),
        (["--ofline", "render"], "usage: updater render ", "(did you mean --offline?)"),
        (["check", "--format", "gitub"], "usage: updater check ", "'gitub' (choose from 'text', 'github'); did you mean 'github'?"),
        (["validate", "--datta", "x"], "usage: updater validate ", "(did you mean --data?)"),
        (["xyzzy"], "usage: updater [-h]", "invalid choice: 'xyzzy'"),
    ],
)  # fmt: skip
def test_a_mistyped_command_or_option_gets_the_one_meant_and_its_usage(
    argv: list[str], usage: str, hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and hint in err
    if argv == ["renders"]:
        assert err.rstrip().endswith("did you mean 'render'?")
    if argv == ["xyzzy"]:
        assert "did you mean" not in err


@pytest.mark.parametrize("command", ["validate", "render", "update", "preview", "check"])
def test_every_command_that_reads_the_files_takes_the_same_options(command: str) -> None:
    args = build_parser().parse_args([command, "--data", "d.yaml", "--stats", "s.json",
                                      "--templates", "t", "--root", "r"])  # fmt: skip
    assert (args.data, args.stats, args.templates, args.root) == (
        Path("d.yaml"), Path("s.json"), Path("t"), Path("r"),
    )  # fmt: skip


def test_problems_with_and_without_a_line_share_one_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # an empty folder: no data, no templates
    assert main(["validate"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "data/cv.yaml:1:1: file not found; run from the profile repository root or pass --data",
        "templates: no templates folder; run from the profile repository root, pass --templates "
        "DIR, or run `updater init` to create one",
        "error: 2 problems in data/cv.yaml, templates",
    ]


def _edit(path_of: Callable[[Paths], Path], old: str, new: str) -> Callable[[Paths], None]:
    def apply(paths: Paths) -> None:
        path = path_of(paths)
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def _data(p: Paths) -> Path:
    return p.data


def _template(p: Paths) -> Path:
    return p.templates / "README.md.j2"


def _unreadable(paths: Paths) -> None:
    paths.data.write_bytes(b"\xff\xfe not utf-8")


def _missing(paths: Paths) -> None:
    paths.data.unlink()


def _broken_snapshot(paths: Paths) -> None:
    paths.stats.write_text('{"format": 1,\n  "repositories": [}\n', encoding="utf-8")


BAD_INPUTS: dict[str, tuple[Callable[[Paths], None], str]] = {
    "malformed YAML": (_edit(_data, "title: Curriculum Vitae", "title: [Curriculum"), r"cv\.yaml:\d+:\d+: the \[ opened here is not closed"),
    "missing key": (_edit(_data, "    alt: Hyunwoong Ko\n", ""), r"cv\.yaml:\d+:\d+: sections\[0\]\.image: required key 'alt'"),
    "wrong type": (_edit(_data, "  - 'Python: Excellent'", "  - [1]"), r"cv\.yaml:\d+:\d+: sections\[1\]\.items\[0\]\.items\[0\]: expected text, or a mapping"),
    "misspelled key": (_edit(_data, "  title: Who am I?", "  tilte: Who am I?"), r"cv\.yaml:\d+:\d+: sections\[0\]\.tilte: unknown key; did you mean 'title'\?"),
    "duplicated key": (_edit(_data, "  title: Who am I?", "  title: Who am I?\n  title: Again"), r"cv\.yaml:\d+:\d+: sections\[0\]\.title: duplicated key"),
    "invalid period": (_edit(_data, 'start: "2023.05"', 'start: "2023-5"'), r"cv\.yaml:\d+:\d+: sections\[2\]\.entries\[5\]\.period\.start: expected a date written YYYY\.MM \(month 01 to 12\) or YYYY"),
    "template syntax": (_edit(_template, "{% for contact in section.links %}", "{% for contact in %}"), r"README\.md\.j2:\d+:\d+: template syntax error"),
    "undefined variable": (_edit(_template, "{{ contact.label }}", "{{ contact.lable }}"), r"README\.md\.j2:\d+:\d+: cv\.sections\[\]\.links\[\]\.lable: no such field; did you mean 'label'\?"),
    "unreadable file": (_unreadable, r"cv\.yaml:1:1: not UTF-8"),
    "missing file": (_missing, r"cv\.yaml:1:1: file not found"),
    "broken snapshot": (_broken_snapshot, r"stats\.json:2:\d+: invalid JSON"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_names_the_place_and_writes_nothing(
    case: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    breaks, message = BAD_INPUTS[case]
    profile.page("README.md").write_text(SENTINEL, encoding="utf-8")
    stats_before = profile.stats.read_bytes()
    breaks(profile)
    capsys.readouterr()
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    out, err = capsys.readouterr()
    assert re.search(message, err), err
    assert "Traceback" not in err
    assert out == ""
    assert profile.page("README.md").read_text(encoding="utf-8") == SENTINEL
    assert profile.stats.read_bytes() == stats_before or case == "broken snapshot"
    assert main(["validate", *paths_args(profile)]) == 2


def test_unwritable_output_is_an_input_error(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    profile.page("README.md").mkdir()
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    assert f"{profile.page('README.md')}: is a folder, expected a file" in capsys.readouterr().err
    assert not [p for p in profile.page("README.md").parent.iterdir() if p.name.endswith(".tmp")]


def test_snapshot_that_is_not_an_object(profile: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    profile.stats.write_text("[]\n", encoding="utf-8")
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    assert (
        "stats.json:1:1: expected a JSON object with format, repositories and models"
        in capsys.readouterr().err
    )


def test_traceback_only_with_verbose(profile: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    profile.data.unlink()
    assert main(["-v", "render", "--offline", *paths_args(profile)]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_runs_from_the_repository_root_by_default(
    profile: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(profile.data.parent.parent)
    assert main(["render", "--offline"]) == 0
    assert Path("README.md").exists()
    assert not any(name.endswith(".tmp") for name in os.listdir("."))


def test_every_problem_in_every_file_at_once_sorted_in_one_format(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(_data, "  title: Who am I?", "  title: Who am I?\n  title: Again")(profile)
    _edit(_data, 'start: "2023.05"', 'start: "2023-5"')(profile)
    _edit(_data, "    alt: Hyunwoong Ko\n", "")(profile)
    _edit(_template, "{{ entry.role }}", "{{ entry.rol }}")(profile)
    _edit(_template, "{% for contact in section.links %}", "{% for contact in section.linx %}")(
        profile
    )
    capsys.readouterr()
    assert main(["validate", *paths_args(profile)]) == 2
    *lines, summary = capsys.readouterr().err.splitlines()
    assert len(lines) == 5
    places = []
    for line in lines:
        match = re.match(r"^(.+?):(\d+):(\d+): \S+: .+$", line)
        assert match, line
        places.append((match[1], int(match[2]), int(match[3])))
    assert places == sorted(places)
    assert [p[0] for p in places] == [str(profile.data)] * 3 + [str(_template(profile))] * 2
    assert summary == f"error: 5 problems in {profile.data}, {_template(profile)}"


def test_help_is_written_for_the_user(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Keep a GitHub profile README current" in out
    assert "exit codes:" in out and "parse, dispatch" not in out
    for command in ("validate", "render", "update", "preview", "check", "schema"):
        assert command in out
    assert main(["validate", "--help"]) == 0
    out = capsys.readouterr().out
    assert "FILE:LINE:COL" in out and "--output" not in out and "--root" not in out
    assert main(["render", "--help"]) == 0
    out = capsys.readouterr().out
    assert "all are updated or none" in out and "--deadline SECONDS" in out


def test_verbose_before_or_after_the_command(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    profile.data.unlink()
    assert main(["render", "--offline", "-v", *paths_args(profile)]) == 2
    assert "Traceback" in capsys.readouterr().err
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf", "soon"])
def test_deadline_must_be_a_positive_number(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--offline", f"--deadline={value}"]) == 2
    assert "--deadline: " in capsys.readouterr().err


def test_cli_defaults_are_the_pipelines() -> None:
    assert Paths() == Paths(cli.DATA, cli.STATS, cli.TEMPLATES, cli.ROOT)


def test_help_does_not_import_the_pipeline() -> None:
    code = (
        "import sys\nfrom updater.cli import main\nmain(['--help'])\n"
        "heavy = {'jinja2', 'pydantic', 'yaml', 'github', 'requests', 'cmarkgfm'}\n"
        "sys.stderr.write(' '.join(sorted(heavy & set(sys.modules))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stderr == ""


def test_a_missing_library_is_named_with_the_fix(caplog: pytest.LogCaptureFixture) -> None:
    def command() -> int:
        raise ModuleNotFoundError("No module named 'pyromark'", name="pyromark")

    assert _run(command, verbose=False) == 70
    err = caplog.text
    assert "the library 'pyromark' that updater needs is not installed" in err
    assert "pip install ." in err and "Traceback" not in err
