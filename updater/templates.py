"""The Jinja2 sandbox, filters and rendering of every page. Pure: no I/O beyond the templates.

Templates are the person's, but a page is public and the run holds tokens: they run in Jinja's
immutable sandbox (no attributes starting with `_`, no Python internals, no environment), read
only files inside the templates folder, and are bounded: rendering counts against the run's
deadline, every string a template builds and every page is at most `MAX_PAGE_BYTES`, and
recursion is an error at the template's line. A value that is None in the data prints as an
error naming where it came from (`Missing`), never as `None` on the page."""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment
from pydantic import BaseModel

from updater.badges import Totals, badge, humanize, totals
from updater.cv import CV
from updater.errors import InputError, ValidationFailed, sort_problems, with_position
from updater.files import MAX_TEXT_BYTES, decode_text, read_bytes
from updater.links import Targets
from updater.lists import Lists, Scholar, lists, scholar
from updater.page.annotate import annotate
from updater.pages import Page, partials
from updater.snapshot import Snapshot
from updater.stats import LIST_KINDS
from updater.templatecheck import (
    EVERY,
    TemplateRefused,
    check_template,
    fields_read,
    find_column,
    nesting_problem,
    plain_undefined,
    syntax_problem,
)
from updater.yamlsource import YamlDocument, format_path

# What a template sees, by type: templatecheck follows attribute chains through these.
CONTEXT_TYPES: Mapping[str, Any] = {
    "cv": CV,
    "snapshot": Snapshot,
    "totals": Totals,
    "scholar": Scholar,
    "lists": Lists,
    "page": str,
    "pages": tuple[str, ...],
}
# The names whose use decides what is fetched: a list or figure no page shows is not asked for.
_FETCHED = frozenset({"scholar", "lists", "totals", "snapshot"})
_HUB_TOTALS = frozenset({"hub_downloads", "hub_likes", "hub_models", EVERY})
# One cap for a page and for any text a template builds: what check and render --check read.
MAX_PAGE_BYTES = MAX_TEXT_BYTES
# A width or count a filter or string method may be given (`center`, `batch`, `ljust`, ...).
MAX_COUNT = 10_000
RENDER_SECONDS = 120.0  # without a deadline (validate, tests): far above any real page
# Rendering always gets this long, even when a slow fetch used up the deadline (a page renders
# in tens of milliseconds): numbers fetched late are still shown, not lost to the clock.
MIN_RENDER_SECONDS = 1.0
_TICK_EVERY = 256  # loop items between two looks at the clock
TEMPLATES_AREA = "the templates folder"


class RenderDeadline(Exception):
    """The time allowed for rendering ran out."""


class TooLarge(Exception):
    """A template built a string, list or number beyond the caps."""


class EmptyValue(jinja2.UndefinedError):
    """A value that is None in the data reached the page."""

    def __init__(self, missing: Missing | None, attr: str | None = None) -> None:
        self.missing, self.attr = missing, attr
        super().__init__("empty value")


# the run's state: deadline and where each record came from --------------------------------


@dataclass
class _Run:
    remaining: Callable[[], float]  # seconds left of the deadline
    floor_at: float  # time.monotonic() before which rendering goes on regardless
    origins: dict[int, tuple[str, tuple[str | int, ...]]] = field(default_factory=dict)
    source: YamlDocument | None = None

    def check(self) -> None:
        if self.remaining() <= 0 and time.monotonic() >= self.floor_at:
            raise RenderDeadline


_RUN: ContextVar[_Run | None] = ContextVar("updater_render", default=None)


def _tick() -> None:
    run = _RUN.get()
    if run is not None:
        run.check()


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every `{% for %}` loops through this: it looks at the clock every few items."""
    run = _RUN.get()
    for count, item in enumerate(iterable):
        if run is not None and count % _TICK_EVERY == 0:
            run.check()
        yield item


def _origins(value: Any, label: str, path: tuple[str | int, ...], found: dict[int, Any]) -> None:
    """Record where every record in value sits (`cv`, ("sections", 2)), for messages."""
    if isinstance(value, BaseModel):
        if id(value) in found:
            return
        found[id(value)] = (label, path)
        for name in type(value).model_fields:
            _origins(getattr(value, name), label, (*path, name), found)
    elif is_dataclass(value) and not isinstance(value, type):
        found.setdefault(id(value), (label, path))
        for f in fields(value):
            _origins(getattr(value, f.name), label, (*path, f.name), found)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            _origins(item, label, (*path, index), found)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _origins(item, label, (*path, str(key)), found)


# missing values ---------------------------------------------------------------------------


class Missing(jinja2.Undefined):
    """A field that is None in the data: false, `none`, equal to None, and `default` replaces
    it; printing it, joining it or reading a field of it is an error naming where it is empty."""

    __slots__ = ("_label", "_path")

    def __init__(self, label: str | None, path: tuple[str | int, ...]) -> None:
        super().__init__(name=str(path[-1]) if path else None)
        self._label, self._path = label, path

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        raise EmptyValue(self)

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        raise EmptyValue(self, name)

    __str__ = __iter__ = __len__ = __contains__ = _fail_with_undefined_error

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, Missing)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(None)

    def __repr__(self) -> str:
        return "None"

    def where(self) -> str:
        """`cv.sections[2].title`, or the field's name when its record is not in the data."""
        shown = format_path(self._path)
        return f"{self._label}.{shown}" if self._label else shown


