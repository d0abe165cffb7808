"""A hook receiver on a fixed loopback port that can be down, slow, failing or up."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Hit:
    mode: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value


@dataclass
class SwitchReceiver:
    """``mode`` is ``ok`` (200), ``fail`` (500), ``slow`` (answers after ``slow_s``) or
    ``redirect`` (302); :meth:`down` closes the port, :meth:`up` opens it again."""

    port: int
    mode: str = "ok"
    slow_s: float = 3.0
    hits: list[Hit] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                mode = receiver.mode
                with receiver._lock:
                    receiver.hits.append(Hit(mode, dict(self.headers.items()), body))
                if mode == "slow":
                    time.sleep(receiver.slow_s)
                status = {"ok": 200, "fail": 500, "slow": 200, "redirect": 302}[mode]
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    if mode == "redirect":
                        self.send_header("Location", f"http://127.0.0.1:{receiver.port}/else")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join(5)
            self._server = None

    def delivered(self) -> list[Hit]:
        """Requests answered 200 in time."""
        with self._lock:
            return [hit for hit in self.hits if hit.mode == "ok"]

    def wait_for(self, predicate: Any, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver: condition not met; got {len(self.hits)} hits")
            time.sleep(0.05)
