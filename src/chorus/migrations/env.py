"""Alembic environment: always run programmatically by :meth:`chorus.db.Database.migrate`,
which passes the open connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from chorus.callbacks import models as _callbacks_models  # noqa: F401
from chorus.channels import models as _channels_models  # noqa: F401
from chorus.credits import models as _credits_models  # noqa: F401
from chorus.db import Base
from chorus.keys import models as _keys_models  # noqa: F401  (registers the tables)
from chorus.tasks import models as _tasks_models  # noqa: F401

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # Batch mode lets later revisions alter columns on SQLite too.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
