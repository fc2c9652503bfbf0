"""`updater init`: what it writes and prints, what it refuses, and the workflow and action it
pins. The byte-for-byte round trip over real-world READMEs is in tests/test_roundtrip.py."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from updater.adopt import WORKFLOW_FILE, ActionPin, to_template, workflow
from updater.cli import main
from updater.cv import load_cv
from updater.errors import InputError
from updater.gitorigin import Checkout
from updater.origin import find_pin, github_repo, locate, profile_owner
from updater.pages import discover
from updater.snapshot import Snapshot, load_snapshot
from updater.templates import load_templates, render

SHA = "0123456789abcdef0123456789abcdef01234567"
PIN = ["--action-repo", "octo/updater", "--action-ref", SHA]
ACTION = ROOT / "action.yml"


def init(root: Path, *argv: str) -> int:
    return main(["init", "--root", str(root), *PIN, *argv])


def rendered(template_text: str, tmp_path: Path) -> str:
    """What the page renders to, through the production loader and environment."""
    folder = tmp_path / "templates"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "PAGE.md.j2").write_bytes(template_text.encode("utf-8"))
    [template] = load_templates(discover(folder)).values()
    return render(template, {})


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no final newline",
        "{{ name }} {% if x %}{# c #}{% endif %}\n",
        "{{{{ and }}}} and {%- x -%} and {#- y -#} and {%raw%}{%endraw%}\n",
        "{\n{{\n{%\n{#\n",
        "one\r\ntwo\r\nthree\r\n",
        "one\r\ntwo\r\nno final newline",
        "mixed\r\nlf\nlone cr\rend",
        "\r\n\r\n\n\r\r\n",
        "\ufeff# BOM first\n",
        "\ufeff\r\n{{ x }}\r\n",
        "   leading spaces, then a tab\t{%\n",
        "\n\nleading blank lines\n",
        'quotes " and \' and backslash \\ and {{ "\\r" }}\n',
    ],
)
def test_the_template_renders_exactly_the_text(text: str, tmp_path: Path) -> None:
    assert rendered(to_template(text, "PAGE.md"), tmp_path) == text


def test_random_texts_of_tricky_pieces_round_trip(tmp_path: Path) -> None:
    pieces = ["{", "}", "{{", "{%", "{#", "#}", "%}", "-", "+", "\r", "\n", "\r\n", " ", "\t"]
    pieces += ["raw", "endraw", "\ufeff", "a", "é", "字", "\\", '"', "'", "#", "%", "-}}", "{{-"]
    pieces += ["\x0c", "\u2028", "\x00"]
    rng = random.Random(8)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert rendered(to_template(text, "PAGE.md"), tmp_path) == text, repr(text)


def test_check_finds_no_leftover_template_syntax_in_an_adopted_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ROOT / "tests/fixtures/profiles/19-jinja-in-prose.md", tmp_path / "README.md")
    assert init(tmp_path) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "README.md")]) == 0
    out, err = capsys.readouterr()
    assert "[template-syntax]" not in out
    assert "0 errors, 0 warnings" in err
    # The same text in a page whose template does not hold it is still reported.
    (tmp_path / "templates/README.md.j2").write_text("# Hi\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "README.md")]) == 1
    assert "[template-syntax]" in capsys.readouterr().out


def test_the_template_starts_with_a_comment_that_leaves_no_trace(tmp_path: Path) -> None:
    template = to_template("# Hi\n", "README.md")
    assert template.startswith("{# Adopted from README.md by `updater init`")
    assert template.endswith("#}\n# Hi\n")
    crlf = to_template("\ufeff# Hi\r\n", "README.md")
    assert crlf.startswith("\ufeff{#") and crlf.count("\r\n") == crlf.count("\n")


def test_init_writes_the_page_data_snapshot_and_workflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_bytes(b"# Hi {{ there }}\r\n")
    assert init(tmp_path) == 0
    out = capsys.readouterr().out
    created = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert created == [
        ".github/workflows/update-readme.yml",
        "README.md",
        "data/cv.yaml",
        "data/stats.json",
        "templates/README.md.j2",
    ]
    assert load_cv(tmp_path / "data/cv.yaml", tmp_path).sections == ()
    assert load_snapshot(tmp_path / "data/stats.json", tmp_path) == Snapshot()
    for line in (
        "created templates/README.md.j2 (renders to README.md)",
        "created data/cv.yaml",
        "created data/stats.json",
        "created .github/workflows/update-readme.yml (nightly; uses octo/updater@0123456789ab",
    ):
        assert line in out
    # The next steps: check, live numbers, edit or move content, HF_TOKEN, branch, push, fork.
    for step in (
        "updater render --offline",
        "updater render",
        "Change the layout",
        "HF_TOKEN",
        "publishes to the repository's default branch, read when it runs (main or",
        "Run workflow",
        "On a fork",
        "https://github.com/octo/updater/blob/main/docs/README.md#adopt-it-for-your-profile",
    ):
        assert step in out, step


def test_init_adopts_several_files_and_each_renders_back(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Short {% page %}\n", encoding="utf-8")
    (tmp_path / "RESUME.md").write_bytes(b"# Long\r\nno newline")
    assert init(tmp_path, "README.md", "RESUME.md") == 0
    assert main(["render", "--offline", "--root", str(tmp_path), *_paths(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_bytes() == b"# Short {% page %}\n"
    assert (tmp_path / "RESUME.md").read_bytes() == b"# Long\r\nno newline"


def _paths(root: Path) -> list[str]:
    return [
        "--data", str(root / "data/cv.yaml"),
        "--stats", str(root / "data/stats.json"),
        "--templates", str(root / "templates"),
    ]  # fmt: skip


def test_init_defaults_to_readme_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("README.md").write_text("# Hi\n", encoding="utf-8")
    assert main(["init", *PIN]) == 0
    assert Path("templates/README.md.j2").is_file()


def test_init_keeps_an_existing_data_file_and_adopts_around_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data/cv.yaml").write_text("title: mine\n", encoding="utf-8")
    assert init(tmp_path) == 0
    out = capsys.readouterr().out
    assert "kept data/cv.yaml (yours: init never replaces it)" in out
    assert (tmp_path / "data/cv.yaml").read_text(encoding="utf-8") == "title: mine\n"
    assert (tmp_path / "templates/README.md.j2").is_file()


def test_init_refuses_to_replace_a_template_that_differs_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/README.md.j2").write_text("# {{ cv.title }}\n", encoding="utf-8")
    assert init(tmp_path) == 2
    err = capsys.readouterr().err
    assert "templates/README.md.j2: already exists and differs; pass --force to replace it" in err
    assert (tmp_path / "templates/README.md.j2").read_text(encoding="utf-8") == "# {{ cv.title }}\n"
    assert not (tmp_path / "data").exists() and not (tmp_path / ".github").exists()


def test_init_again_changes_nothing_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    assert init(tmp_path) == 0
    capsys.readouterr()
    assert init(tmp_path) == 0  # no --force needed: every file already holds these bytes
    out = capsys.readouterr().out
    for rel in ("templates/README.md.j2", "data/cv.yaml", "data/stats.json", WORKFLOW_FILE):
        assert f"unchanged {rel}" in out
    assert not list(tmp_path.rglob("*.bak"))


def test_init_force_replaces_the_template_and_saves_the_old_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    assert init(tmp_path) == 0
    old = (tmp_path / "templates/README.md.j2").read_bytes()
    (tmp_path / "README.md").write_text("# Changed\n", encoding="utf-8")
    capsys.readouterr()
    assert init(tmp_path, "--force") == 0
    assert (
        "replaced templates/README.md.j2 (renders to README.md; the old one is saved as "
        "templates/README.md.j2.bak)"
    ) in capsys.readouterr().out
    assert (tmp_path / "templates/README.md.j2").read_text(encoding="utf-8").endswith("# Changed\n")
    assert (tmp_path / "templates/README.md.j2.bak").read_bytes() == old
    (tmp_path / "README.md").write_text("# Third\n", encoding="utf-8")
    assert init(tmp_path, "--force") == 0  # a second backup never replaces the first
    assert (tmp_path / "templates/README.md.j2.bak").read_bytes() == old
    assert (tmp_path / "templates/README.md.j2.bak.1").read_text("utf-8").endswith("# Changed\n")
    assert [p.name for p in discover(tmp_path / "templates")] == ["README.md"]  # no page .bak


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_init_force_on_an_adopted_and_edited_repository_loses_no_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: `init --force` (once advised to change the branch) replaced the data
    by the starter, emptied the snapshot and baked the numbers into the template."""
    shutil.copy(ROOT / "tests/fixtures/profiles/19-jinja-in-prose.md", tmp_path / "README.md")
    assert init(tmp_path) == 0
    # The owner's work since: data moved into the CV, numbers fetched, template and workflow
    # edited, and the page rendered with its numbers (as the bot commits it).
    shutil.copy(ROOT / "tests/fixtures/seed/data/cv.yaml", tmp_path / "data/cv.yaml")
    shutil.copy(ROOT / "tests/fixtures/seed/stats.json", tmp_path / "data/stats.json")
    template = tmp_path / "templates/README.md.j2"
    template.write_bytes(template.read_bytes() + b"\n{{ totals.stars }} stars\r\n")
    workflow_path = tmp_path / WORKFLOW_FILE
    workflow_path.write_bytes(workflow_path.read_bytes().replace(b"17 3 * * *", b"41 5 * * *"))
    (tmp_path / "README.md").write_text("# Rendered <sub>\u2605 1.3k</sub>\n", encoding="utf-8")
    before = files_of(tmp_path)
    capsys.readouterr()
    assert init(tmp_path, "--force", "--branch", "master") == 0
    out = capsys.readouterr().out
    after = files_of(tmp_path)
    for rel in ("data/cv.yaml", "data/stats.json", WORKFLOW_FILE, "README.md"):
        assert after[rel] == before[rel], rel  # kept as they were
    assert after["templates/README.md.j2.bak"] == before["templates/README.md.j2"]
    assert set(before) <= set(after)  # nothing removed
    assert "kept data/cv.yaml (yours: init never replaces it)" in out
    assert "kept data/stats.json (yours: init never replaces it)" in out
    assert f"kept {WORKFLOW_FILE} (yours, it differs from what init writes: `updater init " in out
    assert "the old one is saved as templates/README.md.j2.bak" in out
    assert "--force --branch" not in out  # the advice that destroyed work is gone
    assert (
        "\nwarning: README.md already holds 1 number updater wrote (like `<sub>\u2605 1.3k</sub>`): "
        "they are now fixed text in templates/README.md.j2, beside which the live numbers "
        "would be added again. Delete them there, or adopt the page as you wrote it (restore "
        "the saved template if --force replaced it)\n\nNext steps:"
    ) in out


