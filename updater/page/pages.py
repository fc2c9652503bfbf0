"""Which pages a repository has: every `templates/NAME.j2` whose `NAME` exists at the root.

A stand-in until `updater.pages` owns this; README.md always comes first."""

from __future__ import annotations

from pathlib import Path

README = "README.md"


def discover(root: Path) -> list[Path]:
    """The rendered pages at the root, README.md first; just README.md without templates/."""
    templates = root / "templates"
    if not templates.is_dir():
        return [root / README]
    names = {path.name.removesuffix(".j2") for path in templates.glob("*.j2")}
    found = sorted(
        (root / name for name in names if (root / name).is_file()),
        key=lambda path: (path.name != README, path.name),
    )
    return found or [root / README]


def repository_root(page: Path) -> Path:
    """The git work tree holding the page (the nearest folder up with `.git`), else the page's
    folder: where a link to `/assets/x.png` points."""
    folder = page.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def repository_path(page: Path, root: Path) -> str:
    """The page's path in the repository (`docs/README.md`), or its name when outside it."""
    try:
        return page.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return page.name
