"""The page gate: new check errors against the published page, compared without positions, and
secrets in any file to commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from updater.build import Paths
from updater.cli import main
from updater.gate import Candidate, Held, Verdict, find_secrets, inspect

PAGE = "# Hi\n\nSee [the notes](notes.md).\n"


def verdict(text: str, published: str | None, root: Path, **kw: bool) -> Verdict:
    page = Candidate("README.md", text, lambda: published, template=None)
    return inspect([page], {"README.md": text}, {"GITHUB_TOKEN": "ghs_x1"}, root, **kw)


def test_a_page_without_new_errors_passes(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("notes\n", encoding="utf-8")
    assert verdict(PAGE, None, tmp_path) == Verdict()


def test_the_published_page_is_read_only_when_the_new_one_has_errors(tmp_path: Path) -> None:
    reads: list[str] = []

    def published() -> str:
        reads.append("README.md")
        return PAGE

    clean = Candidate("README.md", "# Hi\n", published, template=None)
    assert inspect([clean], {}, {}, tmp_path) == Verdict() and reads == []
    broken = Candidate("README.md", PAGE, published, template=None)
    assert inspect([broken], {}, {}, tmp_path).kept == 1 and reads == ["README.md"]


def test_every_error_of_a_new_page_is_new(tmp_path: Path) -> None:
    found = verdict(PAGE, None, tmp_path)
    assert found.holds and found.kept == 0
    assert [h.format() for h in found.errors] == [
        "README.md:3:5: error: link to notes.md: no such file in the repository [missing-file]"
    ]


def test_an_error_that_moved_is_kept_not_new(tmp_path: Path) -> None:
    found = verdict("\n\n" + PAGE + "more\n", PAGE, tmp_path)
    assert not found.holds and found.errors == () and found.kept == 1


def test_a_line_a_message_names_is_not_part_of_what_the_error_is(tmp_path: Path) -> None:
    twice = "# Hi\n\n## Contact\n\n## Contact\n"
    found = verdict("Intro.\n\n" + twice, twice, tmp_path)  # "first at line 5", was 3
    assert found.errors == () and found.kept == 1


def test_errors_are_counted_as_a_multiset(tmp_path: Path) -> None:
    twice = PAGE + "\nAgain [the notes](notes.md).\n"
    found = verdict(twice, PAGE, tmp_path)
    assert found.kept == 1
    assert [(h.line, h.rule) for h in found.errors] == [(5, "missing-file")]  # the later one


def test_warnings_never_hold(tmp_path: Path) -> None:
    assert verdict("# Hi\n\n![](https://x.org/a.png)\n", None, tmp_path) == Verdict()


def test_allowed_errors_pass_and_are_still_listed(tmp_path: Path) -> None:
    found = verdict(PAGE, None, tmp_path, allow_new_errors=True)
    assert not found.holds and len(found.errors) == 1 and found.held == ()


def test_a_secret_holds_even_when_errors_are_allowed(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("notes\n", encoding="utf-8")
    found = verdict(PAGE + "token ghs_x1\n", None, tmp_path, allow_new_errors=True)
    assert found.holds
    assert found.held == (Held("README.md", 4, 7, "secret", "holds the value of GITHUB_TOKEN"),)
    assert "and no option lets it through" in found.explain("on main")


def test_secrets_are_found_in_every_file_with_their_first_place_and_count() -> None:
    files = {"README.md": "a\nb ghs_x1 ghs_x1\n", "data/stats.json": '{"k": "hf_y"}\n'}
    found = list(find_secrets(files, {"GITHUB_TOKEN": "ghs_x1", "HF_TOKEN": "hf_y"}))
    assert [h.format() for h in found] == [
        "README.md:2:3: error: holds the value of GITHUB_TOKEN (2 times) [secret]",
        "data/stats.json:1:8: error: holds the value of HF_TOKEN [secret]",
    ]


def test_the_explanation_names_the_pages_the_count_and_the_ways_through(tmp_path: Path) -> None:
    text = verdict(PAGE, None, tmp_path).explain("on main")
    assert text == (
        "README.md would gain 1 error of `updater check` that the page on main does not have. "
        "Fix the template or the data; if the change is deliberate, silence the rule in the "
        "template (<!-- check-disable-next-line RULE -->) or run with --allow-new-errors"
    )


# --- the same refusal in `updater render`: exit 2, nothing written, no diff ------------------


def test_render_writes_no_file_that_holds_a_secret(
    profile: Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_SECRETvalue0123")
    monkeypatch.chdir(profile.root)
    text = profile.data.read_text(encoding="utf-8")
    profile.data.write_text(
        text.replace("title: Curriculum Vitae", "title: 'CV hf_SECRETvalue0123'"), "utf-8"
    )
    stats = profile.stats.read_bytes()
    for argv in (["render", "--offline"], ["render", "--offline", "--check"]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert not profile.page("README.md").exists() and profile.stats.read_bytes() == stats
        assert out == ""  # --check prints no diff of it
        assert (
            "README.md:1:6: would hold the value of HF_TOKEN: a secret is never written to a "
            "page; nothing was written. Find what puts it there (a template or data/cv.yaml) "
            "and remove it"
        ) in err
        assert "hf_SECRETvalue0123" not in err
