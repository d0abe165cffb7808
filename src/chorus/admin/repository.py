"""SQL of the admin's task search."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chorus.keys.models import ApiKey
from chorus.tasks.models import Task


def search_tasks(
    session: Session,
    *,
    key_id: int | None,
    status: str | None,
    action: str | None,
    channel: str | None,
    upstream_task_id: str | None,
    since: float | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[Task, str]], int]:
    """Tasks (with their key's name) matching every filter given, newest first, and how
    many match in all."""
    conditions = []
    if key_id is not None:
        conditions.append(Task.key_id == key_id)
    if status:
        conditions.append(Task.status == status)
    if action:
        conditions.append(Task.action == action)
    if channel:
        conditions.append(Task.channel == channel)
    if upstream_task_id:
        conditions.append(Task.upstream_task_id == upstream_task_id)
    if since is not None:
        conditions.append(Task.submit_time >= since)
    total = session.scalar(select(func.count()).select_from(Task).where(*conditions))
    query = (
        select(Task, ApiKey.name)
        .join(ApiKey, ApiKey.id == Task.key_id)
        .where(*conditions)
        .order_by(Task.submit_time.desc(), Task.id)
        .offset(offset)
        .limit(limit)
    )
    return [(task, name) for task, name in session.execute(query)], int(total or 0)


def task_with_key(session: Session, task_id: str) -> tuple[Task, str] | None:
    query = select(Task, ApiKey.name).join(ApiKey, ApiKey.id == Task.key_id)
    row = session.execute(query.where(Task.id == task_id)).first()
    return None if row is None else (row[0], row[1])
