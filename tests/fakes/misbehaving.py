"""A raw TCP server on 127.0.0.1 that answers every HTTP request badly, in one chosen way:
the faults a read timeout alone does not bound (silence, trickles, endless or huge bodies)."""

from __future__ import annotations

import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from tests.fakes.server import Serving

Mode = Literal["silent", "trickle_headers", "trickle_body", "endless", "oversized"]
MODES: tuple[Mode, ...] = ("silent", "trickle_headers", "trickle_body", "endless", "oversized")
OVERSIZED = 20 * 1024 * 1024  # twice the client's cap


class Misbehaving(Serving):
    """Every connection gets the same misbehaviour until the server is closed."""

    def __init__(self, mode: Mode, interval: float = 1.0) -> None:
        self.mode, self.interval = mode, interval
        self.stop = threading.Event()
        self.connections = 0
        super().__init__(socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler()))

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()  # the handlers still trickling or streaming end too
        super().__exit__(kind, exc, tb)

    def _handler(self) -> type[socketserver.BaseRequestHandler]:
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                fake.connections += 1
                sock: socket.socket = self.request
                try:
                    _read_head(sock)
                    getattr(fake, f"_{fake.mode}")(sock)
                except OSError:
                    pass  # the client gave up: that is the point

        return Handler

    def _drip(self, sock: socket.socket, byte: bytes) -> None:
        while not self.stop.wait(self.interval):
            sock.sendall(byte)

    def _silent(self, sock: socket.socket) -> None:
        self.stop.wait()

    def _trickle_headers(self, sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        self._drip(sock, b"a")

    def _trickle_body(self, sock: socket.socket) -> None:
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n["
        )
        self._drip(sock, b" ")

    def _endless(self, sock: socket.socket) -> None:
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
        while not self.stop.is_set():
            sock.sendall(chunk)

    def _oversized(self, sock: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
        sock.sendall(head % OVERSIZED)
        block = b" " * 65536
        for _ in range(OVERSIZED // len(block)):
            if self.stop.is_set():
                return
            sock.sendall(block)
        time.sleep(0.1)


def _read_head(sock: socket.socket) -> bytes:
    """The request line and headers (a body, if any, is left unread)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


# --- running the real CLI against them ------------------------------------------------------

MINI = Path(__file__).resolve().parent.parent / "fixtures" / "mini"
ROOT = MINI.parent.parent.parent
TOKENS = {
    "GITHUB_TOKEN": "ghs_SECRETgithubTOKEN0123456789",
    "HF_TOKEN": "hf_SECREThubTOKEN0123456789",
    "SEMANTIC_SCHOLAR_API_KEY": "s2_SECRETscholarKEY0123456789",
}


@dataclass(frozen=True)
class Run:
    """One CLI run: how long the process lived, its exit code and its output."""

    seconds: float
    code: int
    stdout: str
    stderr: str


def mini_profile(folder: Path) -> list[str]:
    """Copy the small test data, templates and snapshot into folder; the CLI options for them."""
    for name in ("cv.yaml", "stats.json"):
        shutil.copy(MINI / name, folder / name)
    shutil.copytree(MINI / "templates", folder / "templates", dirs_exist_ok=True)
    return [
        "--data", str(folder / "cv.yaml"), "--templates", str(folder / "templates"),
        "--stats", str(folder / "stats.json"), "--root", str(folder),
    ]  # fmt: skip


def service_env(github: str, hub: str, scholar: str) -> dict[str, str]:
    """The environment of a run whose three services are at these base URLs."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "HF_"))}
    return {
        **keep,
        "GITHUB_API_URL": github,
        "GITHUB_GRAPHQL_URL": github + "/graphql",
        "HF_ENDPOINT": hub,
        "SEMANTIC_SCHOLAR_API_URL": scholar,
        "PYTHONPATH": str(ROOT),
        **TOKENS,
    }


def run_cli(args: list[str], env: dict[str, str], limit: float = 120.0, cwd: Path = ROOT) -> Run:
    """`python -m updater ARGS` in a subprocess, timed from start to exit."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "updater", *args],
        env=env, capture_output=True, text=True, timeout=limit, check=False, cwd=cwd,
    )  # fmt: skip
    return Run(time.monotonic() - started, done.returncode, done.stdout, done.stderr)
