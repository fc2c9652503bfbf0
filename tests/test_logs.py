"""Redaction and workflow-command defusing on stderr, the channel logging writes to."""

from __future__ import annotations

import logging

import pytest

from updater import logs
from updater.logs import RedactingFilter, Scrubber, neutralize, redact

SECRET = "ghs_SECRET123"


def test_redact_replaces_every_secret_and_ignores_empty_ones() -> None:
    assert redact(f"a {SECRET} b {SECRET}", ["", SECRET]) == "a *** b ***"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fine\n::error::x", "fine\n> ::error::x"),
        ("  ::warning::x", "  > ::warning::x"),
        ("a\r::set-output name=a::b", "a\n> ::set-output name=a::b"),
        ("a\r\n::add-mask::b", "a\n> ::add-mask::b"),
        ("old ##[error]x", "old ## [error]x"),
        ("a :: in the middle", "a :: in the middle"),
    ],
)
def test_neutralize_leaves_no_line_a_workflow_command(text: str, expected: str) -> None:
    assert neutralize(text) == expected


def test_scrubber_line_keeps_one_line() -> None:
    scrub = Scrubber.of([SECRET, ""])
    assert scrub.line(f"x {SECRET}\n::error::y") == "x *** > ::error::y"


def test_stderr_records_and_tracebacks_are_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure(verbose=True, secrets=[SECRET])
    log = logging.getLogger("updater")
    log.warning("server said %s\n::error::injected", SECRET)
    try:
        raise ValueError(f"echo {SECRET}\n::error::from a traceback")
    except ValueError:
        log.exception("failed")
    err = capsys.readouterr().err
    assert SECRET not in err
    assert "warning: server said ***\n> ::error::injected" in err
    assert "> ::error::from a traceback" in err
    assert all(not line.lstrip().startswith("::") for line in err.splitlines())


def test_filter_formats_arguments_once() -> None:
    record = logging.LogRecord("updater", logging.INFO, __file__, 1, "%s and %d", (SECRET, 3), None)
    assert RedactingFilter([SECRET]).filter(record)
    assert record.getMessage() == "*** and 3"


@pytest.mark.parametrize("verbose", [False, True])
def test_library_loggers_go_through_our_handler_only(verbose: bool) -> None:
    github = logging.getLogger("github")
    github.addHandler(logging.StreamHandler())  # what PyGithub's import does
    github.setLevel(logging.INFO)
    logs.configure(verbose, ["s3cret"])
    assert github.handlers == [] and github.propagate
    assert github.getEffectiveLevel() == (logging.DEBUG if verbose else logging.ERROR)
    assert logging.getLogger("urllib3").getEffectiveLevel() == github.getEffectiveLevel()
