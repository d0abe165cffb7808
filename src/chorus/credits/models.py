"""The ``credit_ledger`` table: one row per change of a key's balance."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chorus.db import WIDE_INT, Base


class CreditEntry(Base):
    """A change of a key's balance. ``api_keys.credits`` is a cache of the sum of these
    rows, updated in the same transaction as each insert.

    ``reason`` is ``grant`` (a key's starting balance), ``charge`` (a submit), ``refund``
    (a failed task) or ``adjust`` (the admin set the balance). A task has at most one
    charge and one refund: the unique constraint is what makes a refund happen once
    however many workers race to give it.
    """

    __tablename__ = "credit_ledger"
    __table_args__ = (UniqueConstraint("task_id", "reason", name="uq_credit_ledger_task_reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    delta: Mapped[int] = mapped_column(WIDE_INT)
    balance_after: Mapped[int] = mapped_column(WIDE_INT)
    reason: Mapped[str] = mapped_column(String(16))
    # What was charged for (MUSIC, LYRICS, extend, concat) or why the admin adjusted.
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[float] = mapped_column(Float, index=True)
