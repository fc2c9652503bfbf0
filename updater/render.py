"""Jinja2 environment, filters and render(cv, snapshot) -> str. Pure: no I/O beyond the template."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2

from updater.cv import CV
from updater.errors import InputError
from updater.links import GITHUB_REPO_RE, HF_MODEL_RE, hf_model
from updater.snapshot import Snapshot

_UNITS = ((1_000, "k"), (1_000_000, "M"), (1_000_000_000, "B"))
_MD_LINK_RE = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]\((?P<url>[^()\s]+)\)")


def humanize(value: int | None) -> str:
    """1,234 -> 1.2k, 56,789 -> 56.8k, 1,234,567 -> 1.2M; None -> empty string."""
    if value is None:
        return ""
    if abs(value) < 1000:
        return str(value)
    for divisor, suffix in _UNITS:
        scaled = (Decimal(value) / divisor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if abs(scaled) < 1000 or suffix == "B":
            return f"{scaled}".removesuffix(".0") + suffix
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Totals:
    """The headline numbers; None where not known."""

    stars: int | None
    downloads: int | None


def totals(cv: CV, snapshot: Snapshot, models: tuple[str, ...]) -> Totals:
    """Stars over the person's public repositories; 30-day downloads over the CV's models."""
    user = snapshot.user
    stars = (
        user.stars
        if user and cv.tracking.github_user and _same(user.login, cv.tracking.github_user)
        else None
    )
    counts = [m.downloads for m in map(snapshot.model, models) if m and m.downloads is not None]
    return Totals(stars, sum(counts) if counts else None)


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def repo_badge(snapshot: Snapshot, name: str) -> str:
    """` <sub>★ 1.2k</sub>` for a known repository, else nothing."""
    stats = snapshot.repo(name)
    return f" <sub>★ {humanize(stats.stars)}</sub>" if stats else ""


def model_badge(snapshot: Snapshot, model_id: str) -> str:
    """` <sub>⬇ 12.1k last 30 days · ♥ 45</sub>` with whatever is known, else nothing."""
    stats = snapshot.model(model_id)
    if stats is None:
        return ""
    parts = []
    if stats.downloads is not None:
        parts.append(f"⬇ {humanize(stats.downloads)} last 30 days")
    if stats.likes is not None:
        parts.append(f"♥ {humanize(stats.likes)}")
    return f" <sub>{' · '.join(parts)}</sub>" if parts else ""


def annotate(snapshot: Snapshot, text: str) -> str:
    """Put the live numbers right after every repository or model link in markdown text."""

    def badge(match: re.Match[str]) -> str:
        url = match["url"]
        repo = GITHUB_REPO_RE.fullmatch(url)
        if repo:
            return match[0] + repo_badge(snapshot, f"{repo[1]}/{repo[2]}")
        model = hf_model(url) if HF_MODEL_RE.fullmatch(url) else None
        return match[0] + (model_badge(snapshot, model) if model else "")

    return _MD_LINK_RE.sub(badge, text)


@jinja2.pass_context
def _annotate_filter(context: jinja2.runtime.Context, text: str) -> str:
    return annotate(context["snapshot"], text)


def _link_filter(text: str, url: str | None) -> str:
    return f"[{text}]({url})" if url else text


def make_environment(template_dir: Path) -> jinja2.Environment:
    """The one Jinja2 environment: strict about undefined names, markdown-friendly whitespace."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - the output is markdown, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(humanize=humanize, annotate=_annotate_filter, link=_link_filter)
    return env


def load_template(path: Path) -> jinja2.Template:
    """Compile the template; a syntax error names TEMPLATE:LINE."""
    env = make_environment(path.parent)
    try:
        return env.get_template(path.name)
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"{path}:1: template not found; pass --template PATH") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"{path}:{exc.lineno}: template syntax error: {exc.message}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}:1: cannot read template: {exc}") from exc


def render(template: jinja2.Template, cv: CV, snapshot: Snapshot, models: tuple[str, ...]) -> str:
    """The README text for this CV and these numbers. Same inputs, same bytes."""
    context: dict[str, Any] = {
        "cv": cv,
        "snapshot": snapshot,
        "totals": totals(cv, snapshot, models),
    }
    try:
        return template.render(context)
    except jinja2.UndefinedError as exc:
        raise InputError(
            f"{_template_line(template, exc)}: undefined variable: {exc.message}"
        ) from exc
    except jinja2.TemplateError as exc:
        raise InputError(f"{_template_line(template, exc)}: template error: {exc}") from exc


def _template_line(template: jinja2.Template, exc: BaseException) -> str:
    """TEMPLATE:LINE of the innermost frame that ran template code."""
    name = template.filename or template.name or "<template>"
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    return f"{name}:{lines[-1] if lines else 1}"
