"""Fake upstreams: real HTTP servers on loopback, one per answer shape, built from the seed
pages' examples, and a fake Suno web (Clerk login + studio API).

A task moves one stage per fetch (SUBMITTED, IN_PROGRESS with clips streaming, SUCCESS).
Misbehaviour is scripted on :attr:`FakeUpstream.script`: answer statuses queued for the
next requests, a delay, garbage bodies; a prompt containing ``stuck`` never finishes and
one containing ``forget`` is forgotten after its submit. Media files are served by the
same server under ``/cdn/`` (relative URLs for the clips shape, absolute otherwise). A
prompt containing ``live`` makes a task whose streaming clips point at ``/live/``: their
audio trickles out piece by piece (:data:`LIVE_PIECES`, :data:`LIVE_PAUSE_S` apart), and
the task stays streaming until one such stream has been played to its end.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import json
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from seed_shapes import seed

SHAPES = ("suno", "flat", "goapi", "clips")
AUDIO_SIZE = 120_000
IMAGE_SIZE = 2_000
VIDEO_SIZE = 5_000
DURATIONS = (31.5, 29.0)
LIVE_PIECES = 8
LIVE_PAUSE_S = 0.25


def media_bytes(name: str, size: int) -> bytes:
    """Deterministic file content, so a test can compare what was mirrored."""
    block = hashlib.sha256(name.encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def _suno_template() -> dict[str, Any]:
    clip: dict[str, Any] = seed("000_suno")["data"]["data"][0]
    return clip


def _flat_template() -> dict[str, Any]:
    clip: dict[str, Any] = seed("002_flat")["data"]["data"][0]
    return clip


def _goapi_template() -> dict[str, Any]:
    clips: dict[str, Any] = seed("001_goapi")["data"]["clips"]
    return dict(next(iter(clips.values())))


@dataclass
class Script:
    """Misbehaviour, consumed request by request."""

    # HTTP statuses answered (with an error body) to the next API requests, in order.
    statuses: list[int] = field(default_factory=list)
    # Answer every API request with this status while set.
    always: int | None = None
    # Seconds to wait before answering each API request.
    delay_s: float = 0.0
    # Next API requests answered with a body that is not JSON.
    garbage: int = 0
    # Next requests for a live stream answered 404 (the stream is not ready yet).
    live_refusals: int = 0


@dataclass
class FakeTask:
    task_id: str
    action: str
    body: dict[str, Any]
    clip_ids: tuple[str, str]
    polls: int = 0
    submit_time: int = field(default_factory=lambda: int(time.time()))
    # A "live" task: set once one of its clips' streams has been played to its end.
    live_played: bool = False

    @property
    def live(self) -> bool:
        return "live" in json.dumps(self.body)

    def stage(self) -> tuple[str, int, str]:
        """(task status, progress, clip status) now."""
        text = json.dumps(self.body)
        if self.live and self.polls:
            return ("SUCCESS", 100, "complete") if self.live_played else (
                "IN_PROGRESS", 40, "streaming")  # fmt: skip
        if "stuck" in text:
            return ("IN_PROGRESS", 30, "streaming") if self.polls else ("SUBMITTED", 0, "queued")
        if "doomed" in text and self.polls >= 1:
            return "FAILURE", 100, "error"
        stages = [("SUBMITTED", 0, "queued"), ("IN_PROGRESS", 40, "streaming"),
                  ("SUCCESS", 100, "complete")]  # fmt: skip
        return stages[min(self.polls, len(stages) - 1)]


class _Server:
    """A ThreadingHTTPServer on loopback calling ``self.handle``."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _do(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, ctype = owner.handle(method, self.path, dict(self.headers), raw)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    if isinstance(body, bytes):
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                        return
                    # A body that grows as it is sent: no length, it ends with the
                    # connection (HTTP/1.0).
                    self.end_headers()
                    for piece in body:
                        self.wfile.write(piece)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:
                self._do("GET")

            def do_POST(self) -> None:
                self._do("POST")

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.02,),
                                        daemon=True)  # fmt: skip
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def start(self) -> _Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(5)

    def handle(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, bytes | Iterator[bytes], str]:
        raise NotImplementedError

    def media(self, path: str) -> tuple[int, bytes, str]:
        name = path.removeprefix("/cdn/")
        self.media_requests.append(name)
        sizes = {".mp3": AUDIO_SIZE, ".jpeg": IMAGE_SIZE, ".mp4": VIDEO_SIZE}
        size = next((n for ext, n in sizes.items() if name.endswith(ext)), None)
        if size is None:
            return 404, b"no such file", "text/plain"
        return 200, media_bytes(name, size), "application/octet-stream"

    media_requests: list[str]


def _json(status: int, body: Any) -> tuple[int, bytes, str]:
    return status, json.dumps(body).encode(), "application/json"


