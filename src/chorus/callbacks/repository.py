"""All SQL about hook deliveries and their attempts."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from chorus.callbacks.models import HookAttempt, HookDelivery
from chorus.keys.models import ApiKey
from chorus.tasks.models import Task


def add(session: Session, delivery: HookDelivery) -> HookDelivery:
    # No flush: this also runs inside a flush (a status change caught before it).
    session.add(delivery)
    return delivery


def get(session: Session, delivery_id: str) -> HookDelivery | None:
    return session.get(HookDelivery, delivery_id)


def due_task_ids(session: Session, now: float, limit: int) -> list[str]:
    """Tasks with a pending delivery due now that no attempt holds."""
    query = (
        select(HookDelivery.task_id)
        .where(
            HookDelivery.state == "pending",
            HookDelivery.next_attempt_at <= now,
            or_(HookDelivery.lease_until.is_(None), HookDelivery.lease_until <= now),
        )
        .group_by(HookDelivery.task_id)
        .order_by(func.min(HookDelivery.next_attempt_at))
        .limit(limit)
    )
    return list(session.scalars(query))


def take_tasks(session: Session, task_ids: list[str]) -> set[str]:
    """Of ``task_ids``, those whose row this transaction now holds; a row another
    transaction holds (another delivery loop deciding for that task, or a worker moving
    it) is skipped, not waited for. PostgreSQL locks with ``FOR NO KEY UPDATE SKIP
    LOCKED`` (inserting a delivery, which only shares the key, is not blocked); SQLite
    ignores the clause, its single writer already keeps claims apart."""
    if not task_ids:
        return set()
    query = (
        select(Task.id)
        .where(Task.id.in_(task_ids))
        .order_by(Task.id)
        .with_for_update(skip_locked=True, key_share=True)
    )
    return set(session.scalars(query))


def pending_of(session: Session, task_id: str) -> list[HookDelivery]:
    query = (
        select(HookDelivery)
        .where(HookDelivery.task_id == task_id, HookDelivery.state == "pending")
        .order_by(HookDelivery.version)
    )
    return list(session.scalars(query))


def last_delivered_version(session: Session, task_id: str) -> int | None:
    query = select(func.max(HookDelivery.version)).where(
        HookDelivery.task_id == task_id, HookDelivery.state == "delivered"
    )
    value = session.scalar(query)
    return None if value is None else int(value)


def key_secret(session: Session, key_id: int) -> ApiKey | None:
    return session.get(ApiKey, key_id)


def add_attempt(session: Session, attempt: HookAttempt) -> None:
    session.add(attempt)


def attempts_of(session: Session, delivery_ids: list[str]) -> list[HookAttempt]:
    if not delivery_ids:
        return []
    query = (
        select(HookAttempt)
        .where(HookAttempt.delivery_id.in_(delivery_ids))
        .order_by(HookAttempt.id)
    )
    return list(session.scalars(query))


def for_task(session: Session, task_id: str) -> list[HookDelivery]:
    query = select(HookDelivery).where(HookDelivery.task_id == task_id)
    return list(session.scalars(query.order_by(HookDelivery.version)))


def page(
    session: Session,
    *,
    key_id: int | None,
    task_id: str | None,
    state: str | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[HookDelivery, str]], int]:
    """Deliveries (with their key's name), newest first, and how many match."""
    conditions = []
    if key_id is not None:
        conditions.append(HookDelivery.key_id == key_id)
    if task_id:
        conditions.append(HookDelivery.task_id == task_id)
    if state:
        conditions.append(HookDelivery.state == state)
    total = session.scalar(select(func.count()).select_from(HookDelivery).where(*conditions))
    query = (
        select(HookDelivery, ApiKey.name)
        .join(ApiKey, ApiKey.id == HookDelivery.key_id)
        .where(*conditions)
        .order_by(HookDelivery.created_at.desc(), HookDelivery.version.desc())
        .offset(offset)
        .limit(limit)
    )
    return [(d, name) for d, name in session.execute(query)], int(total or 0)
