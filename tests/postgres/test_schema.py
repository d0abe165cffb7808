"""The Alembic revisions build on PostgreSQL exactly the tables the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from chorus.callbacks import models as _callbacks  # noqa: F401  (registers the tables)
from chorus.channels import models as _channels  # noqa: F401
from chorus.config import Settings
from chorus.credits import models as _credits  # noqa: F401
from chorus.db import Base, Database
from chorus.keys import models as _keys  # noqa: F401
from chorus.tasks import models as _tasks  # noqa: F401

pytestmark = pytest.mark.postgres


def test_migrations_match_the_models(pg_url: str) -> None:
    db = Database(Settings(database_url=pg_url))
    try:
        db.migrate()  # idempotent: the session's database is migrated already
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        db.dispose()
    assert diff == []
