"""What the sync and async clients share: building requests, reading answers, the wait
loop's decisions and download planning. Only the I/O lives in ``_sync`` and ``_async``."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import httpx

from chorus import __version__
from chorus.client.dialects import check_envelope, parse_submit, parse_task, parse_tasks
from chorus.client.errors import (
    ClientError,
    DownloadError,
    InvalidRequestError,
    InvalidResponse,
    RateLimitedError,
    ServiceBusy,
    TaskFailed,
    TransportError,
    UpstreamError,
    WaitTimeout,
    make_error,
)
from chorus.client.models import Clip, Task

T = TypeVar("T")
Kind = Literal["audio", "image", "image_large", "video"]
ProgressCallback = Callable[[Task], None]

USER_AGENT = f"chorus-client/{__version__}"
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class Call(Generic[T]):
    """One API request and how to read its answer."""

    method: str
    path: str
    parse: Callable[[Any], T]
    json: dict[str, Any] | None = None


def headers(key: str) -> dict[str, str]:
    """Request headers; the key is sent as given after ``Bearer``."""
    auth = key if key[:7].lower() == "bearer " else f"Bearer {key}"
    return {"Authorization": auth, "Accept": "application/json", "User-Agent": USER_AGENT}


def url(base_url: str, path: str) -> str:
    """The absolute URL of an API path below ``base_url`` (which may have a path itself)."""
    return base_url.rstrip("/") + path


def submit_music(
    *,
    prompt: str | None,
    gpt_description_prompt: str | None,
    tags: str | None,
    negative_tags: str | None,
    title: str | None,
    mv: str | None,
    make_instrumental: bool | None,
    continue_clip_id: str | None,
    continue_at: float | None,
    task_id: str | None,
    notify_hook: str | None,
    extra: dict[str, Any],
) -> Call[str]:
    """``POST /suno/submit/music``; fields left None are not sent."""
    given = {
        "prompt": prompt,
        "gpt_description_prompt": gpt_description_prompt,
        "tags": tags,
        "negative_tags": negative_tags,
        "title": title,
        "mv": mv,
        "make_instrumental": make_instrumental,
        "continue_clip_id": continue_clip_id,
        "continue_at": continue_at,
        "task_id": task_id,
        "notify_hook": notify_hook,
    }
    body = {k: v for k, v in given.items() if v is not None}
    body.update(extra)
    # Relays tell an extension from a new song by this field.
    if continue_clip_id is not None:
        body.setdefault("task", "extend")
    return Call("POST", "/suno/submit/music", parse_submit, body)


def submit_lyrics(prompt: str, notify_hook: str | None) -> Call[str]:
    """``POST /suno/submit/lyrics``."""
    body: dict[str, Any] = {"prompt": prompt}
    if notify_hook is not None:
        body["notify_hook"] = notify_hook
    return Call("POST", "/suno/submit/lyrics", parse_submit, body)


def _check_id(task_id: str) -> str:
    if not isinstance(task_id, str) or not task_id.strip():
        raise InvalidRequestError("task_id must be a non-empty string")
    return task_id


def fetch(task_id: str) -> Call[Task]:
    """``GET /suno/fetch/{task_id}``."""
    _check_id(task_id)
    return Call(
        "GET",
        f"/suno/fetch/{quote(task_id, safe='')}",
        lambda payload: parse_task(payload, task_id=task_id),
    )


def fetch_many(ids: Sequence[str], action: str | None) -> Call[list[Task]]:
    """``POST /suno/fetch``; the answer is put in the order asked and, when ``action`` is
    given, rid of tasks of another kind (some relays leak them)."""
    wanted = [_check_id(i) for i in ids]
    order = {task_id: n for n, task_id in reversed(list(enumerate(wanted)))}

    def parse(payload: Any) -> list[Task]:
        tasks = [t for t in parse_tasks(payload) if action is None or t.action in (action, "")]
        return sorted(tasks, key=lambda t: order.get(t.task_id, len(wanted)))

    body: dict[str, Any] = {"ids": wanted}
    if action is not None:
        body["action"] = action
    return Call("POST", "/suno/fetch", parse, body)


def decode(response: httpx.Response) -> Any:
    """The JSON of an answer, or the typed error it stands for."""
    try:
        payload = response.json()
    except ValueError:
        if response.status_code >= 400:
            raise make_error(
                response.status_code, None, response.text[:200] or None, headers=response.headers
            ) from None
        raise InvalidResponse(
            f"the answer to {response.request.url} is not JSON", status_code=502
        ) from None
    check_envelope(payload, status_code=response.status_code, headers=response.headers)
    return payload


def transport_error(exc: httpx.HTTPError) -> TransportError:
    """The client's error for an httpx failure to reach the server."""
    return TransportError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


