"""data/stats.json: the same bounds as network data, FILE:LINE:COL errors, merge and renames."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from updater.errors import InputError
from updater.snapshot import Snapshot, dumps, load_snapshot, merge, parse_snapshot
from updater.stats import (
    Failure,
    HubOwner,
    Listed,
    Listing,
    ModelStats,
    PaperEntry,
    PaperStats,
    Release,
    Rename,
    RepoStats,
    ScholarAuthor,
    SourceResult,
    SpaceStats,
)

T = "2026-11-26T00:00:00Z"
BASE = (FIXTURES / "seed" / "stats.json").read_text(encoding="utf-8")
MINI = (FIXTURES / "mini" / "stats.json").read_text(encoding="utf-8")


def error(text: str) -> str:
    with pytest.raises(InputError) as info:
        parse_snapshot(text, "data/stats.json")
    assert info.value.exit_code == 2
    return str(info.value)


def test_a_huge_integer_is_a_located_error_not_a_crash() -> None:
    text = BASE.replace('"stars": 1349', '"stars": ' + "9" * 5000, 1)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "9" * 100 in t)
    col = text.splitlines()[line - 1].index("9" * 100) + 1
    assert error(text) == (
        f"data/stats.json:{line}:{col}: number too large; fix the file or delete it to start over"
    )


def test_deep_nesting_is_a_located_error_not_a_crash() -> None:
    text = '{"format": 1,\n "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert error(text).startswith("data/stats.json:2:70: JSON nested too deeply")


@pytest.mark.parametrize(
    "value", ["true", "-1", "1e3", "1e999", "NaN", "10000000000000001", '"12"']
)
def test_counts_must_be_integers_in_range(value: str) -> None:
    text = BASE.replace('"stars": 1349', f'"stars": {value}', 1)
    at = text.index(f'"stars": {value}')
    line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    message = error(text)
    assert message.startswith(
        f"data/stats.json:{line}:{col}: repositories.hyunwoongko/kss.stars: expected "
    )
    assert "Input should" not in message


def test_older_snapshots_load_and_dump_byte_identically() -> None:
    assert dumps(parse_snapshot(BASE, "x")) == BASE


def test_new_kinds_round_trip(tmp_path: Path) -> None:
    snapshot = parse_snapshot(MINI, "x")
    assert snapshot.paper("arxiv:2502.18934") == PaperStats(
        "ARXIV:2502.18934", "2026-11-20T03:17:00Z", 42
    )
    assert snapshot.space("ACME/demo") == SpaceStats("acme/demo", "2026-11-20T03:17:00Z", 9)
    assert snapshot.dataset("acme/data-a") is not None
    (tmp_path / "s.json").write_text(dumps(snapshot), encoding="utf-8")
    assert load_snapshot(tmp_path / "s.json", tmp_path) == snapshot
    assert json.loads(dumps(snapshot))["papers"]["arxiv:2502.18934"]["citations"] == 42


def test_merge_keeps_last_known_numbers_of_every_kind() -> None:
    old = parse_snapshot(MINI, "x")
    fresh = SourceResult("semanticscholar", 1, papers=(PaperStats("ARXIV:2502.18934", T, 50),))
    failed = SourceResult("huggingface", 1, failures=(Failure("spaces/acme/demo", "timed out"),))
    new = merge(old, [fresh, failed])
    assert new.paper("ARXIV:2502.18934") == PaperStats("ARXIV:2502.18934", T, 50)
    assert new.space("acme/demo") == old.space("acme/demo")


def repo(name: str, stars: int) -> RepoStats:
    return RepoStats(name, stars, 0, T)


def test_a_rename_is_dropped_when_the_old_name_is_a_repository_again() -> None:
    renamed = merge(Snapshot(), [SourceResult("github", 1, (repo("o/new", 100),),
                                              renames=(Rename("o/old", "o/new"),))])  # fmt: skip
    assert renamed.repo("o/old") == repo("o/new", 100)
    taken = merge(renamed, [SourceResult("github", 1, (repo("o/old", 3),))])
    assert taken.renamed == {} and taken.repo("o/old") == repo("o/old", 3)


def test_a_rename_is_dropped_when_the_old_name_is_gone() -> None:
    renamed = Snapshot({"o/new": repo("o/new", 100)}, renamed={"o/old": "o/new"})
    gone = SourceResult("github", 1, failures=(Failure("o/old", "not found", missing=True),))
    passing = SourceResult("github", 1, failures=(Failure("o/old", "timed out"),))
    assert merge(renamed, [passing]).renamed == {"o/old": "o/new"}
    assert merge(renamed, [gone]).renamed == {}
    assert merge(renamed, [gone]).repo("o/old") is None


def test_keys_written_by_hand_in_another_case_still_match() -> None:
    text = BASE.replace('"hyunwoongko/kss": {', '"hyunwoongko/KSS": {', 1)
    assert '"hyunwoongko/KSS"' in text
    assert parse_snapshot(text, "x").repo("hyunwoongko/kss") is not None


def test_a_byte_order_mark_is_not_an_error() -> None:
    assert parse_snapshot("\ufeff" + BASE, "x") == parse_snapshot(BASE, "x")


def test_a_fetch_time_must_be_a_utc_time() -> None:
    text = BASE.replace('"fetched_at": "2026-11-20T03:17:00Z"', '"fetched_at": "yesterday"', 1)
    assert "yesterday" in text
    assert "expected a UTC time such as 2026-11-20T03:17:00Z, got 'yesterday'" in error(text)


def test_a_hub_rename_is_recorded_as_a_link_and_dropped_when_the_id_answers_again() -> None:
    rename = Rename(
        "huggingface.co/bert-base-uncased", "huggingface.co/google-bert/bert-base-uncased"
    )
    model = ModelStats("bert-base-uncased", T, 10, None, 1)
    moved = merge(Snapshot(), [SourceResult("huggingface", 1, models=(model,), renames=(rename,))])
    assert moved.renamed == {rename.old: rename.new} and moved.model("bert-base-uncased") == model
    # A GitHub result never judges a Hub entry, and the reverse.
    github_gone = SourceResult("github", 1, failures=(Failure("bert-base-uncased", "x", True),))
    assert merge(moved, [github_gone]).renamed == moved.renamed
    again = SourceResult("huggingface", 1, models=(model,))
    assert merge(moved, [again]).renamed == {}


# --- lists, author figures and Hub totals ------------------------------------------------------


def listed_run() -> list[SourceResult]:
    """One run of every source with lists: an author's papers, a Hub author's models, an
    owner's repositories and a release."""
    paper = PaperStats("ARXIV:2306.02254", T, 95)
    scholar = SourceResult(
        "semanticscholar", 0, scholar=ScholarAuthor("1741101", T, "Ada", 12, 1500, 30),
        listed=Listed((Listing("papers", "1741101", ("ARXIV:2306.02254",)),), papers=(paper,),
                      entries=(PaperEntry("ARXIV:2306.02254", "Polyglot-Ko", 2023, None),)),
    )  # fmt: skip
    model = ModelStats("Lab/m1", T, downloads=10, likes=2)
    hub = SourceResult(
        "huggingface", 0, hub_owners=(HubOwner("lab", 1, 10, 2, T),),
        listed=Listed((Listing("models", "lab", ("Lab/m1",)),), models=(model,)),
    )  # fmt: skip
    release = Release("me/kss", "v6", "2026-10-01T00:00:00Z", T, "Six")
    github = SourceResult(
        "github", 0,
        listed=Listed((Listing("repositories", "Me", ("me/kss",)),),
                      repositories=(repo("me/kss", 1349),), releases=(release,)),
    )  # fmt: skip
    return [scholar, hub, github]


