"""Immutable snapshots of a task and its clips, built from the rows in one transaction.

The fetch path renders answers from these (and caches the rendered bytes), so no ORM
object outlives its session and the hot path never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus.tasks.models import Clip, Task


@dataclass(frozen=True, slots=True)
class ClipView:
    id: str
    idx: int
    seed: int
    status: str
    progress: int
    audio_seconds: float
    duration: float | None
    attempt: int
    error_message: str
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class TaskView:
    id: str
    key_id: int
    key_name: str
    action: str
    status: str
    fail_reason: str
    notify_hook: str
    mode: str
    mv: str
    input_json: str
    gpt_description_prompt: str
    title: str
    tags: str
    negative_tags: str
    lyrics: str
    make_instrumental: bool
    duration: float
    continue_clip_id: str | None
    continue_at: float | None
    progress: int
    submit_time: int
    start_time: int
    finish_time: int
    clips: tuple[ClipView, ...]
    lyrics_source: str = ""
    lyrics_note: str = ""


def clip_view(clip: Clip) -> ClipView:
    return ClipView(
        id=clip.id,
        idx=clip.idx,
        seed=clip.seed,
        status=clip.status,
        progress=clip.progress,
        audio_seconds=clip.audio_seconds,
        duration=clip.duration,
        attempt=clip.attempt,
        error_message=clip.error_message,
        created_at=clip.created_at,
        updated_at=clip.updated_at,
    )


def task_view(task: Task, key_name: str) -> TaskView:
    return TaskView(
        id=task.id,
        key_id=task.key_id,
        key_name=key_name,
        action=task.action,
        status=task.status,
        fail_reason=task.fail_reason,
        notify_hook=task.notify_hook,
        mode=task.mode,
        mv=task.mv,
        input_json=task.input_json,
        gpt_description_prompt=task.gpt_description_prompt,
        title=task.title,
        tags=task.tags,
        negative_tags=task.negative_tags,
        lyrics=task.lyrics,
        make_instrumental=task.make_instrumental,
        duration=task.duration,
        continue_clip_id=task.continue_clip_id,
        continue_at=task.continue_at,
        progress=task.progress,
        submit_time=task.submit_time,
        start_time=task.start_time,
        finish_time=task.finish_time,
        clips=tuple(clip_view(clip) for clip in task.clips),
        lyrics_source=task.lyrics_source or "",
        lyrics_note=task.lyrics_note or "",
    )
