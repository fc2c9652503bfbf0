"""Publishing against GitHub's recorded Git Data and Actions answers, through publish.Target."""

from __future__ import annotations

import pytest

from tests.contract.harness import target
from tests.contract.replay import Replay
from updater.errors import PublishError
from updater.publish import BranchMoved, publish


def test_one_commit_through_the_git_data_api() -> None:
    with Replay("github-git-publish") as server:
        branch = target(server, "jacquev6/PyGithub")
        done = publish(branch, {"ReadMe.md": "# new\n", "Design.md": "x"}, "Update", ("ReadMe.md",))
        assert server.unexpected == [] and server.left() == 0
    assert done is not None and done.sha == "6adf9ea25ff8a8f2a42bcb1c09e42526339037cd"
    tree = next(r for r in server.requests if r.path.endswith("/git/trees")).json()
    assert tree["base_tree"] == "f492784d8ca837779650d1fb406a1a3587a764ad"
    assert sorted(e["path"] for e in tree["tree"]) == ["Design.md", "ReadMe.md"]
    moved = server.requests[-1]
    assert moved.method == "PATCH" and moved.json() == {
        "sha": "6adf9ea25ff8a8f2a42bcb1c09e42526339037cd", "force": False,
    }  # fmt: skip


def test_a_blob_is_read_whatever_its_encoding() -> None:
    with Replay("github-git-blob") as server:
        data = target(server, "jacquev6/PyGithub", "main").read(
            "53bce9fa919b4544e67275089b3ec5b44be20667"
        )
    assert data.startswith(b"#!/usr/bin/env python\n\nfrom distutils.core import setup\n")


def test_not_a_fast_forward_is_a_race_to_retry() -> None:
    with Replay("github-refusal-fast-forward", "github-git-publish") as server:
        branch = target(server, "jacquev6/PyGithub")
        head = branch.head(("ReadMe.md",))
        with pytest.raises(BranchMoved, match="moved during the run"):
            branch.commit(head, {"ReadMe.md": "# new\n"}, "Update")


def test_re_enabling_the_workflow() -> None:
    with Replay("github-actions-enable") as server:
        target(server, "nickrmcclorey/PyGithub").enable_workflow("nickrmcclorey/PyGithub", "ci.yml")
        assert server.left() == 0 and server.unexpected == []


def test_re_enabling_without_the_permission_names_it() -> None:
    with Replay("github-actions-enable-forbidden") as server, pytest.raises(PublishError) as info:
        target(server, "nickrmcclorey/PyGithub").enable_workflow("nickrmcclorey/PyGithub", "ci.yml")
    assert str(info.value) == (
        "nickrmcclorey/PyGithub: cannot re-enable ci.yml (HTTP 403: Resource not accessible by "
        "integration): give the job `permissions: actions: write`"
    )
