"""The lists and figures templates see: sorted, bounded, filterable in the sandbox, every item
with its number after its link, one item and one number for what the CV links too."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from updater.build import Paths, build, draft, load_inputs
from updater.errors import ValidationFailed
from updater.links import Ref, Targets, classify, url_of
from updater.lists import Lists, Scholar, lists, scholar
from updater.snapshot import Snapshot, dumps, merge
from updater.stats import (
    MAX_LIST,
    DatasetStats,
    HubOwner,
    Listed,
    Listing,
    ModelStats,
    PaperEntry,
    PaperStats,
    Release,
    RepoStats,
    ScholarAuthor,
    SourceResult,
    SpaceStats,
)
from updater.templates import plain, shown

T = "2026-11-26T00:00:00Z"
CV = """title: Ada Park
sections:
  - id: about
    markdown: "I wrote [Polyglot-Ko](https://arxiv.org/abs/2306.02254v2) and [kss](https://github.com/ada/kss)."
tracking:
  github_user: ada
  semantic_scholar_author: "1741101"
  huggingface_authors: [lab, ada]
  repositories: [ada/kss, ada/pecab]
"""


def results() -> list[SourceResult]:
    """What the three sources' lists brought: more than a list shows of models, papers with
    and without venues, repositories, a dataset, Spaces and two releases."""
    papers = [("ARXIV:2306.02254", 57, 2023, None), ("ACL:2024.findings-acl.135", 3, 2024, "ACL"),
              ("DOI:10.1145/(x)y", 1200, 2021, "KDD"), ("CorpusId:42", None, None, None)]  # fmt: skip
    entries = tuple(PaperEntry(i, f"Paper {i[:5]}", y, v) for i, _, y, v in papers)
    scholar_run = SourceResult(
        "semanticscholar", 1, papers=(PaperStats("ARXIV:2306.02254", T, 57),),
        scholar=ScholarAuthor("1741101", T, "Ada Park", 12, 1500, 4),
        listed=Listed((Listing("papers", "1741101", tuple(p[0] for p in papers)),),
                      papers=tuple(PaperStats(i, T, c) for i, c, _, _ in papers), entries=entries),
    )  # fmt: skip
    models = {o: [ModelStats(f"{o}/m{i:03d}", T, downloads=i + (o == "ada"), likes=i % 5)
                  for i in range(MAX_LIST)] for o in ("lab", "ada")}  # fmt: skip
    hub_lists = [Listing("models", o, tuple(m.model_id for m in ms)) for o, ms in models.items()]
    hub_lists += [Listing("datasets", "lab", ("lab/data",)),
                  Listing("spaces", "lab", ("lab/demo", "lab/top-demo"))]  # fmt: skip
    hub_run = SourceResult(
        "huggingface", 0,
        listed=Listed(
            tuple(hub_lists),
            models=(*models["lab"], *models["ada"]),
            datasets=(DatasetStats("lab/data", T, 4500, 12),),
            spaces=(SpaceStats("lab/demo", T, 8), SpaceStats("lab/top-demo", T, 80)),
        ),
        hub_owners=(HubOwner("lab", 130, 9000, 300, T), HubOwner("ada", 1, 7, 1, T)),
    )  # fmt: skip
    repos = [RepoStats("ada/kss", 1349, 90, T, "Korean sentence splitter"),
             RepoStats("ada/pecab", 120, 9, T), RepoStats("ada/tiny", 3, 0, T, "A *tiny* one")]  # fmt: skip
    github_run = SourceResult(
        "github", 1, repositories=(repos[0],),
        listed=Listed((Listing("repositories", "ada", tuple(r.name_with_owner for r in repos)),),
                      repositories=tuple(repos),
                      releases=(Release("ada/kss", "6.0.0", "2025-01-02T03:04:05Z", T, None),
                                Release("ada/pecab", "v1", "2026-02-01T00:00:00Z", T, "One"))),
    )  # fmt: skip
    return [scholar_run, hub_run, github_run]


def profile(tmp_path: Path, template: str, cv: str = CV) -> Paths:
    """A profile with the lists in its snapshot and one page."""
    for folder in ("data", "templates"):
        (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / "data/cv.yaml").write_text(cv, encoding="utf-8")
    (tmp_path / "data/stats.json").write_text(dumps(merge(Snapshot(), results())), "utf-8")
    (tmp_path / "templates/README.md.j2").write_text(template, encoding="utf-8")
    return Paths(tmp_path / "data/cv.yaml", tmp_path / "data/stats.json",
                 tmp_path / "templates", tmp_path)  # fmt: skip


def page(tmp_path: Path, template: str, cv: str = CV) -> str:
    return build(profile(tmp_path, template, cv), None).pages["README.md"]


def test_each_list_renders_sorted_bounded_with_its_numbers(tmp_path: Path) -> None:
    text = page(
        tmp_path,
        """\
{% for p in lists.papers %}
- [{{ p.title }}]({{ p.url }})
{% endfor %}
{% for m in lists.models %}
- [{{ m.id }}]({{ m.url }})
{% endfor %}
{% for r in lists.repositories %}
- [{{ r.name }}]({{ r.url }})
{% endfor %}
{% for d in lists.datasets + lists.spaces %}
- [{{ d.id }}]({{ d.url }})
{% endfor %}
{% for r in lists.releases %}
- [{{ r.repository }} {{ r.name or r.tag }}]({{ r.url }}) {{ r.date }}
{% endfor %}
""",
    )
    lines = text.splitlines()
    assert lines[:4] == [
        "- [Paper DOI:1](https://doi.org/10.1145/%28x%29y) <sub>cited by 1.2k</sub>",
        "- [Paper ARXIV](https://arxiv.org/abs/2306.02254) <sub>cited by 57</sub>",
        "- [Paper ACL:2](https://aclanthology.org/2024.findings-acl.135) <sub>cited by 3</sub>",
        "- [Paper Corpu](https://api.semanticscholar.org/CorpusID:42)",  # not known: no number
    ]
    models = [line for line in lines if "huggingface.co/lab/m" in line or "/ada/m" in line]
    assert len(models) == MAX_LIST  # two authors' 200 models: the 100 most downloaded
    assert models[0] == (
        "- [ada/m099](https://huggingface.co/ada/m099) <sub>⬇ 100 last 30 days · ♥ 4</sub>"
    )
    assert models[1].startswith("- [lab/m099](") and models[-1].startswith("- [ada/m049](")
    assert lines[104:107] == [
        "- [kss](https://github.com/ada/kss) <sub>★ 1.3k</sub>",
        "- [pecab](https://github.com/ada/pecab) <sub>★ 120</sub>",
        "- [tiny](https://github.com/ada/tiny) <sub>★ 3</sub>",
    ]
    assert lines[107:110] == [
        "- [lab/data](https://huggingface.co/datasets/lab/data) <sub>⬇ 4.5k last 30 days · ♥ 12</sub>",
        "- [lab/top-demo](https://huggingface.co/spaces/lab/top-demo) <sub>♥ 80</sub>",
        "- [lab/demo](https://huggingface.co/spaces/lab/demo) <sub>♥ 8</sub>",
    ]
    assert lines[110:] == [  # newest first; a release with no title shows its tag
        "- [ada/pecab One](https://github.com/ada/pecab/releases/tag/v1) 2026-02-01",
        "- [ada/kss 6.0.0](https://github.com/ada/kss/releases/tag/6.0.0) 2025-01-02",
    ]


def test_a_paper_linked_and_listed_is_one_item_with_one_count(tmp_path: Path) -> None:
    text = page(
        tmp_path,
        """\
{{ cv.section("about").markdown }}
{% for p in lists.papers if p.id == "ARXIV:2306.02254" %}
{{ p.citations }} · [{{ p.title }}]({{ p.url }})
{% endfor %}
""",
    )
    assert text.splitlines() == [
        "I wrote [Polyglot-Ko](https://arxiv.org/abs/2306.02254v2) <sub>cited by 57</sub> and "
        "[kss](https://github.com/ada/kss) <sub>★ 1.3k</sub>.",
        "57 · [Paper ARXIV](https://arxiv.org/abs/2306.02254) <sub>cited by 57</sub>",
    ]
    snapshot = merge(Snapshot(), results())
    shown_papers = lists(snapshot, draft(load_inputs(profile(tmp_path, "x")))[1]).papers
    assert [p.id for p in shown_papers].count("ARXIV:2306.02254") == 1


def test_lists_filter_slice_and_sort_in_the_sandbox(tmp_path: Path) -> None:
    text = page(
        tmp_path,
        """\
{{ lists.papers | selectattr("venue") | map(attribute="venue") | join(", ") }}
{{ lists.papers | rejectattr("venue", "none") | list | length }}
{{ (lists.papers | selectattr("year") | sort(attribute="year", reverse=True) | first).year }}
{{ lists.models[:2] | map(attribute="id") | join(", ") }}
{{ lists.repositories | selectattr("description") | map(attribute="name") | join(", ") }}
{{ lists.spaces | sum(attribute="likes") }} {{ lists.models | length }}
""",
    )
    assert text.splitlines() == [
        "KDD, ACL",
        "2",
        "2024",
        "ada/m099, lab/m099",
        "kss, tiny",
        "88 100",
    ]


def test_an_empty_field_prints_only_guarded(tmp_path: Path) -> None:
    guarded = "{% for p in lists.papers %}{% if p.venue %}{{ p.venue }}{% endif %};{% endfor %}\n"
    assert page(tmp_path, guarded) == "KDD;;ACL;;"
    with pytest.raises(ValidationFailed) as info:
        page(tmp_path, "{% for p in lists.papers %}{{ p.venue }}{% endfor %}\n")
    assert list(info.value.problems) == [
        f"{tmp_path}/templates/README.md.j2:1:28: lists.papers[1].venue is empty: its source "
        "does not give it for this item; guard it with {% if p.venue %}"
    ]
    with pytest.raises(ValidationFailed) as info:
        page(tmp_path, "{% for p in lists.papers %}{{ p.citations }}{% endfor %}\n")
    assert "guard it with {% if p.citations is not none %}" in info.value.problems[0]


def test_the_figures_and_the_hub_totals(tmp_path: Path) -> None:
    text = page(
        tmp_path,
        """\