def test_lists_round_trip_and_are_written_only_when_they_hold_something(tmp_path: Path) -> None:
    new = merge(parse_snapshot(BASE, "x"), listed_run())
    text = dumps(new)
    body = json.loads(text)
    assert set(body) - set(json.loads(BASE)) == {"lists", "scholar", "hub_owners", "papers"}
    assert set(body["lists"]) == {"papers", "models", "repositories", "releases"}
    assert body["lists"]["papers"] == {"1741101": [
        {"paper_id": "ARXIV:2306.02254", "title": "Polyglot-Ko", "venue": None, "year": 2023}
    ]}  # fmt: skip
    assert body["lists"]["repositories"] == {"me": ["me/kss"]}  # owners in lower case
    assert parse_snapshot(text, "x") == new and dumps(parse_snapshot(text, "x")) == text
    assert new.paper("arxiv:2306.02254") == PaperStats("ARXIV:2306.02254", T, 95)
    assert new.model("lab/M1") is not None and new.release("ME/KSS") is not None
    assert new.scholar["1741101"].h_index == 12 and new.hub_owners["lab"].downloads == 10


def test_a_list_not_fetched_keeps_its_last_known_items() -> None:
    old = merge(Snapshot(), listed_run())
    failed = [
        SourceResult("semanticscholar", 0, failures=(Failure("list of 1741101's papers", "429"),)),
        SourceResult("huggingface", 0, failures=(Failure("list of lab's models", "timed out"),)),
        SourceResult("github", 1, repositories=(repo("me/kss", 1400),)),  # no list this time
    ]
    new = merge(old, failed)
    assert new.listings == old.listings and new.scholar == old.scholar
    assert new.hub_owners == old.hub_owners
    assert new.repo("me/kss") == repo("me/kss", 1400)  # the linked fetch still counts


def test_a_new_list_replaces_the_old_one_and_a_release_can_go() -> None:
    old = merge(Snapshot(), listed_run())
    again = SourceResult(
        "github", 1, repositories=(repo("me/kss", 1500),),
        listed=Listed((Listing("repositories", "me", ("me/pecab",)),),
                      repositories=(repo("me/pecab", 120), repo("me/kss", 1450)),
                      unreleased=("me/kss",)),
    )  # fmt: skip
    new = merge(old, [again])
    assert new.listings.repositories == {"me": ("me/pecab",)}
    assert new.release("me/kss") is None
    assert new.repo("me/kss") == repo("me/kss", 1500)  # the CV's own fetch wins: one number


def test_a_stored_list_longer_than_the_bound_is_refused() -> None:
    body = json.loads(dumps(merge(Snapshot(), listed_run())))
    body["lists"]["models"]["lab"] = [f"lab/m{i}" for i in range(101)]
    message = error(json.dumps(body, indent=2))
    assert "lists.models.lab: " in message and "fix it, or delete the file" in message
