"""Reading one clip (Suno's shape or the flat shape) and the status vocabularies.

Suno's clip keeps its song fields under ``metadata``; the flat shape puts them at the top
level and renames a few (``clip_id``, ``mv``, ``state``, ``msg``, ``create_time``). Both are
read by looking in both places, so a clip mixing the two still reads whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from chorus.client import _coerce as c
from chorus.client.errors import InvalidResponse
from chorus.client.models import Clip, ClipStatus, LyricsResult, TaskStatus

_CLIP_STATUS: dict[str, ClipStatus] = {
    "submitted": "submitted",
    "created": "submitted",
    "queued": "queued",
    "pending": "queued",
    "waiting": "queued",
    "streaming": "streaming",
    "running": "streaming",
    "processing": "streaming",
    "in_progress": "streaming",
    "generating": "streaming",
    "complete": "complete",
    "completed": "complete",
    "succeeded": "complete",
    "success": "complete",
    "error": "error",
    "failed": "error",
    "failure": "error",
}

_TASK_STATUS: dict[str, TaskStatus] = {
    "NOT_START": "NOT_START",
    "NOT_STARTED": "NOT_START",
    "SUBMITTED": "SUBMITTED",
    "CREATED": "SUBMITTED",
    "QUEUED": "QUEUED",
    "PENDING": "QUEUED",
    "STAGED": "QUEUED",
    "WAITING": "QUEUED",
    "IN_PROGRESS": "IN_PROGRESS",
    "PROCESSING": "IN_PROGRESS",
    "RUNNING": "IN_PROGRESS",
    "STREAMING": "IN_PROGRESS",
    "STARTED": "IN_PROGRESS",
    "GENERATING": "IN_PROGRESS",
    "SUCCESS": "SUCCESS",
    "SUCCEEDED": "SUCCESS",
    "COMPLETED": "SUCCESS",
    "COMPLETE": "SUCCESS",
    "FAILURE": "FAILURE",
    "FAILED": "FAILURE",
    "ERROR": "FAILURE",
}

# How far along a clip in each status is, for servers that give no task progress.
_CLIP_PROGRESS: dict[ClipStatus, int] = {
    "submitted": 0,
    "queued": 0,
    "streaming": 50,
    "complete": 100,
    "error": 100,
}

_FLAT_KEYS = ("clip_id", "state", "mv", "msg", "create_time", "tags", "duration", "prompt")


def _key(value: Any) -> str:
    return c.text(value).strip().replace("-", "_").replace(" ", "_")


def clip_status(*values: Any) -> ClipStatus | None:
    """The first of ``values`` that names a clip status, normalized."""
    for value in values:
        found = _CLIP_STATUS.get(_key(value).lower())
        if found is not None:
            return found
    return None


def task_status(value: Any) -> TaskStatus | None:
    """A task status in any spelling seen in the wild (``"completed"``, ``"FAILED"``...)."""
    return _TASK_STATUS.get(_key(value).upper())


def status_from_clips(statuses: Iterable[ClipStatus]) -> TaskStatus | None:
    """The task status its clips imply, or None when there are no clips.

    Any error fails the task; it succeeds once every clip is complete; otherwise it shows
    the furthest stage reached by a clip that is not complete yet.
    """
    seen = set(statuses)
    if not seen:
        return None
    if "error" in seen:
        return "FAILURE"
    if seen == {"complete"}:
        return "SUCCESS"
    if "streaming" in seen or "complete" in seen:
        return "IN_PROGRESS"
    if "queued" in seen:
        return "QUEUED"
    return "SUBMITTED"


def progress_from_clips(statuses: Iterable[ClipStatus]) -> int:
    """Percent done implied by clip statuses (the mean over clips), 0 when there are none."""
    values = [_CLIP_PROGRESS[s] for s in statuses]
    return sum(values) // len(values) if values else 0


def clip_dialect(obj: dict[str, Any]) -> Literal["suno", "flat"]:
    """``suno`` for a clip keeping its song fields in ``metadata``, else ``flat`` if it has
    the flat shape's top-level fields; ``suno`` when nothing tells them apart."""
    if isinstance(obj.get("metadata"), dict):
        return "suno"
    return "flat" if any(k in obj for k in _FLAT_KEYS) else "suno"


