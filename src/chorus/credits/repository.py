"""All SQL about balances and the ledger."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from chorus.credits.models import CreditEntry
from chorus.keys.models import ApiKey


def debit_if_enough(session: Session, key_id: int, amount: int) -> bool:
    """Take ``amount`` from the key's balance unless it is short; atomic in SQL, so two
    submits racing for the last credits cannot both pass."""
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.credits >= amount)
        .values(credits=ApiKey.credits - amount)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def add_to_balance(session: Session, key_id: int, delta: int) -> None:
    session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id)
        .values(credits=ApiKey.credits + delta)
        .execution_options(synchronize_session=False)
    )


def balance(session: Session, key_id: int) -> int:
    value = session.scalar(select(ApiKey.credits).where(ApiKey.id == key_id))
    return int(value or 0)


def insert_once(session: Session, entry: dict[str, object]) -> bool:
    """Insert a ledger row unless one with the same (task_id, reason) exists; True when
    this call inserted it. The database decides, so racing callers get one winner."""
    if session.get_bind().dialect.name == "postgresql":
        result = session.execute(
            postgresql.insert(CreditEntry).values(**entry).on_conflict_do_nothing()
        )
    else:
        result = session.execute(
            sqlite.insert(CreditEntry).values(**entry).on_conflict_do_nothing()
        )
    return bool(getattr(result, "rowcount", 0))


def add(session: Session, entry: CreditEntry) -> CreditEntry:
    session.add(entry)
    session.flush()
    return entry


def charge_of(session: Session, task_id: str) -> CreditEntry | None:
    query = select(CreditEntry).where(
        CreditEntry.task_id == task_id, CreditEntry.reason == "charge"
    )
    return session.scalars(query).first()


def for_task(session: Session, task_id: str) -> list[CreditEntry]:
    query = select(CreditEntry).where(CreditEntry.task_id == task_id).order_by(CreditEntry.id)
    return list(session.scalars(query))


def ledger_sum(session: Session, key_id: int) -> int:
    total = session.scalar(select(func.sum(CreditEntry.delta)).where(CreditEntry.key_id == key_id))
    return int(total or 0)


def page(
    session: Session,
    *,
    key_id: int | None,
    task_id: str | None,
    reason: str | None,
    since: float | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[CreditEntry, str]], int]:
    """Ledger rows (with their key's name), newest first, and how many match."""
    conditions = []
    if key_id is not None:
        conditions.append(CreditEntry.key_id == key_id)
    if task_id:
        conditions.append(CreditEntry.task_id == task_id)
    if reason:
        conditions.append(CreditEntry.reason == reason)
    if since is not None:
        conditions.append(CreditEntry.created_at >= since)
    total = session.scalar(select(func.count()).select_from(CreditEntry).where(*conditions))
    query = (
        select(CreditEntry, ApiKey.name)
        .join(ApiKey, ApiKey.id == CreditEntry.key_id)
        .where(*conditions)
        .order_by(CreditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [(entry, name) for entry, name in session.execute(query)], int(total or 0)
