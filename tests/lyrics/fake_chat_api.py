"""A scriptable OpenAI-compatible chat API on loopback, for the language-model writer."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD = {
    "title": "Neon Whiskers",
    "tags": "upbeat synthwave, female vocals",
    "lyrics": "[Verse]\nA cat on the neon sill\nWatching the city still\n\n"
    "[Chorus]\nNeon whiskers in the night\nPurring in the city light\n\n"
    "[Outro]\nNeon whiskers, hold on tight",
}


class FakeChatApi:
    """Answers ``POST /v1/chat/completions`` according to ``behaviour``.

    Behaviours: good, fenced, slow, held (the good answer once ``release`` is set),
    http500, http429, not_json, not_completion, missing, wrong_types, empty_lyrics,
    no_markers, long_title.
    """

    def __init__(self) -> None:
        self.behaviour = "good"
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.slow_s = 2.0
        self.release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                api.requests.append(body)
                api.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": "not found"}')
                    return
                status, payload = api.answer()
                self._send(status, payload)

            def _send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self) -> tuple[int, bytes]:
        b = self.behaviour
        if b == "http500":
            return 500, b'{"error": {"message": "boom"}}'
        if b == "http429":
            return 429, b'{"error": {"message": "slow down"}}'
        if b == "not_completion":
            return 200, b'{"hello": "world"}'
        if b == "slow":
            time.sleep(self.slow_s)
        if b == "held":
            self.release.wait(60)
        content: str
        if b in ("good", "slow", "held"):
            content = json.dumps(GOOD)
        elif b == "fenced":
            content = "```json\n" + json.dumps(GOOD) + "\n```"
        elif b == "not_json":
            content = "Here are your lyrics: la la la"
        elif b == "missing":
            content = json.dumps({"title": "Only a title"})
        elif b == "wrong_types":
            content = json.dumps({"title": 3, "tags": ["pop"], "lyrics": {"verse": "x"}})
        elif b == "empty_lyrics":
            content = json.dumps({**GOOD, "lyrics": "   "})
        elif b == "no_markers":
            content = json.dumps({**GOOD, "lyrics": "just a line\nand another line here"})
        elif b == "long_title":
            content = json.dumps({**GOOD, "title": "x" * 81})
        else:
            raise ValueError(b)
        completion = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": "fake",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
        }
        return 200, json.dumps(completion).encode()

    def __enter__(self) -> FakeChatApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
