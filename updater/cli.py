"""Command line: parse arguments, dispatch to one command, map errors to exit codes."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from updater import __version__, logs
from updater.config import Settings
from updater.errors import POSITION_RE, UpdaterError, ValidationFailed

if TYPE_CHECKING:
    from updater.build import Fetcher, Paths
    from updater.commands.update import TargetFactory
    from updater.links import Targets
    from updater.snapshot import Snapshot
    from updater.sources.http import Deadline
    from updater.stats import SourceResult

# Every command is imported where it runs: `updater --help` starts without Jinja2, pydantic,
# PyGithub or cmarkgfm, and `validate` without the network and HTML libraries.

log = logging.getLogger("updater")

EXIT_OK, EXIT_STALE, EXIT_INPUT, EXIT_SOURCE, EXIT_INTERNAL = 0, 1, 2, 3, 70

# The same defaults as updater.build.Paths (a test keeps them equal), spelled out here so that
# parsing the command line does not import the pipeline.
DATA, STATS, TEMPLATES, ROOT = (
    Path("data/cv.yaml"),
    Path("data/stats.json"),
    Path("templates"),
    Path(),
)

DESCRIPTION = """\
Keep a GitHub profile README current: your CV as data (data/cv.yaml), your pages as Jinja2
templates (templates/PATH.j2 renders to PATH), and live numbers from GitHub, Hugging Face and
Semantic Scholar (kept in data/stats.json). Run the commands from the root of your profile
repository.
"""

EPILOG = """\
exit codes: 0 success; 1 out of date (--check) or findings (check); 2 a problem with your
files or options, each printed as FILE:LINE:COL: message; 3 a source or GitHub failed
(--strict, update); 70 a bug in updater (run with -v and report it).

Start with `updater validate`, then `updater render --offline` to see the page.
"""


INPUTS = ("data", "stats", "templates")

VERBOSE_HELP = "show debug logs and, on failure, the traceback (before or after the command)"


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors suggest the choice meant: `updater renders` asks
    "did you mean 'render'?" under render's usage, as `--format gitub` asks for 'github'."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the message, with a suggestion where one is close; exit 2."""
        close = _closest_choice(message)
        meant = _command_parser(self, close) if close and "COMMAND" in message else self
        meant.print_usage(sys.stderr)
        hint = f"; did you mean {close!r}?" if close else ""
        self.exit(2, f"{self.prog}: error: {message}{hint}\n")


_INVALID_CHOICE_RE = re.compile(r"invalid choice: '?([^'\s]*)'? \(choose from (.*)\)")


def _closest_choice(message: str) -> str | None:
    """In an invalid choice's message, the choice closest to the one given, if any is close."""
    import difflib  # only when there is a mistake to suggest a fix for

    found = _INVALID_CHOICE_RE.search(message)
    if not found:
        return None
    choices = re.findall(r"'([^']*)'", found[2]) or found[2].split(", ")
    close = difflib.get_close_matches(found[1], choices, n=1)
    return close[0] if close else None


def _unrecognized(parser: argparse.ArgumentParser, extras: Sequence[str]) -> str:
    """`unrecognized arguments: --ofline (did you mean --offline?)`, from this parser's options."""
    import difflib

    options = [o for action in parser._actions for o in action.option_strings]
    close = [
        match[0]
        for extra in extras
        if extra.startswith("-")
        and (match := difflib.get_close_matches(extra.split("=")[0], options, n=1))
    ]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unrecognized arguments: {' '.join(extras)}{hint}"


def _command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of command `name`, whose usage an error about its options shows."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse argv; an unknown option is reported with the usage of the command it was given to
    (argparse would show the top level's) and the option meant."""
    args, extras = parser.parse_known_args(argv)
    if extras:
        command = _command_parser(parser, args.command)
        command.error(_unrecognized(command, extras))
    return args


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _common() -> _Parser:
    """Options accepted before or after the command (`updater -v render` = `render -v`)."""
    common = _Parser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help=VERBOSE_HELP,
    )
    return common


