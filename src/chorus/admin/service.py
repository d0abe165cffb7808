"""The admin's view of tasks, the ledger and deliveries, and cancelling a task.
Every function takes a session and never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from chorus.admin import repository
from chorus.admin.schemas import (
    AdminClip,
    AdminTask,
    AdminTaskDetails,
    AttemptInfo,
    DeliveryInfo,
    DeliveryQuery,
    LedgerEntry,
    LedgerQuery,
    TaskQuery,
)
from chorus.callbacks import repository as deliveries
from chorus.callbacks import service as callbacks
from chorus.callbacks.models import HookAttempt, HookDelivery
from chorus.credits import repository as ledger
from chorus.credits.models import CreditEntry
from chorus.exceptions import ChorusError
from chorus.keys import repository as keys_repository
from chorus.keys import service as keys
from chorus.tasks import lifecycle
from chorus.tasks.models import Task
from chorus.tasks.service import TaskNotFound

CANCEL_REASON = "cancelled by the admin"


class TaskFinished(ChorusError):  # noqa: N818  (named for the answer)
    """The task already finished; there is nothing to cancel."""

    status_code = 409
    code = "task_finished"


def _key_id(session: Session, name: str | None) -> int | None:
    return None if name is None else keys.get_key(session, name).id


def admin_task(task: Task, key_name: str) -> AdminTask:
    return AdminTask.model_validate(_task_fields(task, key_name))


def _task_fields(task: Task, key_name: str) -> dict[str, Any]:
    return {
        "task_id": task.id,
        "key": key_name,
        "action": task.action,
        "mode": task.mode,
        "status": task.status,
        "progress": task.progress,
        "fail_reason": task.fail_reason,
        "mv": task.mv,
        "notify_hook": task.notify_hook,
        "submit_time": task.submit_time,
        "start_time": task.start_time,
        "finish_time": task.finish_time,
        "attempts": task.attempts,
        "version": task.version,
        "channel": task.channel,
        "upstream_task_id": task.upstream_task_id,
        "lyrics_source": task.lyrics_source or "",
        "lyrics_note": task.lyrics_note or "",
        "clips": [
            AdminClip(
                id=clip.id,
                status=clip.status,
                progress=clip.progress,
                duration=clip.duration,
                attempt=clip.attempt,
                error_message=clip.error_message,
                upstream_clip_id=clip.upstream_clip_id,
            )
            for clip in task.clips
        ],
    }


def ledger_entry(entry: CreditEntry, key_name: str) -> LedgerEntry:
    return LedgerEntry(
        id=entry.id,
        key=key_name,
        task_id=entry.task_id,
        delta=entry.delta,
        balance_after=entry.balance_after,
        reason=entry.reason,
        note=entry.note,
        created_at=entry.created_at,
    )


def delivery_info(
    delivery: HookDelivery, key_name: str, attempts: list[HookAttempt] | None = None
) -> DeliveryInfo:
    return DeliveryInfo(
        id=delivery.id,
        task_id=delivery.task_id,
        key=key_name,
        url=delivery.url,
        version=delivery.version,
        task_status=delivery.task_status,
        state=delivery.state,
        attempts=delivery.attempts,
        first_attempt_at=delivery.first_attempt_at,
        next_attempt_at=delivery.next_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
        attempt_log=[
            AttemptInfo(
                attempted_at=a.attempted_at,
                status_code=a.status_code,
                error=a.error,
                duration_s=a.duration_s,
                response_excerpt=a.response_excerpt,
            )
            for a in attempts or []
        ],
    )


def list_tasks(session: Session, query: TaskQuery) -> tuple[list[AdminTask], int]:
    rows, total = repository.search_tasks(
        session,
        key_id=_key_id(session, query.key),
        status=query.status,
        action=query.action,
        channel=query.channel,
        upstream_task_id=query.upstream_task_id,
        since=query.since,
        offset=query.offset,
        limit=query.limit,
    )
    return [admin_task(task, name) for task, name in rows], total


def inspect_task(session: Session, task_id: str) -> AdminTaskDetails:
    row = repository.task_with_key(session, task_id)
    if row is None:
        raise TaskNotFound("task_id: no such task")
    task, key_name = row
    sent = deliveries.for_task(session, task_id)
    log = deliveries.attempts_of(session, [d.id for d in sent])
    return AdminTaskDetails.model_validate(
        {
            **_task_fields(task, key_name),
            "title": task.title,
            "tags": task.tags,
            "input": task.input_json,
            "lyrics_source": task.lyrics_source,
            "lyrics_note": task.lyrics_note,
            "credits": [ledger_entry(e, key_name) for e in ledger.for_task(session, task_id)],
            "deliveries": [
                delivery_info(d, key_name, [a for a in log if a.delivery_id == d.id]) for d in sent
            ],
        }
    )


def cancel_task(session: Session, task_id: str) -> AdminTaskDetails:
    """FAILURE with a reason and the credits back (the same compare-and-set as any
    failure); 409 when the task already finished."""
    if repository.task_with_key(session, task_id) is None:
        raise TaskNotFound("task_id: no such task")
    if not lifecycle.fail(session, task_id, CANCEL_REASON):
        raise TaskFinished("task_id: the task already finished; there is nothing to cancel")
    session.flush()
    return inspect_task(session, task_id)


def list_ledger(session: Session, query: LedgerQuery) -> tuple[list[LedgerEntry], int]:
    rows, total = ledger.page(
        session,
        key_id=_key_id(session, query.key),
        task_id=query.task_id,
        reason=query.reason,
        since=query.since,
        offset=query.offset,
        limit=query.limit,
    )
    return [ledger_entry(entry, name) for entry, name in rows], total


def list_deliveries(session: Session, query: DeliveryQuery) -> tuple[list[DeliveryInfo], int]:
    rows, total = deliveries.page(
        session,
        key_id=_key_id(session, query.key),
        task_id=query.task_id,
        state=query.state,
        offset=query.offset,
        limit=query.limit,
    )
    return [delivery_info(d, name) for d, name in rows], total


def get_delivery(session: Session, delivery_id: str) -> DeliveryInfo:
    delivery = deliveries.get(session, delivery_id)
    if delivery is None:
        raise callbacks.DeliveryNotFound(f"delivery_id: no delivery {delivery_id!r}")
    key = keys_repository.by_id(session, delivery.key_id)
    name = key.name if key is not None else ""
    return delivery_info(delivery, name, deliveries.attempts_of(session, [delivery.id]))


def redeliver(session: Session, delivery_id: str) -> DeliveryInfo:
    callbacks.redeliver(session, delivery_id)
    session.flush()
    return get_delivery(session, delivery_id)