def test_init_workflow_rewrites_only_the_workflow_and_saves_the_old_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    assert init(tmp_path) == 0
    (tmp_path / "data/cv.yaml").write_text("title: edited\n", encoding="utf-8")
    old = (tmp_path / WORKFLOW_FILE).read_bytes()
    before = files_of(tmp_path)
    capsys.readouterr()
    assert init(tmp_path, "--workflow", "--branch", "trunk") == 0
    out = capsys.readouterr().out
    after = files_of(tmp_path)
    assert out == (
        f"replaced {WORKFLOW_FILE} (nightly; uses octo/updater@0123456789ab, publishes to "
        f"trunk; the old one is saved as {WORKFLOW_FILE}.bak)\n"
    )
    assert after[f"{WORKFLOW_FILE}.bak"] == old
    assert {k: v for k, v in after.items() if ".github" not in k} == {
        k: v for k, v in before.items() if ".github" not in k
    }
    assert 'branch: "trunk"' in after[WORKFLOW_FILE].decode()
    assert main(["init", "--root", str(tmp_path), *PIN, "--workflow", "README.md"]) == 2
    assert "--workflow writes only .github/workflows/update-readme.yml: name no files" in (
        capsys.readouterr().err
    )


def test_init_on_a_fresh_repository_with_workflow_creates_just_it(tmp_path: Path) -> None:
    assert init(tmp_path, "--workflow") == 0
    assert list(files_of(tmp_path)) == [WORKFLOW_FILE]


