"""Shared fixtures: the project root, fixture files, and a scratch profile repository."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.huggingface import FakeHub
from tests.fakes.scholar import FakeScholar
from updater.build import Paths
from updater.snapshot import Snapshot, dumps
from updater.sources.http import Policy

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# A copy of the seed profile (data, template, the README it renders): the tests never read the
# committed data/ and templates/, so an adopter who replaces them keeps a green CI.
SEED = FIXTURES / "seed"
GITHUB_TOKEN = "ghs_SECRETgithubTOKEN0123456789"
HF_TOKEN = "hf_SECREThubTOKEN0123456789"
SCHOLAR_KEY = "s2_SECRETscholarKEY0123456789"
# The production policy with the waiting taken out, so fault tests run in milliseconds.
FAST = Policy(connect_timeout=1, read_timeout=1, retries=2, backoff_factor=0, backoff_jitter=0)
# For the tests of timeouts themselves: a server that answers in 0.6 s is far too slow for it.
QUICK = replace(FAST, connect_timeout=0.15, read_timeout=0.15)


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """Each test starts with the logging set-up it found: a `-v` run in one test leaves the root
    logger at DEBUG with a handler, which made every later render log (and slow) its parsing."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def profile(tmp_path: Path) -> Paths:
    """A profile repository made from the seed fixture, in a temporary folder, empty snapshot."""
    for rel in ("data/cv.yaml", "templates/README.md.j2"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SEED / rel, tmp_path / rel)
    (tmp_path / "data/stats.json").write_text(dumps(Snapshot()), encoding="utf-8")
    return Paths(
        tmp_path / "data/cv.yaml",
        tmp_path / "data/stats.json",
        tmp_path / "templates",
        tmp_path,
    )


def manual(profile: Paths) -> None:
    """The file the seed page links (docs/README.md): without it the page has a check error,
    which the page gate of `update` would hold back as new."""
    (profile.root / "docs").mkdir(exist_ok=True)
    (profile.root / "docs/README.md").write_text("# The manual\n", encoding="utf-8")


@pytest.fixture
def fixed_stats(profile: Paths) -> Paths:
    """The profile with the fixed fixture snapshot in place of the committed one."""
    shutil.copy(SEED / "stats.json", profile.stats)
    return profile


def paths_args(paths: Paths) -> list[str]:
    """The CLI options that point a command at these paths."""
    return [
        "--data", str(paths.data),
        "--stats", str(paths.stats),
        "--templates", str(paths.templates),
        "--root", str(paths.root),
    ]  # fmt: skip


@pytest.fixture(scope="session")
def github_schema() -> Any:
    """GitHub's published GraphQL schema (built once: it takes about a second)."""
    from graphql import build_ast_schema, parse  # noqa: PLC0415 - only where queries are validated

    sdl = (FIXTURES / "github-graphql" / "schema.graphql").read_text(encoding="utf-8")
    # Without source locations the 1.2 MB SDL parses in half the time (built once per worker).
    schema = build_ast_schema(parse(sdl, no_location=True), assume_valid_sdl=True)
    # The published SDL breaks two schema-consistency rules that do not matter for
    # validating queries (see tests/fixtures/github-graphql/README.md).
    schema._validation_errors = []
    return schema


@pytest.fixture
def fake_github(github_schema: Any) -> Iterator[FakeGitHub]:
    """A fake GitHub that checks every GraphQL query against the real schema."""
    with FakeGitHub(token=GITHUB_TOKEN, schema=github_schema) as server:
        yield server


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    """A fake Hugging Face Hub."""
    with FakeHub(token=HF_TOKEN) as server:
        yield server


@pytest.fixture
def fake_scholar() -> Iterator[FakeScholar]:
    """A fake Semantic Scholar Graph API that requires the test key."""
    with FakeScholar(key=SCHOLAR_KEY) as server:
        yield server


@pytest.fixture
def live_env(
    monkeypatch: pytest.MonkeyPatch,
    fake_github: FakeGitHub,
    fake_hub: FakeHub,
    fake_scholar: FakeScholar,
) -> dict[str, str]:
    """The environment a GitHub Actions run would have, pointing at the fakes."""
    env = {
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_GRAPHQL_URL": fake_github.url + "/graphql",
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "HF_ENDPOINT": fake_hub.url + "/",
        "HF_TOKEN": HF_TOKEN,
        "SEMANTIC_SCHOLAR_API_URL": fake_scholar.base_url + "/",
        "SEMANTIC_SCHOLAR_API_KEY": SCHOLAR_KEY,
    }
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