def _missing(obj: Any, attr: str | int, value: Any) -> Any:
    """None read from a record becomes a Missing that knows its data path."""
    if value is not None:
        return value
    run = _RUN.get()
    origin = run.origins.get(id(obj)) if run is not None else None
    if origin is None:
        return Missing(None, (attr,))
    return Missing(origin[0], (*origin[1], attr))


def _finalize(value: Any) -> Any:
    """What `{{ }}` prints: never None."""
    if value is None:
        raise EmptyValue(None)
    return value


def _is_none(value: Any) -> bool:
    return value is None or isinstance(value, Missing)


# the sandbox ------------------------------------------------------------------------------


def _too_large(what: str) -> TooLarge:
    return TooLarge(f"{what}: larger than the {MAX_PAGE_BYTES // (1024 * 1024)} MB a page may be")


def _size_of(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | bytes) else 0


def _bounded_join(parts: Iterable[Any], sep: str = "") -> str:
    """`~`, `join` and a macro's or block's text: at most MAX_PAGE_BYTES characters."""
    items = [str(part) for part in parts]
    if sum(map(len, items)) + len(sep) * max(len(items) - 1, 0) > MAX_PAGE_BYTES:
        raise _too_large("joined text")
    return sep.join(items)


_WIDTH_RE = re.compile(r"\d{5,}|\*")  # a width or precision of 10,000 or more, or from an argument


def _check_format(text: Any) -> None:
    if isinstance(text, str) and any(
        m[0] == "*" or int(m[0]) > MAX_COUNT for m in _WIDTH_RE.finditer(text)
    ):
        raise TooLarge(f"a format with a width over {MAX_COUNT} (or `*`) is not allowed here")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        sized, count = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(count, int) and _size_of(sized) * max(count, 0) > MAX_PAGE_BYTES:
            raise _too_large(f"repeating {type(sized).__name__} {count} times")
    elif operator == "+" and _size_of(left) + _size_of(right) > MAX_PAGE_BYTES:
        raise _too_large("the sum")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int):
        if abs(left) > 1 and right * left.bit_length() > 100_000:
            raise TooLarge(f"{left} ** {right}: a number far too large")
    elif operator == "%":
        _check_format(left)