def test_init_says_when_a_page_tracks_nothing_and_promises_no_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A releases-and-blog profile: links, but none updater counts.
    (tmp_path / "README.md").write_text(
        "# Hi, I'm Ada\n\n- [Blog](https://ada.example.org)\n"
        "- [v1.2 release notes](https://github.com/ada/tool/releases/tag/v1.2)\n",
        encoding="utf-8",
    )
    assert init(tmp_path) == 0
    out = capsys.readouterr().out
    assert (
        "README.md links nothing updater tracks (no GitHub repository, Hugging Face model, "
        "dataset or Space, or paper): the page keeps its text until you add such a link or "
        "lay content out from data/cv.yaml"
    ) in out
    assert "See the numbers" not in out and "2. No numbers yet: nothing on README.md links" in out


def test_init_counts_what_each_page_tracks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text(
        "[a](https://github.com/o/a) [b](https://github.com/o/b) "
        "[m](https://huggingface.co/o/m) [p](https://arxiv.org/abs/2306.02254)\n",
        encoding="utf-8",
    )
    assert init(tmp_path) == 0
    out = capsys.readouterr().out
    assert (
        "README.md tracks 2 GitHub repositories, 1 Hugging Face model, 1 paper: the live "
        "numbers go right after each link"
    ) in out
    assert "2. See the numbers" in out