def looks_like_clip(obj: Any) -> bool:
    """True for an object that can be read as a clip."""
    return isinstance(obj, dict) and ("id" in obj or "clip_id" in obj)


def _continuation(obj: dict[str, Any], meta: dict[str, Any]) -> tuple[str | None, float | None]:
    clip_id = c.opt_text(obj.get("continue_clip_id")) or c.opt_text(meta.get("continue_clip_id"))
    at = c.number(obj.get("continue_at"))
    if at is None:
        at = c.number(meta.get("continue_at"))
    history = meta.get("history")
    # Suno records an extension as the last entry of the clip's history.
    if clip_id is None and isinstance(history, list) and history:
        last = c.mapping(history[-1])
        clip_id = c.opt_text(last.get("id"))
        if at is None:
            at = c.number(last.get("continue_at"))
    return clip_id, at


def parse_clip(obj: Any, where: str, *, fallback_id: str | None = None) -> Clip:
    """Read one clip in either shape; ``where`` names it in errors."""
    if not isinstance(obj, dict):
        raise InvalidResponse(f"{where} is not an object")
    meta = c.mapping(obj.get("metadata"))

    def first(*keys: str) -> Any:
        for source in (obj, meta):
            for key in keys:
                if source.get(key) is not None:
                    return source[key]
        return None

    clip_id = c.opt_text(obj.get("id")) or c.opt_text(obj.get("clip_id")) or fallback_id
    if not clip_id:
        raise InvalidResponse(f"{where}.id is missing")
    status = clip_status(obj.get("status"), obj.get("state"), meta.get("status")) or "submitted"
    error_message = c.opt_text(first("error_message"))
    if error_message is None and status == "error":
        error_message = c.opt_text(obj.get("msg")) or c.opt_text(first("error_type"))
    continue_clip_id, continue_at = _continuation(obj, meta)
    return Clip(
        id=clip_id,
        title=c.text(first("title")),
        status=status,
        audio_url=c.opt_text(obj.get("audio_url")),
        image_url=c.opt_text(obj.get("image_url")),
        image_large_url=c.opt_text(obj.get("image_large_url")),
        video_url=c.opt_text(obj.get("video_url")),
        tags=c.text(first("tags")),
        prompt=c.text(first("prompt")),
        gpt_description_prompt=c.opt_text(first("gpt_description_prompt")),
        duration=c.duration(first("duration")),
        model_name=c.opt_text(first("model_name", "mv")),
        created_at=c.timestamp(first("created_at", "create_time")),
        error_message=error_message,
        continue_clip_id=continue_clip_id,
        continue_at=continue_at,
        raw=obj,
    )


def parse_clip_list(value: Any, where: str) -> list[Clip]:
    """Clips from a list, or from an object mapping clip ids to clips (goapi)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [
            parse_clip(clip, f"{where}[{key!r}]", fallback_id=c.opt_text(key))
            for key, clip in value.items()
        ]
    if isinstance(value, list):
        return [parse_clip(clip, f"{where}[{i}]") for i, clip in enumerate(value)]
    raise InvalidResponse(f"{where} is not a list of clips")


def parse_lyrics(obj: dict[str, Any]) -> LyricsResult:
    """Read a LYRICS task's answer ``{"id", "text", "title", "status"}``."""
    return LyricsResult(
        id=c.text(obj.get("id")),
        text=c.text(obj.get("text", obj.get("lyrics"))),
        title=c.text(obj.get("title")),
        status=clip_status(obj.get("status"), obj.get("state")) or "submitted",
        raw=obj,
    )


def looks_like_lyrics(obj: Any) -> bool:
    """True for a LYRICS answer rather than a clip."""
    return isinstance(obj, dict) and ("text" in obj or "lyrics" in obj) and "audio_url" not in obj
