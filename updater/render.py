"""Jinja2 environment, filters and rendering of every page. Pure: no I/O beyond the templates."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from updater.badges import badge, humanize, totals
from updater.cv import CV
from updater.errors import InputError, ValidationFailed
from updater.links import Targets
from updater.page.annotate import annotate
from updater.pages import Page
from updater.snapshot import Snapshot


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
    # The live numbers go right after every tracked link a reader sees, page-wide: code,
    # comments and reference definitions are left alone, everything else kept byte for byte.
    badge_of = partial(badge, snapshot)
    return {
        name: annotate(render(template, {**context, "page": name}), badge_of)
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
