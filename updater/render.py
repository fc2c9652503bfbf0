"""Jinja2 environment, filters and rendering of every page. Pure: no I/O beyond the templates."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2

from updater.cv import CV
from updater.errors import InputError, ValidationFailed
from updater.links import GITHUB_REPO_RE, HF_MODEL_RE, Targets, hf_model
from updater.page.annotate import annotate as annotate_page
from updater.pages import Page
from updater.snapshot import Snapshot

_UNITS = ((1_000, "k"), (1_000_000, "M"), (1_000_000_000, "B"))

Badge = Callable[[str], str | None]


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
    citations: int | None = None


def totals(snapshot: Snapshot, targets: Targets) -> Totals:
    """Stars over the person's public repositories; 30-day downloads over the linked models."""
    user, login = snapshot.user, targets.github_user
    stars = user.stars if user and login and user.login.lower() == login.lower() else None
    counts = [
        m.downloads for m in map(snapshot.model, targets.models) if m and m.downloads is not None
    ]
    return Totals(stars, sum(counts) if counts else None)


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


def badge_for(snapshot: Snapshot) -> Badge:
    """The text to put right after a link to `url`, or None."""

    def badge(url: str) -> str | None:
        repo = GITHUB_REPO_RE.fullmatch(url)
        if repo:
            return repo_badge(snapshot, f"{repo[1]}/{repo[2]}") or None
        model = hf_model(url) if HF_MODEL_RE.fullmatch(url) else None
        return (model_badge(snapshot, model) or None) if model else None

    return badge


def annotate(text: str, badge: Badge) -> str:
    """Put the live numbers right after every tracked link a reader sees on the page.

    The markdown-aware pass: code, comments, reference definitions and HTML attributes are
    never touched, a link that already shows a count badge is left alone, and everything
    between insertions is kept byte for byte."""
    return annotate_page(text, badge)


def _link_filter(text: str, url: str | None) -> str:
    return f"[{text}]({url})" if url else text


def make_environment(template_dir: Path, newline: str = "\n") -> jinja2.Environment:
    """The one Jinja2 environment: strict about undefined names, markdown-friendly whitespace."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - the output is markdown, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        newline_sequence=newline,  # type: ignore[arg-type]
    )
    env.filters.update(humanize=humanize, link=_link_filter)
    return env


def newline_of(source: str) -> str:
    """CRLF when every line of the template ends so (Jinja writes one kind of line ending)."""
    crlf = source.count("\r\n")
    return "\r\n" if crlf and crlf == source.count("\n") else "\n"


def load_templates(pages: tuple[Page, ...]) -> dict[str, jinja2.Template]:
    """Compile every page's template; all syntax errors are reported together."""
    envs: dict[tuple[Path, str], jinja2.Environment] = {}
    compiled: dict[str, jinja2.Template] = {}
    problems: list[str] = []
    for page in pages:
        try:
            source = page.template.read_bytes().decode("utf-8")
            key = (page.template.parent, newline_of(source))
            env = envs.get(key) or envs.setdefault(key, make_environment(*key))
            compiled[page.name] = env.get_template(page.template.name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(f"{page.template}:{exc.lineno}:1: template syntax error: {exc.message}")
        except UnicodeDecodeError as exc:
            problems.append(f"{page.template}:1:1: not UTF-8 text (byte {exc.start})")
        except OSError as exc:
            problems.append(f"{page.template}:1:1: cannot read template: {exc.strerror or exc}")
    if problems:
        raise ValidationFailed(problems)
    return compiled


def render_pages(
    templates: Mapping[str, jinja2.Template],
    cv: CV,
    snapshot: Snapshot,
    targets: Targets,
) -> dict[str, str]:
    """Every page's text for this data and these numbers. Same inputs, same bytes."""
    context: dict[str, Any] = {
        "cv": cv,
        "snapshot": snapshot,
        "totals": totals(snapshot, targets),
        "pages": tuple(templates),
    }
    badge = badge_for(snapshot)
    return {
        name: annotate(render(template, {**context, "page": name}), badge)
        for name, template in templates.items()
    }


def render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """One template's text, with template errors naming TEMPLATE:LINE."""
    try:
        return template.render(context)
    except jinja2.UndefinedError as exc:
        raise InputError(
            f"{_template_line(template, exc)}: undefined variable: {exc.message}"
        ) from exc
    except (jinja2.TemplateError, KeyError) as exc:
        raise InputError(f"{_template_line(template, exc)}: template error: {exc}") from exc


def _template_line(template: jinja2.Template, exc: BaseException) -> str:
    """TEMPLATE:LINE of the innermost frame that ran template code."""
    name = template.filename or template.name or "<template>"
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    return f"{name}:{lines[-1] if lines else 1}"
