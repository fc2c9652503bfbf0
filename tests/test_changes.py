"""The changes a commit names: every kind of number, as the page shows it."""

from __future__ import annotations

from updater.changes import commit_message, shown_changes
from updater.links import Targets
from updater.snapshot import Snapshot, merge
from updater.stats import (
    DatasetStats,
    HubOwner,
    Listed,
    Listing,
    ModelStats,
    PaperStats,
    RepoStats,
    ScholarAuthor,
    SourceResult,
    SpaceStats,
    UserTotals,
)

T = "2026-11-26T00:00:00Z"
TARGETS = Targets(
    ("me/kss",), ("org/m",), "me", datasets=("org/d",), spaces=("org/s",),
    papers=("ARXIV:2502.18934",),
)  # fmt: skip


def snapshot(n: int) -> Snapshot:
    return Snapshot(
        repositories={"me/kss": RepoStats("me/kss", 1300 + n, 1, T)},
        models={"org/m": ModelStats("org/m", T, downloads=5000 + n, likes=10)},
        user=UserTotals("me", 4000 + n, 3, T),
        datasets={"org/d": DatasetStats("org/d", T, downloads=700 + n, likes=1)},
        spaces={"org/s": SpaceStats("org/s", T, likes=9 + n // 100)},
        papers={"arxiv:2502.18934": PaperStats("ARXIV:2502.18934", T, 40 + n // 100)},
    )


def test_every_kind_of_number_that_changed_on_the_page() -> None:
    assert shown_changes(snapshot(0), snapshot(100), TARGETS) == [
        "total ★ 4k → 4.1k",
        "kss ★ 1.3k → 1.4k",
        "m ⬇ 5k → 5.1k",
        "d ⬇ 700 → 800",
        "s ♥ 9 → 10",
        "2502.18934 cited by 40 → 41",
    ]


def test_numbers_that_round_the_same_are_no_change() -> None:
    assert shown_changes(snapshot(0), snapshot(1), TARGETS) == ["d ⬇ 700 → 701"]


def test_new_items() -> None:
    assert "2502.18934 cited by new → 41" in shown_changes(Snapshot(), snapshot(100), TARGETS)


def test_commit_message_names_the_pages_and_lists_every_change() -> None:
    changes = shown_changes(snapshot(0), snapshot(100), TARGETS)
    message = commit_message(changes, ["README.md", "RESUME.md"])
    subject, _, body = message.partition("\n\n")
    assert subject == (
        "Update README.md, RESUME.md: total ★ 4k → 4.1k, kss ★ 1.3k → 1.4k, m ⬇ 5k → 5.1k, "
        "d ⬇ 700 → 800 and 2 more"
    )
    assert body.splitlines() == [f"- {c}" for c in changes]


def test_commit_message_without_numbers_says_the_data_or_template_changed() -> None:
    assert commit_message([], ["README.md"]) == (
        "Update README.md\n\nThe data or a template changed; no number did.\n"
    )
    assert commit_message([]).startswith("Update profile README\n")  # before pages existed


def test_listed_items_and_the_authors_figures_are_named_too() -> None:
    targets = Targets(github_user="me", scholar_author="7", hub_authors=("lab",))

    def listed(n: int) -> Snapshot:
        return merge(Snapshot(), [SourceResult(
            "all", 0, scholar=ScholarAuthor("7", T, "Ada", 12 + n, 1500 + 100 * n, 30),
            hub_owners=(HubOwner("lab", 2, 9000 + 1000 * n, 30, T),),
            listed=Listed(
                (Listing("repositories", "me", ("me/pecab",)), Listing("models", "lab", ("lab/m",))),
                repositories=(RepoStats("me/pecab", 120 + 100 * n, 9, T),),
                models=(ModelStats("lab/m", T, downloads=300, likes=4 + n),),
            ),
        )])  # fmt: skip

    assert shown_changes(listed(0), listed(1), targets) == [
        "author h-index 12 → 13", "author cited by 1.5k → 1.6k", "Hub ⬇ 9k → 10k",
        "pecab ★ 120 → 220", "m ♥ 4 → 5",
    ]  # fmt: skip
