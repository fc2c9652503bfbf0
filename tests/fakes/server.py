"""A threaded HTTP server on 127.0.0.1 with per-request latency, a request log and scripted faults."""

from __future__ import annotations

import json
import re
import socket
import socketserver
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    peer: int = 0  # the client's port: one per connection

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass(frozen=True)
class Reply:
    """A response; `reset` drops the connection instead, `delay` sleeps before answering."""

    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def json_reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """A JSON response with the content type the real APIs send."""
    return Reply(
        status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )


class Serving:
    """A socket server on 127.0.0.1 run in a daemon thread for the length of a `with` block."""

    def __init__(self, server: socketserver.TCPServer) -> None:
        self._server = server
        server.daemon_threads = True  # type: ignore[attr-defined]
        # serve_forever checks for shutdown every poll_interval (0.5 s by default): a short one
        # keeps each test's teardown from waiting half a second per server.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeServer(Serving):
    """Base of the fakes: subclasses implement `handle`; tests script faults with `script`."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.requests: list[Request] = []
        self._faults: list[tuple[str, re.Pattern[str], Reply]] = []
        self._lock = threading.Lock()
        super().__init__(_Server(("127.0.0.1", 0), _handler_for(self)))

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """The next requests matching method and path regex get these replies, once each."""
        with self._lock:
            self._faults.extend((method, re.compile(path), r) for r in replies)

    def count(self, method: str | None = None, path: str = "") -> int:
        """How many requests matched."""
        return sum(
            1
            for r in self.requests
            if (method is None or r.method == method) and re.search(path, r.path)
        )

    def connections(self) -> int:
        """How many connections the requests came over."""
        return len({r.peer for r in self.requests})

    def _scripted(self, request: Request) -> Reply | None:
        with self._lock:
            for i, (method, pattern, reply) in enumerate(self._faults):
                if method == request.method and pattern.search(request.path):
                    del self._faults[i]
                    return reply
        return None

    def respond(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        return self._scripted(request) or self.handle(request)

    def handle(self, request: Request) -> Reply:  # pragma: no cover - overridden
        raise NotImplementedError


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) leaves its handler writing to a closed socket,
        # possibly after its test ended: printing that traceback would land in another test's
        # captured stderr. Anything else is still printed.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _handler_for(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the real APIs
        # The handler writes the status line, each header and the body separately: with
        # Nagle's algorithm each small write waits for the client's delayed ACK (~40 ms).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
                self.client_address[1],
            )
            reply = fake.respond(request)
            time.sleep(fake.latency + reply.delay)
            if reply.reset:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                self.close_connection = True
                self.connection.close()
                return
            payload = reply.payload()
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            try:
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up on this answer

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    return Handler
