"""All SQL about tasks and clips."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from chorus.keys.models import ApiKey
from chorus.tasks.models import Clip, Task

UNFINISHED = ("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS")


def add(session: Session, task: Task) -> Task:
    session.add(task)
    session.flush()
    return task


def get(session: Session, task_id: str) -> Task | None:
    return session.get(Task, task_id)


def get_for_update(session: Session, task_id: str) -> Task | None:
    # FOR UPDATE is ignored by SQLite (whose writers are serialized anyway) and locks the
    # row on PostgreSQL, so two workers never move the same task at once.
    return session.scalars(select(Task).where(Task.id == task_id).with_for_update()).first()


def with_key_names(session: Session, task_ids: Iterable[str]) -> list[tuple[Task, str]]:
    query = (
        select(Task, ApiKey.name)
        .join(ApiKey, ApiKey.id == Task.key_id)
        .where(Task.id.in_(list(task_ids)))
    )
    return [(task, name) for task, name in session.execute(query)]


def get_clip(session: Session, clip_id: str) -> Clip | None:
    return session.get(Clip, clip_id)


def unfinished_ids(session: Session) -> list[str]:
    query = select(Task.id).where(Task.status.in_(UNFINISHED)).order_by(Task.submit_time)
    return list(session.scalars(query))
