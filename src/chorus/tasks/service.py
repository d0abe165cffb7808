"""The rules of submitting and fetching tasks (the request path).

Submitting validates the body, records the task and its clips as SUBMITTED and asks for
the task to be enqueued once the transaction commits; writing lyrics and rendering happen
in the worker. What happens to a task afterwards is in :mod:`chorus.tasks.lifecycle`.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from chorus.config import Dialect, Settings
from chorus.db import after_commit
from chorus.exceptions import InvalidRequest, NotFound
from chorus.keys.service import KeyInfo
from chorus.media.service import clip_dir
from chorus.tasks import repository
from chorus.tasks.catalog import DEFAULT_MV, MODEL_VERSIONS
from chorus.tasks.dialects import DIALECTS
from chorus.tasks.models import Clip, Task
from chorus.tasks.schemas import (
    MAX_FETCH_IDS,
    FetchMany,
    LibraryQuery,
    SubmitLyrics,
    SubmitMusic,
)
from chorus.tasks.views import TaskView

CLIPS_PER_TASK = 2
ACTIONS = ("MUSIC", "LYRICS")

Enqueue = Callable[[str], None]


class TaskNotFound(NotFound):
    """The task does not exist."""

    code = "task_not_exist"


def _text(value: str | None) -> str:
    return (value or "").strip()


def _check_hook(url: str) -> str:
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidRequest("notify_hook: must be an http or https URL", field="notify_hook")
    return url


def _check_mv(mv: str | None) -> str:
    value = _text(mv) or DEFAULT_MV
    if value not in MODEL_VERSIONS:
        names = ", ".join(MODEL_VERSIONS)
        raise InvalidRequest(f"mv: unknown model {value!r}; use one of: {names}", field="mv")
    return value


def new_task(key: KeyInfo, action: str, mode: str, now: float, **fields: Any) -> Task:
    """A SUBMITTED task of ``key``, not yet added to a session."""
    return Task(
        id=str(uuid.uuid4()),
        key_id=key.id,
        action=action,
        status="SUBMITTED",
        fail_reason="",
        mode=mode,
        progress=0,
        attempts=0,
        submit_time=int(now),
        start_time=0,
        finish_time=0,
        updated_at=now,
        **fields,
    )


def new_clips(count: int, now: float) -> list[Clip]:
    """``count`` submitted clips, each with its own random seed."""
    return [
        Clip(
            id=str(uuid.uuid4()),
            idx=idx,
            seed=secrets.randbits(62),
            status="submitted",
            progress=0,
            audio_seconds=0.0,
            attempt=0,
            error_message="",
            created_at=now,
            updated_at=now,
        )
        for idx in range(1, count + 1)
    ]


def submit_music(
    session: Session, key: KeyInfo, body: SubmitMusic, settings: Settings, enqueue: Enqueue
) -> Task:
    """Record a MUSIC task with its two clips; returns it (not yet committed)."""
    idea = _text(body.gpt_description_prompt)
    lyrics = (body.prompt or "").strip("\n")
    title, tags = _text(body.title), _text(body.tags)
    instrumental = bool(body.make_instrumental)
    mv = _check_mv(body.mv)
    hook = _check_hook(_text(body.notify_hook))
    continue_clip_id: str | None = None
    continue_at: float | None = None
    if _text(body.continue_clip_id):
        mode = "extend"
        continue_clip_id, continue_at, title, tags = _check_extend(
            session, key, body, media_dir=settings.media_dir, title=title, tags=tags
        )
    elif idea:
        mode = "inspiration"
    elif instrumental:
        mode = "instrumental"
    elif lyrics.strip() or title or tags:
        mode = "custom"
    else:
        raise InvalidRequest(
            "gpt_description_prompt: give a song idea, or prompt (lyrics) with tags and title",
            field="gpt_description_prompt",
        )
    if _text(body.task) not in ("", "extend"):
        raise InvalidRequest("task: the only task accepted is 'extend'", field="task")
    received = {
        "custom_mode": mode in ("custom", "instrumental") or bool(lyrics.strip()),
        "gpt_description_prompt": idea,
        "make_instrumental": instrumental,
        "prompt": lyrics,
        "title": title,
        "continue_at": continue_at or 0,
        "continue_clip_id": continue_clip_id or "",
        "mv": mv,
        "tags": tags,
        "negative_tags": _text(body.negative_tags),
    }
    if body.voice:
        # Kept with the request as received; the worker reads it from there.
        received["voice"] = body.voice
    now = time.time()
    task = new_task(
        key,
        "MUSIC",
        mode,
        now,
        notify_hook=hook,
        mv=mv,
        input_json=json.dumps(received, ensure_ascii=False),
        gpt_description_prompt=idea,
        title=title,
        tags=tags,
        negative_tags=_text(body.negative_tags),
        lyrics=lyrics,
        make_instrumental=instrumental,
        duration=float(body.duration or settings.song_duration_s),
        continue_clip_id=continue_clip_id,
        continue_at=continue_at,
    )
    task.clips = new_clips(CLIPS_PER_TASK, now)
    repository.add(session, task)
    task_id = task.id
    after_commit(session, lambda: enqueue(task_id))
    return task


def _check_extend(
    session: Session, key: KeyInfo, body: SubmitMusic, *, media_dir: Path, title: str, tags: str
) -> tuple[str, float, str, str]:
    clip_id = _text(body.continue_clip_id)
    clip = repository.get_clip(session, clip_id)
    if clip is None or clip.task.key_id != key.id:
        raise InvalidRequest(f"continue_clip_id: no clip {clip_id!r}", field="continue_clip_id")
    if clip.status != "complete":
        raise InvalidRequest(
            "continue_clip_id: the clip is not complete yet", field="continue_clip_id"
        )
    if _text(body.task_id) and _text(body.task_id) != clip.task_id:
        raise InvalidRequest("task_id: the clip was not made by this task", field="task_id")
    if body.continue_at is None:
        raise InvalidRequest("continue_at: required to extend a clip", field="continue_at")
    if clip.duration is not None and body.continue_at > clip.duration:
        raise InvalidRequest(
            f"continue_at: must be within the clip (0 to {clip.duration:.2f} s)",
            field="continue_at",
        )
    relayed = bool(clip.task.upstream_task_id)
    if not relayed and not (clip_dir(media_dir, clip.id, clip.attempt) / "score.json").is_file():
        raise InvalidRequest(
            "continue_clip_id: the clip has no score to continue", field="continue_clip_id"
        )
    return clip.id, float(body.continue_at), title or clip.task.title, tags or clip.task.tags


def submit_lyrics(session: Session, key: KeyInfo, body: SubmitLyrics, enqueue: Enqueue) -> Task:
    """Record a LYRICS task; the worker writes the lyrics."""
    idea = body.prompt.strip()
    if not idea:
        raise InvalidRequest("prompt: must not be empty", field="prompt")
    hook = _check_hook(_text(body.notify_hook))
    task = new_task(
        key,
        "LYRICS",
        "lyrics",
        time.time(),
        notify_hook=hook,
        mv="",
        input_json=json.dumps({"prompt": idea}, ensure_ascii=False),
        gpt_description_prompt=idea,
        title="",
        tags="",
        negative_tags="",
        lyrics="",
        make_instrumental=False,
        duration=0.0,
        continue_clip_id=None,
        continue_at=None,
    )
    repository.add(session, task)
    task_id = task.id
    after_commit(session, lambda: enqueue(task_id))
    return task


def resolve_dialect(query: str | None, key: KeyInfo, default: Dialect) -> Dialect:
    """``?dialect=`` wins over the key's dialect, which wins over the server default."""
    if query:
        for dialect in DIALECTS:
            if query == dialect:
                return dialect
        raise InvalidRequest(f"dialect: must be one of {', '.join(DIALECTS)}", field="dialect")
    return key.dialect or default


