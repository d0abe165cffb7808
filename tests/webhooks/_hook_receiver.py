"""A real HTTP receiver on loopback that behaves like the hooks clients run."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    base_url: str
    port: int
    requests: list[Received] = field(default_factory=list)
    sni: list[str | None] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            # The client hangs up on purpose after timeouts and capped reads.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer()

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/ok":
                self._send(200, b'{"received": true}')
            elif path == "/accepted":
                self._send(202, b"")
            elif path == "/fail":
                self._send(500, b"receiver exploded")
            elif path == "/slow":
                receiver.stop.wait(5.0)
                self._send(200, b"too late")
            elif path == "/redirect":
                self._send(302, b"", {"Location": receiver.url("/ok")})
            elif path == "/huge":
                self._endless(chunk=b"x" * 65536, pause_s=0.0)
            elif path == "/drip":
                self._endless(chunk=b".", pause_s=0.1)
            else:
                self._send(404, b"no such hook")

        def _endless(self, *, chunk: bytes, pause_s: float) -> None:
            # A 200 with a body that never ends: the client must stop reading on its own.
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            deadline = time.monotonic() + 10.0
            while not receiver.stop.is_set() and time.monotonic() < deadline:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
                if pause_s:
                    receiver.stop.wait(pause_s)
            self.close_connection = True

    return Handler
