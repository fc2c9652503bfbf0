"""Numbers in sentences: `1 page`, `2 pages`."""

from __future__ import annotations


def count(n: int, one: str, many: str) -> str:
    """`1 section`, `2 sections`: a number with the noun that agrees with it."""
    return f"{n} {one if n == 1 else many}"