def _input_options(
    parser: argparse.ArgumentParser, reads: tuple[str, ...] = INPUTS, pages: bool = False
) -> None:
    """--data, --stats and --templates; those the command does not read are accepted (scripts
    pass one set of options to every command) but not offered in its help. With `pages`, the
    templates default to the templates/ folder beside the pages (of --root, else the current
    folder's), as the commands that read rendered pages look for them."""
    helps = {
        "data": "your CV as YAML (default: %(default)s)",
        "stats": "last known numbers, read and updated by render (default: %(default)s)",
        "templates": "folder of page templates: PATH.j2 renders to PATH (default: "
        + ("templates/ beside the pages)" if pages else "%(default)s/)"),
    }
    defaults = {"data": DATA, "stats": STATS, "templates": None if pages else TEMPLATES}
    for name in INPUTS:
        parser.add_argument(
            f"--{name}",
            type=Path,
            default=defaults[name],
            metavar="DIR" if name == "templates" else "FILE",
            help=helps[name] if name in reads else argparse.SUPPRESS,
        )


def _paths_options(parser: argparse.ArgumentParser, writes: bool = True) -> None:
    _input_options(parser)
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        metavar="DIR",
        # validate writes nothing: it accepts --root (scripts pass one set of options to every
        # command) but does not offer it.
        help="folder the pages are written to: your repository root (default: current folder)"
        if writes
        else argparse.SUPPRESS,
    )


def _retries(text: str) -> int:
    """--retries: a whole number from 0 to 10."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 10, got {text!r}")
    return value


def _retries_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--retries",
        type=_retries,
        default=3,
        metavar="N",
        help="how many times a failed request (timeout, reset, 5xx, 429) is tried again, with "
        "backoff, within the deadline: 0 to 10 (default: %(default)s)",
    )


def _live_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline",
        action="store_true",
        help="use the numbers in data/stats.json only; no network, no token needed",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="if any source fails, exit 3 and write nothing (default: keep its last known numbers)",
    )
    parser.add_argument(
        "--deadline",
        type=_positive_seconds,
        default=120.0,
        metavar="SECONDS",
        help="time allowed for fetching and rendering: what is not fetched by then keeps its "
        "last known value (the fetch leaves a tenth, at most 10 s, for rendering), and a "
        "template still rendering then is an error (default: %(default)g)",
    )
    _retries_option(parser)


def _command(
    sub: argparse._SubParsersAction[_Parser],
    name: str,
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        parents=[_common()],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, got {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (off) or a positive number, got {text!r}")
    return value


UPDATE_HELP = """\
Fetch the live numbers, render every page and commit the pages whose text changed, with
data/stats.json, to GitHub in one commit (never forced). No page changed: no commit.
The target is checked first, before anything is fetched."""
UPDATE_EPILOG = """\
Before committing, every changed page is checked with the rules of `updater check`: an
error the published page does not already have, or the value of GITHUB_TOKEN, HF_TOKEN or
SEMANTIC_SCHOLAR_API_KEY in any file to commit, commits nothing (exit 3; a dry run says so
and exits 3 too).