OTHER = ROOT / "tests/fixtures/other-workflows"


@pytest.mark.parametrize("path", sorted(OTHER.glob("*.yml")), ids=lambda p: p.name)
def test_init_warns_of_another_workflow_that_writes_the_page(
    tmp_path: Path, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    (tmp_path / ".github/workflows").mkdir(parents=True)
    shutil.copy(path, tmp_path / ".github/workflows" / path.name)
    assert init(tmp_path) == 0
    out = capsys.readouterr().out
    first = path.read_text(encoding="utf-8").splitlines()[0]
    warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
    if first == "# writes nothing":
        assert warnings == []
        return
    evidence = first.removeprefix("# writes README.md: ")
    assert warnings == [
        f"warning: .github/workflows/{path.name} already writes README.md ({evidence}): two "
        "bots would commit the same page, and each update replaces README.md with what "
        "templates/README.md.j2 renders, undoing the other's changes. Move what it adds into "
        "the template and disable that workflow, or do not adopt the page"
    ]


@pytest.mark.parametrize(
    ("setup", "file", "message"),
    [
        (None, "README.md", "README.md: no such file"),
        ("folder", "README.md", "README.md: is a folder"),
        (
            "latin1",
            "README.md",
            "README.md:1:4: not UTF-8 text (byte 0xf6); save the file as UTF-8",
        ),
        (None, "profile/README.md", "profile/README.md: no such file; GitHub shows an "),
        (None, "../README.md", "../README.md: `..` leads out of the repository"),
        (None, "docs/../../x.md", "docs/../../x.md: `..` leads out of the repository"),
        (None, "/etc/passwd", "/etc/passwd: an absolute path: name the page by its path"),
        (None, "docs\\ABOUT.md", "docs\\ABOUT.md: write folders with / (profile/README.md)"),
        (None, ".github/README.md", ".github/README.md: in the folder .github: pages are never"),
        (None, "docs/_part.md", "docs/_part.md: a template named _NAME.j2 is a partial"),
        (None, "Page?.md", "Page?.md: each name on a page's path holds letters, digits, spaces"),
        (None, "docs//x.md", "docs//x.md: each name on a page's path holds letters"),
    ],
)
def test_init_exits_2_on_unreadable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str | None, file: str, message: str
) -> None:
    if setup == "folder":
        (tmp_path / file).mkdir()
    elif setup == "latin1":
        (tmp_path / file).write_bytes(b"# J\xf6rg\n")
    assert init(tmp_path, file) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "templates").exists()


