"""data/stats.json: the last known numbers. Load, merge a run's results, serialize stably."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from updater.errors import InputError
from updater.stats import ModelStats, RepoStats, SourceResult, UserTotals, repo_key
from updater.yamlsource import format_path

FORMAT = 1


@dataclass(frozen=True)
class Snapshot:
    """Last known numbers, keyed by lower-case OWNER/REPO and by model id."""

    repositories: Mapping[str, RepoStats] = field(default_factory=dict)
    models: Mapping[str, ModelStats] = field(default_factory=dict)
    user: UserTotals | None = None
    renamed: Mapping[str, str] = field(default_factory=dict)

    def repo(self, name: str) -> RepoStats | None:
        """Numbers for a repository as the CV names it, following recorded renames."""
        key = repo_key(name)
        return self.repositories.get(self.renamed.get(key, key))

    def model(self, model_id: str) -> ModelStats | None:
        """Numbers for a model as the CV names it (case-insensitive, like the Hub)."""
        return self.models.get(model_id.lower())


@dataclass(frozen=True)
class _File:
    format: int
    repositories: dict[str, RepoStats]
    models: dict[str, ModelStats]
    user: UserTotals | None = None
    renamed: dict[str, str] = field(default_factory=dict)


_ADAPTER = TypeAdapter(_File)


def load_snapshot(path: Path) -> Snapshot:
    """Read data/stats.json; a missing file is an empty snapshot, a broken one an InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Snapshot()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}:1:1: cannot read: {exc}") from exc
    return parse_snapshot(text, str(path))


def parse_snapshot(text: str, source: str) -> Snapshot:
    """Validate snapshot JSON text."""
    try:
        raw = json.loads(text)
        data = _ADAPTER.validate_python(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = format_path(tuple(first["loc"]))
        what = (
            f"{where}: {first['msg']}"
            if where
            else "expected a JSON object with format, repositories and models"
        )
        raise InputError(f"{source}:1:1: {what}; fix the file or delete it to start over") from exc
    if data.format != FORMAT:
        raise InputError(f"{source}:1:1: format: expected {FORMAT}, got {data.format}")
    return Snapshot(data.repositories, data.models, data.user, data.renamed)


def dumps(snapshot: Snapshot) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    body = {
        "format": FORMAT,
        "repositories": {k: asdict(v) for k, v in snapshot.repositories.items()},
        "models": {k: asdict(v) for k, v in snapshot.models.items()},
        "user": asdict(snapshot.user) if snapshot.user else None,
        "renamed": dict(snapshot.renamed),
    }
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def merge(old: Snapshot, results: Iterable[SourceResult]) -> Snapshot:
    """New numbers replace old ones; anything not fetched keeps its last known value and time."""
    repos, models = dict(old.repositories), dict(old.models)
    renamed, user = dict(old.renamed), old.user
    for result in results:
        for rename in result.renames:
            old_key, new_key = repo_key(rename.old), repo_key(rename.new)
            renamed[old_key] = new_key
            if old_key in repos:
                repos.setdefault(new_key, repos.pop(old_key))
        repos.update({repo_key(r.name_with_owner): r for r in result.repositories})
        models.update({m.model_id.lower(): m for m in result.models})
        user = result.user or user
    return Snapshot(repos, models, user, renamed)