def _fingerprint(task: Task) -> tuple[Any, ...]:
    clips = tuple((clip.id, clip.status, clip.duration, clip.audio_url) for clip in task.clips)
    lyrics = task.lyrics.status if task.lyrics else None
    return task.status, task.progress, clips, lyrics


class Waiter:
    """The decisions of ``wait``: when to call back, when to stop, how long to sleep.

    ``seen`` and ``failed`` return the seconds to sleep before the next poll, or (``seen``)
    None once the task is done.
    """

    _RETRYABLE = (RateLimitedError, ServiceBusy, TransportError, UpstreamError)

    def __init__(
        self,
        task_id: str,
        *,
        on_progress: ProgressCallback | None,
        poll_interval: float,
        timeout: float,
        raise_on_failure: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check_id(task_id)
        if poll_interval <= 0:
            raise InvalidRequestError("poll_interval must be positive")
        if timeout <= 0:
            raise InvalidRequestError("timeout must be positive")
        self.task_id = task_id
        self._on_progress = on_progress
        self._poll_interval = poll_interval
        self._timeout = timeout
        self._raise_on_failure = raise_on_failure
        self._clock = clock
        self._deadline = clock() + timeout
        self._last: Task | None = None
        self._last_seen: tuple[Any, ...] | None = None

    def seen(self, task: Task) -> float | None:
        self._last = task
        fingerprint = _fingerprint(task)
        if fingerprint != self._last_seen and self._on_progress is not None:
            self._on_progress(task)
        self._last_seen = fingerprint
        if task.done:
            if task.status == "FAILURE" and self._raise_on_failure:
                raise TaskFailed(task)
            return None
        return self._sleep(self._poll_interval, None)

    def failed(self, exc: ClientError) -> float:
        # Busy, rate-limited or briefly unreachable servers are waited out; a garbled
        # answer is not, since polling again would most likely read the same garbage.
        if isinstance(exc, InvalidResponse) or not isinstance(exc, self._RETRYABLE):
            raise exc
        retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
        return self._sleep(max(self._poll_interval, retry_after or 0.0), exc)

    def _sleep(self, wanted: float, cause: ClientError | None) -> float:
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            status = self._last.status if self._last else "never seen"
            raise WaitTimeout(
                f"task {self.task_id} not done after {self._timeout:g} s (last: {status})",
                task=self._last,
            ) from cause
        return min(wanted, remaining)


_URL_FIELD: dict[str, str] = {
    "audio": "audio_url",
    "image": "image_url",
    "image_large": "image_large_url",
    "video": "video_url",
}
_DEFAULT_SUFFIX = {"audio": ".mp3", "image": ".jpeg", "image_large": ".jpeg", "video": ".mp4"}
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Download:
    """One file to fetch: where from, where to, and whether to send the API key."""

    kind: str
    url: str
    target: Path
    send_key: bool

    def temp_path(self) -> Path:
        # In the target's folder so the final rename stays on one file system (atomic).
        return self.target.with_name(f".{self.target.name}.{uuid.uuid4().hex}.part")


def _file_name(clip_id: str, kind: str, file_url: str) -> str:
    # Clip ids come from the server: keep them from naming anything outside ``dir``.
    stem = _UNSAFE.sub("_", clip_id).lstrip(".") or "clip"
    suffix = Path(urlsplit(file_url).path).suffix
    if not _SUFFIX.match(suffix):
        suffix = _DEFAULT_SUFFIX[kind]
    return f"{stem}_large{suffix}" if kind == "image_large" else f"{stem}{suffix}"


def plan_downloads(clip: Clip, folder: Path, what: Iterable[str], base_url: str) -> list[Download]:
    """The files of ``clip`` to download into ``folder``; kinds without a URL are skipped."""
    base = urlsplit(base_url)
    plans: list[Download] = []
    for kind in what:
        field = _URL_FIELD.get(kind)
        if field is None:
            known = ", ".join(_URL_FIELD)
            raise InvalidRequestError(f"what: unknown kind {kind!r} (known: {known})")
        given = getattr(clip, field)
        if not given:
            continue
        absolute = urljoin(base_url.rstrip("/") + "/", given)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            raise DownloadError(f"clip {clip.id}: {field} is not an http(s) URL")
        # The key goes only to the API's own origin, never to a CDN or third party.
        same_origin = (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
        plans.append(
            Download(kind, absolute, folder / _file_name(clip.id, kind, absolute), same_origin)
        )
    return plans


def download_failed(plan: Download, response: httpx.Response) -> DownloadError:
    """The error for a file answer that is not a success."""
    return DownloadError(f"{plan.kind} {plan.url}: HTTP {response.status_code}", status_code=502)