class FakeUpstream(_Server):
    """A provider of this API answering in ``shape`` (suno, flat, goapi or clips)."""

    def __init__(
        self, shape: str, key: str = "sk-upstream-secret", media_host: str | None = None
    ) -> None:
        super().__init__()
        assert shape in SHAPES
        self.shape = shape
        self.key = key
        # Absolute media URLs name this host (the same server under another name).
        self.media_host = media_host
        self.script = Script()
        self.tasks: dict[str, FakeTask] = {}
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.media_requests = []
        self._ids = itertools.count(1)

    def __enter__(self) -> FakeUpstream:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def api_requests(self, path_prefix: str = "/suno/") -> list[tuple[str, str, Any]]:
        return [(m, p, b) for m, p, _h, b in self.requests if p.startswith(path_prefix)]

    # -- shapes ---------------------------------------------------------------------------

    def _media_url(self, name: str, folder: str = "cdn") -> str:
        path = f"/{folder}/{name}"
        if self.media_host is not None:
            return f"http://{self.media_host}:{self._http.server_address[1]}{path}"
        return path if self.shape == "clips" else f"{self.base_url}{path}"

    def clip(self, task: FakeTask, index: int, status: str) -> dict[str, Any]:
        clip_id = task.clip_ids[index]
        playing = status in ("streaming", "complete")
        done = status == "complete"
        audio = self._media_url(f"{clip_id}.mp3") if playing else ""
        if status == "streaming" and task.live:
            audio = self._media_url(f"{clip_id}.mp3", "live")
        image = self._media_url(f"image_{clip_id}.jpeg") if done else ""
        large = self._media_url(f"image_large_{clip_id}.jpeg") if done else ""
        video = self._media_url(f"{clip_id}.mp4") if done else ""
        title = task.body.get("title") or "Upstream Song"
        tags = task.body.get("tags") or "upstream pop"
        lyrics = task.body.get("prompt") or "[Verse]\nsung far away"
        duration = DURATIONS[index] if done else None
        if self.shape == "flat":
            flat = copy.deepcopy(_flat_template())
            flat.update(
                id=clip_id, clip_id=clip_id, task_id=f"{task.task_id}_{index + 1}",
                mv=task.body.get("mv", "chirp-v3-5"), title=title, tags=tags, prompt=lyrics,
                status=status, state={"complete": "succeeded", "error": "failed"}.get(
                    status, "running"), msg="it broke" if status == "error" else "",
                duration=duration, audio_url=audio, image_url=image, image_large_url=large,
                video_url=video, gpt_description_prompt=task.body.get("gpt_description_prompt"),
            )  # fmt: skip
            return flat
        suno = copy.deepcopy(_goapi_template() if self.shape == "goapi" else _suno_template())
        suno.update(id=clip_id, title=title, status=status, audio_url=audio, image_url=image,
                    image_large_url=large, video_url=video)  # fmt: skip
        suno["metadata"].update(
            tags=tags, prompt=lyrics, duration=duration,
            gpt_description_prompt=task.body.get("gpt_description_prompt"),
            error_message="it broke" if status == "error" else None,
        )  # fmt: skip
        return suno

    def task_object(self, task: FakeTask) -> Any:
        if task.action == "LYRICS":
            done = task.polls >= 1
            return {
                "task_id": task.task_id, "notify_hook": "", "action": "LYRICS",
                "status": "SUCCESS" if done else "IN_PROGRESS", "fail_reason": "",
                "submit_time": task.submit_time, "start_time": task.submit_time,
                "finish_time": task.submit_time if done else 0,
                "progress": "100%" if done else "50%",
                "data": {"id": task.task_id, "text": "[Verse]\nfar words" if done else "",
                         "title": "Far Lyrics" if done else "",
                         "status": "complete" if done else "running"},
            }  # fmt: skip
        status, progress, clip_status = task.stage()
        clips = [self.clip(task, i, clip_status) for i in range(2)]
        if self.shape == "goapi":
            goapi_status = {"SUBMITTED": "pending", "IN_PROGRESS": "processing",
                            "SUCCESS": "completed", "FAILURE": "failed"}[status]  # fmt: skip
            return {
                "task_id": task.task_id,
                "status": goapi_status,
                "input": json.dumps(task.body),
                "clips": {c["id"]: c for c in clips},
            }
        if self.shape == "clips":
            return clips
        return {
            "task_id": task.task_id, "notify_hook": "", "action": "MUSIC", "status": status,
            "fail_reason": "it broke" if status == "FAILURE" else "",
            "submit_time": task.submit_time, "start_time": task.submit_time,
            "finish_time": task.submit_time + 60 if status == "SUCCESS" else 0,
            "progress": f"{progress}%", "data": clips,
        }  # fmt: skip

    def _ok(self, data: Any) -> tuple[int, bytes, str]:
        if self.shape == "goapi":
            return _json(200, {"code": 200, "message": "success", "data": data})
        return _json(200, {"code": "success", "message": "", "data": data})

    def _error(self, status: int, code: str, message: str) -> tuple[int, bytes, str]:
        if self.shape == "goapi":
            return _json(status, {"code": status, "message": message, "data": None})
        return _json(status, {"code": code, "message": message, "data": None})

    # -- routes ---------------------------------------------------------------------------

    def _new(self, action: str, body: dict[str, Any]) -> FakeTask:
        n = next(self._ids)
        clip_ids = (str(uuid.uuid4()), str(uuid.uuid4()))
        task_id = ",".join(clip_ids) if self.shape == "clips" else str(uuid.uuid4())
        task = FakeTask(task_id, action, body, clip_ids, submit_time=int(time.time()) + n * 0)
        self.tasks[task_id] = task
        return task

    def _live(self, name: str) -> tuple[int, bytes | Iterator[bytes], str]:
        """A streaming clip's audio, trickling out: the bytes of its final file."""
        self.media_requests.append(f"live/{name}")
        clip_id = name.removesuffix(".mp3")
        with self.lock:
            task = next((t for t in self.tasks.values() if clip_id in t.clip_ids), None)
            refused = self.script.live_refusals > 0
            self.script.live_refusals -= refused
        if task is None or not task.live or refused:
            return 404, b"no such stream", "text/plain"
        audio = media_bytes(name, AUDIO_SIZE)
        step = -(-len(audio) // LIVE_PIECES)

        def pieces() -> Iterator[bytes]:
            for start in range(0, len(audio), step):
                if start:
                    time.sleep(LIVE_PAUSE_S)
                yield audio[start : start + step]
            with self.lock:
                task.live_played = True

        return 200, pieces(), "audio/mpeg"

    def _known(self, task_id: str) -> FakeTask | None:
        task = self.tasks.get(task_id)
        if task is None or "forget" in json.dumps(task.body):
            return None
        return task

    def handle(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, bytes | Iterator[bytes], str]:
        if path.startswith("/cdn/"):
            return self.media(path)
        if path.startswith("/live/"):
            return self._live(path.removeprefix("/live/"))
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        with self.lock:
            self.requests.append((method, path, headers, body))
            delay = self.script.delay_s
        if delay:
            time.sleep(delay)
        with self.lock:
            return self._answer(method, path, headers, body)

    def _answer(
        self, method: str, path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, bytes, str]:
        script = self.script
        if script.always is not None or script.statuses:
            status = script.always if script.always is not None else script.statuses.pop(0)
            code = "rate_limited" if status == 429 else "internal_error"
            return self._error(status, code, f"upstream says {status}")
        if script.garbage:
            script.garbage -= 1
            return 200, b"<html>oops</html>", "text/html"
        if headers.get("Authorization") != f"Bearer {self.key}":
            return self._error(401, "unauthorized", "invalid api key")
        if method == "POST" and path == "/suno/submit/music":
            task = self._new("MUSIC", body)
            if self.shape == "clips":
                return _json(200, [self.clip(task, i, "submitted") for i in range(2)])
            if self.shape == "goapi":
                return self._ok({"task_id": task.task_id})
            return self._ok(task.task_id)
        if method == "POST" and path == "/suno/submit/lyrics":
            if not body.get("prompt"):
                return self._error(400, "invalid_request", "prompt is required")
            return self._ok(self._new("LYRICS", body).task_id)
        if method == "GET" and path.startswith("/suno/fetch/"):
            task_id = path.removeprefix("/suno/fetch/")
            found = self._known(task_id)
            if found is None:
                return self._error(404, "task_not_exist", "no such task")
            found.polls += 1
            answer = self.task_object(found)
            return _json(200, answer) if self.shape == "clips" else self._ok(answer)
        if method == "POST" and path == "/suno/fetch":
            found_tasks = [t for i in body.get("ids", []) if (t := self._known(i)) is not None]
            for task in found_tasks:
                task.polls += 1
            if self.shape == "clips":
                return _json(200, [c for t in found_tasks for c in self.task_object(t)])
            # Like many relays: the order is not kept.
            return self._ok([self.task_object(t) for t in reversed(found_tasks)])
        return self._error(404, "not_found", f"no route {method} {path}")


def make_jwt(exp: float, sub: str = "user_1") -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part({'sub': sub, 'exp': int(exp)})}.sig"


