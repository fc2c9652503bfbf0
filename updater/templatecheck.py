"""Static checks of a page template, every branch at once, without rendering it.

Walks the Jinja AST (`env.parse`) and follows attribute chains rooted at the context the
renderer passes (`cv`, `snapshot`, `totals`, `page`, `pages`), through loop variables (`{% for s
in cv.sections %}` makes `s` a section) and `{% set %}`, using the records' own type hints. It
reports a field that no record of that type can have, a variable that is never defined, an
unknown filter or test, and a macro called with arguments it does not take. It is conservative:
whatever it cannot type (macro parameters, names assigned twice, anything computed) is accepted.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from jinja2 import nodes


class TemplateRefused(jinja2.TemplateError):
    """A template the loader will not read: outside the templates folder, not a regular file,
    too large. The message names the path and why."""


# Blocks inside blocks: Python's compiler stops at 100 levels of indentation and Jinja's code
# takes up to five per `{% for %}` (20 nested loops in a macro compile, 21 do not); a real page
# nests under ten.
MAX_NESTING = 20


@dataclass(frozen=True)
class Rec:
    """A record (pydantic model or dataclass) whose fields are known."""

    cls: type


@dataclass(frozen=True)
class Seq:
    """A tuple or list of one type."""

    item: Ty


@dataclass(frozen=True)
class Map:
    """A mapping: any key may exist; values of one type."""

    value: Ty


@dataclass(frozen=True)
class Text:
    """A string or a number: scalar values with their Python methods."""

    py: type


@dataclass(frozen=True)
class Method:
    """A bound method of a record; calling it gives `result`."""

    result: Ty


@dataclass(frozen=True)
class Union:
    """One of several types (e.g. a list item: text or a node)."""

    options: tuple[Ty, ...]


@dataclass(frozen=True)
class Unknown:
    """Anything: never reported."""


Ty = Rec | Seq | Map | Text | Method | Union | Unknown
UNKNOWN = Unknown()


@dataclass(frozen=True)
class Typed:
    """An expression's type and how to name it in a message (`cv.sections[]`)."""

    ty: Ty
    path: str | None = None


# Filters that keep a sequence's items, and those that take one of them.
_SAME = {"sort", "list", "select", "reject", "selectattr", "rejectattr", "unique", "reverse"}
_ONE = {"first", "last", "random", "min", "max"}
_SPECIAL_NAMES = {"loop", "varargs", "kwargs", "caller", "self", "super"}
_BLOCK_TAGS = {"for", "if", "macro", "call", "filter", "block", "with", "autoescape", "trans"}


def to_type(annotation: Any) -> Ty:  # noqa: PLR0911 - one return per kind of annotation
    """The checker's type for a Python annotation (Annotated, unions, tuples, records)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return to_type(args[0])
    if origin in (typing.Union, types.UnionType):
        options = tuple(to_type(a) for a in args if a is not type(None))
        return options[0] if len(options) == 1 else Union(options)
    if origin in (tuple, list) or _is_abc(origin, "Sequence"):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return UNKNOWN
        return Seq(to_type(args[0])) if args else UNKNOWN
    if origin is dict or _is_abc(origin, "Mapping"):
        return Map(to_type(args[1])) if len(args) == 2 else UNKNOWN
    if annotation in (str, int, float, bool):
        return Text(annotation)
    if isinstance(annotation, type) and _fields(annotation) is not None:
        return Rec(annotation)
    return UNKNOWN


def _is_abc(origin: Any, name: str) -> bool:
    return getattr(origin, "__module__", "") == "collections.abc" and origin.__name__ == name


@functools.cache  # the records never change; the hints are read once per class
def _fields(cls: type) -> dict[str, Any] | None:
    """A record's fields and their annotations; None for a class that is not a record."""
    if not (hasattr(cls, "model_fields") or dataclasses.is_dataclass(cls)):
        return None
    hints = typing.get_type_hints(cls, include_extras=True)
    if hasattr(cls, "model_fields"):
        return {name: hints[name] for name in cls.model_fields}
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _attribute(ty: Ty, attr: str) -> Ty | None:  # noqa: PLR0911 - one case per kind
    """The type of `value.attr`, UNKNOWN if it may exist untyped, None if it cannot exist."""
    if isinstance(ty, Rec):
        fields = _fields(ty.cls) or {}
        if attr in fields:
            return to_type(fields[attr])
        member = getattr(ty.cls, attr, None)
        if member is None:
            return None
        return Method(_returns(member)) if callable(member) else UNKNOWN
    if isinstance(ty, Union):
        found = [t for t in (_attribute(o, attr) for o in ty.options) if t is not None]
        return (found[0] if len(found) == 1 else Union(tuple(found))) if found else None
    if isinstance(ty, Seq):
        return UNKNOWN if hasattr(tuple, attr) else None
    if isinstance(ty, Text):
        return UNKNOWN if hasattr(ty.py, attr) else None
    return UNKNOWN  # a mapping's keys, or anything untyped


