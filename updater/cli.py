"""Command line: parse arguments, dispatch to one command, map errors to exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from updater import __version__, logs
from updater.config import Settings
from updater.errors import POSITION_RE, InputError, UpdaterError, ValidationFailed

if TYPE_CHECKING:
    from updater.build import Fetcher, Paths
    from updater.commands.update import TargetFactory

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
templates (templates/NAME.j2 renders to NAME), and live numbers from GitHub and Hugging Face
(kept in data/stats.json). Run the commands from the root of your profile repository.
"""

EPILOG = """\
exit codes: 0 success; 1 out of date (--check) or findings (check); 2 a problem with your
files or options, each printed as FILE:LINE:COL: message; 3 a source or GitHub failed
(--strict, update); 70 a bug in updater (run with -v and report it).

Start with `updater validate`, then `updater render --offline` to see the page.
"""


VERBOSE_HELP = "show debug logs and, on failure, the traceback (before or after the command)"


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _common() -> argparse.ArgumentParser:
    """Options accepted before or after the command (`updater -v render` = `render -v`)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help=VERBOSE_HELP,
    )
    return common


def _input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA,
        metavar="FILE",
        help="your CV as YAML (default: %(default)s)",
    )
    parser.add_argument(
        "--stats",
        type=Path,
        default=STATS,
        metavar="FILE",
        help="last known numbers, read and updated by render (default: %(default)s)",
    )
    parser.add_argument(
        "--templates",
        type=Path,
        default=TEMPLATES,
        metavar="DIR",
        help="folder of page templates: NAME.j2 renders to NAME (default: %(default)s/)",
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
        help="time allowed for fetching all numbers; what is not fetched by then keeps its "
        "last known value (default: %(default)g)",
    )


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
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
        "(templates/NAME.j2 -> NAME) and data/stats.json together: all are updated or none.\n"
        "Files whose text did not change are left alone.",
    )
    _paths_options(p)
    _live_options(p)
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; print a diff and exit 1 if a page is out of date",
    )

    p = _command(sub, "update", "fetch, render and commit the pages when they changed", "")
    _paths_options(p)
    _live_options(p)
    p.add_argument("--repo", help="OWNER/NAME to commit to (default: GITHUB_REPOSITORY)")
    p.add_argument("--branch", help="branch to commit to (default: the repository's default)")
    p.add_argument(
        "--dry-run", action="store_true", help="print the diff and commit message; write nothing"
    )

    p = _command(
        sub, "preview", "write README.md as a standalone HTML page, as GitHub shows it", ""
    )
    p.add_argument("--readme", type=Path, default=Path("README.md"), help="input (%(default)s)")
    p.add_argument("--output", type=Path, default=Path("preview.html"), help="(%(default)s)")
    p.add_argument(
        "--repo",
        help="OWNER/NAME for relative links (default: GITHUB_REPOSITORY, "
        "else tracking.github_user's profile repository)",
    )
    p.add_argument("--branch", default="main", help="branch for relative links (%(default)s)")
    p.add_argument(
        "--data", type=Path, default=DATA, help="CV, for tracking.github_user (%(default)s)"
    )
    p.add_argument("--open", action="store_true", help="open it in the default browser")

    p = _command(sub, "check", "lint README.md as GitHub will show it; exit 1 on findings", "")
    p.add_argument("readme", nargs="?", type=Path, default=Path("README.md"))

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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `updater` and `python -m updater`; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code or 0)
    settings = Settings.from_env(os.environ)
    logs.configure(args.verbose, settings.secrets)
    return _run(lambda: _dispatch(args, settings), args.verbose)


def _paths(args: argparse.Namespace) -> Paths:
    from updater.build import Paths

    return Paths(args.data, args.stats, args.templates, args.root)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "validate":
        from updater.commands.validate import validate

        return validate(_paths(args))
    if args.command == "render":
        from updater.commands.render import render

        fetch = None if args.offline else live_fetcher(settings, args.deadline)
        return render(_paths(args), fetch, check=args.check, strict=args.strict)
    if args.command == "update":
        from updater.commands.update import UpdateOptions, update

        fetch = None if args.offline else live_fetcher(settings, args.deadline)
        options = UpdateOptions(args.repo, args.branch, args.dry_run, args.strict)
        return update(_paths(args), fetch, target_opener(settings), options, settings)
    if args.command == "preview":
        from updater.commands.preview import preview

        repo = args.repo or settings.github_repository or _profile_repo(args.data)
        return preview(args.readme, args.output, repo, args.branch, args.open)
    if args.command == "check":
        from updater.commands.check import check

        return check(args.readme)
    if args.command == "schema":
        from updater.commands.schema import schema

        return schema(args.output, args.check)
    raise AssertionError(args.command)  # pragma: no cover - argparse restricts the choices


def _profile_repo(data: Path) -> str:
    """A profile README lives in the repository named after its owner: USER/USER."""
    from updater.cv import load_cv

    user = load_cv(data).tracking.github_user
    if not user:
        raise InputError("no repository for relative links: pass --repo OWNER/NAME")
    return f"{user}/{user}"


def target_opener(settings: Settings) -> TargetFactory:
    """Opens the repository to commit to, with its own client and deadline."""
    from updater.publish import Target
    from updater.sources.github import make_github
    from updater.sources.http import Deadline, Policy

    def open_target(repo: str, branch: str | None) -> Target:
        github = make_github(
            settings.github_api_url, settings.github_token, Policy(), Deadline.after(120)
        )
        return Target(github, repo, branch)

    return open_target


def live_fetcher(settings: Settings, deadline: float) -> Fetcher:
    """The production fetcher: real clients for both APIs, built from the settings."""
    from updater.fetch import LiveFetcher

    return LiveFetcher(settings, deadline_seconds=deadline)


def _run(command: Callable[[], int], verbose: bool) -> int:
    try:
        return command()
    except UpdaterError as exc:
        report(exc, verbose)
        return exc.exit_code
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except Exception as exc:  # the one place every other error becomes an exit code
        log.error(
            "internal error: %s: %s (run with -v for the traceback)",
            type(exc).__name__,
            exc,
            exc_info=verbose,
        )
        return EXIT_INTERNAL


def report(exc: UpdaterError, verbose: bool) -> None:
    """Print problems one a line as `FILE:LINE:COL: message`, then one summary line.

    Lines that carry a position are printed without a prefix, so editors and CI annotations
    can parse every one of them; the summary (and any message without a place) says `error:`.
    """
    problems = exc.problems if isinstance(exc, ValidationFailed) else (str(exc),)
    placed = [POSITION_RE.match(p) for p in problems]
    if not all(placed):
        log.error("%s", exc, exc_info=verbose)
        return
    for problem in problems:
        log.error("%s", problem, extra={"plain": True})
    files = sorted({m[1] for m in placed if m})
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    log.error("%s in %s", count, ", ".join(files), exc_info=verbose)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
