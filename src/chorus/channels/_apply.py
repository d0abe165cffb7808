"""Transactions the dispatcher and the poller run: reading what to send upstream,
recording where a task went, and folding an upstream's answer into our task.

Every function takes a session and never commits. Status changes go through
:mod:`chorus.tasks.lifecycle`, so a relayed task obeys the same rules as a rendered one
(its status follows its clips; a failed task has no clip left streaming).
"""

from __future__ import annotations

import json
import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from chorus.acts.concat import CONCAT_MODE
from chorus.channels.mirror import ClipMedia
from chorus.channels.upstream import scrub
from chorus.client.models import Task as UpTask
from chorus.credits import service as credits
from chorus.tasks import lifecycle
from chorus.tasks import repository as tasks_repository
from chorus.tasks.models import Clip, Task

TERMINAL = ("SUCCESS", "FAILURE")
# Progress shown while an upstream says nothing: 1 - e^(-t/T) of the way to 95 %, so it
# keeps moving without ever claiming to be done.
EXPECTED_S = 90.0
MEDIA_NAMES = ("audio.mp3", "image.jpg", "image_large.jpg", "video.mp4")


@dataclass(frozen=True, slots=True)
class Job:
    """What a claimed task needs sent upstream."""

    task_id: str
    action: str
    mv: str
    body: dict[str, Any]
    upstream_task_id: str | None
    # An extension goes to the channel that made the clip (None: not an extension).
    pinned_channel: str | None = None


@dataclass(frozen=True, slots=True)
class Live:
    """An upstream clip that is streaming: where its growing audio is (as the upstream
    wrote it, possibly relative), for a listener here (see :mod:`chorus.channels.mirror`)."""

    clip_id: str
    attempt: int
    audio_url: str


@dataclass(frozen=True, slots=True)
class Finished:
    """An upstream clip that completed: its files are mirrored, then the clip completes."""

    clip_id: str
    attempt: int
    media: ClipMedia
    duration: float


def estimate(elapsed_s: float) -> int:
    """Percent shown for a task running ``elapsed_s`` seconds with no better word."""
    return int(95 * (1 - math.exp(-max(elapsed_s, 0.0) / EXPECTED_S)))


def load_job(session: Session, task_id: str) -> Job | None:
    task = tasks_repository.get(session, task_id)
    if task is None or task.status in TERMINAL:
        return None
    if task.action == "LYRICS":
        body: dict[str, Any] = {"prompt": task.gpt_description_prompt}
        return Job(task.id, task.action, task.mv, body, task.upstream_task_id)
    given = {
        "gpt_description_prompt": task.gpt_description_prompt,
        "prompt": task.lyrics,
        "tags": task.tags,
        "negative_tags": task.negative_tags,
        "title": task.title,
        "mv": task.mv,
    }
    body = {name: value for name, value in given.items() if value}
    body["make_instrumental"] = task.make_instrumental
    pinned: str | None = None
    if task.mode == CONCAT_MODE:
        # The parts are joined from this server's files: no upstream can do it.
        pinned = "local"
    elif task.continue_clip_id:
        clip = tasks_repository.get_clip(session, task.continue_clip_id)
        source = clip.task if clip is not None else None
        pinned = (source.channel if source is not None else None) or "local"
        if clip is not None and source is not None and source.upstream_task_id:
            body.update(
                continue_clip_id=clip.upstream_clip_id or clip.id,
                continue_at=task.continue_at,
                task_id=source.upstream_task_id,
                task="extend",
            )
    return Job(task.id, task.action, task.mv, body, task.upstream_task_id, pinned)


def record_relayed(session: Session, task_id: str, channel: str, upstream_task_id: str) -> bool:
    """The upstream took the task: it starts (start time, attempt) and remembers where."""
    if lifecycle.start(session, task_id) is None:
        return False
    task = tasks_repository.get(session, task_id)
    assert task is not None
    task.channel = channel
    task.upstream_task_id = upstream_task_id
    return True


def record_local(session: Session, task_id: str) -> None:
    task = tasks_repository.get(session, task_id)
    if task is not None and task.channel is None:
        task.channel = "local"


def fail(session: Session, task_id: str, reason: str) -> None:
    """FAILURE with ``reason`` through the lifecycle, and the charge given back (refunds
    happen once per task, so a refund hook in the lifecycle as well is harmless)."""
    task = tasks_repository.get(session, task_id)
    if task is None or task.status in TERMINAL:
        return
    # Only the call that moved the task to FAILURE refunds: a completion that won the
    # race keeps its charge.
    if lifecycle.fail(session, task_id, reason):
        credits.refund(session, task_id, reason)


