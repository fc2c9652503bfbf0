"""What a run fetches: the links a reader of the pages can see, the data's, and the owner's
totals only when a template can show them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.page.helpers import PAGE_FIXTURES
from updater.build import Paths, build, find_targets
from updater.cv import parse_cv
from updater.links import Targets
from updater.snapshot import Snapshot, dumps
from updater.stats import SourceResult

CV = "title: T\nsections: []\ntracking:\n  github_user: simonw\n"


def asked_for(tmp_path: Path, template: str, partial: str | None = None) -> Targets:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/README.md.j2").write_text(template, encoding="utf-8")
    if partial is not None:
        (tmp_path / "templates/_part.j2").write_text(partial, encoding="utf-8")
    (tmp_path / "cv.yaml").write_text(CV, encoding="utf-8")
    (tmp_path / "stats.json").write_text(dumps(Snapshot()), encoding="utf-8")
    seen: list[Targets] = []

    def fetch(targets: Targets, old: Snapshot) -> tuple[SourceResult, ...]:
        seen.append(targets)
        return ()

    build(
        Paths(tmp_path / "cv.yaml", tmp_path / "stats.json", tmp_path / "templates", tmp_path),
        fetch,
    )
    [targets] = seen
    return targets


@pytest.mark.parametrize(
    ("template", "partial", "user"),
    [
        ("# Hi [x](https://github.com/o/r)\n", None, None),  # an adopted page: no totals
        ("# {{ totals.stars is none }}\n", None, "simonw"),
        ("# {{ snapshot.user is none }}\n", None, "simonw"),
        ('{% include "_part.j2" %}\n', "{{ totals.stars is none }}", "simonw"),
        ("{# totals.stars is not used: a comment #}\n", None, None),
    ],
)
def test_totals_are_fetched_only_where_a_template_names_them(
    tmp_path: Path, template: str, partial: str | None, user: str | None
) -> None:
    assert asked_for(tmp_path, template, partial).github_user == user


def test_links_github_does_not_show_are_not_fetched() -> None:
    """The comment case: repositories named in comments are not targets; the cards and the
    text link, which a reader sees, are (numbered or not, the totals count them)."""
    cv = parse_cv("title: Ana\n", "data/cv.yaml")
    page = (PAGE_FIXTURES / "numbers" / "comment-case.md").read_text(encoding="utf-8")
    assert find_targets(cv, {"README.md": page}).repositories == ("laravel/scout",)
