"""What happens to a task after it is submitted: the status rules, applied by the worker.

Clip statuses move submitted -> queued -> streaming -> complete (or error); the task's
status follows its clips: it shows the status of the clip that is not complete, the most
advanced one when both are not. A failed task never keeps a clip that claims to be
queued or streaming: every clip not complete says error. Every function here takes a
session and never commits.

Racing writers (the worker completing a clip, an admin's cancel, a timeout) cannot
undo each other: every function here first takes the task's row (a write the database
serializes) and reads the task only then, and the final moves are compare-and-sets on
the status (``UPDATE ... WHERE status NOT IN (SUCCESS, FAILURE)``), so of SUCCESS and
FAILURE exactly one wins, and a refund only ever follows a FAILURE that won.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from chorus.tasks import events, repository
from chorus.tasks.models import Clip, Task

TERMINAL = ("SUCCESS", "FAILURE")
_CLIP_TO_TASK = {
    "submitted": "SUBMITTED",
    "queued": "QUEUED",
    "streaming": "IN_PROGRESS",
    "complete": "SUCCESS",
    "error": "FAILURE",
}
Voice = Literal["male", "female"]
_ADVANCE = {"submitted": 0, "queued": 1, "streaming": 2}


@dataclass(frozen=True, slots=True)
class ClipPlan:
    id: str
    seed: int
    attempt: int


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the worker needs to run a task, read in one transaction."""

    task_id: str
    action: str
    mode: str
    idea: str
    title: str
    tags: str
    negative_tags: str
    lyrics: str
    instrumental: bool
    duration: float
    continue_clip_id: str | None
    continue_clip_attempt: int
    continue_at: float | None
    start_time: int
    clips: tuple[ClipPlan, ...]
    # "male" or "female" when the request asked for one (Chorus's own field).
    voice: Voice | None = None


def task_status(clip_statuses: list[str]) -> str:
    if not clip_statuses:
        return "SUBMITTED"
    if "error" in clip_statuses:
        return "FAILURE"
    pending = [status for status in clip_statuses if status != "complete"]
    if not pending:
        return "SUCCESS"
    return _CLIP_TO_TASK[max(pending, key=lambda status: _ADVANCE.get(status, 0))]


def _refresh(task: Task, now: float) -> None:
    """Derive the task's status and progress from its clips."""
    task.status = task_status([clip.status for clip in task.clips])
    task.progress = round(sum(clip.progress for clip in task.clips) / max(len(task.clips), 1))
    if task.status in TERMINAL and not task.finish_time:
        task.finish_time = int(now)
    if task.status == "SUCCESS":
        task.progress = 100
    task.updated_at = now


def hold(session: Session, task_id: str) -> Task | None:
    """The task, read after taking its row (see the module's docstring); None when it
    finished or is gone. Writers of a task's status outside this module start here."""
    if not repository.hold_unfinished(session, task_id):
        return None
    task = repository.get_for_update(session, task_id)
    if task is not None:
        # Objects this session loaded before the row was taken may be stale.
        session.refresh(task)
    return task


def _succeed(session: Session, task: Task, now: float) -> bool:
    """SUCCESS as a compare-and-set; what follows a status change runs only when this
    call moved the task."""
    old = task.status
    session.flush()
    if not repository.move_status(session, task.id, "SUCCESS", now):
        session.refresh(task)
        return False
    # The row changed under the ORM: reload it (status, version, finish time).
    session.refresh(task)
    task.progress = 100
    events.status_changed(session, task, old)
    return True


def take(session: Session, task_id: str) -> str | None:
    """The worker took the task: QUEUED. Returns its action, or None if there is nothing
    to do (finished, or gone)."""
    task = hold(session, task_id)
    if task is None:
        return None
    now = time.time()
    for clip in task.clips:
        _set_clip(clip, "queued", now)
    task.status = "QUEUED"
    task.updated_at = now
    return task.action


def start(session: Session, task_id: str) -> Plan | None:
    """Rendering starts: a new attempt (fresh folders), start_time set."""
    task = hold(session, task_id)
    if task is None:
        return None
    now = time.time()
    task.attempts += 1
    task.start_time = int(now)
    task.updated_at = now
    if task.action == "LYRICS":
        task.status = "IN_PROGRESS"
    for clip in task.clips:
        clip.attempt = task.attempts
        clip.progress = 0
        clip.audio_seconds = 0.0
        _set_clip(clip, "queued", now)
    continued_attempt = 0
    if task.continue_clip_id:
        continued = repository.get_clip(session, task.continue_clip_id)
        continued_attempt = continued.attempt if continued is not None else 0
    return Plan(
        task_id=task.id,
        action=task.action,
        mode=task.mode,
        idea=task.gpt_description_prompt,
        title=task.title,
        tags=task.tags,
        negative_tags=task.negative_tags,
        lyrics=task.lyrics,
        instrumental=task.make_instrumental,
        duration=task.duration,
        continue_clip_id=task.continue_clip_id,
        continue_clip_attempt=continued_attempt,
        continue_at=task.continue_at,
        start_time=task.start_time,
        clips=tuple(ClipPlan(clip.id, clip.seed, clip.attempt) for clip in task.clips),
        voice=requested_voice(task.input_json),
    )