def visible(view: TaskView | None, key: KeyInfo) -> TaskView:
    """The task if ``key`` may see it; another key's task does not exist for it."""
    if view is None or view.key_id != key.id:
        raise TaskNotFound("task_id: no such task")
    return view


def batch_ids(body: FetchMany) -> list[str]:
    """The requested ids in order, without repeats; at most :data:`MAX_FETCH_IDS`."""
    if len(body.ids) > MAX_FETCH_IDS:
        raise InvalidRequest(f"ids: at most {MAX_FETCH_IDS} ids per request", field="ids")
    if body.action is not None and body.action not in ACTIONS:
        raise InvalidRequest("action: must be MUSIC or LYRICS", field="action")
    return list(dict.fromkeys(body.ids))


@dataclass(frozen=True, slots=True)
class LibraryPage:
    """One page of a key's library: task ids newest first, and how many match in all."""

    ids: list[str]
    total: int
    page: int
    page_size: int


def library_page(session: Session, key: KeyInfo, query: LibraryQuery) -> LibraryPage:
    """The key's tasks whose title or tags contain ``query.q``, a page at a time."""
    ids, total = repository.search(
        session,
        key.id,
        query.q.strip(),
        action=query.action,
        offset=(query.page - 1) * query.page_size,
        limit=query.page_size,
    )
    return LibraryPage(ids, total, query.page, query.page_size)