class FakeSunoWeb(_Server):
    """Clerk (``/v1/client...``) and the studio API (``/api/...``) on one server."""

    COOKIE = "__client=client-token-1; ajs_anonymous_id=abc"

    def __init__(self, token_ttl_s: float = 3600.0) -> None:
        super().__init__()
        self.token_ttl_s = token_ttl_s
        self.captcha = False
        # When set, the studio answers every request like Suno does for a revoked session.
        self.token_failed = False
        self.issued: list[str] = []
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.media_requests = []
        self.clips: dict[str, dict[str, Any]] = {}
        self.feeds: dict[str, int] = {}
        self.lyrics: dict[str, int] = {}
        self.credits_left = 50
        self.stale_tokens_seen = 0

    def __enter__(self) -> FakeSunoWeb:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def handle(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, bytes, str]:
        if path.startswith("/cdn/"):
            return self.media(path)
        body = json.loads(raw) if raw else None
        with self.lock:
            self.requests.append((method, path, headers, body))
            return self._answer(method, path, headers, body)

    def _answer(
        self, method: str, path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, bytes, str]:
        parts = urlsplit(path)
        route = parts.path
        if route == "/v1/client" and method == "GET":
            if "__client=client-token-1" not in headers.get("Cookie", ""):
                return _json(200, {"response": None})
            return _json(200, {"response": {"last_active_session_id": "sess_1"}})
        if route == "/v1/client/sessions/sess_1/tokens" and method == "POST":
            token = make_jwt(time.time() + self.token_ttl_s, sub=f"t{len(self.issued)}")
            self.issued.append(token)
            return _json(200, {"jwt": token})
        if not route.startswith("/api/"):
            return _json(404, {"detail": "Not Found"})
        auth = headers.get("Authorization", "").removeprefix("Bearer ")
        if self.token_failed:
            return _json(422, {"detail": "Token validation failed."})
        if auth not in self.issued:
            return _json(401, {"detail": "Unauthorized"})
        exp = json.loads(base64.urlsafe_b64decode(auth.split(".")[1] + "=="))["exp"]
        if exp <= time.time():
            self.stale_tokens_seen += 1
            return _json(401, {"detail": "Unauthorized"})
        if route == "/api/c/check":
            return _json(200, {"required": self.captcha})
        if route == "/api/generate/v2/" and method == "POST":
            if self.captcha and not body.get("token"):
                return _json(422, {"detail": "captcha required"})
            clips = []
            for _ in range(2):
                clip = copy.deepcopy(_suno_template())
                clip.update(id=str(uuid.uuid4()), status="submitted", audio_url="",
                            image_url="", image_large_url="", video_url="",
                            title=body.get("title") or "Web Song")  # fmt: skip
                clip["metadata"].update(
                    tags=body.get("tags") or "web rock",
                    duration=None,
                    prompt=body.get("prompt") or "[Verse]\nweb words",
                )
                self.clips[clip["id"]] = clip
                self.feeds[clip["id"]] = 0
                clips.append(clip)
            return _json(200, {"id": str(uuid.uuid4()), "clips": clips, "status": "complete"})
        if route == "/api/feed/v2" and method == "GET":
            ids = parse_qs(parts.query).get("ids", [""])[0].split(",")
            listed = []
            for clip_id in ids:
                clip = self.clips.get(clip_id)
                if clip is None:
                    continue
                self.feeds[clip_id] += 1
                if self.feeds[clip_id] >= 2:
                    clip.update(
                        status="complete",
                        audio_url=f"{self.base_url}/cdn/{clip_id}.mp3",
                        image_url=f"{self.base_url}/cdn/image_{clip_id}.jpeg",
                        image_large_url=f"{self.base_url}/cdn/image_large_{clip_id}.jpeg",
                    )
                    clip["metadata"]["duration"] = 33.0
                else:
                    clip.update(status="streaming",
                                audio_url=f"{self.base_url}/cdn/{clip_id}.mp3")  # fmt: skip
                listed.append(clip)
            return _json(200, {"clips": listed, "num_total_results": len(listed)})
        if route == "/api/generate/lyrics/" and method == "POST":
            lyrics_id = str(uuid.uuid4())
            self.lyrics[lyrics_id] = 0
            return _json(200, {"id": lyrics_id})
        if route.startswith("/api/generate/lyrics/") and method == "GET":
            lyrics_id = route.removeprefix("/api/generate/lyrics/")
            if lyrics_id not in self.lyrics:
                return _json(404, {"detail": "Not found"})
            self.lyrics[lyrics_id] += 1
            done = self.lyrics[lyrics_id] >= 2
            return _json(200, {"text": "[Verse]\nweb lyrics" if done else "",
                               "title": "Web Lyrics" if done else "",
                               "status": "complete" if done else "running"})  # fmt: skip
        if route == "/api/billing/info/":
            return _json(200, {"total_credits_left": self.credits_left, "period": "month",
                               "monthly_limit": 50, "monthly_usage": 0})  # fmt: skip
        return _json(404, {"detail": "Not Found"})
