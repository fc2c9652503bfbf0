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
from updater.build import Fetcher, Paths
from updater.commands.render import render
from updater.commands.schema import schema
from updater.commands.validate import validate
from updater.config import Settings
from updater.cv import load_cv
from updater.errors import InputError, UpdaterError

if TYPE_CHECKING:
    from updater.commands.update import TargetFactory
    from updater.links import Targets
    from updater.snapshot import Snapshot
    from updater.sources.http import Deadline
    from updater.stats import SourceResult

# The network and HTML commands (PyGithub, urllib3 retries, cmarkgfm) are imported where they
# run: `render --offline`, `validate` and `schema` start without them.

log = logging.getLogger("updater")

EXIT_OK, EXIT_STALE, EXIT_INPUT, EXIT_SOURCE, EXIT_INTERNAL = 0, 1, 2, 3, 70


def _paths_options(parser: argparse.ArgumentParser) -> None:
    defaults = Paths()
    parser.add_argument("--data", type=Path, default=defaults.data, help="CV file (%(default)s)")
    parser.add_argument("--stats", type=Path, default=defaults.stats, help="snapshot (%(default)s)")
    parser.add_argument(
        "--templates",
        type=Path,
        default=defaults.templates,
        help="folder of page templates: NAME.j2 renders to NAME (%(default)s)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=defaults.root,
        help="folder the pages are written to, the repository root (%(default)s)",
    )


