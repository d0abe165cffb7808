"""Reading the Suno task API's answers, whatever shape ("dialect") a server answers in.

Pure functions, no I/O: the client uses them on its HTTP answers and the service uses them
on upstream relays' answers. Four dialects are recognized:

``suno``
    ``{"code": "success", "data": {<task>, "data": [<Suno clips with metadata>]}}``.
    A LYRICS task has ``data.data = {"id", "text", "title", "status"}`` instead.
``flat``
    The same envelope with clips whose song fields sit at their top level
    (``clip_id``, ``state``, ``tags``, ``prompt``, ``duration``, ``task_id: "<task>_1"``).
``goapi``
    ``{"code": 200, "data": {"task_id", "status": "completed"|..., "input": "<JSON>",
    "clips": {<clip id>: <Suno clip>}}}``.
``clips``
    No envelope: a bare list of Suno clips, or ``{"id": ..., "clips": [...]}``; the task's
    status is derived from its clips.

A task's own status wins over its clips' (a relay may say FAILURE while a clip still says
streaming); it is derived from the clips only when missing or unknown. Progress missing is
derived the same way.

Errors come as ``{"code": "<error code>", "message": ..., "data": null}`` and raise the
matching :mod:`chorus.client.errors` class; an answer in none of these shapes raises
:class:`~chorus.client.errors.InvalidResponse`. Nothing else escapes these functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from chorus.client import _clips
from chorus.client import _coerce as c
from chorus.client.errors import InvalidResponse, TaskNotFound, make_error
from chorus.client.models import Clip, Dialect, LyricsResult, Task, TaskAction, TaskStatus

__all__ = [
    "check_envelope",
    "detect_dialect",
    "parse_submit",
    "parse_task",
    "parse_tasks",
]

_SUCCESS_CODES = frozenset({"success", "ok", "0", "200"})
_Kind = Literal["task", "tasks", "goapi", "clips"]


def _is_success(code: Any) -> bool:
    if code is None:
        return True
    if isinstance(code, bool):
        return code
    if isinstance(code, int):
        return code == 0 or 200 <= code < 300
    return c.text(code).strip().lower() in _SUCCESS_CODES


def check_envelope(
    payload: Any, *, status_code: int | None = None, headers: Mapping[str, str] | None = None
) -> None:
    """Raise the typed error an error answer stands for; return quietly otherwise.

    ``status_code`` and ``headers`` are the HTTP answer's, when there was one: an HTTP error
    status raises even when the body says nothing useful.
    """
    body = payload if isinstance(payload, dict) else {}
    code = body.get("code")
    error = body.get("error")
    message = c.opt_text(body.get("message")) or c.opt_text(body.get("msg"))
    if isinstance(error, dict):
        # OpenAI-style {"error": {"message", "code"}} as some relays answer.
        message = message or c.opt_text(error.get("message"))
        code = code if code is not None else error.get("code", error.get("type"))
    elif isinstance(error, str) and body.get("data") is None:
        message = message or error
        code = code if code is not None else "error"
    if message is None and isinstance(body.get("detail"), str):
        message = body["detail"]
    http_error = status_code is not None and status_code >= 400
    if not http_error and _is_success(code):
        return
    status = status_code if http_error else None
    code_text: str | None = None
    if isinstance(code, int) and not isinstance(code, bool):
        # goapi-style numeric codes are HTTP statuses.
        status = status or (code if 400 <= code < 600 else None)
    elif code is not None and not _is_success(code):
        code_text = c.opt_text(code)
    raise make_error(status, code_text, message, headers=headers, payload=payload)


def _looks_like_task(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    return "task_id" in obj and any(
        k in obj for k in ("status", "action", "data", "clips", "fail_reason", "progress")
    )


def _looks_like_goapi(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("clips"), dict) or ("input" in obj and "task_id" in obj)


def _unwrap(payload: Any) -> tuple[_Kind, Any]:
    """Which kind of answer ``payload`` is, and the part of it holding the task(s)."""
    check_envelope(payload)
    if isinstance(payload, list):
        if payload and all(_looks_like_task(item) for item in payload):
            return "tasks", payload
        if all(_clips.looks_like_clip(item) for item in payload):
            return "clips", payload
        raise InvalidResponse("the answer is a list of neither tasks nor clips")
    if not isinstance(payload, dict):
        raise InvalidResponse("the answer is not a JSON object")
    if "code" not in payload and _looks_like_task(payload):
        # A task object without its envelope, as a batch answer's items are.
        return ("goapi" if _looks_like_goapi(payload) else "task"), payload
    if "data" in payload:
        data = payload["data"]
        if isinstance(data, dict):
            numeric_200 = payload.get("code") == 200 and not isinstance(payload["code"], bool)
            if _looks_like_goapi(data) or (numeric_200 and "task_id" in data):
                return "goapi", data
            if _looks_like_task(data) or "data" in data:
                return "task", data
            raise InvalidResponse("data is not a task")
        if isinstance(data, list):
            if all(_looks_like_task(item) for item in data):
                return "tasks", data
            if data and all(_clips.looks_like_clip(item) for item in data):
                return "clips", data
            raise InvalidResponse("data is a list of neither tasks nor clips")
        raise InvalidResponse("data is not a task")
    if "clips" in payload:
        return ("goapi" if _looks_like_goapi(payload) else "clips"), payload
    if _clips.looks_like_clip(payload) and ("audio_url" in payload or "metadata" in payload):
        return "clips", [payload]
    raise InvalidResponse("the answer is not a Suno task API answer")


def _task_dialect(task: dict[str, Any]) -> Dialect:
    if _looks_like_goapi(task):
        return "goapi"
    inner = task.get("data")
    if isinstance(inner, list):
        for clip in inner:
            if isinstance(clip, dict):
                return _clips.clip_dialect(clip)
    return "suno"


def detect_dialect(payload: Any) -> Dialect:
    """The dialect of a fetch answer (single or batch): ``suno``, ``flat``, ``goapi`` or
    ``clips``. An error answer raises its typed error; garbage raises InvalidResponse."""
    kind, body = _unwrap(payload)
    if kind == "goapi":
        return "goapi"
    if kind == "clips":
        return "clips"
    if kind == "task":
        return _task_dialect(body)
    dialects = [_task_dialect(task) for task in body]
    # A batch of tasks still waiting for clips says nothing; the first telling task decides.
    return next((d for d in dialects if d != "suno"), "suno")


def _action(value: Any, clips: list[Clip], lyrics: LyricsResult | None) -> TaskAction:
    named = c.text(value).strip().upper()
    if named in ("MUSIC", "LYRICS"):
        return "MUSIC" if named == "MUSIC" else "LYRICS"
    if lyrics is not None:
        return "LYRICS"
    return "MUSIC" if clips else ""


def _status(value: Any, clips: list[Clip], lyrics: LyricsResult | None) -> TaskStatus:
    named = _clips.task_status(value)
    if named is not None:
        return named
    statuses = [clip.status for clip in clips] + ([lyrics.status] if lyrics else [])
    return _clips.status_from_clips(statuses) or "NOT_START"


def _progress(value: Any, status: TaskStatus, clips: list[Clip]) -> int:
    given = c.percent(value)
    if given is not None:
        return given
    if status in ("SUCCESS", "FAILURE"):
        return 100
    return _clips.progress_from_clips(clip.status for clip in clips)


def _fail_reason(value: Any, status: TaskStatus, clips: list[Clip]) -> str:
    reason = c.text(value)
    if reason or status != "FAILURE":
        return reason
    return next((clip.error_message for clip in clips if clip.error_message), "")


def _task_id(obj: dict[str, Any], fallback: str | None, where: str) -> str:
    task_id = c.opt_text(obj.get("task_id")) or c.opt_text(obj.get("id")) or fallback
    if not task_id:
        raise InvalidResponse(f"{where}.task_id is missing")
    return task_id


def _parse_task_object(obj: Any, where: str, fallback_id: str | None) -> Task:
    """One task object of the suno/flat envelope (``data``, or an item of a batch)."""
    if not isinstance(obj, dict):
        raise InvalidResponse(f"{where} is not an object")
    if _looks_like_goapi(obj):
        return _parse_goapi(obj, where, fallback_id)
    inner = obj.get("data")
    clips: list[Clip] = []
    lyrics: LyricsResult | None = None
    if isinstance(inner, dict) and _clips.looks_like_lyrics(inner):
        lyrics = _clips.parse_lyrics(inner)
    elif isinstance(inner, dict):
        clips = [_clips.parse_clip(inner, f"{where}.data")]
    elif inner is not None:
        clips = _clips.parse_clip_list(inner, f"{where}.data")
    status = _status(obj.get("status"), clips, lyrics)
    return Task(
        task_id=_task_id(obj, fallback_id, where),
        action=_action(obj.get("action"), clips, lyrics),
        status=status,
        fail_reason=_fail_reason(obj.get("fail_reason"), status, clips),
        submit_time=c.unix_time(obj.get("submit_time")),
        start_time=c.unix_time(obj.get("start_time")),
        finish_time=c.unix_time(obj.get("finish_time")),
        progress=_progress(obj.get("progress"), status, clips),
        clips=clips,
        lyrics=lyrics,
        notify_hook=c.opt_text(obj.get("notify_hook")),
        dialect=_task_dialect(obj),
        raw=obj,
    )


def _goapi_input(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        try:
            decoded = json.loads(value)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}
    return {}


def _goapi_error(obj: dict[str, Any]) -> Any:
    error = obj.get("error")
    if isinstance(error, dict):
        return error.get("message") or error.get("raw_message")
    return obj.get("fail_reason") or error or obj.get("error_message")


def _parse_goapi(obj: dict[str, Any], where: str, fallback_id: str | None) -> Task:
    clips = _clips.parse_clip_list(obj.get("clips"), f"{where}.clips")
    request = _goapi_input(obj.get("input"))
    meta = c.mapping(obj.get("meta"))
    status = _status(obj.get("status"), clips, None)
    kind = c.text(obj.get("action") or obj.get("task_type")).lower()
    action: TaskAction = "LYRICS" if "lyric" in kind else ("MUSIC" if clips or request else "")
    return Task(
        task_id=_task_id(obj, fallback_id, where),
        action=action,
        status=status,
        fail_reason=_fail_reason(_goapi_error(obj), status, clips),
        submit_time=c.unix_time(obj.get("submit_time") or meta.get("created_at")),
        start_time=c.unix_time(obj.get("start_time") or meta.get("started_at")),
        finish_time=c.unix_time(obj.get("finish_time") or meta.get("ended_at")),
        progress=_progress(obj.get("progress"), status, clips),
        clips=clips,
        notify_hook=c.opt_text(obj.get("notify_hook")) or c.opt_text(request.get("notify_hook")),
        input=request,
        dialect="goapi",
        raw=obj,
    )


def _parse_clips(body: Any, fallback_id: str | None) -> Task:
    raw: dict[str, Any] = body if isinstance(body, dict) else {"clips": body}
    clips = _clips.parse_clip_list(raw.get("clips"), "clips")
    if not clips:
        raise TaskNotFound("the answer holds no clips")
    status = _clips.status_from_clips(clip.status for clip in clips) or "SUBMITTED"
    created = [int(clip.created_at.timestamp()) for clip in clips if clip.created_at]
    task_id = c.opt_text(raw.get("id")) or fallback_id or ",".join(clip.id for clip in clips)
    return Task(
        task_id=task_id,
        action="MUSIC",
        status=status,
        fail_reason=_fail_reason(None, status, clips),
        submit_time=min(created, default=0),
        progress=_progress(None, status, clips),
        clips=clips,
        dialect="clips",
        raw=raw,
    )


def parse_task(payload: Any, *, task_id: str | None = None) -> Task:
    """Read a single-task fetch answer in any dialect.

    ``task_id`` is used when the answer does not say which task it is (the id asked for).
    """
    kind, body = _unwrap(payload)
    if kind == "tasks":
        if len(body) != 1:
            raise InvalidResponse(f"expected one task, the answer holds {len(body)}")
        return _parse_task_object(body[0], "data[0]", task_id)
    if kind == "goapi":
        return _parse_goapi(body, "data", task_id)
    if kind == "clips":
        return _parse_clips(body, task_id)
    return _parse_task_object(body, "data", task_id)


def parse_tasks(payload: Any) -> list[Task]:
    """Read a batch fetch answer (a list of tasks in ``data``); a single task reads as one."""
    kind, body = _unwrap(payload)
    if kind == "tasks":
        return [_parse_task_object(task, f"data[{i}]", None) for i, task in enumerate(body)]
    return [parse_task(payload)]


def parse_submit(payload: Any) -> str:
    """The task id from a submit answer: ``{"code": "success", "data": "<id>"}``,
    goapi's ``{"code": 200, "data": {"task_id": ...}}``, or a bare clip list (its ids
    joined by commas, as the clips dialect fetches them)."""
    check_envelope(payload)
    if not isinstance(payload, dict | list):
        raise InvalidResponse("the submit answer is not a JSON object")
    data: Any = payload
    if isinstance(payload, dict) and "data" in payload:
        data = payload["data"]
    task_id: str | None = None
    if isinstance(data, str | int) and not isinstance(data, bool):
        task_id = c.opt_text(data)
    elif isinstance(data, dict):
        task_id = c.opt_text(data.get("task_id")) or c.opt_text(data.get("id"))
        if task_id is None and isinstance(data.get("clips"), list):
            data = data["clips"]
    if task_id is None and isinstance(data, list) and data:
        ids = [c.opt_text(clip.get("id")) if isinstance(clip, dict) else None for clip in data]
        if all(ids):
            task_id = ",".join(i for i in ids if i)
    if not task_id:
        raise InvalidResponse("the submit answer holds no task id")
    return task_id
