"""Snapshots of tasks and their rendered answers, kept in memory for the fetch path.

Every change to a task goes through :meth:`TaskCache.invalidate` after its commit. A
reader that loaded a snapshot while a change was committing would otherwise cache the old
state, so each task has a generation number and a snapshot is kept only if the
generation did not move while it was being read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy.orm import Session

from chorus.config import Dialect
from chorus.db import Database
from chorus.tasks import dialects, repository
from chorus.tasks.views import TaskView, task_view

_MAX_TASKS = 20_000


def load_views(session: Session, task_ids: Iterable[str]) -> dict[str, TaskView]:
    rows = repository.with_key_names(session, task_ids)
    return {task.id: task_view(task, name) for task, name in rows}


def load_clip_task(session: Session, clip_id: str) -> str | None:
    clip = repository.get_clip(session, clip_id)
    return None if clip is None else clip.task_id


class TaskCache:
    """Task snapshots and their answers per dialect, as bytes."""

    def __init__(self, db: Database, base_url: str) -> None:
        self._db = db
        self._base_url = base_url
        self._views: dict[str, TaskView] = {}
        self._answers: dict[tuple[str, Dialect], bytes] = {}
        self._generation: dict[str, int] = {}
        self._epoch = 0
        self._clip_task: dict[str, str] = {}

    def invalidate(self, task_id: str) -> None:
        if len(self._generation) >= _MAX_TASKS * 4:
            self._generation.clear()
            self._epoch += 1
        self._generation[task_id] = self._generation.get(task_id, 0) + 1
        self._views.pop(task_id, None)
        for dialect in dialects.DIALECTS:
            self._answers.pop((task_id, dialect), None)

    async def views(self, task_ids: list[str]) -> dict[str, TaskView]:
        """Snapshots of the tasks that exist among ``task_ids``."""
        found = {tid: self._views[tid] for tid in task_ids if tid in self._views}
        missing = [tid for tid in task_ids if tid not in found]
        if not missing:
            return found
        epoch = self._epoch
        before = {tid: self._generation.get(tid, 0) for tid in missing}
        loaded = await self._db.run(load_views, missing)
        for tid, view in loaded.items():
            found[tid] = view
            if self._epoch == epoch and self._generation.get(tid, 0) == before[tid]:
                self._remember(tid, view)
        return found

    async def view(self, task_id: str) -> TaskView | None:
        return (await self.views([task_id])).get(task_id)

    def answer(self, view: TaskView, dialect: Dialect) -> bytes:
        """The task object of ``view`` in ``dialect``, as compact UTF-8 JSON."""
        cache_key = (view.id, dialect)
        cached = self._answers.get(cache_key)
        if cached is not None:
            return cached
        obj = dialects.task_object(view, dialect, self._base_url)
        body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if self._views.get(view.id) is view:
            self._answers[cache_key] = body
        return body

    async def clip_task(self, clip_id: str) -> str | None:
        """The task a clip belongs to (never changes, so it is cached for good)."""
        task_id = self._clip_task.get(clip_id)
        if task_id is None:
            task_id = await self._db.run(load_clip_task, clip_id)
            if task_id is not None:
                if len(self._clip_task) >= _MAX_TASKS * 2:
                    self._clip_task.clear()
                self._clip_task[clip_id] = task_id
        return task_id

    def _remember(self, task_id: str, view: TaskView) -> None:
        if len(self._views) >= _MAX_TASKS:
            # Forget the oldest entries; the generations go too, so bump the epoch to
            # stop readers that started before from storing what they read.
            for old in list(self._views)[: _MAX_TASKS // 4]:
                self.invalidate(old)
            self._generation.clear()
            self._epoch += 1
        self._views[task_id] = view