def _returns(member: Any) -> Ty:
    try:
        return to_type(typing.get_type_hints(member, include_extras=True).get("return"))
    except (NameError, TypeError):
        return UNKNOWN


def _choices(ty: Ty) -> list[str]:
    """The field names a message can suggest for a type."""
    if isinstance(ty, Rec):
        return list(_fields(ty.cls) or ())
    if isinstance(ty, Union):
        return [name for option in ty.options for name in _choices(option)]
    return []


def _describe(ty: Ty) -> str:
    if isinstance(ty, Seq):
        return "a list (loop over it with {% for %}, or take one with | first)"
    if isinstance(ty, Text):
        return "text" if ty.py is str else "a number"
    return "a record"


@dataclass
class _Checker:
    env: jinja2.Environment
    filename: str
    lines: list[str]
    context: Mapping[str, Ty]
    defined: set[str]
    assigned_twice: set[str]
    macros: dict[str, nodes.Macro]
    problems: list[tuple[int, int, str]] = field(default_factory=list)
    _seen: dict[tuple[int, str], int] = field(default_factory=dict)

    def report(self, lineno: int, kind: str, name: str, message: str) -> None:
        nth = self._seen.get((lineno, kind + name), 0)
        self._seen[(lineno, kind + name)] = nth + 1
        column = find_column("\n".join(self.lines), lineno, name, kind, nth)
        self.problems.append((lineno, column, message))

    # statements -------------------------------------------------------------------------

    def visit(self, node: nodes.Node, scope: dict[str, Typed]) -> None:
        handler = getattr(self, f"stmt_{type(node).__name__}", None)
        if handler is not None:
            handler(node, scope)
        elif isinstance(node, nodes.Expr):
            self.expr(node, scope)
        else:
            for child in node.iter_child_nodes():
                self.visit(child, scope)

    def body(self, statements: Sequence[nodes.Node], scope: dict[str, Typed]) -> None:
        for statement in statements:
            self.visit(statement, scope)

    def stmt_For(self, node: nodes.For, scope: dict[str, Typed]) -> None:
        source = self.expr(node.iter, scope)
        inner = dict(scope)
        item = Typed(UNKNOWN)
        if isinstance(source.ty, Seq):
            item = Typed(source.ty.item, f"{source.path}[]" if source.path else None)
        self.bind(node.target, item, inner)
        inner["loop"] = Typed(UNKNOWN)
        if node.test is not None:
            self.expr(node.test, inner)
        self.body(node.body, inner)
        self.body(node.else_, scope)

    def stmt_Macro(self, node: nodes.Macro, scope: dict[str, Typed]) -> None:
        for default in node.defaults:
            self.expr(default, scope)
        inner = dict(scope)
        for arg in node.args:
            inner[arg.name] = Typed(UNKNOWN)
        self.body(node.body, inner)

    def stmt_CallBlock(self, node: nodes.CallBlock, scope: dict[str, Typed]) -> None:
        self.expr(node.call, scope)
        inner = dict(scope)
        for arg in node.args:
            inner[arg.name] = Typed(UNKNOWN)
        self.body(node.body, inner)

    def stmt_With(self, node: nodes.With, scope: dict[str, Typed]) -> None:
        inner = dict(scope)
        for target, value in zip(node.targets, node.values, strict=False):
            self.bind(target, self.expr(value, scope), inner)
        self.body(node.body, inner)

    def stmt_Assign(self, node: nodes.Assign, scope: dict[str, Typed]) -> None:
        self.bind(node.target, self.expr(node.node, scope), scope)

    def stmt_AssignBlock(self, node: nodes.AssignBlock, scope: dict[str, Typed]) -> None:
        if node.filter is not None:
            self.expr(node.filter, scope)
        self.body(node.body, scope)
        self.bind(node.target, Typed(Text(str)), scope)

    def bind(self, target: nodes.Node, value: Typed, scope: dict[str, Typed]) -> None:
        if isinstance(target, nodes.Name):
            twice = target.name in self.assigned_twice
            scope[target.name] = Typed(UNKNOWN) if twice else value
        else:
            for name in target.find_all(nodes.Name):
                scope[name.name] = Typed(UNKNOWN)

    # expressions ------------------------------------------------------------------------

    def expr(self, node: nodes.Node, scope: dict[str, Typed]) -> Typed:
        handler = getattr(self, f"expr_{type(node).__name__}", None)
        if handler is not None:
            result: Typed = handler(node, scope)
            return result
        for child in node.iter_child_nodes():
            self.expr(child, scope)
        return Typed(UNKNOWN)

    def expr_Name(self, node: nodes.Name, scope: dict[str, Typed]) -> Typed:
        if node.name in scope:
            return scope[node.name]
        if node.name in self.context:
            return Typed(self.context[node.name], node.name)
        if node.ctx == "load" and node.name not in self.defined:
            known = sorted(self.context)
            self.report(
                node.lineno,
                "name",
                node.name,
                f"{node.name}: no such variable{_hint(node.name, known)}; "
                f"a page sees {', '.join(known)}",
            )
        return Typed(UNKNOWN)

    def expr_Getattr(self, node: nodes.Getattr, scope: dict[str, Typed]) -> Typed:
        return self.member(node, self.expr(node.node, scope), node.attr)

    def expr_Getitem(self, node: nodes.Getitem, scope: dict[str, Typed]) -> Typed:
        base = self.expr(node.node, scope)
        self.expr(node.arg, scope)
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return self.member(node, base, node.arg.value)
        if isinstance(base.ty, Seq) and not isinstance(node.arg, nodes.Slice):
            return Typed(base.ty.item, f"{base.path}[]" if base.path else None)
        if isinstance(base.ty, Map):
            return Typed(base.ty.value)
        return Typed(base.ty if isinstance(node.arg, nodes.Slice) else UNKNOWN, base.path)

    def member(self, node: nodes.Node, base: Typed, attr: str) -> Typed:
        if attr.startswith("_"):
            self.report(
                node.lineno,
                "attr",
                attr,
                f"{attr}: not allowed: templates run sandboxed and see fields of the data, "
                "never names starting with _ (Python internals)",
            )
            return Typed(UNKNOWN)
        found = _attribute(base.ty, attr)
        path = f"{base.path}.{attr}" if base.path else None
        if found is not None:
            return Typed(found, path)
        if base.path:  # only chains rooted at the context: anything else may be a guess
            choices = _choices(base.ty)
            if choices:
                detail = _hint(attr, choices) or f"; fields here: {', '.join(choices)}"
            else:
                detail = f"; {base.path} is {_describe(base.ty)}"
            if base.path == "cv" and attr not in choices:
                detail += f'; a section by its id is cv.section("{attr}")'
            self.report(node.lineno, "attr", attr, f"{path}: no such field{detail}")
        return Typed(UNKNOWN)

    def expr_Call(self, node: nodes.Call, scope: dict[str, Typed]) -> Typed:
        for arg in [*node.args, *(k.value for k in node.kwargs)]:
            self.expr(arg, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scope)
        if isinstance(node.node, nodes.Name) and node.node.name not in scope:
            macro = self.macros.get(node.node.name)
            if macro is not None:
                self.check_call(node, macro)
        callee = self.expr(node.node, scope)
        if isinstance(callee.ty, Method):
            name = f"{callee.path}(...)" if callee.path else None
            return Typed(callee.ty.result, name)
        return Typed(UNKNOWN)

    def check_call(self, call: nodes.Call, macro: nodes.Macro) -> None:
        params = [a.name for a in macro.args]
        uses = {n.name for n in macro.find_all(nodes.Name)}
        where = f"{macro.name}({', '.join(params)})"
        if len(call.args) > len(params) and "varargs" not in uses and call.dyn_args is None:
            self.report(
                call.lineno,
                "call",
                macro.name,
                f"{macro.name}: called with {len(call.args)} arguments; it takes {where}",
            )
        for keyword in call.kwargs:
            if keyword.key not in params and "kwargs" not in uses:
                self.report(
                    call.lineno,
                    "call",
                    macro.name,
                    f"{macro.name}: no argument named '{keyword.key}'"
                    f"{_hint(keyword.key, params)}; it takes {where}",
                )
        given = set(params[: len(call.args)]) | {k.key for k in call.kwargs}
        required = params[: len(params) - len(macro.defaults)]
        tested = {
            t.node.name
            for t in macro.find_all(nodes.Test)
            if isinstance(t.node, nodes.Name) and t.name in {"defined", "undefined"}
        }
        missing = [p for p in required if p not in given and p not in tested]
        if missing and call.dyn_args is None and call.dyn_kwargs is None:
            self.report(
                call.lineno,
                "call",
                macro.name,
                f"{macro.name}: {'argument' if len(missing) == 1 else 'arguments'} "
                f"{', '.join(repr(m) for m in missing)} not given; "
                f"it takes {where}",
            )

    def expr_Filter(self, node: nodes.Filter, scope: dict[str, Typed]) -> Typed:
        base = self.expr(node.node, scope) if node.node is not None else Typed(UNKNOWN)
        self.arguments(node, scope)
        if node.name not in self.env.filters:
            self.report(
                node.lineno,
                "filter",
                node.name,
                f"{node.name}: no such filter{_hint(node.name, list(self.env.filters))}",
            )
            return Typed(UNKNOWN)
        if node.name in _SAME and isinstance(base.ty, Seq):
            return base
        if node.name in _ONE and isinstance(base.ty, Seq):
            return Typed(base.ty.item, f"{base.path}[]" if base.path else None)
        return Typed(UNKNOWN)

    def expr_Test(self, node: nodes.Test, scope: dict[str, Typed]) -> Typed:
        self.expr(node.node, scope)
        self.arguments(node, scope)
        if node.name not in self.env.tests:
            self.report(
                node.lineno,
                "test",
                node.name,
                f"{node.name}: no such test{_hint(node.name, list(self.env.tests))}",
            )
        return Typed(UNKNOWN)

    def arguments(self, node: nodes.Filter | nodes.Test, scope: dict[str, Typed]) -> None:
        for arg in [*node.args, *(k.value for k in node.kwargs)]:
            self.expr(arg, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scope)

    def expr_CondExpr(self, node: nodes.CondExpr, scope: dict[str, Typed]) -> Typed:
        self.expr(node.test, scope)
        first = self.expr(node.expr1, scope)
        if node.expr2 is not None:
            self.expr(node.expr2, scope)
        return Typed(UNKNOWN) if node.expr2 is not None else first