def _check_counts(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT:
            raise TooLarge(f"{name}({value}): at most {MAX_COUNT} here")


_STR_COUNTS = {"center", "ljust", "rjust", "zfill", "expandtabs"}


def _check_call(obj: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """A string method that can grow text: its widths and results are bounded."""
    owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in _STR_COUNTS:
        _check_counts(name, args, kwargs)
    elif name == "join" and args:
        _bounded_join(args[0], owner)
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        grows = (owner.count(old) if old else len(owner) + 1) * max(len(new) - len(old), 0)
        if len(owner) + grows > MAX_PAGE_BYTES:
            raise _too_large("the replaced text")
    elif name in {"format", "format_map"}:
        _check_format(owner)


def _bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A builtin filter whose numbers are widths or counts: bounded like the string methods."""
    passed = getattr(original, "jinja_pass_arg", None)  # eval_ctx or context comes first

    def bounded(*given: Any, **kwargs: Any) -> Any:
        value, *args = given[1:] if passed is not None else given
        _check_counts(name, tuple(args), kwargs)
        if name == "format":
            _check_format(value)
        if name == "replace" and len(args) >= 2 and isinstance(value, str):
            _check_call(value.replace, tuple(args), {})
        return original(*given, **kwargs)

    if passed is not None:
        bounded.jinja_pass_arg = passed  # type: ignore[attr-defined]
    return bounded


def _join_filter(original: Callable[..., Any]) -> Callable[..., Any]:
    def join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
        result: str = original(eval_ctx, list(_counted(value)), d, attribute)
        if len(result) > MAX_PAGE_BYTES:
            raise _too_large("joined text")
        return result

    return jinja2.pass_eval_context(join)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, bounded in time and size, with None read as Missing."""

    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:
        _tick()
        _check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in {"format", "format_map"}:
            _check_format(obj)  # the sandbox hands out its own wrapper of str.format
        return _missing(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return _missing(obj, argument if isinstance(argument, str | int) else "[]", value)


class BoundedTemplate(jinja2.Template):
    """A compiled template whose text joins (`~`, macros, blocks) are bounded."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: Any,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        # The compiled module's own names: every concatenation of text in it goes through these.
        module = template.root_render_func.__globals__
        module["concat"] = module["str_join"] = _bounded_join
        module["markup_join"] = _bounded_join
        return template


class TemplateLoader(jinja2.BaseLoader):
    """Templates by name, only from inside the templates folder (symlinks resolved), read
    through the one checked read function."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template's text, its file name and an always-true up-to-date check."""
        try:
            pieces = jinja2.loaders.split_template_path(template)
        except jinja2.TemplateNotFound as exc:
            raise TemplateRefused(
                f"{template!r}: names a file outside the templates folder"
            ) from exc
        path = self.folder.joinpath(*pieces)
        try:
            data = read_bytes(path, self.folder, area=TEMPLATES_AREA)
        except InputError as exc:
            raise TemplateRefused(str(exc)) from exc
        if data is None:
            raise jinja2.TemplateNotFound(template)
        return decode_text(path, data, nul_is_binary=False), str(path), lambda: True


def _range(*args: int) -> range:
    """`range()` in a template: at most MAX_RANGE numbers, as Jinja's sandbox allows."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TooLarge(
            f"range() of {len(numbers)} numbers: a template may loop over at most {MAX_RANGE}"
        )
    return numbers


def _link_filter(text: str, url: str | None) -> str:
    return f"[{text}]({url})" if url else text


# What markdown would read as markup in a line of text: a title with `[v2]` or `*` in it
# must not end a link early or start emphasis.
_MARKUP_RE = re.compile(r"([\\`*_\[\]<>#|~&])")


def plain(text: object) -> str:
    """`text | plain`: the text shown as itself, markdown's punctuation escaped (for text
    from a source, such as a paper's title or a repository's description)."""
    return _MARKUP_RE.sub(r"\\\1", str(text))


_COUNT_FILTERS = ("center", "indent", "batch", "slice", "wordwrap", "truncate", "format", "replace")


def make_environment(template_dir: Path, newline: str = "\n") -> Sandbox:
    """The one Jinja2 environment: sandboxed and bounded, strict about undefined names,
    markdown-friendly whitespace."""
    env = Sandbox(
        loader=TemplateLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is markdown, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        newline_sequence=newline,
        finalize=_finalize,
    )
    env.template_class = BoundedTemplate
    del env.globals["lipsum"]  # lorem ipsum of any length: nothing a page needs
    env.globals["range"] = _range
    for name in _COUNT_FILTERS:
        env.filters[name] = _bounded_filter(name, env.filters[name])
    env.filters["join"] = _join_filter(env.filters["join"])
    env.filters.update(humanize=humanize, link=_link_filter, plain=plain)
    env.tests["none"] = _is_none
    return env


def newline_of(source: str) -> str:
    """CRLF when every line of the template ends so (Jinja writes one kind of line ending)."""
    crlf = source.count("\r\n")
    return "\r\n" if crlf and crlf == source.count("\n") else "\n"


# compiling --------------------------------------------------------------------------------


def load_templates(pages: tuple[Page, ...]) -> dict[str, jinja2.Template]:
    """Compile and statically check every page's template and every partial (`_NAME.j2`) of
    the templates folder; all problems are reported together, in line order."""
    compiled, problems, _ = compile_templates(pages)
    if problems:
        raise ValidationFailed(sort_problems(problems))
    return compiled


class Compiled(NamedTuple):
    """The templates that compiled clean, every static problem of the others, and what of
    the lists and figures they show (`scholar`, `papers`, ..., `hub_totals`), to fetch."""

    templates: dict[str, jinja2.Template]
    problems: list[str]
    shows: frozenset[str]


def compile_templates(pages: tuple[Page, ...]) -> Compiled:
    """The templates that compiled clean, every static problem of the others, and what they show.

    Every page and partial of one templates folder shares its loader: include names are
    relative to the templates folder, as Jinja names templates, from a page in a subfolder
    too (`{% include "profile/_links.j2" %}`)."""
    envs: dict[tuple[Path, str], jinja2.Environment] = {}
    compiled: dict[str, jinja2.Template] = {}
    problems: list[str] = []
    shows: set[str] = set()
    for page in pages:
        template = _load_page(page.template, page.folder, envs, problems, shows)
        if template is not None:
            compiled[page.name] = template
    for folder in sorted({page.folder for page in pages}):
        for path in partials(folder):
            _load_page(path, folder, envs, problems, shows, partial=True)
    return Compiled(compiled, problems, frozenset(shows))


def shown(tree: nodes.Template) -> set[str]:
    """What of the lists and figures a template shows: `scholar`, each list it reads (all of
    them when it passes `lists` on whole), `hub_totals` for `totals.hub_*`, `totals` for any use
    of `totals` or `snapshot`."""
    read = fields_read(tree, _FETCHED)
    found = {"scholar"} if "scholar" in read else set()
    lists_read = read.get("lists", set())
    found |= set(LIST_KINDS) if EVERY in lists_read else lists_read & set(LIST_KINDS)
    if read.get("totals", set()) & _HUB_TOTALS:
        found.add("hub_totals")
    if "totals" in read or "snapshot" in read:
        found.add("totals")  # the owner's totals (snapshot.user among them)
    return found


def _load_page(
    path: Path,
    folder: Path,
    envs: dict[tuple[Path, str], jinja2.Environment],
    problems: list[str],
    shows: set[str],
    *,
    partial: bool = False,
) -> jinja2.Template | None:
    """One template of the templates folder, checked then compiled; its problems are added to
    `problems`."""
    try:
        data = read_bytes(path, folder, area=TEMPLATES_AREA)
        if data is None:  # a symlink to nothing
            raise InputError(f"{path}: no such file (a link to a file that does not exist?)")
        source = decode_text(path, data, nul_is_binary=False)
    except InputError as exc:
        problems.append(with_position(str(exc)))
        return None
    key = (folder, newline_of(source))
    env = envs.get(key) or envs.setdefault(key, make_environment(*key))
    tree = _parse(env, source, path, problems)
    if tree is None:
        return None
    shows |= shown(tree)
    # A partial may use names its includer sets: only its field chains and filters are checked.
    found = check_template(
        env, source, str(path), CONTEXT_TYPES, report_names=not partial, tree=tree
    )
    problems += found
    if found or partial:
        return None
    return _compile(env, _with_counted_loops(tree), source, path, problems)


def _parse(
    env: jinja2.Environment, source: str, path: Path, problems: list[str]
) -> nodes.Template | None:
    try:  # parsed once: checked, then compiled from the same tree
        return env.parse(source, path.name, str(path))
    except jinja2.TemplateSyntaxError as exc:
        problems.append(syntax_problem(str(path), exc, source, env))
    except RecursionError:  # blocks or brackets nested past what the parser can follow
        problems.append(nesting_problem(str(path), source))
    return None


def _compile(
    env: jinja2.Environment, tree: nodes.Template, source: str, path: Path, problems: list[str]
) -> jinja2.Template | None:
    try:
        code = env.compile(tree, path.name, str(path))
    except jinja2.TemplateSyntaxError as exc:  # what only the code generator finds
        problems.append(syntax_problem(str(path), exc, source, env))
        return None
    except (RecursionError, SyntaxError):  # Python's own limits on nesting (IndentationError)
        problems.append(nesting_problem(str(path), source))
        return None
    return env.template_class.from_code(env, code, env.make_globals(None))


def _with_counted_loops(tree: nodes.Template) -> nodes.Template:
    """Every `{% for %}` iterates through `_counted`, which watches the deadline."""
    for loop in tree.find_all(nodes.For):
        counted = nodes.ImportedName(f"{__name__}._counted", lineno=loop.iter.lineno)
        loop.iter = nodes.Call(counted, [loop.iter], [], None, None, lineno=loop.iter.lineno)
    return tree


# rendering --------------------------------------------------------------------------------


def render_pages(
    templates: Mapping[str, jinja2.Template],
    cv: CV,
    snapshot: Snapshot,
    targets: Targets,
    *,
    source: YamlDocument | None = None,
    remaining: Callable[[], float] | None = None,
    min_seconds: float = MIN_RENDER_SECONDS,
) -> dict[str, str]:
    """Every page's text for this data and these numbers. Same inputs, same bytes.

    `source` (the parsed data file) places a missing value in it; `remaining` gives the
    seconds left of the deadline (default RENDER_SECONDS from now); rendering stops once
    they are spent and at least `min_seconds` have passed."""
    numbers = totals(snapshot, targets)
    context: dict[str, Any] = {
        "cv": cv,
        "snapshot": snapshot,
        "totals": numbers,
        "scholar": scholar(snapshot, targets),
        "lists": lists(snapshot, targets),
        "pages": tuple(templates),
    }
    clock = remaining or _seconds_from_now(RENDER_SECONDS)
    run = _Run(clock, time.monotonic() + min_seconds, source=source)
    for label in ("cv", "snapshot", "totals", "scholar", "lists"):
        _origins(context[label], label, (), run.origins)
    # The live numbers go right after every tracked link a reader sees, page-wide: code,
    # comments and reference definitions are left alone, everything else kept byte for byte.
    badge_of = partial(badge, snapshot)
    pages: dict[str, str] = {}
    problems: list[str] = []
    token = _RUN.set(run)
    try:
        for name, template in templates.items():  # every page's error, not only the first's
            try:
                pages[name] = _capped(
                    template, annotate(render(template, {**context, "page": name}), badge_of)
                )
            except InputError as exc:
                problems.append(str(exc))
    finally:
        _RUN.reset(token)
    if problems:
        raise ValidationFailed(sort_problems(problems))
    return pages


def _seconds_from_now(seconds: float) -> Callable[[], float]:
    at = time.monotonic() + seconds
    return lambda: at - time.monotonic()


def _capped(template: jinja2.Template, text: str) -> str:
    if len(text) > MAX_PAGE_BYTES or len(text.encode("utf-8")) > MAX_PAGE_BYTES:
        raise InputError(f"{template.filename}:1:1: {_too_large_page()}")
    return text


def _too_large_page() -> str:
    return (
        f"the page it renders is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB, the most "
        "check and render --check read back: is a loop or an include repeating?"
    )


def render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """One template's text; a template error names TEMPLATE:LINE:COL in the person's words."""
    try:
        return _generate(template, context)
    except EmptyValue as exc:
        raise InputError(_runtime_problem(template, exc, _empty_message(template, exc))) from exc
    except jinja2.UndefinedError as exc:
        message = plain_undefined(exc.message or str(exc), CONTEXT_TYPES)
        raise InputError(_runtime_problem(template, exc, message)) from exc
    except KeyError as exc:  # cv.section("missing") says which ids exist
        raise InputError(_runtime_problem(template, exc, str(exc.args[0]))) from exc
    except (SecurityError, TemplateRefused) as exc:
        raise InputError(_runtime_problem(template, exc, _refused(exc))) from exc
    except (RenderDeadline, TooLarge, RecursionError, MemoryError) as exc:
        raise InputError(_runtime_problem(template, exc, _bounded_message(exc))) from exc
    except (jinja2.TemplateError, LookupError, TypeError, ValueError, ArithmeticError) as exc:
        raise InputError(_runtime_problem(template, exc, f"template error: {exc}")) from exc


def _generate(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """The template's text, chunk by chunk: stops at the page cap and at the deadline."""
    chunks: list[str] = []
    size = 0
    run = _RUN.get()
    for chunk in template.generate(context):
        size += len(chunk)
        if size > MAX_PAGE_BYTES:
            raise TooLarge(_too_large_page())
        if run is not None:
            run.check()
        chunks.append(chunk)
    return "".join(chunks)


def _refused(exc: Exception) -> str:
    if isinstance(exc, TemplateRefused):
        return str(exc.message or exc)
    return (
        f"not allowed: {str(exc).rstrip('.')}; templates run sandboxed: they see the data "
        "(cv, snapshot, totals, scholar, lists, page, pages) and its fields, not Python "
        "internals or the environment"
    )


def _bounded_message(exc: BaseException) -> str:
    if isinstance(exc, RenderDeadline):
        return (
            "the deadline (--deadline) ran out while rendering this page, not while fetching: "
            "a loop or a macro here runs too long"
        )
    if isinstance(exc, RecursionError):
        return (
            "recursion too deep: a macro calls itself, or templates include each other, without end"
        )
    if isinstance(exc, MemoryError):
        return "rendering ran out of memory: a loop or a macro here builds too much text"
    return str(exc)


def _empty_message(template: jinja2.Template, exc: EmptyValue) -> str:
    missing = exc.missing
    if missing is None:
        return (
            "a value printed here is empty (None): guard it with {% if ... %} or give a "
            'default with `or ""`'
        )
    where = missing.where()
    name, line = _template_line(template, exc)
    guard = _guard_expression(_source_at(template, name), line, missing) or where
    number = missing._label in {"totals", "snapshot", "scholar"} or (
        missing._label == "lists" and missing._path[-1:] in _LIST_COUNTS
    )
    fix = (
        f"guard it with {{% if {guard} is not none %}}"
        if number
        else f"guard it with {{% if {guard} %}}"
        if missing._label == "lists"
        else f"set it, or guard it with {{% if {guard} %}}"
    )
    if exc.attr is not None:
        return f"{where} is empty, so it has no field '{exc.attr}': {_origin(missing)}; {fix}"
    return f"{where} is empty: {_origin(missing)}; {fix}"


_LIST_COUNTS = {(name,) for name in ("citations", "downloads", "likes", "year")}


def _origin(missing: Missing) -> str:
    """Where the empty value would be written: the data file's line, or the snapshot."""
    run = _RUN.get()
    path = missing._path
    field_name = path[-1] if path else "value"
    if missing._label == "cv" and run is not None and run.source is not None:
        doc = run.source
        parent = path[:-1]
        if not parent:
            return f"{doc.source} has no {field_name}"
        pos = doc.locate(parent)
        return f"{doc.source}:{pos.line}:{pos.column}: {format_path(parent)} has no {field_name}"
    if missing._label in {"totals", "snapshot", "scholar"}:
        return "no number is known for it yet (data/stats.json has none)"
    if missing._label == "lists":
        return "its source does not give it for this item"
    return "it is None here"


def _guard_expression(source: str | None, line: int, missing: Missing) -> str | None:
    """The template's own expression for the empty value (`section.title`), to guard it with."""
    lines = (source or "").splitlines()
    path = missing._path
    if not path or not 0 < line <= len(lines) or not isinstance(path[-1], str):
        return None
    found = re.search(
        rf"[A-Za-z_]\w*(?:\.\w+|\[[^\]\n]*\])*\.{re.escape(path[-1])}\b", lines[line - 1]
    )
    return found[0] if found else None


def _runtime_problem(template: jinja2.Template, exc: BaseException, message: str) -> str:
    name, line = _template_line(template, exc)
    column = 1
    attr = re.search(r"no field '(\w+)'|^'?(\w+)'? is undefined", message)
    source = _source_at(template, name)
    if isinstance(exc, EmptyValue) and source is not None:
        column = _output_column(source, line, exc)
    elif attr and source is not None:
        column = find_column(source, line, attr[1] or attr[2], "attr" if attr[1] else "name")
    section = re.match(r"no section with id '([^']*)'", message)
    if section and source is not None and 0 < line <= len(lines := source.splitlines()):
        call = re.search(rf"""section\(\s*["']{re.escape(section[1])}["']""", lines[line - 1])
        column = call.start() + 1 if call else column
    return f"{name}:{line}:{column}: {message}"


def _output_column(source: str, line: int, exc: EmptyValue) -> int:
    """The `{{` that prints the empty value (its expression's start if not found)."""
    lines = source.splitlines()
    if not 0 < line <= len(lines) or exc.missing is None:
        return 1
    text = lines[line - 1]
    guard = _guard_expression(source, line, exc.missing)
    at = text.find(guard) if guard else -1
    if at < 0:
        return (text.find("{{") + 1) or 1
    opened = text.rfind("{{", 0, at)
    return (opened if opened >= 0 else at) + 1


def _source_at(template: jinja2.Template, filename: str) -> str | None:
    """The text of the template (or partial) that failed, to find the column in it."""
    loader = template.environment.loader
    folder = loader.folder if isinstance(loader, TemplateLoader) else Path(filename).parent
    try:
        data = read_bytes(Path(filename), folder, area=TEMPLATES_AREA)
    except InputError:
        return None
    return None if data is None else data.decode("utf-8", errors="replace")


def _template_line(template: jinja2.Template, exc: BaseException) -> tuple[str, int]:
    """TEMPLATE and LINE of the innermost frame that ran template code."""
    # Jinja's compiled code runs under the template's own file name (a page or a partial).
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
    if frames and frames[-1].lineno is not None:
        return frames[-1].filename, frames[-1].lineno
    return template.filename or template.name or "<template>", 1
