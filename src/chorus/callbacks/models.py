"""The ``hook_deliveries`` and ``hook_attempts`` tables."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from chorus.db import Base


class HookDelivery(Base):
    """One status of one task to send to its hook. ``id`` is the ``webhook-id`` (the same
    on every attempt); ``body`` is the exact bytes signed and sent."""

    __tablename__ = "hook_deliveries"
    __table_args__ = (UniqueConstraint("task_id", "version", name="uq_hook_delivery_version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    task_status: Mapped[str] = mapped_column(String(16))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # pending, delivered, gave_up or superseded (a newer status went instead).
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_attempt_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    next_attempt_at: Mapped[float] = mapped_column(Float, index=True)
    # An attempt under way holds the row until then; a crash lets the lease run out.
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The admin asked to send it again: it goes even if a newer status was delivered.
    redeliver: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float)


class HookAttempt(Base):
    """One attempt at a delivery and how it went."""

    __tablename__ = "hook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("hook_deliveries.id"), index=True)
    attempted_at: Mapped[float] = mapped_column(Float)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    duration_s: Mapped[float] = mapped_column(Float)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
