"""The migrations build exactly the tables the models describe, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from chorus.config import Settings
from chorus.db import Base, Database, after_commit
from chorus.keys import models as _keys  # noqa: F401
from chorus.tasks import models as _tasks  # noqa: F401


def test_migrations_match_the_models(tmp_path: Path) -> None:
    db = Database(Settings(data_dir=tmp_path))
    db.migrate()
    db.migrate()  # idempotent
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    db.dispose()
    assert diff == []
    assert {"api_keys", "tasks", "clips", "alembic_version"} <= tables
    assert mode == "wal"


def test_after_commit_runs_only_when_the_transaction_commits(tmp_path: Path) -> None:
    db = Database(Settings(data_dir=tmp_path))
    ran: list[str] = []

    def good(session: object) -> None:
        after_commit(session, lambda: ran.append("good"))  # type: ignore[arg-type]

    def bad(session: object) -> None:
        after_commit(session, lambda: ran.append("bad"))  # type: ignore[arg-type]
        raise ValueError("rolled back")

    db.call(good)
    with pytest.raises(ValueError, match="rolled back"):
        db.call(bad)
    db.dispose()
    assert ran == ["good"]