[{{ scholar.name }}]({{ scholar.url }}): h-index {{ scholar.h_index }}, {{ scholar.citations | humanize }} citations, {{ scholar.paper_count }} papers
⬇ {{ totals.hub_downloads | humanize }} · ♥ {{ totals.hub_likes }} over {{ totals.hub_models }} models; {{ totals.downloads is none }}
""",
    )
    assert text.splitlines() == [
        "[Ada Park](https://www.semanticscholar.org/author/1741101): h-index 12, 1.5k "
        "citations, 4 papers",
        "⬇ 9k · ♥ 301 over 131 models; True",  # totals.downloads: the linked models only
    ]


def test_another_owner_sees_none_of_the_old_owners_lists(tmp_path: Path) -> None:
    other = CV.replace("github_user: ada", "github_user: bo").replace('"1741101"', '"7"')
    other = other.replace("[lab, ada]", "[bo]")
    text = page(tmp_path, """\
{{ lists.repositories | length }} {{ lists.papers | length }} {{ lists.models | length }}
{{ scholar.h_index is none }} {{ totals.hub_downloads is none }} {{ lists.releases | length }}
""", other)  # fmt: skip
    assert text == "0 0 0\nTrue True 2\n"  # releases: of the tracked repositories


def test_a_misspelt_field_of_a_list_item_is_caught_before_rendering(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as info:
        page(tmp_path, "{% for p in lists.papers[:3] %}{{ p.titel }}{% endfor %}\n")
    assert list(info.value.problems) == [
        f"{tmp_path}/templates/README.md.j2:1:37: lists.papers[].titel: no such field; "
        "did you mean 'title'?"
    ]


@pytest.mark.parametrize(
    ("template", "shows"),
    [
        ("{{ cv.title }} {{ totals.stars }}", {"totals"}),
        ("{{ scholar.h_index }}", {"scholar"}),
        ("{% for p in lists.papers[:5] %}{% endfor %}{{ lists['models'] }}", {"papers", "models"}),
        ("{{ totals.hub_likes }}", {"totals", "hub_totals"}),
        ("{% set l = lists %}", {"papers", "models", "datasets", "spaces", "repositories",
                                 "releases"}),
    ],
)  # fmt: skip
def test_what_the_pages_show_is_what_is_fetched(template: str, shows: set[str]) -> None:
    assert shown(jinja2.Environment(autoescape=True).parse(template)) == shows


def test_listed_links_are_not_fetched_one_by_one(tmp_path: Path) -> None:
    template = "{% for m in lists.models %}[{{ m.id }}]({{ m.url }}){% endfor %}\n"
    targets = draft(load_inputs(profile(tmp_path, template)))[1]
    assert targets.models == ()  # the list brings their numbers
    assert targets.repositories == ("ada/kss", "ada/pecab")
    assert targets.papers == ("ARXIV:2306.02254",)
    assert targets.shows == {"models"} and targets.hub_authors == ("lab", "ada")


@pytest.mark.parametrize(
    "ref",
    [Ref("repo", "ada/kss"), Ref("model", "lab/m1"), Ref("dataset", "lab/data"),
     Ref("space", "lab/demo"), Ref("paper", "ARXIV:2306.02254"),
     Ref("paper", "ARXIV:hep-th/9901001"), Ref("paper", "ACL:2024.findings-acl.135"),
     Ref("paper", "DOI:10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"),
     Ref("paper", "CorpusId:42")],
)  # fmt: skip
def test_every_list_url_is_a_tracked_link_to_its_item(ref: Ref) -> None:
    url = url_of(ref)
    assert classify(url) == ref
    assert not re.search(r"[\s()<>]", url)  # nothing that ends a markdown link early


def test_plain_escapes_what_markdown_would_read() -> None:
    assert plain("A [v2] *b* <x> a_b | c") == r"A \[v2\] \*b\* \<x\> a\_b \| c"


def test_nothing_is_shown_before_anything_is_fetched() -> None:
    targets = Targets(("ada/kss",), (), "ada", scholar_author="1", hub_authors=("lab",))
    assert lists(Snapshot(), targets) == Lists()
    assert scholar(Snapshot(), targets) == Scholar()
