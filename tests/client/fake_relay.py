"""A small Suno-API relay on loopback, answering in a chosen dialect.

Tasks move one stage further on each fetch, so a poller sees them go through
SUBMITTED, QUEUED, IN_PROGRESS (clips streaming, progress rising) and SUCCESS. A MUSIC
prompt containing "fail" ends in FAILURE; one containing "stall" never finishes. Media
files are served from a second port (a different origin, like a CDN). Canned error answers
queued in ``FakeRelay.canned`` are served, in order, before anything else.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (task status, progress, clip statuses) at each successive fetch.
MUSIC_STAGES: list[tuple[str, int, tuple[str, str]]] = [
    ("SUBMITTED", 0, ("submitted", "submitted")),
    ("QUEUED", 0, ("queued", "queued")),
    ("IN_PROGRESS", 20, ("streaming", "queued")),
    ("IN_PROGRESS", 55, ("streaming", "streaming")),
    ("IN_PROGRESS", 85, ("complete", "streaming")),
    ("SUCCESS", 100, ("complete", "complete")),
]
FAIL_STAGE = ("FAILURE", 100, ("error", "error"))
LYRICS_STAGES = [("SUBMITTED", 0, "submitted"), ("IN_PROGRESS", 50, "streaming"),
                 ("SUCCESS", 100, "complete")]  # fmt: skip
GOAPI_STATUS = {
    "SUBMITTED": "pending",
    "QUEUED": "pending",
    "IN_PROGRESS": "processing",
    "SUCCESS": "completed",
    "FAILURE": "failed",
}
CLIP_SECONDS = (12.5, 14.0)


def media_bytes(name: str, size: int) -> bytes:
    """Deterministic content for a media file, so a test can check what it downloaded."""
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


@dataclass
class RelayTask:
    task_id: str
    action: str
    body: dict[str, Any]
    clip_ids: tuple[str, str]
    polls: int = 0
    submit_time: int = 1733717567

    def stage(self) -> tuple[str, int, tuple[str, str]]:
        prompt = json.dumps(self.body)
        if "fail" in prompt and self.polls >= 3:
            return FAIL_STAGE
        if "stall" in prompt:
            return MUSIC_STAGES[min(self.polls, 3)]
        return MUSIC_STAGES[min(self.polls, len(MUSIC_STAGES) - 1)]


@dataclass
class Canned:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FakeRelay:
    """The relay; use as a context manager, ``base_url`` is where it listens."""

    AUDIO_SIZE = 150_000  # bigger than one download chunk
    IMAGE_SIZE = 3_000
    VIDEO_SIZE = 9_000

    KEY = "sk-test-key"

    def __init__(self, dialect: str = "suno", key: str = KEY) -> None:
        self.dialect = dialect
        self.key = key
        # Stages a task moves on per fetch; a large stride finishes tasks at the first poll.
        self.stride = 1
        self.tasks: dict[str, RelayTask] = {}
        self.canned: list[Canned] = []
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.media_requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._api = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(media=False))
        self._cdn = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(media=True))
        self._threads = [
            # A short poll interval keeps shutdown (and so each test's teardown) quick.
            threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
            for server in (self._api, self._cdn)
        ]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._api.server_address[1]}"

    @property
    def media_url(self) -> str:
        return f"http://127.0.0.1:{self._cdn.server_address[1]}"

    def __enter__(self) -> FakeRelay:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in (self._api, self._cdn):
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join()

    def can(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        """Queue an answer served to the next API request (bytes are sent as they are)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.canned.append(Canned(status, raw, headers or {}))

    # -- answers -------------------------------------------------------------------------

    def _new_task(self, action: str, body: dict[str, Any]) -> RelayTask:
        n = next(self._counter)
        task_id = str(uuid.UUID(int=n))
        clips = (str(uuid.UUID(int=1000 + 2 * n)), str(uuid.UUID(int=1001 + 2 * n)))
        task = RelayTask(task_id, action, body, clips)
        self.tasks[task_id] = task
        return task

    def _clip(self, task: RelayTask, index: int, status: str) -> dict[str, Any]:
        clip_id = task.clip_ids[index]
        playing = status in ("streaming", "complete")
        done = status == "complete"
        suno: dict[str, Any] = {
            "id": clip_id,
            "title": task.body.get("title") or "Fake Song",
            "status": status,
            "audio_url": f"{self.media_url}/{clip_id}.mp3" if playing else "",
            "image_url": f"{self.media_url}/image_{clip_id}.jpeg" if done else None,
            "image_large_url": f"{self.media_url}/image_large_{clip_id}.jpeg" if done else None,
            "video_url": f"{self.media_url}/{clip_id}.mp4" if done else "",
            "model_name": "chirp-v3",
            "created_at": "2024-12-09T04:12:47.000Z",
            "metadata": {
                "tags": task.body.get("tags") or "fake pop",
                "prompt": task.body.get("prompt") or "[Verse]\nla la la",
                "gpt_description_prompt": task.body.get("gpt_description_prompt"),
                "duration": CLIP_SECONDS[index] if done else None,
                "error_message": "engine exploded" if status == "error" else None,
            },
        }
        if self.dialect != "flat":
            return suno
        meta = suno.pop("metadata")
        model = suno.pop("model_name")
        return {
            **suno,
            **meta,
            "clip_id": clip_id,
            "task_id": f"{task.task_id}_{index + 1}",
            "mv": model,
            "state": {"complete": "succeeded", "error": "failed"}.get(status, "running"),
            "create_time": str(task.submit_time + 30),
            "duration": None if meta["duration"] is None else str(meta["duration"]),
            "msg": meta["error_message"] or "",
        }

    def _task_object(self, task: RelayTask) -> dict[str, Any]:
        if task.action == "LYRICS":
            status, progress, lyric_status = LYRICS_STAGES[min(task.polls, 2)]
            data: Any = {
                "id": task.task_id,
                "text": "[Verse]\nFake words" if lyric_status == "complete" else "",
                "title": "Fake Lyrics" if lyric_status == "complete" else "",
                "status": lyric_status,
            }
            return self._envelope_task(task, status, progress, data)
        status, progress, clip_statuses = task.stage()
        clips = [self._clip(task, i, s) for i, s in enumerate(clip_statuses)]
        if self.dialect == "goapi":
            return {
                "task_id": task.task_id,
                "status": GOAPI_STATUS[status],
                "input": json.dumps(task.body),
                "clips": {clip["id"]: clip for clip in clips} if status != "SUBMITTED" else {},
            }
        return self._envelope_task(task, status, progress, clips)

    def _envelope_task(
        self, task: RelayTask, status: str, progress: int, data: Any
    ) -> dict[str, Any]:
        done = status in ("SUCCESS", "FAILURE")
        return {
            "task_id": task.task_id,
            "notify_hook": task.body.get("notify_hook", ""),
            "action": task.action,
            "status": status,
            "fail_reason": "engine exploded" if status == "FAILURE" else "",
            "submit_time": task.submit_time,
            "start_time": task.submit_time + 5 if task.polls else 0,
            "finish_time": task.submit_time + 60 if done else 0,
            "progress": f"{progress}%",
            "data": data,
        }

    def _success(self, data: Any) -> dict[str, Any]:
        if self.dialect == "goapi":
            return {"code": 200, "message": "success", "data": data}
        return {"code": "success", "message": "", "data": data}

    def _error(self, status: int, code: str, message: str) -> tuple[int, Any]:
        if self.dialect == "goapi":
            return status, {"code": status, "message": message, "data": None}
        return status, {"code": code, "message": message, "data": None}

    def answer(self, method: str, path: str, auth: str, body: Any) -> tuple[int, Any]:
        if auth != f"Bearer {self.key}":
            return self._error(401, "unauthorized", "invalid api key")
        if method == "POST" and path == "/suno/submit/music":
            task = self._new_task("MUSIC", body)
            if self.dialect == "goapi":
                return 200, self._success({"task_id": task.task_id})
            if self.dialect == "clips":
                clips = [self._clip(task, i, "submitted") for i in range(2)]
                return 200, {"id": task.task_id, "clips": clips, "status": "submitted"}
            return 200, self._success(task.task_id)
        if method == "POST" and path == "/suno/submit/lyrics":
            if not body.get("prompt"):
                return self._error(400, "invalid_request", "prompt is required")
            return 200, self._success(self._new_task("LYRICS", body).task_id)
        if method == "GET" and path.startswith("/suno/fetch/"):
            task_id = path.removeprefix("/suno/fetch/")
            found = self.tasks.get(task_id)
            if found is None:
                return self._error(404, "task_not_exist", f"task {task_id} does not exist")
            found.polls += self.stride
            answer = self._task_object(found)
            if self.dialect == "clips":
                return 200, list(answer["data"])
            return 200, self._success(answer)
        if method == "POST" and path == "/suno/fetch":
            # Like many relays: other kinds leak through and the order is not kept.
            batch = [self.tasks[i] for i in body.get("ids", []) if i in self.tasks]
            return 200, self._success([self._task_object(t) for t in reversed(batch)])
        return self._error(404, "not_found", f"no route {method} {path}")

    def _handler(self, *, media: bool) -> type[BaseHTTPRequestHandler]:
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _media(self) -> None:
                name = self.path.lstrip("/")
                relay.media_requests.append((name, dict(self.headers)))
                sizes = {".mp3": relay.AUDIO_SIZE, ".jpeg": relay.IMAGE_SIZE,
                         ".mp4": relay.VIDEO_SIZE}  # fmt: skip
                size = next((n for ext, n in sizes.items() if name.endswith(ext)), None)
                if size is None or "missing" in name:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                self._send(200, media_bytes(name, size), {"Content-Type": "audio/mpeg"})

            def _api_call(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                with relay._lock:
                    relay.requests.append((method, self.path, dict(self.headers), body))
                    if relay.canned:
                        canned = relay.canned.pop(0)
                        self._send(canned.status, canned.body, canned.headers)
                        return
                    status, answer = relay.answer(
                        method, self.path, self.headers.get("Authorization", ""), body
                    )
                self._send(
                    status, json.dumps(answer).encode(), {"Content-Type": "application/json"}
                )

            def do_GET(self) -> None:
                # The API also serves media below /media/, for relays giving relative URLs.
                if media or self.path.startswith("/media/"):
                    self.path = self.path.removeprefix("/media")
                    self._media()
                else:
                    self._api_call("GET")

            def do_POST(self) -> None:
                self._api_call("POST")

        return Handler