# --- where the tool comes from: the action the workflow pins -------------------------------


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git checkout of the tool with a GitHub remote and one commit, fetched from it."""
    repo = tmp_path / "tool"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "commit", "-q", "--allow-empty", "-m", "first")
    git(repo, "remote", "add", "origin", "git@github.com:octo/updater.git")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # as a push or fetch leaves it
    return repo


def test_pin_from_a_git_install_record(tmp_path: Path) -> None:
    record: dict[str, object] = {
        "url": "https://github.com/octo/updater.git",
        "vcs_info": {"vcs": "git", "commit_id": SHA, "requested_revision": "main"},
    }
    origin = locate(record, None, source=tmp_path)
    pin = find_pin(None, None, origin)
    assert (pin.repo, pin.sha) == ("octo/updater", SHA)
    assert pin.uses == f"octo/updater@{SHA} # profile-readme-updater 0.1.0"
    assert find_pin("fork/updater", None, origin).repo == "fork/updater"


def test_pin_from_a_source_checkout(checkout: Path) -> None:
    editable: dict[str, object] = {"url": "file:///x", "dir_info": {"editable": True}}
    pin = find_pin(None, None, locate(editable, None, source=checkout))
    assert pin.sha == git(checkout, "rev-parse", "HEAD") and pin.repo == "octo/updater"


def test_pin_from_the_record_of_the_checkout_a_wheel_was_built_from(tmp_path: Path) -> None:
    built = Checkout(SHA, "octo/updater", "origin", SHA)
    origin = locate(None, built, source=tmp_path)
    assert (origin.repo, origin.sha, origin.note) == ("octo/updater", SHA, None)
    # pip's record of a git install is more precise than a build's: it wins.
    record: dict[str, object] = {
        "url": "https://github.com/fork/updater",
        "vcs_info": {"vcs": "git", "commit_id": "f" * 40},
    }
    assert locate(record, built, source=tmp_path).repo == "fork/updater"


def test_a_copy_ahead_of_github_pins_the_newest_pushed_commit_and_says_so(
    tmp_path: Path,
) -> None:
    head = "f" * 40
    origin = locate(None, Checkout(head, "octo/updater", "origin", SHA, 2), source=tmp_path)
    assert origin.sha == SHA
    assert origin.note is not None
    assert "2 commits ahead of octo/updater on GitHub (it is at ffffffffffff)" in origin.note
    assert "the workflow pins 0123456789ab" in origin.note


@pytest.mark.parametrize(
    ("repo", "ref", "message"),
    [
        ("octo/updater", None, "which commit of updater .* Pass --action-ref SHA \\(the full"),
        (None, SHA, "which repository of updater .* Pass --action-repo OWNER/NAME \\(the"),
        (None, None, "which repository and commit .* --action-repo OWNER/NAME .* and --action-ref"),
        ("octo/updater", "main", "expected a full 40-character commit SHA"),
        ("not a repo", SHA, "expected OWNER/NAME"),
    ],
)
def test_pin_needs_a_repository_and_a_full_sha(
    tmp_path: Path, repo: str | None, ref: str | None, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        find_pin(repo, ref, locate(None, None, source=tmp_path))


@pytest.mark.parametrize(
    ("built", "why"),
    [
        (None, "it was not installed from GitHub, nor built from a git checkout"),
        (Checkout(SHA), "the git checkout it was built from (at 0123456789ab) has no remote on GitHub"),
        (
            Checkout(SHA, "octo/updater", "origin", None, 3),
            "no commit of the git checkout it was built from (at 0123456789ab) is on a branch of "
            "its remote origin (octo/updater) that git knows of: push it, or `git fetch origin`",
        ),
    ],
)  # fmt: skip
def test_what_is_missing_is_asked_for_at_once_saying_why(
    tmp_path: Path, built: Checkout | None, why: str
) -> None:
    with pytest.raises(InputError) as info:
        find_pin(None, None, locate(None, built, source=tmp_path))
    assert why in str(info.value)
    assert str(info.value).count("cannot tell") == 1


def test_init_without_a_known_origin_says_what_to_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("updater.origin.SOURCE", tmp_path)  # not a checkout
    monkeypatch.setattr("updater.commands.init.direct_url", lambda: None)  # not a git install
    monkeypatch.setattr("updater.commands.init.build_record", lambda: None)  # nor built from one
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    assert main(["init", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot tell which repository and commit of updater")
    assert "Pass --action-repo OWNER/NAME" in err and "and --action-ref SHA" in err
    assert not (tmp_path / "templates").exists()


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/octo/updater.git", "octo/updater"),
        ("git+https://github.com/octo/updater", "octo/updater"),
        ("git@github.com:octo/up.dater.git", "octo/up.dater"),
        ("ssh://git@github.com/octo/updater.git", "octo/updater"),
        ("https://gitlab.com/octo/updater.git", None),
        ("file:///work/updater", None),
    ],
)
def test_github_repo_of_a_remote(url: str, repo: str | None) -> None:
    assert github_repo(url) == repo


def test_owner_of_the_profile_repository(checkout: Path, tmp_path: Path) -> None:
    assert profile_owner(checkout) == "octo"
    bare = tmp_path / "bare"
    bare.mkdir()
    assert profile_owner(bare) is None


# --- the workflow init writes, and the action it runs ---------------------------------------


def written_workflow(tmp_path: Path, branch: str = "main") -> Path:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    assert init(tmp_path, "--branch", branch) == 0
    return tmp_path / ".github/workflows/update-readme.yml"


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_workflow_runs_the_pinned_action_nightly_with_the_permissions_it_needs(
    tmp_path: Path,
) -> None:
    flow = load(written_workflow(tmp_path, branch="trunk"))
    on = flow[True]  # YAML 1.1 reads the key `on` as a boolean
    [schedule] = on["schedule"]
    minute = int(schedule["cron"].split()[0])
    assert minute % 2 == 1 and schedule["cron"].split()[1:] == ["3", "*", "*", "*"]
    assert set(on["workflow_dispatch"]["inputs"]) == {"dry_run", "allow_new_errors"}
    assert on["push"]["branches"] == ["**"]  # every branch (no tags): the jobs decide
    assert flow["permissions"] == {}
    jobs = flow["jobs"]
    assert set(jobs) == {"publish", "dry-run"}
    # Only the publishing job can write; nothing anywhere may re-enable workflows.
    assert jobs["publish"]["permissions"] == {"contents": "write"}
    assert jobs["dry-run"]["permissions"] == {"contents": "read"}
    inputs = load(ACTION)["inputs"]
    for name, job in jobs.items():
        step = job["steps"][-1]
        assert step["uses"] == f"octo/updater@{SHA}"
        assert step["with"]["branch"] == "trunk"
        assert set(step["with"]) <= set(inputs)
        assert ("dry-run" in step["with"]) == (name == "dry-run")
        assert "keepalive-days" not in step["with"]


def test_every_written_action_reference_is_a_full_sha(tmp_path: Path) -> None:
    text = written_workflow(tmp_path).read_text(encoding="utf-8")
    uses = [line.split("uses: ", 1)[1] for line in text.splitlines() if "uses: " in line]
    assert len(uses) == 4  # checkout and the action, in each of the two jobs
    for ref in uses:
        action, comment = ref.split(" # ")
        assert len(action.split("@")[1]) == 40 and comment


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (it is a test dependency: pip install '.[test]')")
    return path


def both_workflows(tmp_path: Path) -> list[Path]:
    """The workflow init writes by default (the default branch) and with --branch, each in a
    repository of its own."""
    written = []
    for branch in (None, "trunk"):
        root = tmp_path / (branch or "default")
        root.mkdir()
        (root / "README.md").write_text("# Hi\n", encoding="utf-8")
        assert init(root, *(["--branch", branch] if branch else [])) == 0
        written.append(root / WORKFLOW_FILE)
    return written


def test_the_written_workflow_passes_zizmor_pedantic(tmp_path: Path) -> None:
    zizmor = _tool("zizmor")
    for path in both_workflows(tmp_path):
        done = subprocess.run(
            [zizmor, "--offline", "--no-progress", "--persona=pedantic", str(path.parent.parent)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_written_workflow_passes_github_workflow_schema(tmp_path: Path) -> None:
    checker = _tool("check-jsonschema")
    done = subprocess.run(
        [
            checker,
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, both_workflows(tmp_path)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_action_passes_zizmor_and_the_action_schema() -> None:
    for argv in (
        [_tool("zizmor"), "--offline", "--no-progress", "--persona=pedantic", str(ACTION)],
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
    ):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_action_installs_from_the_hash_locked_requirements_then_the_tool() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    scripts = [step.get("run", "") for step in action["runs"]["steps"]]
    install = " ".join(next(s for s in scripts if "pip install" in s).replace("\\", " ").split())
    assert (
        '--require-hashes --no-deps --target "$venv-uv" -r "$GITHUB_ACTION_PATH/requirements/uv.txt"'
        in install
    )
    assert (
        '--require-hashes --no-deps --only-binary :all: -r "$GITHUB_ACTION_PATH/requirements/update.txt"'
        in install
    )
    assert '--no-deps --no-build-isolation "$GITHUB_ACTION_PATH"' in install
    assert any('updater" "${args[@]}"' in s and "update" in s for s in scripts)
    for step in action["runs"]["steps"]:
        assert "run" not in step or step["shell"] == "bash"
        assert "${{" not in step.get("run", "")  # inputs reach scripts through env only
    assert {"dry-run", "strict", "offline", "hf-token", "github-token", "branch"} <= set(
        action["inputs"]
    )


def test_the_workflow_text_is_deterministic() -> None:
    pin = ActionPin("octo/updater", SHA, "profile-readme-updater 0.1.0")
    assert workflow(pin, "main") == workflow(pin, "main")
    assert workflow(pin) == workflow(pin, None)


def test_by_default_the_default_branch_publishes_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    assert init(tmp_path) == 0
    jobs = load(tmp_path / WORKFLOW_FILE)["jobs"]
    on_default = (
        "github.event_name == 'schedule' || "
        "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    )
    publishes = f"({on_default}) && inputs.dry_run != true"
    assert jobs["publish"]["if"] == "${{ " + publishes + " }}"
    assert jobs["dry-run"]["if"] == "${{ !(" + publishes + ") }}"  # exactly every other run
    for job in jobs.values():
        assert "branch" not in job["steps"][-1]["with"]  # the action's default: the default branch


def test_only_a_run_on_the_branch_given_publishes(tmp_path: Path) -> None:
    jobs = load(written_workflow(tmp_path, branch="release/v1"))["jobs"]
    publishes = "(github.ref == 'refs/heads/release/v1') && inputs.dry_run != true"
    assert jobs["publish"]["if"] == "${{ " + publishes + " }}"
    assert jobs["dry-run"]["if"] == "${{ !(" + publishes + ") }}"


@pytest.mark.parametrize("branch", ['we"ird', "a..b", "x.lock", "-x", "a b", "main\n"])
def test_init_refuses_a_branch_name_git_would_not_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], branch: str
) -> None:
    (tmp_path / "README.md").write_text("# Hi\n", encoding="utf-8")
    assert init(tmp_path, f"--branch={branch}") == 2
    assert "not a branch name" in capsys.readouterr().err
    assert not (tmp_path / "templates").exists()


def test_a_page_name_with_a_space_is_adopted_and_renders_back(tmp_path: Path) -> None:
    (tmp_path / "Page Two.md").write_text("# Two\n\n[x](https://github.com/o/r)\n", "utf-8")
    assert init(tmp_path, "Page Two.md") == 0
    assert (tmp_path / "templates" / "Page Two.md.j2").is_file()
    before = (tmp_path / "Page Two.md").read_bytes()
    paths = ["--data", str(tmp_path / "data/cv.yaml"), "--stats", str(tmp_path / "data/stats.json")]
    paths += ["--templates", str(tmp_path / "templates"), "--root", str(tmp_path)]
    assert main(["render", "--offline", *paths]) == 0
    assert (tmp_path / "Page Two.md").read_bytes() == before


@pytest.mark.parametrize(
    ("inputs", "argv"),
    [
        ({}, ["update", "--deadline", "120"]),
        ({"DRY_RUN": "true"}, ["update", "--deadline", "120", "--dry-run"]),
        ({"ALLOW_NEW_ERRORS": "true"}, ["update", "--deadline", "120", "--allow-new-errors"]),
        ({"KEEPALIVE_DAYS": "50"}, ["update", "--deadline", "120", "--keepalive-days", "50"]),
    ],
)
def test_the_action_passes_the_gate_and_keepalive_options_only_when_asked(
    tmp_path: Path, inputs: dict[str, str], argv: list[str]
) -> None:
    """The action's own script, run by bash with a stand-in for the installed tool."""
    action = load(ACTION)
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "update"]
    defaults = {k: str(v["default"]) for k, v in action["inputs"].items()}
    env = {
        name: defaults[value.removeprefix("${{ inputs.").removesuffix(" }}")]
        for name, value in step["env"].items()
    }
    assert env["KEEPALIVE_DAYS"] == "" and env["ALLOW_NEW_ERRORS"] == "false"  # off by default
    tool = tmp_path / "profile-readme-updater/bin/updater"
    tool.parent.mkdir(parents=True)
    tool.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n', encoding="utf-8")
    tool.chmod(0o755)
    done = subprocess.run(
        ["bash", "-c", step["run"]],
        env={**env, **inputs, "RUNNER_TEMP": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == argv
