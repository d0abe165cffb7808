"""Snapshots of tasks and their rendered answers, kept in memory for the fetch path.

A finished task (SUCCESS, FAILURE) never changes again: its snapshot is kept until it is
evicted. A task that can still change may be moved by another service process sharing the
database, whose writes this process never hears of: its snapshot is served for at most
``ttl_s`` after the read that produced it began, then read again. Readers that find the
same tasks missing or expired at once share one read. An id found in no task is
remembered as missing for ``ttl_s`` too, so a client asking again and again for an unknown
id costs one read per ``ttl_s``. Ids are drawn at random when a task is made, so nobody
asks for one before its task exists, and a task this process changes is read at once.

Every change this process makes to a task goes through :meth:`TaskCache.invalidate` after
its commit, so it is seen at once. A read that was under way while such a change was
committing may hold the old state, so each task has a generation number and a snapshot is
kept only if the generation did not move while it was being read; an invalidated task's
read under way is not shared with later readers either.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from chorus.config import Dialect
from chorus.db import Database
from chorus.tasks import dialects, repository
from chorus.tasks.views import TaskView, task_view

_MAX_TASKS = 20_000

_Read = asyncio.Task[dict[str, TaskView]]


def load_views(session: Session, task_ids: Iterable[str]) -> dict[str, TaskView]:
    rows = repository.with_key_names(session, task_ids)
    return {task.id: task_view(task, name) for task, name in rows}


def load_clip_task(session: Session, clip_id: str) -> str | None:
    clip = repository.get_clip(session, clip_id)
    return None if clip is None else clip.task_id


class _Entry:
    """A snapshot, until when it may be served (``clock`` time), and its answers."""

    __slots__ = ("answers", "expires", "view")

    def __init__(self, view: TaskView, expires: float) -> None:
        self.view = view
        self.expires = expires
        self.answers: dict[Dialect, bytes] = {}


class TaskCache:
    """Task snapshots and their answers per dialect, as bytes.

    ``ttl_s`` bounds how long the snapshot of an unfinished task is served (0: read it
    every time); ``clock`` is the monotonic time source it is measured with."""

    def __init__(
        self,
        db: Database,
        base_url: str,
        *,
        ttl_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._base_url = base_url
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._generation: dict[str, int] = {}
        self._epoch = 0
        self._reads: dict[str, _Read] = {}
        self._clip_task: dict[str, str] = {}
        # Task ids and clip ids read and found nowhere, and until when that answer stands.
        self._missing: dict[str, float] = {}
        self._missing_clips: dict[str, float] = {}

    def invalidate(self, task_id: str) -> None:
        if len(self._generation) >= _MAX_TASKS * 4:
            self._generation.clear()
            self._epoch += 1
        self._generation[task_id] = self._generation.get(task_id, 0) + 1
        self._entries.pop(task_id, None)
        self._reads.pop(task_id, None)
        self._missing.pop(task_id, None)

    async def view(self, task_id: str) -> TaskView | None:
        now = self._clock()
        entry = self._entries.get(task_id)
        if entry is not None and now < entry.expires:
            return entry.view
        if now < self._missing.get(task_id, -math.inf):
            return None
        return (await self._load([task_id])).get(task_id)

    async def views(self, task_ids: list[str]) -> dict[str, TaskView]:
        """Snapshots of the tasks that exist among ``task_ids``."""
        now = self._clock()
        found: dict[str, TaskView] = {}
        stale: list[str] = []
        for task_id in task_ids:
            entry = self._entries.get(task_id)
            if entry is not None and now < entry.expires:
                found[task_id] = entry.view
            elif now >= self._missing.get(task_id, -math.inf):
                stale.append(task_id)
        if stale:
            found.update(await self._load(stale))
        return found

    def answer(self, view: TaskView, dialect: Dialect) -> bytes:
        """The task object of ``view`` in ``dialect``, as compact UTF-8 JSON."""
        entry = self._entries.get(view.id)
        if entry is None or entry.view is not view:
            return self._render(view, dialect)
        body = entry.answers.get(dialect)
        if body is None:
            body = entry.answers[dialect] = self._render(view, dialect)
        return body

    async def clip_task(self, clip_id: str) -> str | None:
        """The task a clip belongs to (never changes, so it is cached for good; an unknown
        clip id is remembered as such for ``ttl_s``, like an unknown task id)."""
        task_id = self._clip_task.get(clip_id)
        if task_id is not None:
            return task_id
        now = self._clock()
        if now < self._missing_clips.get(clip_id, -math.inf):
            return None
        task_id = await self._db.run(load_clip_task, clip_id)
        if task_id is not None:
            if len(self._clip_task) >= _MAX_TASKS * 2:
                self._clip_task.clear()
            self._clip_task[clip_id] = task_id
        elif self._ttl_s > 0:
            self._note_missing(self._missing_clips, clip_id, now)
        return task_id

    def _render(self, view: TaskView, dialect: Dialect) -> bytes:
        obj = dialects.task_object(view, dialect, self._base_url)
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    async def _load(self, task_ids: list[str]) -> dict[str, TaskView]:
        """Reads the tasks, joining the reads under way for some of them. A read runs as
        its own task, so a reader that goes away does not cancel it for the others."""
        waits: dict[_Read, list[str]] = {}
        fresh: list[str] = []
        for task_id in dict.fromkeys(task_ids):
            read = self._reads.get(task_id)
            if read is None:
                fresh.append(task_id)
            else:
                waits.setdefault(read, []).append(task_id)
        if fresh:
            read = asyncio.ensure_future(self._read(fresh))
            for task_id in fresh:
                self._reads[task_id] = read
            read.add_done_callback(lambda done: self._settle(fresh, done))
            waits[read] = fresh
        found: dict[str, TaskView] = {}
        for read, wanted in waits.items():
            loaded = await asyncio.shield(read)
            found.update((task_id, loaded[task_id]) for task_id in wanted if task_id in loaded)
        return found

    async def _read(self, task_ids: list[str]) -> dict[str, TaskView]:
        epoch = self._epoch
        before = {task_id: self._generation.get(task_id, 0) for task_id in task_ids}
        began = self._clock()
        loaded = await self._db.run(load_views, task_ids)
        found: dict[str, TaskView] = {}
        for task_id in task_ids:
            unchanged = self._epoch == epoch and self._generation.get(task_id, 0) == before[task_id]
            view = loaded.get(task_id)
            if view is not None:
                found[task_id] = self._remember(task_id, view, began) if unchanged else view
            elif unchanged and self._ttl_s > 0:
                self._note_missing(self._missing, task_id, began)
        return found

    def _note_missing(self, missing: dict[str, float], some_id: str, began: float) -> None:
        """Remember in ``missing`` that a read begun at ``began`` found nothing."""
        if len(missing) >= _MAX_TASKS:
            missing.clear()
        missing[some_id] = began + self._ttl_s

    def _settle(self, task_ids: list[str], read: _Read) -> None:
        for task_id in task_ids:
            if self._reads.get(task_id) is read:
                del self._reads[task_id]
        if not read.cancelled():
            read.exception()  # retrieved: the readers that waited have seen it

    def _remember(self, task_id: str, view: TaskView, began: float) -> TaskView:
        """Keep ``view`` (read from ``began`` on); the snapshot to serve, which is the
        one already kept, with its answers, when nothing changed."""
        final = view.status in repository.TERMINAL
        expires = math.inf if final else began + self._ttl_s
        kept = self._entries.get(task_id)
        if kept is not None and kept.view == view:
            kept.expires = expires
            return kept.view
        if kept is None and len(self._entries) >= _MAX_TASKS:
            # Forget the oldest entries; the generations go too, so bump the epoch to
            # stop reads that started before from storing what they read.
            for old in list(self._entries)[: _MAX_TASKS // 4]:
                self.invalidate(old)
            self._generation.clear()
            self._epoch += 1
        self._entries[task_id] = _Entry(view, expires)
        return view
