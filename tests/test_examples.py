"""The profiles in docs/examples are built only from data and templates, and render as committed.

They stand for adopters: a short README plus a full RESUME from one data file, a
researcher's profile with sections of its own (no avatar, no skills, no periods), a
researcher's page whose publications, models and repositories come from the sources it names,
and an organization's `.github` repository whose profile is profile/README.md.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, paths_args
from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from updater.build import Paths, build
from updater.cli import main
from updater.lists import lists
from updater.templates import plain

EXAMPLES = ROOT / "docs" / "examples"
NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "data" / "cv.yaml").is_file())


def example(name: str, into: Path) -> Paths:
    """A copy of one example profile in a temporary folder."""
    shutil.copytree(EXAMPLES / name, into, dirs_exist_ok=True)
    return Paths(into / "data/cv.yaml", into / "data/stats.json", into / "templates", into)


def test_there_are_examples() -> None:
    assert NAMES == ["from-sources", "minimal", "org-profile", "two-pages"]


@pytest.mark.parametrize("name", NAMES)
def test_example_renders_as_committed(name: str, tmp_path: Path) -> None:
    paths = example(name, tmp_path)
    pages = build(paths, None).pages
    assert pages, name
    for page, text in pages.items():
        assert (EXAMPLES / name / page).read_text(encoding="utf-8") == text, page


def test_two_pages_from_one_data_file(tmp_path: Path) -> None:
    pages = build(example("two-pages", tmp_path), None).pages
    assert list(pages) == ["README.md", "RESUME.md"]
    readme, resume = pages["README.md"], pages["RESUME.md"]
    timeline = [line for line in readme.splitlines() if line.startswith("- `")]
    assert [line.split("`")[1] for line in timeline] == [
        "2024.06 ~ present", "2023.05 ~ 2024.06", "2022.02 ~ 2023.09", "2020.08 ~ 2021.02",
    ]  # fmt: skip
    assert "[Full résumé](RESUME.md)" in readme and "[← Profile](README.md)" in resume
    for title in ("Work Experience", "Open Source", "Education", "Publications", "Awards"):
        assert f"\n## {title}\n" in resume


def test_a_profile_without_avatar_skills_or_periods(tmp_path: Path) -> None:
    result = build(example("minimal", tmp_path), None)
    assert [s.title for s in result.cv.sections] == ["About", "Projects", "Publications", "Contact"]
    assert all(s.image is None for s in result.cv.sections)
    assert "- Email: <alex@example.org>" in result.pages["README.md"]


def test_live_numbers_on_every_page(
    tmp_path: Path, live_env: dict[str, str], fake_github: FakeGitHub, fake_hub: FakeHub
) -> None:
    fake_github.add("kakaobrain/pororo", stars=1290)
    fake_github.add("minji-seo/site", stars=3)
    fake_hub.add("kakaocorp/kanana-2-30b-a3b-instruct", downloads=5600, likes=22)
    paths = example("two-pages", tmp_path)
    assert main(["render", "--deadline", "20", *paths_args(paths)]) == 0
    resume = paths.page("RESUME.md").read_text(encoding="utf-8")
    assert "[Pororo](https://github.com/kakaobrain/pororo) <sub>★ 1.3k</sub>:" in resume
    assert (
        "(https://huggingface.co/kakaocorp/kanana-2-30b-a3b-instruct) "
        "<sub>⬇ 5.6k last 30 days · ♥ 22</sub>"
    ) in resume
    readme = paths.page("README.md").read_text(encoding="utf-8")
    assert "<sub>★ 3 stars</sub>" in readme  # the owner's total, on the short page


def test_update_commits_both_pages_at_once_and_leaves_an_unchanged_page_out(
    tmp_path: Path, live_env: dict[str, str], fake_github: FakeGitHub, fake_hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    repo = "minji-seo/minji-seo"
    fake_github.add("kakaobrain/pororo", stars=1290)  # linked on RESUME.md only
    fake_github.add(repo)
    fake_github.init_branch(repo, {"README.md": "hand-written\n"})
    example("two-pages", tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_REPOSITORY", repo)
    before = fake_github.head(repo).sha
    assert main(["update", "--retries", "0"]) == 0
    head = fake_github.head(repo)
    assert head.parents == [before]  # one commit holds both pages
    assert head.message.startswith("Update README.md, RESUME.md")
    assert "<sub>★ 1.3k</sub>" in head.text("RESUME.md")
    fake_github.repos["kakaobrain/pororo"].stars = 2500  # changes RESUME.md, not README.md
    fake_github.requests.clear()
    assert main(["update", "--retries", "0"]) == 0
    trees = [
        sorted(entry["path"] for entry in r.json()["tree"])
        for r in fake_github.requests
        if r.method == "POST" and r.path.endswith("/git/trees")
    ]
    assert trees == [["RESUME.md", "data/stats.json"]]  # README.md is not rewritten
    assert fake_github.head(repo).message.startswith("Update RESUME.md: pororo ★ 1.3k → 2.5k")


def test_a_page_whose_sections_come_from_the_sources(tmp_path: Path) -> None:
    result = build(example("from-sources", tmp_path), None)
    assert [s.id for s in result.cv.sections] == ["about", "contact"]  # nothing else typed
    page = result.pages["README.md"]
    header = page.splitlines()[2]
    assert header.startswith("<sub>h-index 14 · 1.9k citations · 31 papers on [Semantic Scholar]")
    sections = {
        title: body.strip().splitlines()
        for title, body in re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    }
    papers, models, code = sections["Publications"], sections["Models"], sections["Open Source"]
    shown = lists(result.new, result.targets)
    assert len(papers) == 7 and papers[-1].startswith("- and 2 more")
    assert [p.citations for p in shown.papers] == sorted(
        (p.citations for p in shown.papers), key=lambda c: -(c or -1)
    )
    for item, line in zip(shown.papers, papers[:-1], strict=False):
        assert line.startswith(f"- [{plain(item.title)}]({item.url}) <sub>cited by ")
    for model, line in zip(shown.models, models[:5], strict=False):
        assert line.startswith(f"- [{model.id}]({model.url}) <sub>⬇ ")
    for repo, line in zip(shown.repositories, code[:5], strict=False):
        assert line.startswith(f"- [{repo.name}]({repo.url}) <sub>★ ")
    # The ACL paper the About section links is the listed one: one item, one count.
    acl = "https://aclanthology.org/2024.findings-acl.135"
    assert f"{acl}/) <sub>cited by 41</sub>" in page and f"{acl}) <sub>cited by 41</sub>" in page
    assert "fork" not in page.lower() and "transformers" not in page


def test_an_organization_s_profile_renders_in_its_folder_with_its_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = example("org-profile", tmp_path)
    result = build(paths, None)
    assert list(result.pages) == ["README.md", "profile/README.md"]
    profile = result.pages["profile/README.md"]
    assert result.old.user is not None and result.old.user.login == "open-lm-lab"
    assert "<sub>★ 3.4k stars across our public repositories</sub>" in profile
    assert "- [Contributing guide](../CONTRIBUTING.md)\n" in profile  # from profile/: the root's
    assert main(["render", "--offline", *paths_args(paths)]) == 0
    (tmp_path / ".git").mkdir()  # the clone's root, where check looks files up
    capsys.readouterr()
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().err
