"""What a run fetches: the links a reader of the pages can see, and the data's."""

from __future__ import annotations

from tests.page.helpers import PAGE_FIXTURES
from updater.build import find_targets
from updater.cv import parse_cv


def test_links_github_does_not_show_are_not_fetched() -> None:
    """The comment case: repositories named in comments are not targets; the cards and the
    text link, which a reader sees, are (numbered or not, the totals count them)."""
    cv = parse_cv("title: Ana\n", "data/cv.yaml")
    page = (PAGE_FIXTURES / "numbers" / "comment-case.md").read_text(encoding="utf-8")
    assert find_targets(cv, {"README.md": page}).repositories == ("laravel/scout",)
