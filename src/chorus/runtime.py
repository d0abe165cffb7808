"""What the sessions of a running service carry besides the database.

The app installs one :class:`Runtime` on its session factory (:func:`install`); code deep
in a transaction (a status change, a refund) reads it with :func:`runtime` to record
metrics after the commit or wake the delivery loop. Sessions made without it (the CLI,
tests on the database alone) still apply every rule; they just report to no one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from chorus.config import Dialect
from chorus.db import Database, after_commit
from chorus.observability.metrics import Metrics

_INFO_KEY = "chorus.runtime"


@dataclass(frozen=True)
class Runtime:
    """``base_url`` and ``default_dialect`` render callback bodies as fetch would;
    ``wake_deliveries`` is called after a commit that created deliveries."""

    base_url: str
    default_dialect: Dialect
    metrics: Metrics | None = None
    wake_deliveries: Callable[[], None] | None = None


def install(db: Database, value: Runtime) -> None:
    db.sessions.configure(info={_INFO_KEY: value})


def runtime(session: Session) -> Runtime | None:
    value = session.info.get(_INFO_KEY)
    return value if isinstance(value, Runtime) else None


def observe(session: Session, record: Callable[[Metrics], None]) -> None:
    """Call ``record(metrics)`` once the session's transaction commits (if metrics are on)."""
    current = runtime(session)
    if current is not None and current.metrics is not None:
        metrics = current.metrics
        after_commit(session, lambda: record(metrics))