environment: GITHUB_TOKEN (contents: read for --dry-run, contents: write to commit;
actions: write only with --keepalive-days), HF_TOKEN, SEMANTIC_SCHOLAR_API_KEY,
GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_GRAPHQL_URL, HF_ENDPOINT, SEMANTIC_SCHOLAR_API_URL;
in Actions also GITHUB_REF (only the branch published to commits) and GITHUB_WORKFLOW_REF
(the workflow --keepalive-days re-enables).
exit codes: 0 done (committed or nothing to commit), 2 bad input or usage,
3 held back by the page gate, a publishing failure (token, permission, protected branch),
or --strict and a source failed."""


def _update_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser(
        "update", help="fetch, render and commit the pages that changed", description=UPDATE_HELP,
        epilog=UPDATE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common()],
    )  # fmt: skip
    _paths_options(p)
    p.add_argument(
        "--repo", metavar="OWNER/NAME",
        help="repository to commit to (default: GITHUB_REPOSITORY, else the profile repository "
        "USER/USER of tracking.github_user in the CV)",
    )  # fmt: skip
    p.add_argument(
        "--branch", help="branch to commit to (default: the repository's default branch)"
    )
    p.add_argument(
        "--dry-run", action="store_true",
        help="print each changed page's diff and the commit message; write nothing; exit 3 "
        "when the page gate would hold the commit back, as the real run would. When the "
        "repository cannot be read, compare with the files on disk, offline, and say so",
    )  # fmt: skip
    p.add_argument(
        "--offline", action="store_true",
        help="fetch nothing: render from the numbers in data/stats.json",
    )  # fmt: skip
    p.add_argument(
        "--strict", action="store_true",
        help="commit nothing and exit 3 if any source fails (default: keep its last known numbers)",
    )  # fmt: skip
    p.add_argument(
        "--deadline", type=_positive_seconds, default=120.0, metavar="SECONDS",
        help="time for the whole run (default: %(default)g): the fetch gets it minus a reserve "
        "for publishing (a quarter of it, at most 30 s); the process ends within it plus 5 s",
    )  # fmt: skip
    _retries_option(p)
    p.add_argument(
        "--allow-new-errors", action="store_true",
        help="commit even if a changed page gains errors of `updater check` (a deliberate "
        "change; they are listed as warnings). A secret in a file is never let through",
    )  # fmt: skip
    p.add_argument(
        "--keepalive-days", type=_days, default=None, metavar="DAYS",
        help="opt in (off by default): in GitHub Actions, when nothing is committed and the "
        "branch's last commit is DAYS old, re-enable this workflow through the API so GitHub "
        "does not disable it after 60 days without activity. GitHub has disabled repositories "
        "for keepalive workflows: read the manual's 60-day rule first. Needs actions: write. "
        "Without it, a run warns from day 50",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _Parser(
        prog="updater",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"updater {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show debug logs and, on failure, the traceback",
    )
    sub = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")

    p = _command(
        sub,
        "validate",
        "check your data and templates, offline; writes nothing",
        "Check data/cv.yaml against the schema, every template in templates/ (syntax, and\n"
        "references to data that cannot exist, in every branch) and data/stats.json, without\n"
        "any network. Every problem is printed at once as FILE:LINE:COL: message. Exit 0 if\n"
        "all is well, 2 otherwise.",
    )
    _paths_options(p, writes=False)

    p = _command(
        sub,
        "render",
        "fetch live numbers and write every page (README.md, ...)",
        "Validate, fetch the live numbers (unless --offline), and write every page\n"
        "(templates/PATH.j2 -> PATH) and data/stats.json together: all are updated or none.\n"
        "Files whose text did not change are left alone.",
    )
    _paths_options(p)
    _live_options(p)
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; print a diff and exit 1 if a page is out of date",
    )

    _update_parser(sub)

    p = sub.add_parser(
        "preview",
        parents=[_common()],
        help="write each page as standalone HTML, as GitHub shows it, in light and dark",
        description="Writes DIR/PATH.html (light) and DIR/PATH.dark.html (dark) for each page, "
        "PATH being its path in the repository; links between pages go to the local previews. "
        "DIR gets a .gitignore, so the previews are never committed.",
    )
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="pages to preview (default: each templates/PATH.j2 rendered to PATH, README.md first)",
    )
    p.add_argument(
        "--output-dir", type=Path, default=Path("preview"), help="where to write (%(default)s)"
    )
    p.add_argument(
        "--repo",
        help="OWNER/NAME for relative links (default: GITHUB_REPOSITORY, else the profile "
        "repository of tracking.github_user, else the repository's origin remote on GitHub)",
    )
    p.add_argument("--branch", default="main", help="branch for relative links (%(default)s)")
    _input_options(p, reads=("data", "templates"), pages=True)
    p.add_argument("--open", action="store_true", help="open README's preview in the browser")
    _root_option(p)

    p = sub.add_parser(
        "check",
        parents=[_common()],
        help="lint pages as GitHub will show them; exit 1 on errors",
        description="Prints FILE:LINE:COL: error|warning: message [rule]. Silence a rule with "
        "<!-- check-disable-next-line RULE -->, check-disable-line, check-disable/check-enable "
        "or check-disable-file.",
    )
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="pages to check (default: each templates/PATH.j2 rendered to PATH, README.md first)",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="text, or GitHub Actions annotations (%(default)s)",
    )
    _input_options(p, reads=("templates",), pages=True)
    _root_option(p)

    p = _command(
        sub,
        "init",
        "adopt hand-written pages: FILE becomes templates/FILE.j2, plus data and workflow",
        "Adopt the pages you wrote by hand, in the profile repository's root. Each FILE becomes\n"
        "templates/FILE.j2, which renders back to the same bytes, so nothing on the page changes;\n"
        "beside it come a starter data/cv.yaml, an empty data/stats.json and the nightly workflow\n"
        "(.github/workflows/update-readme.yml). A data file, snapshot or workflow that exists is\n"
        "kept as it is; an existing template that differs is replaced only with --force, and\n"
        "whatever is replaced is first saved beside it (NAME.bak), its path printed. Nothing is\n"
        "written if a file cannot be read or a template would be replaced without --force. It\n"
        "then says what the pages track, warns of another workflow that writes them, and prints\n"
        "the next steps.",
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="pages at the repository root to adopt (default: README.md)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace the templates of the FILEs named when they exist and differ (each old one "
        "is saved as templates/FILE.j2.bak); data, snapshot and workflow are never replaced",
    )
    p.add_argument(
        "--workflow",
        action="store_true",
        help="(re)write only the workflow, saving an existing one that differs as a backup",
    )
    p.add_argument(
        "--action-repo", help="OWNER/NAME of this tool on GitHub (default: where it came from)"
    )
    p.add_argument(
        "--action-ref", help="full commit SHA the workflow pins (default: the installed commit)"
    )
    p.add_argument(
        "--branch",
        help="branch the workflow publishes to (default: the repository's default branch, read "
        "when the workflow runs)",
    )
    p.add_argument("--root", type=Path, default=Path(), help="profile repository (%(default)s)")

    p = _command(
        sub,
        "schema",
        "write the JSON Schema of data/cv.yaml, for editors",
        "Write the JSON Schema generated from the CV records, so that an editor (e.g. VS Code\n"
        "with the YAML extension) completes and checks data/cv.yaml as you type.",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=Path("schema/cv.schema.json"),
        help="where to write it (default: %(default)s)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the file is missing or out of date",
    )
    return parser


def _root_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--root",
        type=Path,
        default=None,
        metavar="DIR",
        help="your repository root: where the pages are and where a link to /PATH points "
        "(default: the git work tree holding each page, else its folder)",
    )


def entry() -> int:
    """The `updater` command and `python -m updater`: main, in a process of its own."""
    code = main()
    # The process ends here: its last cycle collection would walk every object (20 ms of a
    # 180 ms `validate`) to free memory the OS takes back anyway. Frozen objects are skipped.
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: the process's); returns the exit code."""
    parser = build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code or 0)
    settings = Settings.from_env(os.environ)
    logs.configure(args.verbose, settings.secrets)
    return _run(lambda: _dispatch(args, settings), args.verbose)


