"""All SQL about tasks and clips."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from chorus.keys.models import ApiKey
from chorus.tasks.models import Clip, Task

UNFINISHED = ("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS")
TERMINAL = ("SUCCESS", "FAILURE")


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
    """The tasks with their key's name, each task and its clips read by one statement:
    SQLite gives each statement outside a write its own snapshot, so a separate read of
    the clips could see a different moment than the task's row."""
    query = (
        select(Task, ApiKey.name)
        .join(ApiKey, ApiKey.id == Task.key_id)
        .options(joinedload(Task.clips))
        .where(Task.id.in_(list(task_ids)))
    )
    return [(task, name) for task, name in session.execute(query).unique()]


def mark_failed(session: Session, task_id: str, reason: str, now: float) -> bool:
    """FAILURE unless the task already finished, in one statement; True when this call
    moved it (the database picks one winner among concurrent callers)."""
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.status.not_in(TERMINAL))
        .values(
            status="FAILURE",
            fail_reason=reason,
            finish_time=int(now),
            updated_at=now,
            version=Task.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def hold_unfinished(session: Session, task_id: str) -> bool:
    """Take the task's row for the rest of the transaction, unless it finished: a write
    that changes nothing, so that SQLite's writer lock (PostgreSQL's row lock) is held
    before the task is read. No other writer can finish the task between this read and
    the commit. False when the task finished (or is gone)."""
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.status.not_in(TERMINAL))
        .values(updated_at=Task.updated_at)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def move_status(session: Session, task_id: str, status: str, now: float) -> bool:
    """Move an unfinished task to ``status`` in one statement (its version +1, and its
    finish time when ``status`` is final); False when it had finished meanwhile."""
    values: dict[str, object] = {
        "status": status,
        "updated_at": now,
        "version": Task.version + 1,
    }
    if status in TERMINAL:
        values["finish_time"] = int(now)
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.status.not_in(TERMINAL))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def submitted_page(
    session: Session, after: tuple[int, str], until: int, limit: int
) -> list[tuple[int, str, str, list[str]]]:
    """``(submit_time, task id, status, clip ids)`` of up to ``limit`` tasks submitted at
    ``until`` or before and after ``after`` (a ``(submit_time, id)`` position), in that
    order: a walk over old tasks that resumes where it stopped."""
    moment, task_id = after
    rows = session.execute(
        select(Task.submit_time, Task.id, Task.status)
        .where(
            Task.submit_time <= until,
            or_(Task.submit_time > moment, (Task.submit_time == moment) & (Task.id > task_id)),
        )
        .order_by(Task.submit_time, Task.id)
        .limit(limit)
    ).all()
    clips: dict[str, list[str]] = {row.id: [] for row in rows}
    if clips:
        for clip_id, owner in session.execute(
            select(Clip.id, Clip.task_id).where(Clip.task_id.in_(clips)).order_by(Clip.idx)
        ):
            clips[owner].append(clip_id)
    return [(row.submit_time, row.id, row.status, clips[row.id]) for row in rows]


def get_clip(session: Session, clip_id: str) -> Clip | None:
    return session.get(Clip, clip_id)


def unfinished_ids(session: Session) -> list[str]:
    query = select(Task.id).where(Task.status.in_(UNFINISHED)).order_by(Task.submit_time)
    return list(session.scalars(query))


def _contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    session: Session, key_id: int, query: str, *, action: str | None, offset: int, limit: int
) -> tuple[list[str], int]:
    """Ids of the key's tasks whose title or tags contain ``query`` (any case), newest
    first, from ``offset``; and how many match in all."""
    conditions = [Task.key_id == key_id]
    if action:
        conditions.append(Task.action == action)
    if query:
        pattern = _contains(query)
        conditions.append(
            or_(Task.title.ilike(pattern, escape="\\"), Task.tags.ilike(pattern, escape="\\"))
        )
    total = session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0
    newest = (Task.submit_time.desc(), Task.id)
    ids = session.scalars(
        select(Task.id).where(*conditions).order_by(*newest).offset(offset).limit(limit)
    )
    return list(ids), int(total)
