"""The Actions channels: annotations, job summary, step outputs and masks carry nothing unsafe."""

from __future__ import annotations

from pathlib import Path

from updater.actions import (
    Outcome,
    escape_property,
    mask_commands,
    step_outputs,
    summary_markdown,
    warning_command,
    warning_commands,
    write_step_files,
)
from updater.logs import Scrubber
from updater.snapshot import Snapshot
from updater.stats import Failure, Rename, SourceResult

SECRET = "hf_SECRET123"
SCRUB = Scrubber.of([SECRET])


def result(reason: str, item: str = "o/r") -> SourceResult:
    return SourceResult(
        source="github", requested=1, failures=(Failure(item, reason),),
        renames=(Rename("o/old", "o/new\n::error::x"),),
    )  # fmt: skip


def test_warning_commands_are_one_line_scrubbed_and_escaped() -> None:
    lines = list(warning_commands([result(f"50%: {SECRET}\n::error::boom", "o/r,x:y")], SCRUB))
    assert lines == [
        "::warning title=github%3A o/r%2Cx%3Ay::50%25: ***%0A> ::error::boom",
        "::warning title=renamed repository::o/old is now o/new%0A> ::error::x: update data/cv.yaml",
    ]


def test_warning_command_title_cannot_end_the_properties() -> None:
    assert escape_property("a:b,c\nd%") == "a%3Ab%2Cc%0Ad%25"
    assert warning_command("t", "m", SCRUB) == "::warning title=t::m"


def test_summary_scrubs_network_text_and_keeps_each_item_on_one_line() -> None:
    outcome = Outcome(
        (result(f"echo {SECRET}\n## injected heading"),), Snapshot(), ("kss ★ 1.3k → 1.4k",),
        note=f"note {SECRET}", keepalive="not needed",
    )  # fmt: skip
    text = summary_markdown(outcome, SCRUB)
    assert SECRET not in text
    assert "- `github` o/r: echo *** ## injected heading" in text
    assert "\n## injected" not in text
    assert "**Pages changed:** none" in text
    assert "**No commit:** note ***" in text
    assert "**Keepalive:** not needed" in text


def test_step_outputs_take_only_well_formed_values() -> None:
    sha = "a" * 40
    good = Outcome((), Snapshot(), (), pages=("README.md", "RESUME.md"), commit_sha=sha)
    assert step_outputs(good) == f"changed=true\ncommit={sha}\npages=README.md,RESUME.md\n"
    bad = Outcome((), Snapshot(), (), pages=("x\nchanged=true",), commit_sha="zz\nx=1")
    assert step_outputs(bad) == "changed=false\ncommit=\npages=\n"


def test_mask_commands_skip_empty_and_multiline_values() -> None:
    assert list(mask_commands(["a", "", "b\nc"])) == ["::add-mask::a"]


def test_write_step_files_appends(tmp_path: Path) -> None:
    summary, output = tmp_path / "s.md", tmp_path / "o"
    outcome = Outcome((), Snapshot(), (), note="n")
    write_step_files(outcome, summary, output, SCRUB)
    write_step_files(outcome, summary, output, SCRUB)
    assert summary.read_text(encoding="utf-8").count("## Profile README update") == 2
    assert output.read_text(encoding="utf-8").count("changed=false") == 2