def _paths(args: argparse.Namespace) -> Paths:
    from updater.build import Paths

    return Paths(args.data, args.stats, args.templates, args.root)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:  # noqa: PLR0911
    if args.command == "validate":
        from updater.commands.validate import validate

        return validate(_paths(args))
    if args.command == "render":
        from updater.commands.render import render

        remaining = _seconds_left(args.deadline)
        fetch = None if args.offline else _fetch_within(settings, remaining, args)
        return render(
            _paths(args), fetch, check=args.check, strict=args.strict, remaining=remaining,
            secrets=settings.named_secrets,
        )  # fmt: skip
    if args.command == "update":
        return _update(args, settings)
    if args.command == "preview":
        from updater.commands.preview import PreviewOptions, preview

        repo = args.repo or settings.github_repository
        options = PreviewOptions(
            args.output_dir, repo, args.branch, args.open, args.root, args.data, args.templates
        )
        return preview(args.files, options)
    if args.command == "check":
        from updater.commands.check import check

        return check(args.files, args.strict, args.format, args.root, args.templates)
    if args.command == "schema":
        from updater.commands.schema import schema

        return schema(args.output, args.check)
    if args.command == "init":
        from updater.commands.init import init

        return init(
            args.root,
            args.files,
            force=args.force,
            action_repo=args.action_repo,
            action_ref=args.action_ref,
            branch=args.branch,
            workflow_only=args.workflow,
        )
    raise AssertionError(args.command)  # pragma: no cover - argparse restricts the choices


def publish_reserve(deadline: float) -> float:
    """The share of --deadline kept for publishing: a quarter, at most 30 s."""
    return min(30.0, deadline / 4)


def render_reserve(deadline: float) -> float:
    """The share of --deadline the fetch leaves for rendering: a tenth, at most 10 s."""
    return min(10.0, deadline / 10)


def _seconds_left(deadline: float) -> Callable[[], float]:
    """Seconds left of a deadline starting now (a monotonic clock)."""
    at = time.monotonic() + deadline
    return lambda: at - time.monotonic()