def requested_voice(input_json: str) -> Voice | None:
    """The voice asked for at submit time, kept in the request as received."""
    try:
        voice = json.loads(input_json or "{}").get("voice")
    except (ValueError, AttributeError):
        return None
    if voice == "male":
        return "male"
    return "female" if voice == "female" else None


def record_writer(session: Session, task_id: str, source: str, note: str) -> None:
    """Which lyrics writer answered for the task, and why the built-in one did when a
    language model was configured."""
    task = hold(session, task_id)
    if task is None:
        return
    task.lyrics_source, task.lyrics_note = source, note[:500]


def store_song(session: Session, task_id: str, title: str, tags: str, lyrics: str) -> None:
    """The lyrics writer answered: title, tags and lyrics shared by the task's clips."""
    task = hold(session, task_id)
    if task is None:
        return
    task.title, task.tags, task.lyrics = title, tags, lyrics
    task.updated_at = time.time()


def finish_lyrics(session: Session, task_id: str, title: str, tags: str, lyrics: str) -> None:
    task = hold(session, task_id)
    if task is None:
        return
    task.title, task.tags, task.lyrics = title, tags, lyrics
    _succeed(session, task, time.time())


def progress(session: Session, updates: dict[str, tuple[int, float]]) -> set[str]:
    """Clips report (percent, playable seconds): they are streaming. Returns the tasks
    among them that are already finished (cancelled or failed, possibly by another
    service process sharing the database): their renders are no longer wanted."""
    now = time.time()
    tasks: dict[str, Task] = {}
    finished: set[str] = set()
    for clip_id, (percent, audio_seconds) in updates.items():
        clip = repository.get_clip(session, clip_id)
        if clip is None:
            continue
        if hold(session, clip.task_id) is None:
            finished.add(clip.task_id)
            continue
        session.refresh(clip)
        if clip.status not in ("queued", "streaming"):
            continue
        clip.progress = max(clip.progress, min(percent, 99))
        clip.audio_seconds = max(clip.audio_seconds, audio_seconds)
        _set_clip(clip, "streaming", now)
        tasks[clip.task_id] = clip.task
    for task in tasks.values():
        _refresh(task, now)
    return finished


def complete_clip(session: Session, clip_id: str, duration: float) -> None:
    """The clip's files are in place. The task's last clip makes it SUCCESS, unless a
    failure (a cancel, a timeout) won the race: then the task stays FAILURE, refunded,
    and this changes nothing."""
    clip = repository.get_clip(session, clip_id)
    if clip is None:
        return
    task = hold(session, clip.task_id)
    if task is None:
        return
    session.refresh(clip)
    if clip.status not in ("queued", "streaming"):
        return
    now = time.time()
    clip.duration = duration
    clip.audio_seconds = duration
    clip.progress = 100
    _set_clip(clip, "complete", now)
    if task_status([other.status for other in task.clips]) == "SUCCESS":
        if _succeed(session, task, now):
            _refresh(task, now)
        return
    _refresh(task, now)


def fail(session: Session, task_id: str, reason: str) -> bool:
    """FAILURE with ``reason``; every clip not complete says error; the credits go back.

    A compare-and-set on the status: of callers racing to fail one task (a timeout, a
    cancel, recovery after a restart), exactly one moves it and refunds it; the others,
    and calls on a finished task, change nothing. Returns whether this call failed it."""
    session.flush()
    now = time.time()
    if not repository.mark_failed(session, task_id, reason, now):
        return False
    task = repository.get(session, task_id)
    assert task is not None
    # The row changed under the ORM: reload it before touching its clips.
    session.refresh(task)
    for clip in task.clips:
        if clip.status != "complete":
            clip.error_message = reason
            _set_clip(clip, "error", now)
    events.status_changed(session, task, None)
    return True


def hand_back(session: Session, task_id: str, started: bool) -> None:
    """Shutdown interrupted the task: queue it again, to be resumed at the next start
    without counting the attempt it had ``started``."""
    task = hold(session, task_id)
    if task is None:
        return
    now = time.time()
    if started:
        task.attempts = max(task.attempts - 1, 0)
    _requeue(task, now)


def recover(session: Session, max_attempts: int) -> list[str]:
    """At start: tasks left unfinished by a crash are resumed from scratch, or failed if
    they were interrupted ``max_attempts`` times. Returns the ids to run, oldest first."""
    now = time.time()
    resume: list[str] = []
    for task_id in repository.unfinished_ids(session):
        task = hold(session, task_id)
        if task is None:
            continue
        if task.attempts >= max_attempts:
            fail(session, task_id, f"rendering was interrupted {task.attempts} times; giving up")
            continue
        _requeue(task, now)
        resume.append(task_id)
    return resume


def _requeue(task: Task, now: float) -> None:
    for clip in task.clips:
        clip.progress = 0
        clip.audio_seconds = 0.0
        _set_clip(clip, "queued", now)
    task.status = "QUEUED"
    task.progress = 0
    task.start_time = 0
    task.updated_at = now


def _set_clip(clip: Clip, status: str, now: float) -> None:
    if clip.status != status:
        clip.status = status
        clip.updated_at = now
