"""Jinja2 environment, filters and rendering of every page. Pure: no I/O beyond the templates."""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from updater.badges import Totals, badge, humanize, totals
from updater.cv import CV
from updater.errors import POSITION_RE, InputError, ValidationFailed, sort_problems
from updater.files import decode_text, read_bytes
from updater.links import Targets
from updater.page.annotate import annotate
from updater.pages import Page
from updater.snapshot import Snapshot
from updater.templatecheck import check_template, find_column, plain_undefined, syntax_problem

# What a template sees, by type: templatecheck follows attribute chains through these.
CONTEXT_TYPES: Mapping[str, Any] = {
    "cv": CV,
    "snapshot": Snapshot,
    "totals": Totals,
    "page": str,
    "pages": tuple[str, ...],
}


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
    compiled, problems = compile_templates(pages)
    if problems:
        raise ValidationFailed(sort_problems(problems))
    return compiled


def compile_templates(pages: tuple[Page, ...]) -> tuple[dict[str, jinja2.Template], list[str]]:
    """The templates that compiled clean, and every static problem of the others."""
    envs: dict[tuple[Path, str], jinja2.Environment] = {}
    compiled: dict[str, jinja2.Template] = {}
    problems: list[str] = []
    for page in pages:
        template = _load_page(page.template, envs, problems)
        if template is not None:
            compiled[page.name] = template
    for folder in sorted({page.template.parent for page in pages}):
        for path in sorted(folder.glob("_*.j2")):
            _load_page(path, envs, problems, partial=True)
    return compiled, problems


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
    try:  # parsed once: checked, then compiled from the same tree
        tree = env.parse(source, path.name, str(path))
    except jinja2.TemplateSyntaxError as exc:
        problems.append(syntax_problem(str(path), exc, source, env))
        return None
    # A partial may use names its includer sets: only its field chains and filters are checked.
    found = check_template(
        env, source, str(path), CONTEXT_TYPES, report_names=not partial, tree=tree
    )
    problems += found
    if found or partial:
        return None
    try:
        code = env.compile(tree, path.name, str(path))
    except jinja2.TemplateSyntaxError as exc:  # what only the code generator finds
        problems.append(syntax_problem(str(path), exc, source, env))
        return None
    return env.template_class.from_code(env, code, env.make_globals(None))


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
    # The live numbers go right after every tracked link a reader sees, page-wide: code,
    # comments and reference definitions are left alone, everything else kept byte for byte.
    badge_of = partial(badge, snapshot)
    pages: dict[str, str] = {}
    problems: list[str] = []
    for name, template in templates.items():  # every page's error, not only the first's
        try:
            pages[name] = annotate(render(template, {**context, "page": name}), badge_of)
        except InputError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationFailed(sort_problems(problems))
    return pages


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
    section = re.match(r"no section with id '([^']*)'", message)
    if section and source is not None and 0 < line <= len(lines := source.splitlines()):
        call = re.search(rf"""section\(\s*["']{re.escape(section[1])}["']""", lines[line - 1])
        column = call.start() + 1 if call else column
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
