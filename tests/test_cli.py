"""The `updater` entry point through main(argv): exit codes, output, and nothing written on error."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, paths_args
from updater.build import Paths
from updater.cli import main

SENTINEL = "hand-written README\n"


def test_render_offline_writes_the_readme(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    assert profile.output.read_text(encoding="utf-8").startswith("# Curriculum Vitae\n")
    assert f"wrote {profile.output}" in capsys.readouterr().err


def test_check_passes_when_current_and_fails_with_a_diff(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "--offline", *paths_args(profile)]) == 0
    assert main(["render", "--offline", "--check", *paths_args(profile)]) == 0
    profile.output.write_text(SENTINEL, encoding="utf-8")
    capsys.readouterr()
    assert main(["render", "--offline", "--check", *paths_args(profile)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"--- {profile.output} (on disk)\n+++ {profile.output} (rendered)\n")
    assert "-hand-written README" in out
    assert "is out of date" in err
    assert profile.output.read_text(encoding="utf-8") == SENTINEL


def test_committed_readme_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["render", "--offline", "--check"]) == 0


def test_validate(profile: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *paths_args(profile)]) == 0
    assert "tracking 15 repositories and 5 models" in capsys.readouterr().err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--no-such-option"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_version_and_help_exit_0() -> None:
    assert main(["--version"]) == 0
    assert main(["render", "--help"]) == 0


def test_schema_check(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "--output", str(out), "--check"]) == 1
    assert main(["schema", "--output", str(out)]) == 0
    assert main(["schema", "--output", str(out), "--check"]) == 0


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
    return p.template


def _unreadable(paths: Paths) -> None:
    paths.data.write_bytes(b"\xff\xfe not utf-8")


def _missing(paths: Paths) -> None:
    paths.data.unlink()


def _broken_snapshot(paths: Paths) -> None:
    paths.stats.write_text('{"format": 1,\n  "repositories": [}\n', encoding="utf-8")


BAD_INPUTS: dict[str, tuple[Callable[[Paths], None], str]] = {
    "malformed YAML": (_edit(_data, "title: Curriculum Vitae", "title: [Curriculum"), r"cv\.yaml:\d+:\d+: invalid YAML"),
    "missing key": (_edit(_data, "  job: Software Engineer / AI Researcher\n", ""), r"cv\.yaml:\d+:\d+: about: required key 'job'"),
    "wrong type": (_edit(_data, "    Python: Excellent", "    Python: [1]"), r"cv\.yaml:\d+:\d+: skills\.languages\.Python: Input should be a valid string"),
    "misspelled key": (_edit(_data, "  alias: Kevin Ko", "  alais: Kevin Ko"), r"cv\.yaml:\d+:\d+: about\.alais: unknown key; did you mean 'alias'\?"),
    "duplicated key": (_edit(_data, "  alias: Kevin Ko", "  alias: Kevin Ko\n  alias: KK"), r"cv\.yaml:\d+:\d+: about\.alias: duplicated key"),
    "invalid period": (_edit(_data, 'start: "2023.05"', 'start: "2023-5"'), r"cv\.yaml:\d+:\d+: biography\[5\]\.period\.start: expected YYYY\.MM, got '2023-5'"),
    "template syntax": (_edit(_template, "{% for contact in cv.contacts %}", "{% for contact in %}"), r"README\.md\.j2:\d+: template syntax error"),
    "undefined variable": (_edit(_template, "{{ cv.headings.contacts }}", "{{ cv.headings.contact }}"), r"README\.md\.j2:\d+: undefined variable: .*contact"),
    "unreadable file": (_unreadable, r"cv\.yaml:1:1: cannot read"),
    "missing file": (_missing, r"cv\.yaml:1:1: file not found"),
    "broken snapshot": (_broken_snapshot, r"stats\.json:2:\d+: invalid JSON"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_names_the_place_and_writes_nothing(
    case: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    breaks, message = BAD_INPUTS[case]
    profile.output.write_text(SENTINEL, encoding="utf-8")
    stats_before = profile.stats.read_bytes()
    breaks(profile)
    capsys.readouterr()
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    out, err = capsys.readouterr()
    assert re.search(message, err), err
    assert "Traceback" not in err
    assert out == ""
    assert profile.output.read_text(encoding="utf-8") == SENTINEL
    assert profile.stats.read_bytes() == stats_before or case == "broken snapshot"
    assert main(["validate", *paths_args(profile)]) == 2


def test_unwritable_output_is_an_input_error(
    profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    profile.output.mkdir()
    assert main(["render", "--offline", *paths_args(profile)]) == 2
    assert f"{profile.output}: cannot write: " in capsys.readouterr().err
    assert not [p for p in profile.output.parent.iterdir() if p.name.endswith(".tmp")]


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
