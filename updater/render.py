"""Jinja2 environment, filters and rendering of every page. Pure: no I/O beyond the templates."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2

from updater.cv import CV
from updater.errors import POSITION_RE, InputError, ValidationFailed, sort_problems
from updater.files import decode_text, read_bytes
from updater.links import GITHUB_REPO_RE, HF_MODEL_RE, Targets, hf_model
from updater.page.annotate import annotate as annotate_page
from updater.pages import Page
from updater.snapshot import Snapshot
from updater.templatecheck import check_template, find_column, plain_undefined, syntax_problem

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


# What a template sees, by type: templatecheck follows attribute chains through these.
CONTEXT_TYPES: Mapping[str, Any] = {
    "cv": CV,
    "snapshot": Snapshot,
    "totals": Totals,
    "page": str,
    "pages": tuple[str, ...],
}


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
    """Compile and statically check every page's template and the partials beside them
    (`_NAME.j2`); all problems are reported together, in line order."""
    envs: dict[tuple[Path, str], jinja2.Environment] = {}
    compiled: dict[str, jinja2.Template] = {}
    problems: list[str] = []
    for page in pages:
        template = _load_page(page.template, envs, problems)
        if template is not None:
            compiled[page.name] = template
    for folder in sorted({page.template.parent for page in pages}):
        for partial in sorted(folder.glob("_*.j2")):
            _load_page(partial, envs, problems, partial=True)
    if problems:
        raise ValidationFailed(sort_problems(problems))
    return compiled


def _load_page(
    path: Path,
    envs: dict[tuple[Path, str], jinja2.Environment],
    problems: list[str],
    partial: bool = False,
) -> jinja2.Template | None:
    """One template, checked then compiled; its problems are added to `problems`."""
    try:
        source = decode_text(path, read_bytes(path) or b"", nul_is_binary=False)
    except InputError as exc:
        problems.append(_with_position(str(exc)))
        return None
    key = (path.parent, newline_of(source))
    env = envs.get(key) or envs.setdefault(key, make_environment(*key))
    # A partial may use names its includer sets: only its field chains and filters are checked.
    found = check_template(env, source, str(path), CONTEXT_TYPES, report_names=not partial)
    problems += found
    if found or partial:
        return None
    try:
        return env.get_template(path.name)
    except jinja2.TemplateSyntaxError as exc:
        problems.append(syntax_problem(str(path), exc, source))
        return None


def _with_position(message: str) -> str:
    if POSITION_RE.match(message):
        return message
    path, _, rest = message.partition(": ")
    return f"{path}:1:1: {rest}"


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
    """One template's text; a template error names TEMPLATE:LINE:COL in the person's words."""
    try:
        return template.render(context)
    except jinja2.UndefinedError as exc:
        message = plain_undefined(exc.message or str(exc), CONTEXT_TYPES)
        raise InputError(_runtime_problem(template, exc, message)) from exc
    except KeyError as exc:  # cv.section("missing") says which ids exist
        raise InputError(_runtime_problem(template, exc, str(exc.args[0]))) from exc
    except (jinja2.TemplateError, LookupError, TypeError, ValueError, ArithmeticError) as exc:
        raise InputError(_runtime_problem(template, exc, f"template error: {exc}")) from exc


def _runtime_problem(template: jinja2.Template, exc: BaseException, message: str) -> str:
    name, line = _template_line(template, exc)
    column = 1
    attr = re.search(r"no field '(\w+)'|^'?(\w+)'? is undefined", message)
    source = _source_at(template, name)
    if attr and source is not None:
        column = find_column(source, line, attr[1] or attr[2], "attr" if attr[1] else "name")
    return f"{name}:{line}:{column}: {message}"


def _source_at(template: jinja2.Template, filename: str) -> str | None:
    """The text of the template (or partial) that failed, to find the column in it."""
    if filename == template.filename and template.environment.loader is not None:
        try:
            env = template.environment
            return env.loader.get_source(env, template.name or "")[0]  # type: ignore[union-attr]
        except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
            return None
    try:
        return Path(filename).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _template_line(template: jinja2.Template, exc: BaseException) -> tuple[str, int]:
    """TEMPLATE and LINE of the innermost frame that ran template code."""
    # Jinja's compiled code runs under the template's own file name (a page or a partial).
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
    if frames and frames[-1].lineno is not None:
        return frames[-1].filename, frames[-1].lineno
    return template.filename or template.name or "<template>", 1
