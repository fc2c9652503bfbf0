"""The page gate: what `update` commits is never worse than the page that is up, and never holds
a secret.

Every changed page is checked with `updater check`'s rules, and so is the page it replaces (the
published one, read from the branch). An error the published page does not already have holds
the commit back, unless the owner lets new errors through for a deliberate change (check's own
silencing comments in the template do so one rule at a time). Findings are compared without
their positions: a line that moved is not a new error. A file to commit that holds the value of
a known secret holds the commit back too, and no option lets that through."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from updater.page.check import ERROR, Context, Finding, anchors, check
from updater.page.parse import parse
from updater.words import count

# A place a message refers to (`first at line 192`): moved with the page, it is no new error.
_PLACE_RE = re.compile(r"\b(line|column|col) \d+")
SECRET = "secret"  # noqa: S105 - the rule name a found secret is reported under
SILENCE = "<!-- check-disable-next-line RULE -->"


@dataclass(frozen=True)
class Held:
    """One reason a commit is held back, at its place in the file that would be committed."""

    path: str
    line: int
    column: int
    rule: str  # a rule of `updater check`, or SECRET
    message: str

    def format(self) -> str:
        """`FILE:LINE:COL: error: message [rule]`, as `updater check` prints a finding."""
        return f"{self.path}:{self.line}:{self.column}: error: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class Candidate:
    """A changed page as it would be committed, beside the page it replaces."""

    path: str  # in the repository, relative to its root
    text: str
    # The page that is up (None where the branch has no such page), read only when needed: a
    # page without errors is never compared, which saves downloading it.
    published: Callable[[], str | None]
    template: str | None  # the page's template: what it prints literally is not a leftover


@dataclass(frozen=True)
class Verdict:
    """What the gate found: new errors, secrets, and the errors already published."""

    errors: tuple[Held, ...] = ()  # errors of check the published pages do not have
    secrets: tuple[Held, ...] = ()
    kept: int = 0  # errors the published pages already have: not new, not counted
    allowed: bool = False  # the owner lets new errors through (--allow-new-errors)

    @property
    def holds(self) -> bool:
        """Whether nothing may be committed."""
        return bool(self.secrets) or (bool(self.errors) and not self.allowed)

    @property
    def held(self) -> tuple[Held, ...]:
        """Every reason the commit is held back, secrets first."""
        return self.secrets + (() if self.allowed else self.errors)

    def explain(self, published: str, option: str = "--allow-new-errors") -> str:
        """One paragraph for the log and the job summary: why, and what to do.

        `published` names where the pages are up, e.g. "on main"."""
        if self.secrets:
            return _secret_reason(self.secrets)
        pages = _paths(self.errors)
        errors = count(len(self.errors), "error", "errors")
        return (
            f"{', '.join(pages)} would gain {errors} of `updater check` that the "
            f"{'page' if len(pages) == 1 else 'pages'} {published} "
            f"{'does' if len(pages) == 1 else 'do'} not have. Fix the template or the data; "
            f"if the change is deliberate, silence the rule in the template ({SILENCE}) or "
            f"run with {option}"
        )


def _secret_reason(secrets: Sequence[Held]) -> str:
    names = sorted({h.message.removeprefix("holds the value of ").split(" ")[0] for h in secrets})
    return (
        f"{', '.join(_paths(secrets))} would hold the value of {', '.join(names)}, which must "
        "never be published, and no option lets it through. Find what puts it there (a "
        "template or data/cv.yaml) and remove it; if it was ever published, revoke the token"
    )


def _paths(held: Sequence[Held]) -> list[str]:
    return list(dict.fromkeys(h.path for h in held))


def inspect(
    candidates: Sequence[Candidate], files: Mapping[str, str], secrets: Mapping[str, str],
    root: Path, *, allow_new_errors: bool = False,
) -> Verdict:  # fmt: skip
    """Check every candidate against its published page, and every file for the secrets.

    `files` are all the files the commit would hold (path -> text); `secrets` the known
    secrets by name; `root` the repository's checkout, where relative links point."""
    pages = {str((root / c.path).resolve()): anchors(parse(c.text)) for c in candidates}
    errors: list[Held] = []
    kept = 0
    for candidate in candidates:
        new, old = new_errors(candidate, root, pages)
        errors += new
        kept += old
    found = tuple(find_secrets(files, secrets))
    return Verdict(tuple(errors), found, kept, allow_new_errors)


def new_errors(
    candidate: Candidate, root: Path, pages: Mapping[str, frozenset[str]]
) -> tuple[list[Held], int]:
    """The page's errors the published page does not have, and how many it does have.

    Errors are compared by rule and message, as a multiset: where the published page has one
    broken link to x and the new page two, one of the two is new (the later one)."""
    page_dir = (root / candidate.path).parent
    context = Context(candidate.path, page_dir, root, candidate.template, pages)
    found = _errors(candidate.text, context)
    if not found:
        return [], 0
    published = Counter(_key(f) for f in _errors(candidate.published(), context))
    new: list[Held] = []
    kept = 0
    for finding in found:
        key = _key(finding)
        if published[key] > 0:
            published[key] -= 1
            kept += 1
            continue
        new.append(
            Held(candidate.path, finding.line, finding.column, finding.rule, finding.message)
        )
    return new, kept


def _key(finding: Finding) -> tuple[str, str]:
    """What a finding is, wherever it sits: its rule and its message without positions."""
    return finding.rule, _PLACE_RE.sub(r"\1 _", finding.message)


def _errors(text: str | None, context: Context) -> list[Finding]:
    if text is None:
        return []
    return [f for f in check(parse(text), context) if f.severity == ERROR]


def find_secrets(files: Mapping[str, str], secrets: Mapping[str, str]) -> Iterator[Held]:
    """Where each file holds a secret's value (its first place, and how often)."""
    for path, text in files.items():
        for name, value in secrets.items():
            at = text.find(value) if value else -1
            if at < 0:
                continue
            times = text.count(value)
            line = text.count("\n", 0, at) + 1
            column = at - (text.rfind("\n", 0, at) + 1) + 1
            more = f" ({times} times)" if times > 1 else ""
            yield Held(path, line, column, SECRET, f"holds the value of {name}{more}")


def secret_problems(found: Sequence[Held], action: str = "nothing was written") -> list[str]:
    """`FILE:LINE:COL: message` problems for secrets found in files about to be written."""
    return [
        f"{h.path}:{h.line}:{h.column}: would hold {h.message.removeprefix('holds ')}: a secret "
        f"is never written to a page; {action}. Find what puts it there (a template or "
        "data/cv.yaml) and remove it"
        for h in found
    ]
