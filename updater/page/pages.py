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
