"""Which links point to what: every supported form, the near misses, and the run's targets."""

from __future__ import annotations

import pytest

from updater.links import Ref, Targets, classify, discover, untracked_notes, urls_in


@pytest.mark.parametrize(
    ("url", "ref"),
    [
        ("https://github.com/hyunwoongko/kss", Ref("repo", "hyunwoongko/kss")),
        ("https://github.com/hyunwoongko/kss/", Ref("repo", "hyunwoongko/kss")),
        ("http://www.github.com/EleutherAI/oslo.git", Ref("repo", "EleutherAI/oslo")),
        ("https://huggingface.co/kakaocorp/kanana-2-30b", Ref("model", "kakaocorp/kanana-2-30b")),
        ("https://www.huggingface.co/org/m", Ref("model", "org/m")),
        ("https://hf.co/org/m", Ref("model", "org/m")),
        ("https://huggingface.co/datasets/org/d", Ref("dataset", "org/d")),
        ("https://huggingface.co/spaces/org/s/", Ref("space", "org/s")),
        ("https://arxiv.org/abs/2306.02254", Ref("paper", "ARXIV:2306.02254")),
        ("https://arxiv.org/abs/2306.02254v3", Ref("paper", "ARXIV:2306.02254")),
        ("http://arxiv.org/pdf/2502.18934", Ref("paper", "ARXIV:2502.18934")),
        ("https://arxiv.org/pdf/2502.18934v1.pdf", Ref("paper", "ARXIV:2502.18934")),
        ("https://www.arxiv.org/pdf/2502.18934.pdf", Ref("paper", "ARXIV:2502.18934")),
        ("https://arxiv.org/abs/1706.0376", Ref("paper", "ARXIV:1706.0376")),
        ("https://arxiv.org/abs/hep-th/9901001", Ref("paper", "ARXIV:hep-th/9901001")),
        ("https://arxiv.org/abs/math.GT/0309136v2", Ref("paper", "ARXIV:math.GT/0309136")),
        ("https://aclanthology.org/2024.findings-acl.135/", Ref("paper", "ACL:2024.findings-acl.135")),
        ("https://aclanthology.org/2024.findings-acl.135", Ref("paper", "ACL:2024.findings-acl.135")),
        ("https://aclanthology.org/2024.findings-acl.135.pdf", Ref("paper", "ACL:2024.findings-acl.135")),
        ("http://www.aclanthology.org/P19-1001/", Ref("paper", "ACL:P19-1001")),
        ("https://doi.org/10.1145/3292500.3330701", Ref("paper", "DOI:10.1145/3292500.3330701")),
        ("http://dx.doi.org/10.1000/xyz123", Ref("paper", "DOI:10.1000/xyz123")),
        ("https://doi.org/10.1000%2Fabc", Ref("paper", "DOI:10.1000/abc")),
        ("https://doi.org/10.48550/arXiv.2306.02254", Ref("paper", "ARXIV:2306.02254")),
        ("https://huggingface.co/papers/2306.02254", Ref("paper", "ARXIV:2306.02254")),
        ("https://hf.co/papers/2502.18934/", Ref("paper", "ARXIV:2502.18934")),
        ("https://doi.org/10.18653/v1/2024.findings-acl.135", Ref("paper", "ACL:2024.findings-acl.135")),
    ],
)  # fmt: skip
def test_every_supported_link_form(url: str, ref: Ref) -> None:
    assert classify(url) == ref


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/hyunwoongko",
        "https://github.com/hyunwoongko/kss/blob/main/README.md",
        "https://github.com/hyunwoongko/kss/tree/main",
        "https://github.com/orgs/EleutherAI/people",
        "https://github.com/orgs/EleutherAI",
        "https://github.com/sponsors/someone",
        "https://github.com/topics/nlp",
        "https://gist.github.com/a/b",
        "https://github.com.evil.com/a/b",
        "https://huggingface.co/kakaocorp",
        "https://huggingface.co/docs/transformers",
        "https://huggingface.co/blog/some-post",
        "https://huggingface.co/papers",
        "https://huggingface.co/papers/trending",
        "https://huggingface.co/datasets/org",
        "https://huggingface.co/org/m/tree/main",
        "https://arxiv.org/abs/",
        "https://arxiv.org/list/cs.CL/recent",
        "https://aclanthology.org/people/h/hyunwoong-ko/",
        "https://kakaobrain.github.io/pororo/seq2seq/qg.html",
        "ftp://github.com/a/b",
    ],
)
def test_near_misses_are_not_items(url: str) -> None:
    assert classify(url) is None


def test_discover_keeps_cv_order_and_each_services_case_rules() -> None:
    urls = [
        "https://github.com/Org/Repo", "https://github.com/org/repo/",
        "https://huggingface.co/Org/M", "https://huggingface.co/org/m",
        "https://huggingface.co/datasets/Org/D", "https://huggingface.co/datasets/org/d",
        "https://huggingface.co/spaces/org/s", "https://arxiv.org/abs/2306.02254v2",
        "https://arxiv.org/pdf/2306.02254", "https://doi.org/10.48550/arXiv.2306.02254",
        "https://doi.org/10.1000/ABC", "https://doi.org/10.1000/abc", "https://example.com",
        "https://github.com/a/b",
    ]  # fmt: skip
    assert discover(urls, "me") == Targets(
        repositories=("Org/Repo", "a/b"),
        models=("Org/M",),
        github_user="me",
        datasets=("Org/D",),
        spaces=("org/s",),
        papers=("ARXIV:2306.02254", "DOI:10.1000/ABC"),
    )


def test_urls_in_markdown_and_plain_text() -> None:
    text = (
        "[Kss](https://github.com/hyunwoongko/kss): see https://arxiv.org/abs/2306.02254. "
        '<a href="https://huggingface.co/org/m">m</a>'
    )
    assert list(urls_in(text)) == [
        "https://github.com/hyunwoongko/kss",
        "https://arxiv.org/abs/2306.02254",
        "https://huggingface.co/org/m",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://huggingface.co/bert-base-uncased",
        "https://hf.co/gpt2/",
        "https://huggingface.co/T5-Base",
    ],
)
def test_a_legacy_one_segment_hub_id_is_a_model(url: str) -> None:
    ref = classify(url)
    assert ref is not None and ref.kind == "model" and "/" not in ref.id


def test_other_one_segment_hub_links_are_untracked_and_said_so() -> None:
    urls = [
        "https://huggingface.co/google",  # an organisation
        "https://huggingface.co/ada-park",  # the owner of a tracked model: her profile
        "https://huggingface.co/ada-park/tiny-retriever",
        "https://huggingface.co/docs",  # one of the Hub's own pages
        "https://huggingface.co/gpt2",
    ]
    targets = discover(urls, None)
    assert targets.models == ("ada-park/tiny-retriever", "gpt2")
    assert targets.untracked == ("google",)
    [note] = untracked_notes(targets)
    assert note.startswith("huggingface.co/google is not tracked: taken for a user or organization")