def _hint(name: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _names_defined(tree: nodes.Template) -> tuple[set[str], set[str]]:
    """Every name the template binds anywhere, and the names it assigns more than once."""
    bound: set[str] = set()
    for node in tree.find_all(nodes.Node):
        bound.update(_binds(node))
    assigned = [
        n.target.name
        for n in tree.find_all((nodes.Assign, nodes.AssignBlock))
        if isinstance(n, nodes.Assign | nodes.AssignBlock) and isinstance(n.target, nodes.Name)
    ]
    return bound, {name for name in assigned if assigned.count(name) > 1}


def _binds(node: nodes.Node) -> list[str]:  # noqa: PLR0911 - one case per statement
    """The names one statement binds."""
    if isinstance(node, nodes.Assign | nodes.AssignBlock | nodes.For):
        return _target_names(node.target)
    if isinstance(node, nodes.With):
        return [name for target in node.targets for name in _target_names(target)]
    if isinstance(node, nodes.Macro):
        return [node.name, *(a.name for a in node.args)]
    if isinstance(node, nodes.CallBlock):
        return [a.name for a in node.args]
    if isinstance(node, nodes.Import):
        return [node.target]
    if isinstance(node, nodes.FromImport):
        return [n if isinstance(n, str) else n[1] for n in node.names]
    return []


def _target_names(target: nodes.Node) -> list[str]:
    names = [n.name for n in target.find_all(nodes.Name)]
    return [target.name, *names] if isinstance(target, nodes.Name) else names


def check_template(
    env: jinja2.Environment,
    source: str,
    filename: str,
    context: Mapping[str, Any],
    *,
    report_names: bool = True,
    tree: nodes.Template | None = None,
) -> list[str]:
    """Every static problem of one template, as `FILE:LINE:COL: message`; `report_names`
    False accepts any variable name (for partials, which see their includer's names). The
    caller may pass the template's parse (`tree`), which the checks only read."""
    if tree is None:
        try:
            tree = env.parse(source, filename=filename)
        except jinja2.TemplateSyntaxError as exc:
            return [syntax_problem(filename, exc, source, env)]
    defined, twice = _names_defined(tree)
    if not report_names:
        defined |= {n.name for n in tree.find_all(nodes.Name)}
    macros = {m.name: m for m in tree.find_all(nodes.Macro)}
    checker = _Checker(
        env,
        filename,
        source.splitlines(),
        {name: to_type(ann) for name, ann in context.items()},
        defined | set(env.globals) | _SPECIAL_NAMES,
        twice,
        macros,
    )
    checker.body(tree.body, {})
    found = [f"{filename}:{line}:{col}: {msg}" for line, col, msg in sorted(checker.problems)]
    deep = _too_deep(tree, filename, source)
    return found + deep + _missing_templates(env, tree, filename, source)


EVERY = "*"  # in fields_read: the name is used whole (passed on, assigned), any field may be read


def fields_read(tree: nodes.Template, names: frozenset[str]) -> dict[str, set[str]]:
    """For each context name the template reads, the fields it reads of it (`lists.papers`:
    {"lists": {"papers"}}); EVERY among them when it uses the name itself otherwise."""
    found: dict[str, set[str]] = {}
    todo: list[nodes.Node] = [tree]
    while todo:
        node = todo.pop()
        base = node.node if isinstance(node, nodes.Getattr | nodes.Getitem) else None
        if isinstance(base, nodes.Name) and base.name in names:
            key = node.attr if isinstance(node, nodes.Getattr) else _const(node)
            found.setdefault(base.name, set()).add(key or EVERY)
            todo += [c for c in node.iter_child_nodes() if c is not base]
            continue
        if isinstance(node, nodes.Name) and node.name in names and node.ctx == "load":
            found.setdefault(node.name, set()).add(EVERY)
        todo += node.iter_child_nodes()
    return found


def _const(node: nodes.Node) -> str | None:
    arg = getattr(node, "arg", None)
    return arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None


def _too_deep(tree: nodes.Template, filename: str, source: str) -> list[str]:
    """The first block nested more than MAX_NESTING deep, at its tag."""
    todo: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while todo:
        node, depth = todo.pop()
        block = isinstance(node, nodes.Stmt) and bool(getattr(node, "body", None))
        depth += block
        if depth > MAX_NESTING:
            line, column = _deepest_tag(source) or (node.lineno, 1)
            return [_nesting_message(filename, line, column)]
        todo += [(child, depth) for child in node.iter_child_nodes()]
    return []


def _nesting_message(filename: str, line: int, column: int) -> str:
    return (
        f"{filename}:{line}:{column}: blocks nested more than {MAX_NESTING} deep here: "
        "move the inner part into a macro, or flatten the conditions (`{% if a and b %}`)"
    )


def _deepest_tag(source: str) -> tuple[int, int] | None:
    """Line and column of the first block tag past MAX_NESTING open blocks, by its tags."""
    depth = 0
    for match in _TAG_RE.finditer(source):
        name = match["name"]
        if name in _BLOCK_TAGS or (name == "set" and "=" not in (match["rest"] or "")):
            depth += 1
            if depth > MAX_NESTING:
                line = source.count("\n", 0, match.start()) + 1
                return line, match.start() - (source.rfind("\n", 0, match.start()) + 1) + 1
        elif name is not None and name.startswith("end"):
            depth -= 1
    return None


def nesting_problem(filename: str, source: str) -> str:
    """A template too deeply nested for Jinja's parser or Python's compiler: at the first tag
    past MAX_NESTING open blocks, else on the line with the most brackets."""
    deepest = _deepest_tag(source)
    if deepest is not None:
        return _nesting_message(filename, *deepest)
    lines = source.splitlines() or [""]
    line = max(range(len(lines)), key=lambda i: sum(map(lines[i].count, "([{"))) + 1
    return (
        f"{filename}:{line}:1: nested too deeply for Python to compile (blocks or brackets): "
        "move parts into macros or variables, or flatten the conditions"
    )


def _missing_templates(
    env: jinja2.Environment, tree: nodes.Template, filename: str, source: str
) -> list[str]:
    """`{% include %}`, `{% import %}` and `{% extends %}` of a template that is not there."""
    problems = []
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        name = getattr(getattr(node, "template", None), "value", None)
        if not isinstance(name, str) or getattr(node, "ignore_missing", False):
            continue
        try:
            env.get_template(name)
        except TemplateRefused as exc:
            column = find_column(source, node.lineno, name, "string")
            problems.append(f"{filename}:{node.lineno}:{column}: {exc.message}")
        except jinja2.TemplateNotFound:
            column = find_column(source, node.lineno, name, "string")
            problems.append(
                f"{filename}:{node.lineno}:{column}: {name!r}: no such template in the "
                "templates folder (names are relative to it, from a page in a folder too: "
                "_NAME.j2, or FOLDER/_NAME.j2 for a partial in a folder of it)"
            )
        except jinja2.TemplateError:
            continue  # its own problems are reported when it is checked
    return problems


# positions --------------------------------------------------------------------------------

_PATTERNS = {
    "attr": r"\.\s*{0}\b|\[\s*['\"]{0}['\"]\s*\]",
    "name": r"(?<![\w.]){0}\b",
    "filter": r"\|\s*{0}\b",
    "test": r"\bis\s+(?:not\s+)?{0}\b",
    "call": r"(?<![\w.]){0}\s*\(",
    "string": r"['\"]{0}['\"]",
}


def find_column(source: str, lineno: int, name: str, kind: str, nth: int = 0) -> int:
    """The 1-based column of the nth `kind` use of `name` on a line (1 if not found)."""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return 1
    pattern = re.compile(_PATTERNS[kind].format(re.escape(name)))
    matches = list(pattern.finditer(lines[lineno - 1]))
    if not matches:
        return 1
    match = matches[min(nth, len(matches) - 1)]
    offset = 1 if kind == "attr" and match[0].startswith(".") else 0
    if kind in {"filter", "test"}:
        return match.end() - len(name) + 1
    return match.start() + 1 + offset


_TAG_RE = re.compile(
    r"\{#.*?#\}"
    r"|\{%[-+]?\s*raw\s*[-+]?%\}.*?\{%[-+]?\s*endraw\s*[-+]?%\}"
    r"|\{%[-+]?\s*(?P<name>\w+)(?P<rest>.*?)[-+]?%\}",
    re.DOTALL,
)


def _open_blocks(source: str) -> Iterator[tuple[str, int]]:
    """The block tags still open at the end of the source, outermost first, with offsets."""
    stack: list[tuple[str, int]] = []
    for match in _TAG_RE.finditer(source):
        name = match["name"]
        if name is None:
            continue
        if name in _BLOCK_TAGS or (name == "set" and "=" not in match["rest"]):
            stack.append((name, match.start()))
        elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
            stack.pop()
    yield from stack


def syntax_problem(
    filename: str,
    exc: jinja2.TemplateSyntaxError,
    source: str,
    env: jinja2.Environment | None = None,
) -> str:
    """A syntax error as `FILE:LINE:COL: message`; an unclosed block points at its opening tag,
    any other error at the tag on its line that makes it (found by parsing up to each tag)."""
    message = exc.message or str(exc)
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if innermost:
        opened = [offset for name, offset in _open_blocks(source) if name == innermost[1]]
        if opened:
            line = source.count("\n", 0, opened[-1]) + 1
            column = opened[-1] - (source.rfind("\n", 0, opened[-1]) + 1) + 1
            found = "the end of the file" if "end of template" in message else f"line {exc.lineno}"
            return (
                f"{filename}:{line}:{column}: template syntax error: this "
                f"{{% {innermost[1]} %}} is never closed (reached {found}): "
                f"add {{% end{innermost[1]} %}} where it should end"
            )
    lineno = exc.lineno or 1
    lines = source.splitlines()
    text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    column = (text.find("{") + 1) or 1
    if env is not None:
        column = _failing_tag_column(env, source, lineno, message) or column
    filter_or_test = re.match(r"No (filter|test) named '(\w+)'", message)
    if filter_or_test:
        column = find_column(source, lineno, filter_or_test[2], filter_or_test[1])
    return f"{filename}:{lineno}:{column}: template syntax error: {message}"


_TAG_OPEN_RE = re.compile(r"\{[{%#]")
_TAG_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}
_MAX_TAGS_TRIED = 16


