"""A clock for tests in which waiting takes no time: a retry's sleep moves it at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from updater.sources.http import Deadline

# The time of day the fake wall clock starts at: a 60 s wait ends at 14:03 UTC.
WALL = datetime(2026, 12, 3, 14, 2, tzinfo=UTC).timestamp()


@dataclass
class FakeTime:
    """A monotonic clock, a sleep that moves it at once, and a wall clock that follows."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def wall(self) -> float:
        return WALL + self.now - 1000.0

    def deadline(self, seconds: float = 120.0) -> Deadline:
        """The run's deadline on this clock (the default --deadline is 120 s)."""
        return Deadline.after(seconds, self.clock, self.sleep, self.wall)