def _fetch_within(
    settings: Settings, remaining: Callable[[], float], args: argparse.Namespace
) -> Fetcher:
    """render's fetch: what is left of --deadline when it starts, minus the rendering reserve."""
    reserve = render_reserve(args.deadline)

    def fetch(targets: Targets, old: Snapshot) -> tuple[SourceResult, ...]:
        seconds = max(remaining() - reserve, 0.001)
        return live_fetcher(settings, seconds, args.retries)(targets, old)

    return fetch


def _update(args: argparse.Namespace, settings: Settings) -> int:
    from updater.commands.update import UpdateOptions, update
    from updater.sources.http import Deadline

    # One clock for the whole run: the target is read first, then the fetch gets what is left
    # minus the publishing and rendering reserves, rendering what is left minus the publishing
    # reserve, and publishing what is left after that.
    deadline = Deadline.after(args.deadline)
    reserve = publish_reserve(args.deadline)
    fetch: Fetcher | None = None
    if not args.offline:

        def fetch(targets: Targets, old: Snapshot) -> tuple[SourceResult, ...]:
            seconds = max(deadline.remaining() - reserve - render_reserve(args.deadline), 0.001)
            return live_fetcher(settings, seconds, args.retries)(targets, old)

    options = UpdateOptions(
        args.repo, args.branch, args.dry_run, args.strict, args.keepalive_days,
        allow_new_errors=args.allow_new_errors,
        render_deadline=lambda: deadline.remaining() - reserve,
    )  # fmt: skip
    opener = target_opener(settings, deadline, args.retries)
    return update(_paths(args), fetch, opener, options, settings)


def target_opener(settings: Settings, deadline: Deadline, retries: int = 3) -> TargetFactory:
    """Opens the repository to commit to, with its own client, under the run's deadline."""
    from updater.publish import Target
    from updater.sources.github import make_github
    from updater.sources.http import Policy

    policy = Policy(retries=retries)

    def open_target(repo: str, branch: str | None) -> Target:
        github = make_github(settings.github_api_url, settings.github_token, policy, deadline)
        return Target(github, repo, branch, deadline)

    return open_target


def live_fetcher(settings: Settings, deadline: float, retries: int = 3) -> Fetcher:
    """The production fetcher: real clients for every source, built from the settings."""
    from updater.fetch import LiveFetcher
    from updater.sources.http import Policy

    return LiveFetcher(settings, deadline_seconds=deadline, policy=Policy(retries=retries))


def _run(command: Callable[[], int], verbose: bool) -> int:
    try:
        return command()
    except UpdaterError as exc:
        report(exc, verbose)
        return exc.exit_code
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except ModuleNotFoundError as exc:  # an incomplete install, not a bug in the code
        log.error(
            "the library %r that updater needs is not installed in this Python (%s): install "
            "updater with its dependencies, e.g. `pip install .` in its checkout",
            exc.name,
            sys.executable,
            exc_info=verbose,
        )
        return EXIT_INTERNAL
    except Exception as exc:  # the one place every other error becomes an exit code
        log.error(
            "internal error: %s: %s (run with -v for the traceback)",
            type(exc).__name__,
            exc,
            exc_info=verbose,
        )
        return EXIT_INTERNAL


def report(exc: UpdaterError, verbose: bool) -> None:
    """Print problems one a line, `FILE:LINE:COL: message` (or `FILE: message` where a file has
    no line to point at, a missing folder say), then one summary line naming the files.

    Problem lines are printed without a prefix, so editors and CI annotations can parse every
    one of them; the summary says `error:`. A lone message with no position is one line,
    `error: message`."""
    problems = exc.problems if isinstance(exc, ValidationFailed) else (str(exc),)
    if len(problems) == 1 and not POSITION_RE.match(problems[0]):
        log.error("%s", problems[0], exc_info=verbose)
        return
    for problem in problems:
        log.error("%s", problem, extra={"plain": True})
    files = sorted({name for name in map(_file_of, problems) if name})
    summary = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    where = f" in {', '.join(files)}" if files else ""
    log.error("%s%s", summary, where, exc_info=verbose)


def _file_of(problem: str) -> str | None:
    """The file a problem is about: before its position, or before `: ` if that is a path."""
    placed = POSITION_RE.match(problem)
    if placed:
        return placed[1]
    head, sep, _ = problem.partition(": ")
    return head if sep and head and not any(c.isspace() for c in head) else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