def _failing_tag_column(env: jinja2.Environment, source: str, lineno: int, message: str) -> int:
    """The column of the first tag on the error's line such that the source up to that tag's
    end fails with the same message (0 if none does): the tag the parser stopped in."""
    line_start = 0
    for _ in range(lineno - 1):
        line_start = source.find("\n", line_start) + 1
        if line_start == 0:
            return 0
    line_end = source.find("\n", line_start)
    line_end = len(source) if line_end < 0 else line_end
    tags = list(_TAG_OPEN_RE.finditer(source, line_start, line_end))
    if len(tags) > _MAX_TAGS_TRIED:  # one parse per tag: bounded on a line of many tags
        return 0
    for match in tags:
        close = source.find(_TAG_CLOSE[match[0]], match.end(), line_end)
        end = line_end if close < 0 else close + 2
        try:
            env.parse(source[:end])
        except jinja2.TemplateSyntaxError as exc:
            if (exc.message or str(exc)) == message and exc.lineno == lineno:
                return match.start() - line_start + 1
    return 0


# runtime messages -------------------------------------------------------------------------

_NO_ATTR_RE = re.compile(r"^'(?:(?P<cls>[\w.]+) object|None)' has no attribute '(?P<attr>\w+)'$")
_PLAIN_KINDS = {"tuple": "a list", "list": "a list", "str": "text", "int": "a number"}


