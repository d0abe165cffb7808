"""The three answer shapes ("dialects") of a fetched task, as plain JSON-able dicts.

``suno`` (the default) and ``flat`` share the contract's envelope and task object and
differ in the clip; ``goapi`` has its own envelope and task object holding Suno clips by
id. Every field of the published examples is present with the same JSON type.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, get_args

from chorus.config import Dialect
from chorus.tasks.catalog import model_names
from chorus.tasks.views import ClipView, TaskView

DIALECTS: tuple[Dialect, ...] = get_args(Dialect)

_FLAT_STATE = {
    "submitted": "pending",
    "queued": "pending",
    "streaming": "running",
    "complete": "succeeded",
    "error": "failed",
}
_GOAPI_STATUS = {
    "NOT_START": "pending",
    "SUBMITTED": "pending",
    "QUEUED": "pending",
    "IN_PROGRESS": "processing",
    "SUCCESS": "completed",
    "FAILURE": "failed",
}
_LYRICS_STATUS = {
    "NOT_START": "submitted",
    "SUBMITTED": "submitted",
    "QUEUED": "queued",
    "IN_PROGRESS": "running",
    "SUCCESS": "complete",
    "FAILURE": "error",
}


def envelope_parts(dialect: Dialect) -> tuple[bytes, bytes]:
    """The bytes before and after the task object(s) of a successful fetch."""
    if dialect == "goapi":
        return b'{"code":200,"message":"success","data":', b"}"
    return b'{"code":"success","message":"","data":', b"}"


def submit_answer(dialect: Dialect, task_id: str) -> dict[str, Any]:
    if dialect == "goapi":
        return {"code": 200, "message": "success", "data": {"task_id": task_id}}
    return {"code": "success", "message": "", "data": task_id}


def task_object(view: TaskView, dialect: Dialect, base_url: str) -> dict[str, Any]:
    if dialect == "goapi":
        return _goapi_task(view, base_url)
    if view.action == "LYRICS":
        data: Any = lyrics_data(view)
    elif dialect == "flat":
        data = [flat_clip(view, clip, base_url) for clip in view.clips]
    else:
        data = [suno_clip(view, clip, base_url) for clip in view.clips]
    return {
        "task_id": view.id,
        "notify_hook": view.notify_hook,
        "action": view.action,
        "status": view.status,
        "fail_reason": view.fail_reason,
        "submit_time": view.submit_time,
        "start_time": view.start_time,
        "finish_time": view.finish_time,
        "progress": f"{view.progress}%",
        "data": data,
    }


def lyrics_data(view: TaskView) -> dict[str, Any]:
    return {
        "id": view.id,
        "text": view.lyrics,
        "title": view.title,
        "tags": view.tags,
        "status": _LYRICS_STATUS.get(view.status, "submitted"),
        "error_message": view.fail_reason,
    }


def _goapi_task(view: TaskView, base_url: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "task_id": view.id,
        "action": view.action,
        "status": _GOAPI_STATUS.get(view.status, "pending"),
        "fail_reason": view.fail_reason,
        "progress": f"{view.progress}%",
        "input": view.input_json,
        "clips": {
            clip.id: suno_clip(view, clip, base_url, empty_strings=True) for clip in view.clips
        },
    }
    if view.action == "LYRICS":
        answer["lyrics"] = lyrics_data(view)
    return answer


def media_urls(clip: ClipView, base_url: str) -> tuple[str, str, str, str]:
    """audio, image (small), image_large and video URLs: the growing stream while the clip
    renders, the final files once it is complete, empty strings before and on error."""
    prefix = f"{base_url}/media/{clip.id}"
    if clip.status == "complete":
        return (
            f"{prefix}/audio.mp3",
            f"{prefix}/image.jpg",
            f"{prefix}/image_large.jpg",
            f"{prefix}/video.mp4",
        )
    if clip.status in ("queued", "streaming"):
        return f"{prefix}/stream.mp3", "", "", ""
    return "", "", "", ""


def _duration(clip: ClipView) -> float:
    return round(clip.duration if clip.duration is not None else clip.audio_seconds, 2)


def _iso(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _handle(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower()) or "chorus"


def suno_clip(
    view: TaskView, clip: ClipView, base_url: str, *, empty_strings: bool = False
) -> dict[str, Any]:
    """A clip as Suno shapes it (seed 000; inside goapi's ``clips``, seed 001, where
    absent prompts are empty strings rather than null)."""
    audio, image, image_large, video = media_urls(clip, base_url)
    model_name, major = model_names(view.mv)
    absent: str | None = "" if empty_strings else None
    history = None
    joined = view.mode == "concat"
    if view.continue_clip_id and not joined:
        history = [
            {
                "id": view.continue_clip_id,
                "continue_at": view.continue_at,
                "type": "gen",
                "source": "web",
                "infill": False,
            }
        ]
    failed = clip.status == "error"
    return {
        "id": clip.id,
        "title": view.title,
        "handle": _handle(view.key_name),
        "status": clip.status,
        "user_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"chorus:key:{view.key_id}")),
        "is_liked": False,
        "metadata": {
            "tags": view.tags,
            "negative_tags": view.negative_tags,
            "type": "concat" if joined else "gen",
            "prompt": view.lyrics,
            "stream": True,
            "history": history,
            "duration": _duration(clip),
            "error_type": "render_failed" if failed else None,
            "error_message": (clip.error_message or view.fail_reason) if failed else None,
            "concat_history": [{"id": view.continue_clip_id}] if joined else None,
            "refund_credits": False,
            "audio_prompt_id": absent,
            "gpt_description_prompt": view.gpt_description_prompt or absent,
            "make_instrumental": view.make_instrumental,
        },
        "reaction": None,
        "audio_url": audio,
        "image_url": image,
        "is_public": False,
        "video_url": video,
        "created_at": _iso(clip.created_at),
        "is_trashed": False,
        "model_name": model_name,
        "play_count": 0,
        "display_name": view.key_name,
        "upvote_count": 0,
        "image_large_url": image_large,
        "is_video_pending": clip.status != "complete",
        "is_handle_updated": False,
        "major_model_version": major,
        "mv": view.mv,
        "progress": f"{clip.progress}%",
    }


def flat_clip(view: TaskView, clip: ClipView, base_url: str) -> dict[str, Any]:
    """A clip in the flat shape of seed 002."""
    audio, image, image_large, video = media_urls(clip, base_url)
    return {
        "id": clip.id,
        "mv": view.mv,
        "msg": (clip.error_message or view.fail_reason) if clip.status == "error" else "",
        "tags": view.tags,
        "state": _FLAT_STATE.get(clip.status, "pending"),
        "title": view.title,
        "prompt": view.lyrics,
        "status": clip.status,
        "clip_id": clip.id,
        "task_id": f"{view.id}_{clip.idx}",
        "duration": _duration(clip),
        "audio_url": audio,
        "image_url": image,
        "video_url": video,
        "continue_at": view.continue_at,
        "create_time": str(int(clip.created_at)),
        "update_time": str(int(clip.updated_at)),
        "image_large_url": image_large,
        "continue_clip_id": view.continue_clip_id,
        "gpt_description_prompt": view.gpt_description_prompt or None,
        "progress": f"{clip.progress}%",
    }
