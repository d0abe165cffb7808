"""Which lyrics writer answered for a task, and why the built-in one did.

Revision ID: 0004_lyrics_writer
Revises: 0003_billing_hooks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_lyrics_writer"
down_revision = "0003_billing_hooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column("lyrics_source", sa.String(16), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("lyrics_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("lyrics_note")
        batch.drop_column("lyrics_source")