def plain_undefined(message: str, context: Mapping[str, Any]) -> str:
    """Jinja's undefined-value message without internal class names, with the fields known."""
    match = _NO_ATTR_RE.match(message)
    if match is None:
        names = re.match(r"^'(\w+)' is undefined$", message)
        if names:
            return f"{names[1]} is undefined: no such variable; a page sees {', '.join(context)}"
        return f"undefined value: {message}"
    attr, qualified = match["attr"], match["cls"]
    if qualified is None:
        return f"no field '{attr}': the value is empty (None) here; guard it with {{% if %}}"
    short = qualified.rsplit(".", 1)[-1]
    record = _record_named(short, context)
    if record is None:
        return f"no field '{attr}': {_PLAIN_KINDS.get(short, 'this value')} has no such field"
    choices = list(_fields(record) or ())
    hint = _hint(attr, choices) or f"; fields here: {', '.join(choices)}"
    return f"no field '{attr}' in {short.lower()}{hint}"


def _record_named(name: str, context: Mapping[str, Any]) -> type | None:
    """The record class of that name reachable from the context's types."""
    seen: set[type] = set()
    todo = [to_type(ann) for ann in context.values()]
    while todo:
        ty = todo.pop()
        if isinstance(ty, Rec) and ty.cls not in seen:
            seen.add(ty.cls)
            if ty.cls.__name__ == name:
                return ty.cls
            todo += [to_type(ann) for ann in (_fields(ty.cls) or {}).values()]
        elif isinstance(ty, Seq):
            todo.append(ty.item)
        elif isinstance(ty, Map):
            todo.append(ty.value)
        elif isinstance(ty, Union):
            todo += ty.options
    return None
