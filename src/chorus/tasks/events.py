"""What follows every status change of a task, whoever makes it.

A status change (the worker's lifecycle, a channel's poller, an admin's cancel) bumps the
task's ``version``; then, in the same transaction: a task that reached FAILURE gets its
credits back (once: see :mod:`chorus.credits.service`), a task with a ``notify_hook``
gets a delivery carrying the task as fetch would show it, and the task counters move
after the commit.

ORM changes are caught by a ``before_flush`` listener on the service's sessions
(:func:`install`), so no code path can change a status and skip this; code that changes a
status with a single SQL statement (the compare-and-set of :func:`chorus.tasks.lifecycle.fail`)
calls :func:`status_changed` itself.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from chorus import runtime
from chorus.callbacks import repository as deliveries
from chorus.callbacks.models import HookDelivery
from chorus.credits import service as credits
from chorus.db import Database, after_commit
from chorus.keys.models import ApiKey
from chorus.tasks import dialects
from chorus.tasks.models import Task
from chorus.tasks.views import task_view
from chorus.webhooks import encode_body

TERMINAL = ("SUCCESS", "FAILURE")
log = logging.getLogger(__name__)


def install(db: Database) -> None:
    """Make every session of ``db`` follow status changes (idempotent)."""
    if not event.contains(db.sessions, "before_flush", _before_flush):
        event.listen(db.sessions, "before_flush", _before_flush)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty):
        if not isinstance(obj, Task):
            continue
        history = inspect(obj).attrs.status.history
        if not history.has_changes() or not history.deleted:
            continue
        old, new = history.deleted[0], obj.status
        if old == new:
            continue
        obj.version = (obj.version or 1) + 1
        status_changed(session, obj, old)


def fetch_body(task: Task, key: ApiKey, ctx: runtime.Runtime) -> bytes:
    """The task exactly as ``GET /suno/fetch/{id}`` answers it in the key's dialect."""
    dialect = key.dialect if key.dialect in dialects.DIALECTS else ctx.default_dialect
    assert dialect in dialects.DIALECTS
    view = task_view(task, key.name)
    obj = dialects.task_object(view, dialect, ctx.base_url)
    head, tail = dialects.envelope_parts(dialect)
    return head + encode_body(obj) + tail


def status_changed(session: Session, task: Task, old: str | None) -> None:
    """Apply what follows ``task`` reaching its current status (its version already
    bumped): refund on FAILURE, a delivery for its hook, metrics after the commit."""
    if task.status == "FAILURE":
        credits.refund(session, task.id, note=task.fail_reason)
    ctx = runtime.runtime(session)
    if ctx is None:
        return
    key = session.get(ApiKey, task.key_id)
    fields = {"task_id": task.id, "key_name": key.name if key is not None else "-"}
    line = f"task {task.action} {old or 'running'} -> {task.status}"
    after_commit(session, lambda: log.info(line, extra=fields))
    if task.notify_hook and key is not None:
        now = time.time()
        deliveries.add(
            session,
            HookDelivery(
                id=f"msg_{uuid.uuid4().hex}",
                task_id=task.id,
                key_id=task.key_id,
                url=task.notify_hook,
                version=task.version,
                task_status=task.status,
                body=fetch_body(task, key, ctx),
                state="pending",
                attempts=0,
                next_attempt_at=now,
                last_error="",
                redeliver=False,
                created_at=now,
            ),
        )
        if ctx.wake_deliveries is not None:
            after_commit(session, ctx.wake_deliveries)
    action, status = task.action, task.status
    finished = time.time() - task.submit_time if status in TERMINAL else None

    def record(metrics: Any) -> None:
        metrics.observe_task_status(action, status)
        if finished is not None:
            metrics.observe_task_finished(action, max(finished, 0.0))

    runtime.observe(session, record)
