"""`updater update` against a fake GitHub: one commit, no noise, no lost work, clear errors."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.conftest import GITHUB_TOKEN, HF_TOKEN, manual
from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from tests.fakes.profile import populate
from tests.fakes.server import Reply, json_reply
from updater.build import Paths
from updater.cli import main

REPO = "hyunwoongko/hyunwoongko"
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def site(
    profile: Paths, live_env: dict[str, str], fake_github: FakeGitHub, fake_hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
) -> FakeGitHub:  # fmt: skip
    """The profile repository on the fake GitHub, with a hand-written README and other files."""
    populate(fake_github, fake_hub)
    fake_github.add(REPO)
    fake_github.init_branch(
        REPO, {"README.md": "hand-written\n", "data/stats.json": "{}\n", "notes.txt": "mine\n"}
    )
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.chdir(profile.data.parent.parent)
    manual(profile)
    return fake_github


def writes(fake: FakeGitHub) -> list[str]:
    return [
        f"{r.method} {r.path}" for r in fake.requests if r.method in WRITES and r.path != "/graphql"
    ]


def test_first_run_makes_one_commit_with_both_files(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    before = site.head(REPO)
    assert main(["update"]) == 0
    head = site.head(REPO)
    assert head.parents == [before.sha]
    assert head.text("README.md").startswith("# Curriculum Vitae\n")
    assert '"hyunwoongko/kss"' in head.text("data/stats.json")
    assert head.text("notes.txt") == "mine\n"  # other files untouched
    assert head.message.startswith(
        "Update README.md: total ★ new → 4.9k, transformer ★ new → 1.5k,"
    )
    assert "- kanana-nano-2.1b-instruct ⬇ new → 12.1k" in head.message
    assert writes(site) == [
        f"POST /repos/{REPO}/git/trees",
        f"POST /repos/{REPO}/git/commits",
        f"PATCH /repos/{REPO}/git/refs/heads/main",
    ]
    assert f"committed {head.sha[:7]} to {REPO}@main" in capsys.readouterr().err


def test_same_numbers_again_no_commit(site: FakeGitHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["update"]) == 0
    first = site.head(REPO).sha
    site.requests.clear()
    assert main(["update"]) == 0
    assert site.head(REPO).sha == first
    assert writes(site) == []
    assert "no commit: every page on main already shows this text" in capsys.readouterr().err


def test_only_stats_json_would_change_no_commit(site: FakeGitHub) -> None:
    assert main(["update"]) == 0
    first = site.head(REPO).sha
    site.repos["hyunwoongko/kss"].stars = 1301  # shown as "1.3k" before and after
    site.repos["hyunwoongko/kss"].forks += 7  # forks are kept in stats.json, not shown
    assert main(["update"]) == 0
    assert site.head(REPO).sha == first


def test_branch_moved_during_the_run_keeps_the_other_commit(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs: list[str] = []
    site.before_ref_update = lambda: theirs.append(
        site.push(REPO, {"notes.txt": "pushed meanwhile\n"}, "Their commit")
    )
    assert main(["update"]) == 0
    head = site.head(REPO)
    assert head.parents == theirs  # ours landed on top of theirs
    assert head.text("notes.txt") == "pushed meanwhile\n"
    assert head.text("README.md").startswith("# Curriculum Vitae")
    assert "moved during the run (attempt 1 of 3)" in capsys.readouterr().err


def test_branch_that_keeps_moving_gives_up_without_forcing(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    count = iter(range(10))

    def push() -> None:
        site.push(REPO, {"notes.txt": f"push {next(count)}\n"}, "Busy")
        site.before_ref_update = push

    site.before_ref_update = push
    assert main(["update"]) == 3
    assert site.head(REPO).message == "Busy"
    assert "kept moving; gave up after 3 attempts without forcing" in capsys.readouterr().err
    assert all('"force": true' not in r.body.decode() for r in site.requests if r.method == "PATCH")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("bad token", "GitHub rejected the token (401 Bad credentials): GITHUB_TOKEN is wrong"),
        ("read-only token", "give the job `permissions: contents: write`"),
        (
            "missing repository",
            "repository not found, or the token cannot see it: check --repo / GITHUB_REPOSITORY",
        ),
        ("missing branch", "branch gh-pages not found: check --branch"),
    ],
)
def test_errors_exit_3_commit_nothing_and_name_the_fix(
    site: FakeGitHub, setup: str, message: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    before = site.head(REPO).sha
    args = ["update"]
    if setup == "bad token":
        site.token = "ghs_someone_else"
    elif setup == "read-only token":
        site.can_write = False
    elif setup == "missing repository":
        args += ["--repo", "hyunwoongko/nope"]
    else:
        args += ["--branch", "gh-pages"]
    assert main(args) == 3
    assert site.head(REPO).sha == before
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    if setup != "read-only token":  # known only when writing
        assert site.queries == []  # the target is checked before anything is fetched


def test_no_token_refuses_before_any_work(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main(["update"]) == 3
    assert site.count() == 0
    assert "GITHUB_TOKEN is not set" in capsys.readouterr().err


def test_without_repo_it_commits_to_the_profile_repository(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY")
    before = site.head(REPO).sha
    assert main(["update"]) == 0  # tracking.github_user: hyunwoongko -> hyunwoongko/hyunwoongko
    assert site.head(REPO).parents == [before]


def test_no_target_repository_is_a_usage_error(
    site: FakeGitHub, profile: Paths, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.delenv("GITHUB_REPOSITORY")
    text = profile.data.read_text(encoding="utf-8")
    profile.data.write_text(
        text.replace("github_user: hyunwoongko", "github_user: null"), encoding="utf-8"
    )
    assert main(["update"]) == 2
    assert "no target repository: pass --repo OWNER/NAME, set GITHUB_REPOSITORY" in (
        capsys.readouterr().err
    )
    assert main(["update", "--repo", "not a repo"]) == 2
    assert site.count() == 0


@pytest.mark.parametrize("value", ["0", "-5", "abc", "nan", "inf"])
def test_deadline_must_be_a_positive_number(
    site: FakeGitHub, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["update", "--deadline", value]) == 2
    assert "--deadline" in capsys.readouterr().err
    assert site.count() == 0


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["update", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--repo", "--branch", "--dry-run", "--offline", "--strict", "--deadline",
                   "--keepalive-days", "--data", "--stats", "--templates", "--root"):  # fmt: skip
        assert option in out
    assert "profile repository" in out and "exit codes" in out


def test_dry_run_writes_nothing_anywhere(
    site: FakeGitHub, profile: Paths, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    before = site.head(REPO).sha
    stats_before = profile.stats.read_bytes()
    assert main(["update", "--dry-run"]) == 0
    assert writes(site) == []
    assert site.head(REPO).sha == before
    assert not profile.page("README.md").exists() and profile.stats.read_bytes() == stats_before
    assert not summary.exists()
    out = capsys.readouterr().out
    assert out.startswith("--- README.md (on GitHub)\n+++ README.md (rendered)\n")
    assert "-hand-written" in out
    assert "--- commit message (dry run: nothing was written) ---\nUpdate README.md: " in out


def test_job_summary_and_outputs_under_actions(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("gh")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(folder / "summary.md"))
    monkeypatch.setenv("GITHUB_OUTPUT", str(folder / "output"))
    site.repos.pop("hyunwoongko/pecab")  # one failure to annotate
    assert main(["update"]) == 0
    sha = site.head(REPO).sha
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert "| github | 14 of 15 | 0 | 1 |" in summary
    assert "| huggingface | 5 of 5 | 0 | 0 |" in summary
    assert "- `github` hyunwoongko/pecab: not found or private" in summary
    assert "- kss ★ new → 1.3k" in summary
    assert f"**Commit:** [{sha[:7]}](https://github.com/{REPO}/commit/{sha})" in summary
    assert (folder / "output").read_text(encoding="utf-8") == (
        f"changed=true\ncommit={sha}\npages=README.md\n"
    )
    out = capsys.readouterr().out
    assert "::warning title=github%3A hyunwoongko/pecab::not found or private" in out
    # A second run: no commit, and the summary says why.
    assert main(["update"]) == 0
    assert "**No commit:** every page on main already shows this text" in (
        folder / "summary.md"
    ).read_text(encoding="utf-8")
    assert (
        (folder / "output").read_text(encoding="utf-8").endswith("changed=false\ncommit=\npages=\n")
    )


def test_nothing_written_for_actions_outside_actions(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["update"]) == 0
    assert "::warning" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("protection", "said", "kind"),
    [
        ("branch", "Protected branch update failed for refs/heads/main.", "is protected"),
        ("ruleset", "Repository rule violations found Changes must be made through a pull request.",
         "is guarded by a ruleset"),
    ],
)  # fmt: skip
def test_protected_branch_or_ruleset_is_one_attempt_and_one_clear_message(
    site: FakeGitHub, protection: str, said: str, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    site.protection = protection
    before = site.head(REPO).sha
    assert main(["update"]) == 3
    assert site.head(REPO).sha == before
    assert writes(site) == [
        f"POST /repos/{REPO}/git/trees",
        f"POST /repos/{REPO}/git/commits",
        f"PATCH /repos/{REPO}/git/refs/heads/main",
    ]  # one attempt: no orphaned retries
    err = capsys.readouterr().err
    assert f'error: {REPO}: branch main {kind}: GitHub refused the commit (422 "{said}")' in err
    assert "To publish, let the identity that commits through (Settings > " in err
    assert "publish to another branch with --branch NAME" in err
    assert "moved" not in err and "Traceback" not in err


def test_remote_readme_of_2_mb_is_compared_and_replaced(site: FakeGitHub) -> None:
    big = "# big\n" + "x" * 80 + "\n"
    site.push(REPO, {"README.md": big * (2 * 1024 * 1024 // len(big))}, "A big README")
    assert main(["update"]) == 0
    assert site.head(REPO).text("README.md").startswith("# Curriculum Vitae\n")
    assert site.count("GET", "/contents/") == 0  # read as blobs: the contents API stops at 1 MB
    site.requests.clear()
    assert main(["update"]) == 0
    assert writes(site) == []


def test_remote_readme_in_latin_1_is_diffed_and_replaced(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    site.push(REPO, {"README.md": "Caf\xe9 cr\xe8me\n".encode("latin-1")}, "Latin-1")
    assert main(["update", "--dry-run"]) == 0
    assert "-Caf\ufffd cr\ufffdme" in capsys.readouterr().out
    assert main(["update"]) == 0
    assert site.head(REPO).text("README.md").startswith("# Curriculum Vitae\n")


@pytest.mark.parametrize(
    ("stats", "warning"),
    [
        ('{"note": "caf\xe9"}\n'.encode("latin-1"), "data/stats.json (on GitHub) is not UTF-8"),
        (b"{not json", "data/stats.json (on GitHub):1:2: invalid JSON"),
    ],
)
def test_unusable_remote_stats_keeps_the_local_snapshot_with_a_warning(
    site: FakeGitHub, stats: bytes, warning: str, capsys: pytest.CaptureFixture[str]
) -> None:
    site.push(REPO, {"data/stats.json": stats}, "Broken stats")
    assert main(["update"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {warning}" in err
    assert "naming the changes against the local snapshot instead" in err
    assert site.head(REPO).text("data/stats.json").startswith("{")


def test_dry_run_checks_the_target_first_and_goes_on_offline(
    site: FakeGitHub, fake_hub: FakeHub, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    profile.page("README.md").write_text("local README\n", encoding="utf-8")
    assert main(["update", "--dry-run", "--repo", "hyunwoongko/nope"]) == 0
    out, err = capsys.readouterr()
    assert "repository not found, or the token cannot see it" in err
    assert (
        "dry run goes on offline: numbers from the snapshot, compared with the files on disk" in err
    )
    assert site.queries == [] and fake_hub.count() == 0  # nothing fetched
    assert out.startswith("--- README.md (on disk)\n+++ README.md (rendered)\n")
    assert "\n-local README\n" in out
    assert writes(site) == []


def test_in_actions_only_the_checked_out_branch_is_published(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_REF", "refs/heads/feature")
    before = site.head(REPO).sha
    assert main(["update"]) == 2
    err = capsys.readouterr().err
    assert "this run checked out refs/heads/feature but would commit to main" in err
    assert "pass --branch feature to publish there, or use --dry-run" in err
    assert site.head(REPO).sha == before and site.queries == []
    assert main(["update", "--dry-run"]) == 0  # renders and reports
    assert writes(site) == []
    monkeypatch.setenv("GITHUB_REF", "refs/heads/main")
    assert main(["update"]) == 0
    assert site.head(REPO).sha != before


def test_publishing_honours_the_deadline(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    # The ref update hangs far past --deadline (and past the 15 s read timeout).
    site.script("PATCH", "/git/refs/", Reply(delay=60))
    started = time.monotonic()
    assert main(["update", "--deadline", "1"]) == 3
    assert time.monotonic() - started < 1 + 5
    assert "cannot move the branch: no answer within the time left for publishing (--deadline)" in (
        capsys.readouterr().err
    )


def no_command_but_ours(name: str, text: str) -> None:
    """No line of text is a workflow command except the ones the tool writes on purpose."""
    commands = [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert all(line.startswith(("::warning title=", "::add-mask::")) for line in commands), (
        name, commands,
    )  # fmt: skip
    assert "##[" not in text, name


def test_secrets_echoed_by_servers_reach_no_output_channel(
    site: FakeGitHub, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("gh")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(folder / "summary.md"))
    monkeypatch.setenv("GITHUB_OUTPUT", str(folder / "output"))
    echo = f"bad token {GITHUB_TOKEN} / {HF_TOKEN}\n::error::injected\n##[error]old"
    site.script("POST", "/graphql", *[json_reply({"message": echo}, 500)] * 100)
    fake_hub.script("GET", "/api/models/", *[json_reply({"error": echo}, 500)] * 30)
    assert main(["update", "--strict", "--retries", "0"]) == 3
    site.script("POST", "/graphql", *[json_reply({"message": echo}, 500)] * 100)
    assert main(["update", "--retries", "0"]) == 0
    out, err = capsys.readouterr()
    channels = {
        "stdout": out, "stderr": err,
        "summary": (folder / "summary.md").read_text(encoding="utf-8"),
        "output": (folder / "output").read_text(encoding="utf-8"),
        "commit": site.head(REPO).message,
    }  # fmt: skip
    assert "bad token *** / ***" in channels["summary"]  # the echo did reach every channel
    masks = [f"::add-mask::{GITHUB_TOKEN}\n", f"::add-mask::{HF_TOKEN}\n"]
    assert out.startswith("".join(masks))  # the runner hides them from the start
    channels["stdout"] = out.replace(masks[0], "").replace(masks[1], "")
    for name, text in channels.items():
        assert GITHUB_TOKEN not in text and HF_TOKEN not in text, name
        no_command_but_ours(name, text)


def test_a_crafted_repository_name_cannot_start_a_workflow_command(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    site.rename("hyunwoongko/kss", "hyunwoongko/kss\n::error::pwned\r::set-output name=x::y")
    assert main(["update"]) == 0
    out, err = capsys.readouterr()
    # The source refuses the name at the edge; the scrubbed channels are the second guard.
    assert "hyunwoongko/kss: invalid response: nameWithOwner: not an OWNER/NAME" in err
    for name, text in {"stdout": out, "stderr": err, "summary": summary.read_text()}.items():
        no_command_but_ours(name, text)


def tree_paths(fake: FakeGitHub) -> list[list[str]]:
    """The paths each tree written held: what each commit changed."""
    return [
        [entry["path"] for entry in r.json()["tree"]]
        for r in fake.requests
        if r.method == "POST" and r.path.endswith("/git/trees")
    ]


def test_every_changed_page_in_one_commit_and_an_unchanged_page_left_out(
    site: FakeGitHub, profile: Paths
) -> None:
    (profile.templates / "RESUME.md.j2").write_text("# Resume\n\nStatic text.\n", encoding="utf-8")
    before = site.head(REPO).sha
    assert main(["update"]) == 0
    head = site.head(REPO)
    assert head.parents == [before]  # one commit for both pages
    assert head.text("RESUME.md") == "# Resume\n\nStatic text.\n"
    assert head.message.startswith("Update README.md, RESUME.md: total ★ new → ")
    assert tree_paths(site) == [["README.md", "RESUME.md", "data/stats.json"]]
    site.requests.clear()
    site.repos["hyunwoongko/kss"].stars = 9_999  # README.md changes, RESUME.md does not
    assert main(["update"]) == 0
    assert tree_paths(site) == [["README.md", "data/stats.json"]]
    assert site.head(REPO).message.startswith("Update README.md: total ★ 4.9k → 13.6k, kss ★ 1.3k")
    site.requests.clear()
    assert main(["update"]) == 0
    assert writes(site) == []  # no page changed: no commit at all


def test_unreachable_github_names_the_fix_and_a_dry_run_goes_on_offline(
    site: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("GITHUB_API_URL", closed)
    assert main(["update", "--retries", "0"]) == 3
    err = capsys.readouterr().err
    assert f"{REPO}: cannot open the repository: connection failed: " in err
    assert "check the network, and GITHUB_API_URL if you set it" in err
    assert main(["update", "--dry-run", "--offline", "--retries", "0"]) == 0
    out, err = capsys.readouterr()
    assert "dry run goes on offline" in err
    assert out.startswith("--- README.md (on disk)\n")


def test_github_failing_says_to_run_again(
    site: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    site.script("POST", "/git/commits", *[json_reply({"message": "Server Error"}, 502)] * 10)
    assert main(["update", "--retries", "0"]) == 3
    assert "cannot write: GitHub failed (HTTP 502: Server Error); run the update again" in (
        capsys.readouterr().err
    )


# --- the page gate: what goes out is never worse than what is up, and holds no secret -------


def edit_cv(profile: Paths, old: str, new: str) -> None:
    text = profile.data.read_text(encoding="utf-8")
    assert old in text
    profile.data.write_text(text.replace(old, new, 1), encoding="utf-8")


JOB = "  - 'Job: Software Engineer / AI Researcher'\n"
# Each way a page gets worse: a broken link, a section whose title is missing, a token.
WORSE = {
    "check error": (JOB, JOB + "  - 'CV: [pdf](cv.pdf)'\n"),
    "missing value": ("  title: Skill Sets\n", ""),
    "secret": (JOB, JOB + f"  - 'Token: {GITHUB_TOKEN}'\n"),
}


@pytest.fixture
def published(site: FakeGitHub) -> str:
    """The profile after one clean update: its page is up, and the run is in Actions."""
    assert main(["update"]) == 0
    site.requests.clear()
    return site.head(REPO).sha


def in_actions(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_REF", "refs/heads/main")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(folder / "summary.md"))
    return folder / "summary.md"


@pytest.mark.parametrize("case", sorted(WORSE))
def test_a_page_that_gets_worse_is_held_back_and_nothing_is_committed(
    site: FakeGitHub, published: str, profile: Paths, case: str, tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    summary = in_actions(monkeypatch, tmp_path_factory.mktemp("gh"))
    edit_cv(profile, *WORSE[case])
    capsys.readouterr()
    code = main(["update"])
    out, err = capsys.readouterr()
    assert site.head(REPO).sha == published and writes(site) == []
    assert not profile.page("README.md").exists()  # nothing written locally either
    if case == "missing value" and code == 2:
        # Once a missing value is an error at render time, the render stops it first.
        assert "templates/README.md.j2:" in err
        return
    assert code == 3
    expected = {
        "check error": "README.md:11:7: error: link to cv.pdf: no such file in the repository "
        "[missing-file]",
        "missing value": "README.md:12:7: error: 'None' in the text: a templated value was "
        "missing [missing-value]",
        "secret": "README.md:11:10: error: holds the value of GITHUB_TOKEN [secret]",
    }[case]
    reason = "held back by the page gate, nothing committed: README.md would "
    assert f"\n{expected}\n" in f"\n{err}"
    assert f"error: {reason}" in err
    text = summary.read_text(encoding="utf-8")
    assert "**Held back by the page gate** (nothing committed):" in text
    assert f"- `{expected}`" in text and f"**No commit:** {reason}" in text
    assert f"::error title=not published%3A README.md::{expected}" in out
    masks = [line for line in out.splitlines() if line.startswith("::add-mask::")]
    for channel in (out.replace("\n".join(masks), ""), err, text):
        assert GITHUB_TOKEN not in channel and "***" not in channel


def test_the_first_lines_of_a_held_run_read_as_the_manual_shows(
    site: FakeGitHub, published: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_cv(profile, *WORSE["check error"])
    capsys.readouterr()
    assert main(["update"]) == 3
    err = capsys.readouterr().err
    assert err.splitlines()[-2:] == [
        "README.md:11:7: error: link to cv.pdf: no such file in the repository [missing-file]",
        "error: held back by the page gate, nothing committed: README.md would gain 1 error of "
        "`updater check` that the page on main does not have. Fix the template or the data; if "
        "the change is deliberate, silence the rule in the template (<!-- "
        "check-disable-next-line RULE -->) or run with --allow-new-errors",
    ]


def test_an_error_already_published_is_not_new_even_on_another_line(
    site: FakeGitHub, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    (profile.root / "docs/README.md").unlink()  # the page links it: a missing-file error
    assert main(["render", "--offline"]) == 0
    page = profile.page("README.md").read_text(encoding="utf-8")
    site.push(REPO, {"README.md": "\n" + page}, "The page, with that error, a line lower")
    before = site.head(REPO).sha
    capsys.readouterr()
    assert main(["update"]) == 0
    assert site.head(REPO).parents == [before]
    err = capsys.readouterr().err
    assert "1 error the published page already has: not new, not held back" in err
    assert "[missing-file]" not in err


def test_a_second_copy_of_a_published_error_is_new(site: FakeGitHub, profile: Paths) -> None:
    (profile.root / "docs/README.md").unlink()
    assert main(["render", "--offline"]) == 0
    site.push(REPO, {"README.md": profile.page("README.md").read_text(encoding="utf-8")}, "Up")
    edit_cv(profile, JOB, JOB + "  - 'Manual: [docs](docs/README.md)'\n")
    before = site.head(REPO).sha
    assert main(["update"]) == 3  # one broken link to docs/README.md was up; two are not
    assert site.head(REPO).sha == before


def test_allow_new_errors_publishes_a_deliberate_change_and_says_so(
    site: FakeGitHub, published: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_cv(profile, *WORSE["check error"])
    capsys.readouterr()
    assert main(["update", "--allow-new-errors"]) == 0
    assert site.head(REPO).parents == [published]
    assert "CV: [pdf](cv.pdf)" in site.head(REPO).text("README.md")
    assert (
        "warning: published on purpose (--allow-new-errors): README.md:11:7: error: link to "
        "cv.pdf: no such file in the repository [missing-file]"
    ) in capsys.readouterr().err


def test_a_silencing_comment_in_the_template_lets_one_rule_through(
    site: FakeGitHub, published: str, profile: Paths
) -> None:
    edit_cv(profile, *WORSE["check error"])
    template = profile.templates / "README.md.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text("<!-- check-disable-file missing-file -->\n" + text, encoding="utf-8")
    assert main(["update"]) == 0
    assert site.head(REPO).parents == [published]


def test_no_option_lets_a_secret_through(
    site: FakeGitHub, published: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_cv(profile, *WORSE["secret"])
    assert main(["update", "--allow-new-errors"]) == 3
    assert site.head(REPO).sha == published and writes(site) == []
    err = capsys.readouterr().err
    assert "README.md would hold the value of GITHUB_TOKEN, which must never be published, " in err
    assert "and no option lets it through" in err


def test_a_dry_run_shows_the_diff_and_says_plainly_it_would_be_held_back(
    site: FakeGitHub, published: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_cv(profile, *WORSE["check error"])
    capsys.readouterr()
    assert main(["update", "--dry-run"]) == 3  # as the real run would exit
    out, err = capsys.readouterr()
    assert writes(site) == [] and site.head(REPO).sha == published
    assert "+- CV: [pdf](cv.pdf)\n" in out  # the diff is there
    assert out.endswith(
        "\n--- held back: `updater update` would commit nothing (exit 3) ---\n"
        "README.md:11:7: error: link to cv.pdf: no such file in the repository [missing-file]\n"
        "README.md would gain 1 error of `updater check` that the page on GitHub does not "
        "have. Fix the template or the data; if the change is deliberate, silence the rule in "
        "the template (<!-- check-disable-next-line RULE -->) or run with --allow-new-errors\n"
    )
    assert "error: dry run: the page gate would hold this commit back: " in err


def test_a_dry_run_names_a_secret_instead_of_masking_it(
    site: FakeGitHub, published: str, profile: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_cv(profile, *WORSE["secret"])
    capsys.readouterr()
    assert main(["update", "--dry-run"]) == 3
    out, _ = capsys.readouterr()
    assert GITHUB_TOKEN not in out and "***" not in out
    assert out.startswith(
        "README.md (rendered): not shown: line 11 holds the value of GITHUB_TOKEN, which must "
        "never be published; `updater update` would refuse to commit it\n"
    )
    assert "README.md:11:10: error: holds the value of GITHUB_TOKEN [secret]\n" in out
