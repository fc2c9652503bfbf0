"""The Hub's recorded (or documented) answers through LiveFetcher: models, an author's list,
datasets and Spaces, legacy ids, and the errors with the Hub's own words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.harness import fetch
from tests.contract.replay import Replay
from updater.links import Targets
from updater.stats import Failure, SourceResult


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[Replay]:
    with Replay(*request.param) as server:
        yield server
        assert server.unexpected == []


def hub(server: Replay, targets: Targets, token: bool = True) -> SourceResult:
    return fetch(server, targets, hf_token=token)["huggingface"]


@pytest.mark.parametrize("served", [["hub-model"]], indirect=True)
def test_one_model_with_only_the_properties_shown(served: Replay) -> None:
    [model] = hub(served, Targets((), ("deepset/roberta-base-squad2",))).models
    assert (model.downloads, model.likes, model.pipeline_tag, model.parameters, model.gated) == (
        1801802, 842, "question-answering", 124057092, False,
    )  # fmt: skip
    assert served.requests[0].query["expand"][:2] == ["downloads", "downloadsAllTime"]


@pytest.mark.parametrize("served", [["hub-legacy-redirect"]], indirect=True)
def test_a_legacy_id_is_redirected_and_keyed_as_the_cv_writes_it(served: Replay) -> None:
    result = hub(served, Targets((), ("bert-base-uncased",)))
    assert [m.model_id for m in result.models] == ["bert-base-uncased"]
    assert [r.new for r in result.renames] == ["huggingface.co/google-bert/bert-base-uncased"]
    assert [r.path for r in served.requests] == [
        "/api/models/bert-base-uncased", "/api/models/google-bert/bert-base-uncased",
    ]  # fmt: skip
    assert all(r.headers.get("authorization") for r in served.requests)  # same host: kept


@pytest.mark.parametrize("served", [["hub-author-listing"]], indirect=True)
def test_three_models_of_one_author_are_one_list_request(served: Replay) -> None:
    ids = ("stabilityai/stable-diffusion-2-1", "stabilityai/sdxl-turbo",
           "stabilityai/stable-diffusion-xl-base-1.0")  # fmt: skip
    result = hub(served, Targets((), ids))
    assert {m.model_id: m.downloads for m in result.models} == {
        ids[0]: 1015720, ids[1]: 100, ids[2]: 200,
    }  # fmt: skip
    assert served.count() == 1 and served.requests[0].query["author"] == ["stabilityai"]


@pytest.mark.parametrize("served", [["hub-author-listing"]], indirect=True)
def test_a_named_authors_list_and_totals_from_the_same_answer(served: Replay) -> None:
    targets = Targets(hub_authors=("StabilityAI",), shows=frozenset({"models", "hub_totals"}))
    result = hub(served, targets)
    assert result.listed.lists[0].keys == (
        "stabilityai/stable-diffusion-2-1", "stabilityai/stable-diffusion-xl-base-1.0",
        "stabilityai/sdxl-turbo",
    )  # fmt: skip
    [owner] = result.hub_owners
    assert (owner.author, owner.models, owner.downloads, owner.likes) == (
        "stabilityai", 3, 1015720 + 100 + 200, 3928 + 10 + 20,
    )  # fmt: skip
    assert served.count() == 1 and served.requests[0].query["author"] == ["stabilityai"]


@pytest.mark.parametrize("served", [["hub-dataset-space"]], indirect=True)
def test_a_dataset_and_a_space(served: Replay) -> None:
    result = hub(served, Targets((), (), datasets=("rajpurkar/squad",),
                                 spaces=("stabilityai/stable-diffusion",)))  # fmt: skip
    assert [(d.dataset_id, d.downloads, d.likes) for d in result.datasets] == [
        ("rajpurkar/squad", 51234, 321)
    ]
    assert [(s.space_id, s.likes) for s in result.spaces] == [
        ("stabilityai/stable-diffusion", 10123)
    ]


@pytest.mark.parametrize("served", [["hub-not-found"]], indirect=True)
def test_401_and_404_are_missing_or_private(served: Replay) -> None:
    result = hub(served, Targets((), ("username/reponame", "fake/missing")))
    assert result.failures == (
        Failure("username/reponame",
                "not found or private (HTTP 401): check the link in data/cv.yaml", True),
        Failure("fake/missing",
                "not found or private (HTTP 404 RepoNotFound): check the link in data/cv.yaml", True),
    )  # fmt: skip


@pytest.mark.parametrize("served", [["hub-gated"]], indirect=True)
def test_a_gated_model(served: Replay) -> None:
    [failure] = hub(served, Targets((), ("meta-llama/Llama-2-7b",))).failures
    assert failure == Failure(
        "meta-llama/Llama-2-7b", "gated and not readable (HTTP 403 GatedRepo)"
    )


@pytest.mark.parametrize("served", [["hub-invalid-token"]], indirect=True)
def test_without_hf_token_a_401_is_never_blamed_on_the_token(served: Replay) -> None:
    [failure] = hub(served, Targets((), ("deepset/roberta-base-squad2",)), token=False).failures
    assert failure.reason.startswith("not found or private (HTTP 401)") and failure.missing
