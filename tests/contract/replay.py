"""Recorded exchanges, replayed from a server on 127.0.0.1 through the tool's own clients.

A recording (recordings/NAME.json) names where its exchanges were recorded (`origin`) and
lists them in order: method, path, status, the headers the tool reads, and the body. `{base}`
in a header or a body stands for the replay server's URL (recorded redirects point at the live host);
`{now+N}` for the epoch second N seconds from now (recorded reset times are long past).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.server import FakeServer, Reply, Request

RECORDINGS = Path(__file__).parent / "recordings"
_NOW = re.compile(r"\{now\+(\d+)\}")


@dataclass(frozen=True)
class Exchange:
    """One recorded answer to one request."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: Any  # JSON, or a str for a text body, or None for no body


@dataclass(frozen=True)
class Recording:
    """A recording file: where it comes from, and its exchanges in order."""

    name: str
    origin: dict[str, str]
    exchanges: tuple[Exchange, ...]


def load(name: str) -> Recording:
    """recordings/NAME.json."""
    data = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
    exchanges = tuple(
        Exchange(e["method"], e["path"], e["status"], e.get("headers", {}), e.get("body"))
        for e in data["exchanges"]
    )
    return Recording(name, data["origin"], exchanges)


class Replay(FakeServer):
    """Answers each request with the next unused exchange of its method and path (the query
    aside). A request nothing recorded is answered 599 and listed in `unexpected`."""

    def __init__(self, *names: str) -> None:
        self.recordings = tuple(load(n) for n in names)
        self._queue: dict[tuple[str, str], deque[Exchange]] = {}
        for recording in self.recordings:
            for exchange in recording.exchanges:
                key = (exchange.method, exchange.path)
                self._queue.setdefault(key, deque()).append(exchange)
        self.unexpected: list[Request] = []
        self._replay_lock = threading.Lock()
        super().__init__()

    def handle(self, request: Request) -> Reply:
        with self._replay_lock:
            waiting = self._queue.get((request.method, request.path))
            if not waiting:
                self.unexpected.append(request)
                return Reply(599, f"not recorded: {request.method} {request.path}")
            exchange = waiting.popleft()
        return self.reply(exchange)

    def reply(self, exchange: Exchange) -> Reply:
        """The recorded answer, with `{base}` and `{now+N}` filled in."""
        headers = {k: self._fill(v) for k, v in exchange.headers.items()}
        if exchange.body is None:
            return Reply(exchange.status, b"", headers)
        if isinstance(exchange.body, str):
            return Reply(exchange.status, self._fill(exchange.body), headers)
        return Reply(exchange.status, self._fill(json.dumps(exchange.body)), headers)

    def left(self) -> int:
        """Exchanges not asked for (a test that expects them all used checks this is 0)."""
        with self._replay_lock:
            return sum(len(q) for q in self._queue.values())

    def _fill(self, value: str) -> str:
        value = value.replace("{base}", self.url)
        return _NOW.sub(lambda m: str(int(time.time()) + int(m[1])), value)
