"""Benchmark `check` and `preview` (one parse, then each) on a 1 MB README and on pathological
input: long runs of spaces, thousands of headings, deep nesting of lists, quotes and tags.

Run: python -m benchmarks.page [--budget 1.0]
Prints seconds per case for parse, check, preview (both themes) and annotate, and for the input
doubled, so growth that is not linear shows as a ratio well above 2. Exits 1 if a case exceeds
the budget for check or preview."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from updater.page.annotate import annotate  # noqa: E402
from updater.page.check import Context, check  # noqa: E402
from updater.page.github_html import Site, preview_document  # noqa: E402
from updater.page.parse import parse  # noqa: E402
from updater.page.preview import views  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "page" / "corpus"
SITE = Site("octo/octo", "main", frozenset({"README.md"}))


def readme_1mb(scale: float = 1.0) -> str:
    """The corpus READMEs repeated to about 1 MB: what people write, at a size nobody writes."""
    pages = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("[0-9]*.md"))]
    block = "\n\n".join(pages)
    return "\n\n".join([block] * max(1, round(scale * 1_000_000 / len(block))))


CASES: dict[str, Callable[[float], str]] = {
    "1 MB of profile READMEs": readme_1mb,
    "heading with 4,000 spaces": lambda k: "# a" + " " * int(4000 * k) + "b\n",
    "line of 200,000 spaces": lambda k: "x" + " " * int(200_000 * k) + "y\n",
    "5,000 headings + anchor links": lambda k: "".join(
        f"## Heading {i}\n\n[up](#heading-{i})\n\n" for i in range(int(5000 * k))
    ),
    # depth d is about d² bytes: the doubled input is sqrt(2) times deeper
    "list nested 1,000 deep": lambda k: "".join(
        "  " * i + "- item\n" for i in range(int(1000 * k**0.5))
    ),
    "blockquote nested 5,000 deep": lambda k: ">" * int(5000 * k) + " x\n",
    "10,000 nested <div> tags": lambda k: (
        "<div>" * int(10_000 * k) + "x" + "</div>" * int(10_000 * k)
    ),
    "20,000 inline <span> tags": lambda k: "x " + "<span>" * int(20_000 * k) + "\n",
    "50,000 [ brackets": lambda k: "[" * int(50_000 * k) + "\n",
    "30,000 emphasis openers": lambda k: "*a **b " * int(30_000 * k),
    "20,000 reference definitions": lambda k: "".join(
        f"[r{i}]: https://example.org/{i}\n" for i in range(int(20_000 * k))
    ),
    "1 MB of sections (review)": lambda k: "".join(
        f"## Section {i} :rocket:\n\nSome text with [a link](https://example.com/{i}) and "
        f"![img](https://img.shields.io/badge/x-{i}-blue) and `code` and **bold** _it_ "
        f"www.example.com/{i}.\n\n- item [rel](docs/{i}.md)\n"
        f'- <img src="https://x.y/{i}.png" alt="a" width="20">\n\n| a | b |\n|---|---|\n'
        f"| {i} | <sub>x</sub> |\n\n"
        for i in range(int(3272 * k))
    ),
    "10,000 check-disable/enable pairs": lambda k: "".join(
        f"<!-- check-disable -->\n[x](#no{i})\n<!-- check-enable -->\n[y](#no{i})\n\n"
        for i in range(int(10_000 * k))
    ),
    "blockquote nested 50,000 deep": lambda k: ">" * int(50_000 * k) + " x\n",
    "table of 20,000 rows": lambda k: "|a|b|\n|-|-|\n" + "|x|[y](https://a.b)|\n" * int(20_000 * k),
}


def timed(function: Callable[[], object]) -> float:
    parse.cache_clear()  # every command parses as it would in a run of its own
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def measure(text: str) -> dict[str, float]:
    document = parse(text)
    context = Context("README.md", ROOT, ROOT)
    return {
        "parse": timed(lambda: parse(text)),
        "check": timed(lambda: check(parse(text), context)),
        "preview": timed(lambda: views("README.md", preview_document(text), SITE)),
        "annotate": timed(lambda: annotate(text, lambda url: " x" if "github" in url else None)),
        "size": len(text.encode("utf-8")),
        "links": len(document.links),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--budget", type=float, default=1.0, help="seconds (%(default)s)")
    args = parser.parse_args()
    print(
        f"{'case':32} {'bytes':>9} {'parse':>7} {'check':>7} {'preview':>8} {'annotate':>8}  x2 ratio (check)"
    )
    over = []
    for name, make in CASES.items():
        one, two = measure(make(1.0)), measure(make(2.0))
        ratio = two["check"] / max(one["check"], 1e-6)
        print(
            f"{name:32} {one['size']:>9,} {one['parse']:>7.3f} {one['check']:>7.3f} "
            f"{one['preview']:>8.3f} {one['annotate']:>8.3f}  {ratio:.1f}"
        )
        if max(one["check"], one["preview"]) > args.budget:
            over.append(name)
    if over:
        print(f"over {args.budget}s: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