def _upstream_reason(up: UpTask) -> str:
    reason = up.fail_reason or next((c.error_message for c in up.clips if c.error_message), "")
    return "upstream: " + (scrub(reason) or "the upstream failed the task")


def _refresh(task: Task, now: float) -> None:
    task.status = lifecycle.task_status([clip.status for clip in task.clips])
    task.progress = round(sum(c.progress for c in task.clips) / max(len(task.clips), 1))
    task.updated_at = now


def _map_clips(session: Session, task: Task, count: int, now: float) -> list[Clip]:
    """Our clips, one per upstream clip: extra rows go, missing rows are added."""
    clips = sorted(task.clips, key=lambda clip: clip.idx)
    while len(clips) > count and clips[-1].status not in ("complete",):
        extra = clips.pop()
        task.clips.remove(extra)
        session.delete(extra)
    while len(clips) < count:
        clip = Clip(
            id=str(uuid.uuid4()), idx=len(clips) + 1, seed=0, status="queued", progress=0,
            audio_seconds=0.0, attempt=clips[0].attempt if clips else 1, error_message="",
            created_at=now, updated_at=now,
        )  # fmt: skip
        task.clips.append(clip)
        clips.append(clip)
    return clips


@dataclass
class Outcome:
    finished: list[Finished] = field(default_factory=list)
    live: list[Live] = field(default_factory=list)
    done: bool = False


def apply_upstream(session: Session, task_id: str, up: UpTask) -> Outcome:
    """Fold the upstream's view of the task into ours; clips the upstream completed are
    returned for mirroring rather than completed here, and streaming clips with their
    growing audio."""
    task = lifecycle.hold(session, task_id)
    if task is None:
        return Outcome(done=True)
    now = time.time()
    guess = estimate(now - (task.start_time or now))
    if up.status == "FAILURE":
        fail(session, task_id, _upstream_reason(up))
        return Outcome(done=True)
    if task.action == "LYRICS":
        if up.status == "SUCCESS" and up.lyrics is not None and up.lyrics.text:
            title = up.lyrics.title or task.title
            lifecycle.finish_lyrics(session, task_id, title, task.tags, up.lyrics.text)
            return Outcome(done=True)
        task.status = "IN_PROGRESS" if up.status == "IN_PROGRESS" else task.status
        task.progress = max(task.progress, min(99, max(up.progress, guess)))
        task.updated_at = now
        return Outcome()
    outcome = Outcome()
    if not up.clips:
        for clip in task.clips:
            clip.progress = max(clip.progress, min(50, max(up.progress, guess)))
        _refresh(task, now)
        return outcome
    first = up.clips[0]
    task.title = task.title or first.title
    task.tags = task.tags or first.tags
    task.lyrics = task.lyrics or first.prompt
    for ours, theirs in zip(_map_clips(session, task, len(up.clips), now), up.clips, strict=False):
        ours.upstream_clip_id = theirs.id
        status = "complete" if up.status == "SUCCESS" else theirs.status
        if ours.status in ("complete", "error"):
            continue
        if status == "error":
            fail(session, task_id, _upstream_reason(up))
            return Outcome(done=True)
        if status == "complete":
            media = ClipMedia(theirs.audio_url, theirs.image_url, theirs.image_large_url,
                              theirs.video_url)  # fmt: skip
            duration = theirs.duration if theirs.duration is not None else task.duration
            outcome.finished.append(Finished(ours.id, ours.attempt, media, float(duration)))
            ours.progress = max(ours.progress, 99)
        elif status == "streaming":
            ours.progress = max(ours.progress, min(99, max(up.progress, guess)))
            if ours.status != "streaming":
                ours.status, ours.updated_at = "streaming", now
            if theirs.audio_url:
                outcome.live.append(Live(ours.id, ours.attempt, theirs.audio_url))
        else:
            ours.progress = max(ours.progress, min(50, max(up.progress, guess)))
    _refresh(task, now)
    return outcome


def complete_clip(
    session: Session, task_id: str, clip_id: str, duration: float, media: dict[str, str]
) -> None:
    """A clip's files are in place (or, not mirroring, known upstream): it is complete."""
    clip = tasks_repository.get_clip(session, clip_id)
    if clip is None or clip.task_id != task_id:
        return
    clip.upstream_media = json.dumps(media) if media else ""
    lifecycle.complete_clip(session, clip_id, duration)


def media_redirect(session: Session, clip_id: str, name: str) -> str | None:
    """The upstream URL of one of a clip's files, when it was not mirrored."""
    clip = tasks_repository.get_clip(session, clip_id)
    if clip is None or not clip.upstream_media:
        return None
    try:
        media = json.loads(clip.upstream_media)
    except ValueError:
        return None
    url = media.get(name) if isinstance(media, dict) else None
    return url if isinstance(url, str) and url else None