def _live_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline", action="store_true", help="use data/stats.json only; no network"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 3, writing nothing, if any source fails"
    )
    parser.add_argument(
        "--deadline", type=float, default=120.0, help="seconds for the whole fetch (%(default)s)"
    )


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


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
environment: GITHUB_TOKEN (needs contents: write; actions: write for the keepalive),
HF_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_GRAPHQL_URL, HF_ENDPOINT.
exit codes: 0 done (committed or nothing to commit), 2 bad input or usage,
3 a publishing failure (token, permission, protected branch) or --strict and a source failed."""


def _update_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "update", help="fetch, render and commit the pages that changed", description=UPDATE_HELP,
        epilog=UPDATE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
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
        help="print each changed page's diff and the commit message; write nothing. When the "
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
    p.add_argument(
        "--keepalive-days", type=_days, default=50.0, metavar="DAYS",
        help="in GitHub Actions, when nothing is committed and the branch's last commit is this "
        "old, re-enable this workflow so GitHub does not disable it after 60 days of inactivity "
        "(default: %(default)g; 0 turns it off)",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="updater", description=__doc__)
    parser.add_argument("--version", action="version", version=f"updater {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs and tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check data/cv.yaml and the template, offline")
    _paths_options(p)

    p = sub.add_parser("render", help="fetch live numbers and render README.md")
    _paths_options(p)
    _live_options(p)
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")

    _update_parser(sub)

    p = sub.add_parser(
        "preview",
        help="write each page as standalone HTML, as GitHub shows it, in light and dark",
        description="Writes DIR/NAME.html (light) and DIR/NAME.dark.html (dark) for each page; "
        "links between pages go to the local previews.",
    )
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="pages to preview (default: each templates/NAME.j2 rendered to NAME, README.md first)",
    )
    p.add_argument(
        "--output-dir", type=Path, default=Path("preview"), help="where to write (%(default)s)"
    )
    p.add_argument(
        "--repo",
        help="OWNER/NAME for relative links (default: GITHUB_REPOSITORY, "
        "else tracking.github_user's profile repository)",
    )
    p.add_argument("--branch", default="main", help="branch for relative links (%(default)s)")
    p.add_argument(
        "--data", type=Path, default=Paths().data, help="CV, for tracking.github_user (%(default)s)"
    )
    p.add_argument("--open", action="store_true", help="open README's preview in the browser")
    _root_option(p)

    p = sub.add_parser(
        "check",
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
        help="pages to check (default: each templates/NAME.j2 rendered to NAME, README.md first)",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="text, or GitHub Actions annotations (%(default)s)",
    )
    _root_option(p)

    p = sub.add_parser(
        "init",
        help="adopt hand-written pages: FILE becomes templates/FILE.j2, plus data and workflow",
    )
    p.add_argument("files", nargs="*", default=["README.md"], metavar="FILE", help="(README.md)")
    p.add_argument("--force", action="store_true", help="overwrite files that already exist")
    p.add_argument(
        "--action-repo", help="OWNER/NAME of this tool on GitHub (default: where it came from)"
    )
    p.add_argument(
        "--action-ref", help="full commit SHA the workflow pins (default: the installed commit)"
    )
    p.add_argument("--branch", help="branch the workflow commits to (default: origin's default)")
    p.add_argument("--root", type=Path, default=Path(), help="profile repository (%(default)s)")

    p = sub.add_parser("schema", help="write the JSON Schema of data/cv.yaml")
    p.add_argument("--output", type=Path, default=Path("schema/cv.schema.json"))
    p.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    return parser


def _root_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--root",
        type=Path,
        default=None,
        help="repository a link to /PATH points into (default: the git work tree holding the "
        "page, else its folder)",
    )


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
    return Paths(args.data, args.stats, args.templates, args.root)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:  # noqa: PLR0911
    if args.command == "validate":
        return validate(_paths(args))
    if args.command == "render":
        fetch = None if args.offline else live_fetcher(settings, args.deadline)
        return render(_paths(args), fetch, check=args.check, strict=args.strict)
    if args.command == "update":
        return _update(args, settings)
    if args.command == "preview":
        from updater.commands.preview import preview

        repo = args.repo or settings.github_repository or _profile_repo(args.data)
        return preview(args.files, args.output_dir, repo, args.branch, args.open, args.root)
    if args.command == "check":
        from updater.commands.check import check

        return check(args.files, args.strict, args.format, args.root)
    if args.command == "schema":
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
        )
    raise AssertionError(args.command)  # pragma: no cover - argparse restricts the choices


def _profile_repo(data: Path) -> str:
    """A profile README lives in the repository named after its owner: USER/USER."""
    user = load_cv(data).tracking.github_user
    if not user:
        raise InputError("no repository for relative links: pass --repo OWNER/NAME")
    return f"{user}/{user}"


def publish_reserve(deadline: float) -> float:
    """The share of --deadline kept for publishing: a quarter, at most 30 s."""
    return min(30.0, deadline / 4)


def _update(args: argparse.Namespace, settings: Settings) -> int:
    from updater.commands.update import UpdateOptions, update
    from updater.sources.http import Deadline

    # One clock for the whole run: the target is read first, then the fetch gets what is left
    # minus the publishing reserve, and publishing what is left after the fetch.
    deadline = Deadline.after(args.deadline)
    reserve = publish_reserve(args.deadline)
    fetch: Fetcher | None = None
    if not args.offline:

        def fetch(targets: Targets, old: Snapshot) -> tuple[SourceResult, ...]:
            seconds = max(deadline.remaining() - reserve, 0.001)
            return live_fetcher(settings, seconds)(targets, old)

    options = UpdateOptions(args.repo, args.branch, args.dry_run, args.strict, args.keepalive_days)
    return update(_paths(args), fetch, target_opener(settings, deadline), options, settings)


def target_opener(settings: Settings, deadline: Deadline) -> TargetFactory:
    """Opens the repository to commit to, with its own client, under the run's deadline."""
    from updater.publish import Target
    from updater.sources.github import make_github
    from updater.sources.http import Policy

    def open_target(repo: str, branch: str | None) -> Target:
        github = make_github(settings.github_api_url, settings.github_token, Policy(), deadline)
        return Target(github, repo, branch, deadline)

    return open_target


def live_fetcher(settings: Settings, deadline: float) -> Fetcher:
    """The production fetcher: real clients for both APIs, built from the settings."""
    from updater.fetch import LiveFetcher

    return LiveFetcher(settings, deadline_seconds=deadline)


def _run(command: Callable[[], int], verbose: bool) -> int:
    try:
        return command()
    except UpdaterError as exc:
        log.error("%s", exc, exc_info=verbose)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
