"""What a submit must pass, in the transaction that inserts the task: the key's limit of
unfinished tasks, the global bound on waiting tasks, and the price of the action.

Call :func:`admit` after the task row was added. The counts must not change under us
until the commit, so concurrent submits are serialized and none slips past a limit: on
SQLite the task's INSERT already holds the write lock; on PostgreSQL :func:`admit` takes
an advisory lock held to the commit (``db.serialize``), across every service process.
Anything it raises rolls the task back.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from chorus import runtime
from chorus.config import Settings
from chorus.credits import service as credits
from chorus.db import ADMISSION_LOCK, serialize
from chorus.keys.service import KeyInfo
from chorus.ratelimit import AdmissionPolicy
from chorus.tasks.models import Task
from chorus.tasks.repository import UNFINISHED

WAITING = ("NOT_START", "SUBMITTED", "QUEUED")


def waiting() -> ColumnElement[bool]:
    """Tasks waiting for a worker: not started (a started task says QUEUED until its
    first progress, and a requeued one is started again from 0)."""
    return and_(Task.status.in_(WAITING), Task.start_time == 0)


def _count(session: Session, *conditions: object) -> int:
    query = select(func.count()).select_from(Task).where(*conditions)  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)


def charged_action(task: Task) -> str:
    """What ``task`` is charged as: its action, or ``extend`` for an extension."""
    return "extend" if task.mode == "extend" else task.action


def admit(
    session: Session, key: KeyInfo, task: Task, settings: Settings, action: str | None = None
) -> int:
    """Check the limits for ``task`` (just added) and reserve its price (``action``
    defaults to :func:`charged_action`); returns the credits reserved."""
    task_status = task.status
    policy = AdmissionPolicy(
        max_running_per_key=key.max_running or settings.max_running_per_key,
        max_queue=settings.max_queue,
    )
    serialize(session, ADMISSION_LOCK)
    others = Task.id != task.id
    mine = Task.key_id == key.id
    policy.check(
        unfinished_for_key=_count(session, others, mine, Task.status.in_(UNFINISHED)),
        queued_total=_count(session, others, waiting()),
    )
    reserved = credits.reserve(session, key.id, action or charged_action(task), task.id, settings)
    kind = task.action
    runtime.observe(session, lambda metrics: metrics.observe_task_status(kind, task_status))
    return reserved
