"""The ten cases of issue 18, each replayed from a recorded (or documented) answer through the
production code: what the tool says now, and that it says it at once."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.contract.harness import PRODUCTION, fetch, target
from tests.contract.replay import Replay
from tests.fakes.clock import FakeTime
from updater import logs
from updater.errors import PublishError
from updater.links import Targets, discover
from updater.publish import publish
from updater.snapshot import Snapshot, merge
from updater.stats import Failure, ModelStats, Rename
from updater.summary import summary_lines

PYGITHUB = ("PyGithub/PyGithub",)


def replay(*names: str) -> Iterator[Replay]:
    with Replay(*names) as server:
        yield server
        assert server.unexpected == []


def reset_minute(seconds_from_now: int) -> set[str]:
    """HH:MM a reset that many seconds from now is shown as (either side of a minute turn)."""
    moment = time.time() + seconds_from_now
    return {
        f"{datetime.fromtimestamp(math.ceil(m / 60) * 60, UTC):%H:%M}"
        for m in (moment - 2, moment + 2)
    }


# --- 1: a wait longer than the request budget ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("github-rest-secondary-retry-after", "rate limited by GitHub until 14:03 UTC (secondary limit)"),
        ("github-rest-secondary-no-retry-after", "rate limited by GitHub until 14:03 UTC (secondary limit)"),
        ("github-rest-primary-resets-soon", "primary"),
    ],
    ids=["retry-after-60", "no-retry-after", "primary-in-45s"],
)  # fmt: skip
def test_case_1_a_wait_past_the_request_budget_ends_at_once_with_the_reset_time(
    name: str, reason: str
) -> None:
    clock = FakeTime()
    for server in replay(name):
        started = time.monotonic()
        [failure] = fetch(server, Targets(PYGITHUB), clock, PRODUCTION, token=False)[
            "github"
        ].failures
        assert time.monotonic() - started < 2 and clock.slept == []  # no wait, no retry
        assert server.count() == 1
    if reason == "primary":
        match = re.fullmatch(r"rate limited by GitHub until (\d\d:\d\d) UTC \(primary limit\)",
                             failure.reason)  # fmt: skip
        assert match and match[1] in reset_minute(45), failure.reason
    else:
        assert failure.reason == reason


@pytest.mark.parametrize(
    ("name", "waited"),
    [("github-rest-secondary-retry-after", 60), ("github-rest-secondary-no-retry-after", 60)],
)
def test_case_1_a_wait_that_fits_is_waited_and_the_retry_sent(name: str, waited: float) -> None:
    clock = FakeTime()
    roomy = replace(PRODUCTION, request_budget=90)
    for server in replay(name):
        result = fetch(server, Targets(PYGITHUB), clock, roomy, token=False)["github"]
        assert server.count() == 2 and server.left() == 0
    assert clock.slept == [waited]
    assert [r.stars for r in result.repositories] == [2256] and result.failures == ()


# --- 2: GraphQL's RATE_LIMIT ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["github-graphql-rate-limit", "github-graphql-rate-limited"])
def test_case_2_graphql_rate_limit_types_are_rate_limits_with_their_reset(name: str) -> None:
    for server in replay(name):
        result = fetch(server, Targets(PYGITHUB, (), "jacquev6"))["github"]
    reasons = {f.reason for f in result.failures}
    [reason] = reasons
    match = re.fullmatch(r"rate limited by GitHub until (\d\d:\d\d) UTC \(GraphQL points\)", reason)
    assert match and match[1] in reset_minute(1500), reason
    assert {f.item for f in result.failures} == {"PyGithub/PyGithub", "totals of jacquev6"}


# --- 3: a validation error ------------------------------------------------------------------


def test_case_3_a_validation_error_keeps_githubs_message() -> None:
    for server in replay("github-graphql-validation"):
        [failure] = fetch(server, Targets(PYGITHUB))["github"].failures
    assert failure.reason == (
        "GitHub refused the query (undefinedField: Field 'dependencyGraphManifests' doesn't "
        "exist on type 'Repository'); updater needs a fix"
    )


# --- 4: a GraphQL error body inside a 502 ----------------------------------------------------


def test_case_4_a_graphql_error_body_inside_a_502_is_read() -> None:
    for server in replay("github-graphql-502"):
        [failure] = fetch(server, Targets(PYGITHUB))["github"].failures
        assert server.count() == 3  # FAST: the first try and two retries
    assert failure.reason.startswith(
        "HTTP 502: Something went wrong while executing your query. This may be the result of "
        "a timeout, or it could be a GitHub bug."
    ), failure.reason


# --- 5: a 403 retried until the retries are spent ----------------------------------------------


def test_case_5_a_403_retried_until_exhausted_keeps_its_body() -> None:
    for server in replay("github-rest-rate-limited"):
        [failure] = fetch(server, Targets(("jacquev6/PyGithub",)), token=False)["github"].failures
        assert server.count() == 3
    assert failure.reason == (
        "rate limited by GitHub (primary limit), still after retries: API Rate Limit Exceeded "
        "for 92.104.200.119"
    )


# --- 6: a rejected HF_TOKEN ---------------------------------------------------------------------


def test_case_6_a_rejected_hf_token_is_one_reason_with_the_fix_and_keeps_the_numbers() -> None:
    models = ("deepset/roberta-base-squad2", "google-bert/bert-base-uncased")
    kept = ModelStats("deepset/roberta-base-squad2", "2026-11-20T03:17:00Z", 1801802, None, 842)
    old = Snapshot(models={"deepset/roberta-base-squad2": kept})
    for server in replay("hub-invalid-token"):
        hub = fetch(server, Targets((), models, datasets=("rajpurkar/squad",)), old=old)
    result = hub["huggingface"]
    reason = (
        "the Hub rejected HF_TOKEN (HTTP 401: Invalid credentials in Authorization header): set "
        "a valid token, or unset HF_TOKEN to read public repositories without one"
    )
    assert result.failures == (
        Failure(models[0], reason), Failure(models[1], reason),
        Failure("datasets/rajpurkar/squad", reason),
    )  # fmt: skip
    lines = list(summary_lines([result], old))
    assert lines == [
        "huggingface: fetched 0 of 3, 1 kept from the snapshot (oldest from 2026-11-20T03:17:00Z), "
        "2 without numbers",
        f"  {models[0]}, {models[1]}, datasets/rajpurkar/squad: {reason}",
    ]
    assert merge(old, [result]).model(models[0]) == kept


# --- 7: a legacy one-segment Hub link ---------------------------------------------------------


def test_case_7_a_legacy_hub_id_is_tracked_followed_and_the_rename_recorded() -> None:
    urls = ["https://huggingface.co/bert-base-uncased", "https://huggingface.co/acme-lab"]
    targets = discover(urls, None)
    assert targets.models == ("bert-base-uncased",) and targets.untracked == ("acme-lab",)
    for server in replay("hub-legacy-redirect"):
        result = fetch(server, targets)["huggingface"]
    [model] = result.models
    assert (model.model_id, model.downloads, model.likes) == ("bert-base-uncased", 72376843, 2065)
    rename = Rename(
        "huggingface.co/bert-base-uncased", "huggingface.co/google-bert/bert-base-uncased"
    )
    assert result.renames == (rename,)
    merged = merge(Snapshot(), [result])
    assert merged.renamed == {rename.old: rename.new}
    assert merged.model("bert-base-uncased") == model
    assert list(summary_lines([result], Snapshot())) == [
        "huggingface: fetched 1 of 1",
        f"  {rename.old} was renamed to {rename.new}: update data/cv.yaml",
        "  note: huggingface.co/acme-lab is not tracked: taken for a user or organization page "
        "(it is not a legacy model id); a model is linked as huggingface.co/OWNER/NAME",
    ]


# --- 8: PyGithub's own log lines --------------------------------------------------------------


def test_case_8_pygithub_imported_after_the_logging_set_up_prints_nothing() -> None:
    script = (
        "import logging, sys\n"
        "from updater import logs\n"
        "logs.configure(False, [])\n"
        "import updater.sources.http\n"  # imports PyGithub: its import-time handler is undone
        "logging.getLogger('github.Requester').info('Following Github server redirection')\n"
        "logging.getLogger('github.GithubRetry').info('Retrying after 60 seconds')\n"
        "print(len(logging.getLogger('github').handlers), file=sys.stdout)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    assert done.stderr == "" and done.stdout == "0\n"


def test_case_8_library_lines_only_with_verbose(capfd: pytest.CaptureFixture[str]) -> None:
    for verbose in (False, True):
        logs.configure(verbose, [])
        clock = FakeTime()
        roomy = replace(PRODUCTION, request_budget=90)
        for server in replay("github-rest-redirect-logged", "github-rest-secondary-retry-after"):
            result = fetch(server, Targets(("EnricoMi/test", "PyGithub/PyGithub")), clock, roomy,
                           token=False)["github"]  # fmt: skip
        assert len(result.repositories) == 2
        err = capfd.readouterr().err
        said = err.count("Following Github server redirection"), err.count("Retrying after 60")
        assert said == ((1, 1) if verbose else (0, 0)), err


# --- 9: each protection named ---------------------------------------------------------------


def test_case_9_a_secret_found_in_the_files_is_removed_not_bypassed() -> None:
    for server in replay("github-refusal-secret", "github-git-publish"):
        with pytest.raises(PublishError) as info:
            publish(
                target(server, "jacquev6/PyGithub"), {"ReadMe.md": "x"}, "Update", ("ReadMe.md",)
            )
    message = str(info.value)
    assert (
        "In the way: push protection (secret scanning) (GitHub found what looks like a " in message
    )
    assert message.endswith(
        "remove it from data/cv.yaml; letting the bot through would publish it)."
    )


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("github-refusal-status-check", ["required status checks"]),
        ("github-refusal-signatures", ["required signatures"]),
        ("github-refusal-pull-request", ["required pull request and reviews"]),
        ("github-refusal-classic", ["required status checks", "required pull request and reviews"]),
        ("github-refusal-linear-history", ["required linear history"]),
        ("github-refusal-code-owners", ["code owner review"]),
        ("github-refusal-merge-queue", ["merge queue"]),
        ("github-refusal-locked", ["locked branch or restricted updates"]),
        ("github-refusal-push-rule", ["push rules"]),
        ("github-refusal-deployments", ["required deployments"]),
    ],
)
def test_case_9_each_protection_github_names_gets_its_own_line_and_fix(
    name: str, named: list[str]
) -> None:
    for server in replay(name, "github-git-publish"):
        branch = target(server, "jacquev6/PyGithub")
        with pytest.raises(PublishError) as info:
            publish(branch, {"ReadMe.md": "# new\n"}, "Update", ("ReadMe.md",))
    message = str(info.value)
    ruleset = "Repository rule violations" in message
    guard = "guarded by a ruleset" if ruleset else "protected"
    assert message.startswith(f"jacquev6/PyGithub: branch BranchCreatedByPyGithub is {guard}:")
    assert "\n" not in message and '"); nothing was changed. In the way: ' in message
    shown = re.findall(
        r"(?:In the way: |; )([a-z ()]+?) \(", message.split("nothing was changed.")[1]
    )
    assert shown == named
    where = "Settings > Rules > Rulesets" if ruleset else "Settings > Branches"
    assert "). To publish, let the identity that commits through (" + where in message


# --- 10: the Hub's RateLimit header ------------------------------------------------------------


def test_case_10_the_hubs_ratelimit_header_is_the_wait() -> None:
    clock = FakeTime()
    for server in replay("hub-rate-limited"):
        started = time.monotonic()
        [failure] = fetch(server, Targets((), ("deepset/roberta-base-squad2",)), clock,
                          PRODUCTION)["huggingface"].failures  # fmt: skip
        assert server.count() == 1 and clock.slept == []
    assert time.monotonic() - started < 2
    assert failure.reason == (
        'rate limited by the Hugging Face Hub until 14:03 UTC (the "api" limit of 500 requests '
        "per 300s)"
    )


def test_case_10_a_ratelimit_wait_that_fits_is_waited() -> None:
    clock = FakeTime()
    roomy = replace(PRODUCTION, request_budget=200, retries=2)
    for server in replay("hub-rate-limited"):
        [failure] = fetch(server, Targets((), ("deepset/roberta-base-squad2",)), clock,
                          roomy)["huggingface"].failures  # fmt: skip
        assert server.count() == 3
    assert clock.slept == [55, 55]  # the header's reset, not a second of backoff
    assert failure.reason == "rate limited by the Hugging Face Hub (HTTP 429), still after retries"
